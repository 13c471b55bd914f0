// PEM parsing and writing of keys (OpenSSL decoders and encoders).
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>

#include "key_material.h"
#include "parvis/protocol/keys.h"

namespace parvis::protocol {
namespace {

struct DecoderDeleter {
  void operator()(OSSL_DECODER_CTX* ctx) const { OSSL_DECODER_CTX_free(ctx); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// The label of the first PEM block ("PUBLIC KEY", "RSA PRIVATE KEY", ...).
Result<std::string_view> PemLabel(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  const size_t begin = pem.find(kBegin);
  if (begin == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "not PEM: no \"-----BEGIN \" line");
  }
  const size_t start = begin + kBegin.size();
  const size_t end = pem.find("-----", start);
  const size_t newline = pem.find('\n', start);
  if (end == std::string_view::npos || (newline != std::string_view::npos && newline < end)) {
    return Fail(ErrorCode::kInvalidArgument, "not PEM: malformed BEGIN line");
  }
  return pem.substr(start, end - start);
}

// Refuses encrypted keys instead of letting OpenSSL ask a terminal.
int NoPassphrase(char*, size_t, size_t*, const OSSL_PARAM[], void*) { return 0; }

Result<EvpPkeyPtr> Decode(std::string_view pem, int selection, std::string_view label) {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderDeleter> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, selection, nullptr, nullptr));
  if (!ctx) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kUnavailable, "OpenSSL has no PEM key decoder");
  }
  OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), NoPassphrase, nullptr);
  const unsigned char* data = reinterpret_cast<const unsigned char*>(pem.data());
  size_t length = pem.size();
  const bool ok = OSSL_DECODER_from_data(ctx.get(), &data, &length) == 1;
  EvpPkeyPtr key(raw);
  ClearOpenSslErrors();
  if (!ok || !key) {
    return Fail(ErrorCode::kInvalidArgument,
                "malformed or truncated \"" + std::string(label) + "\" PEM key");
  }
  return key;
}

Status CheckSize(std::string_view pem) {
  if (pem.size() > kMaxPemBytes) {
    return Fail(ErrorCode::kLimitExceeded, "PEM text is " + std::to_string(pem.size()) +
                                               " bytes, more than the limit of " +
                                               std::to_string(kMaxPemBytes));
  }
  return Ok();
}

template <typename WriteFn>
Result<std::string> WritePem(WriteFn write) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot write the key as PEM");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

// Ed25519 keys live in libsodium; PEM export goes through an OpenSSL copy.
Result<EvpPkeyPtr> EvpFromEd25519(const KeyMaterial& material, bool private_part) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(material.raw.data());
  EvpPkeyPtr key(private_part ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes,
                                                             crypto_sign_SEEDBYTES)
                              : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes,
                                                            crypto_sign_PUBLICKEYBYTES));
  if (!key) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot convert the Ed25519 key");
  }
  return key;
}

}  // namespace

Result<PublicKey> ParsePublicKeyPem(std::string_view pem) {
  if (auto st = CheckSize(pem); !st) return std::unexpected(st.error());
  auto label = PemLabel(pem);
  if (!label) return std::unexpected(label.error());
  if (*label != "PUBLIC KEY" && *label != "RSA PUBLIC KEY") {
    return Fail(
        ErrorCode::kInvalidArgument,
        "expected a \"PUBLIC KEY\" or \"RSA PUBLIC KEY\" PEM, got \"" + std::string(*label) + "\"");
  }
  auto key = Decode(pem, EVP_PKEY_PUBLIC_KEY, *label);
  if (!key) return std::unexpected(key.error());
  return PublicKeyFromEvp(std::move(*key));
}

Result<PrivateKey> ParsePrivateKeyPem(std::string_view pem) {
  if (auto st = CheckSize(pem); !st) return std::unexpected(st.error());
  auto label = PemLabel(pem);
  if (!label) return std::unexpected(label.error());
  if (*label == "ENCRYPTED PRIVATE KEY") {
    return Fail(ErrorCode::kUnsupported, "encrypted private keys are not supported");
  }
  if (*label != "PRIVATE KEY" && *label != "RSA PRIVATE KEY" && *label != "EC PRIVATE KEY") {
    return Fail(
        ErrorCode::kInvalidArgument,
        "expected a \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\" PEM, got \"" +
            std::string(*label) + "\"");
  }
  if (pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    return Fail(ErrorCode::kUnsupported, "encrypted private keys are not supported");
  }
  auto key = Decode(pem, EVP_PKEY_KEYPAIR, *label);
  if (!key) return std::unexpected(key.error());
  return PrivateKeyFromEvp(std::move(*key));
}

Result<std::string> PublicKeyToPem(const PublicKey& key) {
  const KeyMaterial& material = KeyAccess::Of(key);
  if (material.type == KeyType::kHmacSecret) {
    return Fail(ErrorCode::kUnsupported, "an HMAC secret has no PEM form");
  }
  EvpPkeyPtr converted;
  EVP_PKEY* pkey = material.pkey.get();
  if (material.type == KeyType::kEd25519) {
    auto evp = EvpFromEd25519(material, false);
    if (!evp) return std::unexpected(evp.error());
    converted = std::move(*evp);
    pkey = converted.get();
  }
  return WritePem([pkey](BIO* bio) { return PEM_write_bio_PUBKEY(bio, pkey); });
}

Result<std::string> PrivateKeyToPem(const PrivateKey& key) {
  const KeyMaterial& material = KeyAccess::Of(key);
  if (material.type == KeyType::kHmacSecret) {
    return Fail(ErrorCode::kUnsupported, "an HMAC secret has no PEM form");
  }
  EvpPkeyPtr converted;
  EVP_PKEY* pkey = material.pkey.get();
  if (material.type == KeyType::kEd25519) {
    auto evp = EvpFromEd25519(material, true);
    if (!evp) return std::unexpected(evp.error());
    converted = std::move(*evp);
    pkey = converted.get();
  }
  // PEM_write_bio_PrivateKey writes PKCS#8 in OpenSSL 3.
  return WritePem([pkey](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

}  // namespace parvis::protocol
