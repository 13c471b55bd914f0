#include "parvis/protocol/multikey.h"

#include <openssl/decoder.h>
#include <openssl/encoder.h>

#include "key_material.h"
#include "parvis/protocol/base58.h"

namespace parvis::protocol {
namespace {

// Multicodec codes as unsigned varints.
constexpr std::string_view kEd25519Prefix("\xed\x01", 2);  // 0xed ed25519-pub
constexpr std::string_view kRsaPrefix("\x85\x24", 2);      // 0x1205 rsa-pub

struct EncoderDeleter {
  void operator()(OSSL_ENCODER_CTX* ctx) const { OSSL_ENCODER_CTX_free(ctx); }
};
struct DecoderDeleter {
  void operator()(OSSL_DECODER_CTX* ctx) const { OSSL_DECODER_CTX_free(ctx); }
};

Result<std::string> RsaPublicKeyDer(EVP_PKEY* key) {
  std::unique_ptr<OSSL_ENCODER_CTX, EncoderDeleter> ctx(
      OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_PUBLIC_KEY, "DER", "type-specific", nullptr));
  unsigned char* der = nullptr;
  size_t length = 0;
  if (!ctx || OSSL_ENCODER_to_data(ctx.get(), &der, &length) != 1) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot encode the RSA key as PKCS#1");
  }
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return out;
}

Result<PublicKey> RsaPublicKeyFromDer(std::string_view der) {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderDeleter> ctx(OSSL_DECODER_CTX_new_for_pkey(
      &raw, "DER", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
  const unsigned char* data = reinterpret_cast<const unsigned char*>(der.data());
  size_t length = der.size();
  const bool ok = ctx && OSSL_DECODER_from_data(ctx.get(), &data, &length) == 1;
  EvpPkeyPtr key(raw);
  ClearOpenSslErrors();
  if (!ok || !key || length != 0) {
    return Fail(ErrorCode::kInvalidArgument, "Multikey holds a malformed RSA public key");
  }
  return PublicKeyFromEvp(std::move(key));
}

}  // namespace

Result<std::string> EncodeMultikey(const PublicKey& key) {
  const KeyMaterial& material = KeyAccess::Of(key);
  switch (material.type) {
    case KeyType::kEd25519:
      return EncodeMultibaseBase58Btc(std::string(kEd25519Prefix) + material.raw);
    case KeyType::kRsa: {
      auto der = RsaPublicKeyDer(material.pkey.get());
      if (!der) return der;
      return EncodeMultibaseBase58Btc(std::string(kRsaPrefix) + *der);
    }
    default:
      return Fail(ErrorCode::kUnsupported,
                  std::string("no Multikey form for ") + KeyTypeName(material.type) + " keys");
  }
}

Result<PublicKey> DecodeMultikey(std::string_view public_key_multibase) {
  auto bytes = DecodeMultibaseBase58Btc(public_key_multibase);
  if (!bytes) return std::unexpected(bytes.error());
  const std::string_view view(*bytes);
  if (view.starts_with(kEd25519Prefix)) {
    auto key = Ed25519PublicKeyFromBytes(view.substr(kEd25519Prefix.size()));
    if (!key) {
      return Fail(ErrorCode::kInvalidArgument, "Multikey: " + key.error().message);
    }
    return key;
  }
  if (view.starts_with(kRsaPrefix)) return RsaPublicKeyFromDer(view.substr(kRsaPrefix.size()));
  return Fail(ErrorCode::kUnsupported, "Multikey uses an unsupported multicodec key type");
}

}  // namespace parvis::protocol
