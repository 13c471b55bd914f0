#include "parvis/protocol/signature_algorithm.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "key_material.h"

namespace parvis::protocol {
namespace {

constexpr size_t kP256ScalarBytes = 32;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};
struct BignumDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status CheckKeyType(KeyType actual, SignatureAlgorithm algorithm) {
  if (actual != KeyTypeFor(algorithm)) {
    return Fail(ErrorCode::kInvalidArgument, std::string("a ") + KeyTypeName(actual) +
                                                 " key cannot be used with " +
                                                 SignatureAlgorithmName(algorithm));
  }
  return Ok();
}

const EVP_MD* DigestFor(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kRsaPkcs1Sha512:
    case SignatureAlgorithm::kRsaPssSha512:
      return EVP_sha512();
    default:
      return EVP_sha256();
  }
}

// Sets RSA padding on a digest-sign or digest-verify context.
bool ConfigureRsa(EVP_PKEY_CTX* pctx, SignatureAlgorithm algorithm) {
  if (algorithm == SignatureAlgorithm::kRsaPssSha512) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha512()) > 0;
  }
  if (algorithm == SignatureAlgorithm::kRsaPkcs1Sha256 ||
      algorithm == SignatureAlgorithm::kRsaPkcs1Sha512) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  }
  return true;
}

std::string HmacSha256(std::string_view secret, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  unsigned char tag[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, Bytes(secret), secret.size());
  crypto_auth_hmacsha256_update(&state, Bytes(message), message.size());
  crypto_auth_hmacsha256_final(&state, tag);
  sodium_memzero(&state, sizeof(state));
  return std::string(reinterpret_cast<char*>(tag), sizeof(tag));
}

// DER ECDSA-Sig-Value -> r||s, each left-padded to 32 bytes.
Result<std::string> EcdsaDerToFixed(std::string_view der) {
  const unsigned char* cursor = Bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "OpenSSL returned a malformed ECDSA signature");
  }
  std::string out(2 * kP256ScalarBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), bytes, kP256ScalarBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), bytes + kP256ScalarBytes, kP256ScalarBytes) < 0) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "ECDSA signature does not fit P-256");
  }
  return out;
}

// r||s -> DER ECDSA-Sig-Value, which OpenSSL verifies.
Result<std::string> EcdsaFixedToDer(std::string_view fixed) {
  if (fixed.size() != 2 * kP256ScalarBytes) {
    return Fail(ErrorCode::kInvalidArgument, "ecdsa-p256-sha256 signature is " +
                                                 std::to_string(fixed.size()) +
                                                 " bytes; expected 64 (r||s)");
  }
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(Bytes(fixed), kP256ScalarBytes, nullptr));
  BignumPtr s(BN_bin2bn(Bytes(fixed) + kP256ScalarBytes, kP256ScalarBytes, nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot convert the ECDSA signature");
  }
  // ECDSA_SIG_set0 took ownership.
  (void)r.release();
  (void)s.release();
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot convert the ECDSA signature");
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

Result<std::string> SignWithEvp(EVP_PKEY* key, bool pss_only, SignatureAlgorithm algorithm,
                                std::string_view message) {
  if (pss_only && algorithm != SignatureAlgorithm::kRsaPssSha512) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("this RSA key is restricted to RSASSA-PSS; ") + "it cannot sign " +
                    SignatureAlgorithmName(algorithm));
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, DigestFor(algorithm), nullptr, key) != 1 ||
      !ConfigureRsa(pctx, algorithm) ||
      EVP_DigestSign(ctx.get(), nullptr, &length, Bytes(message), message.size()) != 1) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument,
                std::string("signing with ") + SignatureAlgorithmName(algorithm) + " failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     Bytes(message), message.size()) != 1) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument,
                std::string("signing with ") + SignatureAlgorithmName(algorithm) + " failed");
  }
  signature.resize(length);
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256) return EcdsaDerToFixed(signature);
  return signature;
}

Status VerifyWithEvp(EVP_PKEY* key, SignatureAlgorithm algorithm, std::string_view message,
                     std::string_view signature) {
  std::string der;
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256) {
    auto converted = EcdsaFixedToDer(signature);
    if (!converted) return std::unexpected(converted.error());
    der = std::move(*converted);
    signature = der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const bool ok = ctx &&
                  EVP_DigestVerifyInit(ctx.get(), &pctx, DigestFor(algorithm), nullptr, key) == 1 &&
                  ConfigureRsa(pctx, algorithm) &&
                  EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                                   message.size()) == 1;
  ClearOpenSslErrors();
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(SignatureAlgorithmName(algorithm)) + " signature does not verify");
  }
  return Ok();
}

}  // namespace

const char* SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      return "rsa-v1_5-sha256";
    case SignatureAlgorithm::kRsaPkcs1Sha512:
      return "rsa-v1_5-sha512";
    case SignatureAlgorithm::kRsaPssSha512:
      return "rsa-pss-sha512";
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return "ecdsa-p256-sha256";
    case SignatureAlgorithm::kEd25519:
      return "ed25519";
    case SignatureAlgorithm::kHmacSha256:
      return "hmac-sha256";
  }
  return "unknown";
}

std::optional<SignatureAlgorithm> SignatureAlgorithmFromName(std::string_view name) {
  for (SignatureAlgorithm algorithm :
       {SignatureAlgorithm::kRsaPkcs1Sha256, SignatureAlgorithm::kRsaPssSha512,
        SignatureAlgorithm::kEcdsaP256Sha256, SignatureAlgorithm::kEd25519,
        SignatureAlgorithm::kHmacSha256}) {
    if (name == SignatureAlgorithmName(algorithm)) return algorithm;
  }
  return std::nullopt;
}

KeyType KeyTypeFor(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPkcs1Sha512:
    case SignatureAlgorithm::kRsaPssSha512:
      return KeyType::kRsa;
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return KeyType::kEcdsaP256;
    case SignatureAlgorithm::kEd25519:
      return KeyType::kEd25519;
    case SignatureAlgorithm::kHmacSha256:
      return KeyType::kHmacSecret;
  }
  return KeyType::kRsa;
}

Result<std::string> SignBytes(const PrivateKey& key, SignatureAlgorithm algorithm,
                              std::string_view message) {
  if (auto st = CheckKeyType(key.type(), algorithm); !st) return std::unexpected(st.error());
  const KeyMaterial& material = KeyAccess::Of(key);
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519: {
      std::string signature(crypto_sign_BYTES, '\0');
      crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                           Bytes(message), message.size(), Bytes(material.raw));
      return signature;
    }
    case SignatureAlgorithm::kHmacSha256:
      return HmacSha256(material.raw, message);
    default:
      return SignWithEvp(material.pkey.get(), material.pss_only, algorithm, message);
  }
}

Status VerifyBytes(const PublicKey& key, SignatureAlgorithm algorithm, std::string_view message,
                   std::string_view signature) {
  if (auto st = CheckKeyType(key.type(), algorithm); !st) return st;
  const KeyMaterial& material = KeyAccess::Of(key);
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519:
      if (signature.size() != crypto_sign_BYTES) {
        return Fail(
            ErrorCode::kInvalidArgument,
            "ed25519 signature is " + std::to_string(signature.size()) + " bytes; expected 64");
      }
      if (!SodiumReady() || crypto_sign_verify_detached(Bytes(signature), Bytes(message),
                                                        message.size(), Bytes(material.raw)) != 0) {
        return Fail(ErrorCode::kInvalidArgument, "ed25519 signature does not verify");
      }
      return Ok();
    case SignatureAlgorithm::kHmacSha256: {
      const std::string expected = HmacSha256(material.raw, message);
      if (signature.size() != expected.size() ||
          sodium_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
        return Fail(ErrorCode::kInvalidArgument, "hmac-sha256 signature does not verify");
      }
      return Ok();
    }
    default:
      return VerifyWithEvp(material.pkey.get(), algorithm, message, signature);
  }
}

}  // namespace parvis::protocol
