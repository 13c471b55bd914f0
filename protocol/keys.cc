#include "parvis/protocol/keys.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include "key_material.h"

namespace parvis::protocol {
namespace {

constexpr size_t kEd25519PublicBytes = crypto_sign_PUBLICKEYBYTES;
constexpr size_t kEd25519SeedBytes = crypto_sign_SEEDBYTES;
constexpr size_t kMaxHmacSecretBytes = 1024;

int BitsOf(const KeyMaterial& material) {
  switch (material.type) {
    case KeyType::kRsa:
    case KeyType::kEcdsaP256:
      return EVP_PKEY_get_bits(material.pkey.get());
    case KeyType::kEd25519:
      return 256;
    case KeyType::kHmacSecret:
      return static_cast<int>(material.raw.size() * 8);
  }
  return 0;
}

// The public half of an OpenSSL private key, through its SPKI encoding.
Result<EvpPkeyPtr> PublicHalf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot extract the public key");
  }
  const unsigned char* cursor = der;
  EvpPkeyPtr out(d2i_PUBKEY(nullptr, &cursor, length));
  OPENSSL_free(der);
  if (!out) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kInvalidArgument, "cannot extract the public key");
  }
  return out;
}

}  // namespace

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

void ClearOpenSslErrors() { ERR_clear_error(); }

const char* KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEd25519:
      return "Ed25519";
    case KeyType::kEcdsaP256:
      return "ECDSA P-256";
    case KeyType::kHmacSecret:
      return "HMAC secret";
  }
  return "unknown";
}

PublicKey::PublicKey(std::shared_ptr<const KeyMaterial> material)
    : material_(std::move(material)) {}
KeyType PublicKey::type() const { return material_->type; }
int PublicKey::bits() const { return BitsOf(*material_); }

PrivateKey::PrivateKey(std::shared_ptr<const KeyMaterial> material, PublicKey public_key)
    : material_(std::move(material)), public_key_(std::move(public_key)) {}
KeyType PrivateKey::type() const { return material_->type; }
int PrivateKey::bits() const { return BitsOf(*material_); }
PublicKey PrivateKey::public_key() const { return public_key_; }

Result<PublicKey> PublicKeyFromEvp(EvpPkeyPtr key) {
  auto material = std::make_shared<KeyMaterial>();
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: {
      const int bits = EVP_PKEY_get_bits(key.get());
      if (bits > kMaxRsaBits) {
        return Fail(ErrorCode::kLimitExceeded, "RSA key has " + std::to_string(bits) +
                                                   " bits, more than the limit of " +
                                                   std::to_string(kMaxRsaBits));
      }
      material->type = KeyType::kRsa;
      material->pss_only = EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA_PSS;
      break;
    }
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t length = 0;
      if (EVP_PKEY_get_group_name(key.get(), group, sizeof(group), &length) != 1 ||
          std::string_view(group, length) != "prime256v1") {
        ClearOpenSslErrors();
        return Fail(ErrorCode::kInvalidArgument, "EC key is not on the P-256 curve");
      }
      material->type = KeyType::kEcdsaP256;
      break;
    }
    case EVP_PKEY_ED25519: {
      unsigned char raw[kEd25519PublicBytes];
      size_t length = sizeof(raw);
      if (EVP_PKEY_get_raw_public_key(key.get(), raw, &length) != 1 || length != sizeof(raw)) {
        ClearOpenSslErrors();
        return Fail(ErrorCode::kInvalidArgument, "malformed Ed25519 public key");
      }
      return Ed25519PublicKeyFromBytes(std::string_view(reinterpret_cast<char*>(raw), length));
    }
    default: {
      const char* name = EVP_PKEY_get0_type_name(key.get());
      return Fail(ErrorCode::kInvalidArgument, std::string("unsupported key type ") +
                                                   (name ? name : "(unknown)") +
                                                   "; expected RSA, Ed25519 or EC P-256");
    }
  }
  material->pkey = std::move(key);
  return KeyAccess::MakePublic(std::move(material));
}

Result<PrivateKey> PrivateKeyFromEvp(EvpPkeyPtr key) {
  if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_ED25519) {
    unsigned char seed[kEd25519SeedBytes];
    size_t length = sizeof(seed);
    if (EVP_PKEY_get_raw_private_key(key.get(), seed, &length) != 1 || length != sizeof(seed)) {
      ClearOpenSslErrors();
      return Fail(ErrorCode::kInvalidArgument, "malformed Ed25519 private key");
    }
    auto out = Ed25519PrivateKeyFromSeed(std::string_view(reinterpret_cast<char*>(seed), length));
    sodium_memzero(seed, sizeof(seed));
    return out;
  }
  auto half = PublicHalf(key.get());
  if (!half) return std::unexpected(half.error());
  auto public_key = PublicKeyFromEvp(std::move(*half));
  if (!public_key) return std::unexpected(public_key.error());
  auto material = std::make_shared<KeyMaterial>();
  material->type = public_key->type();
  material->pss_only = KeyAccess::Of(*public_key).pss_only;
  material->pkey = std::move(key);
  return KeyAccess::MakePrivate(std::move(material), std::move(*public_key));
}

Result<PrivateKey> GenerateRsaKey(int bits) {
  if (bits < 2048 || bits > kMaxRsaBits) {
    return Fail(ErrorCode::kInvalidArgument, "RSA key size " + std::to_string(bits) +
                                                 " is outside [2048, " +
                                                 std::to_string(kMaxRsaBits) + "]");
  }
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) {
    ClearOpenSslErrors();
    return Fail(ErrorCode::kUnavailable, "RSA key generation failed");
  }
  return PrivateKeyFromEvp(std::move(key));
}

Result<PrivateKey> GenerateEd25519Key() {
  if (!SodiumReady()) return Fail(ErrorCode::kUnavailable, "libsodium cannot be initialised");
  unsigned char seed[kEd25519SeedBytes];
  randombytes_buf(seed, sizeof(seed));
  auto out =
      Ed25519PrivateKeyFromSeed(std::string_view(reinterpret_cast<char*>(seed), sizeof(seed)));
  sodium_memzero(seed, sizeof(seed));
  return out;
}

Result<PublicKey> Ed25519PublicKeyFromBytes(std::string_view public_key) {
  if (public_key.size() != kEd25519PublicBytes) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "Ed25519 public key is " + std::to_string(public_key.size()) + " bytes; expected 32");
  }
  auto material = std::make_shared<KeyMaterial>();
  material->type = KeyType::kEd25519;
  material->raw = std::string(public_key);
  return KeyAccess::MakePublic(std::move(material));
}

Result<PrivateKey> Ed25519PrivateKeyFromSeed(std::string_view seed) {
  if (seed.size() != kEd25519SeedBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "Ed25519 seed is " + std::to_string(seed.size()) + " bytes; expected 32");
  }
  if (!SodiumReady()) return Fail(ErrorCode::kUnavailable, "libsodium cannot be initialised");
  auto material = std::make_shared<KeyMaterial>();
  material->type = KeyType::kEd25519;
  material->raw.assign(crypto_sign_SECRETKEYBYTES, '\0');
  unsigned char public_key[kEd25519PublicBytes];
  crypto_sign_seed_keypair(public_key, reinterpret_cast<unsigned char*>(material->raw.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  auto pub = Ed25519PublicKeyFromBytes(
      std::string_view(reinterpret_cast<char*>(public_key), sizeof(public_key)));
  if (!pub) return std::unexpected(pub.error());
  return KeyAccess::MakePrivate(std::move(material), std::move(*pub));
}

Result<std::string> Ed25519PublicKeyBytes(const PublicKey& key) {
  if (key.type() != KeyType::kEd25519) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("expected an Ed25519 key, got ") + KeyTypeName(key.type()));
  }
  return KeyAccess::Of(key).raw;
}

Result<PublicKey> HmacVerificationKey(std::string_view secret) {
  if (secret.empty() || secret.size() > kMaxHmacSecretBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "HMAC secret must be 1 to " + std::to_string(kMaxHmacSecretBytes) + " bytes");
  }
  auto material = std::make_shared<KeyMaterial>();
  material->type = KeyType::kHmacSecret;
  material->raw = std::string(secret);
  return KeyAccess::MakePublic(std::move(material));
}

Result<PrivateKey> HmacSigningKey(std::string_view secret) {
  auto verification = HmacVerificationKey(secret);
  if (!verification) return std::unexpected(verification.error());
  auto material = std::make_shared<KeyMaterial>();
  material->type = KeyType::kHmacSecret;
  material->raw = std::string(secret);
  return KeyAccess::MakePrivate(std::move(material), std::move(*verification));
}

bool SamePublicKey(const PublicKey& a, const PublicKey& b) {
  const KeyMaterial& x = KeyAccess::Of(a);
  const KeyMaterial& y = KeyAccess::Of(b);
  if (x.type != y.type) return false;
  if (x.pkey || y.pkey) {
    if (!x.pkey || !y.pkey) return false;
    const bool same = EVP_PKEY_eq(x.pkey.get(), y.pkey.get()) == 1;
    ClearOpenSslErrors();
    return same;
  }
  return x.raw.size() == y.raw.size() &&
         sodium_memcmp(x.raw.data(), y.raw.data(), x.raw.size()) == 0;
}

}  // namespace parvis::protocol
