// Public and private keys for HTTP signatures and Data Integrity proofs.
//
// Keys are immutable values; copies share the key material, so copying is
// cheap and a key may be used from several threads at once. Private key
// bytes held by this library are wiped when the last copy goes away.
#ifndef PARVIS_PROTOCOL_KEYS_H_
#define PARVIS_PROTOCOL_KEYS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::protocol {

enum class KeyType {
  kRsa,  // any modulus size; check bits() before trusting a remote key
  kEd25519,
  kEcdsaP256,   // to verify RFC 9421 test vectors; ActivityPub servers do not use it
  kHmacSecret,  // a shared secret, for the RFC 9421 test vectors only
};

// "RSA", "Ed25519", "ECDSA P-256", "HMAC secret".
const char* KeyTypeName(KeyType type);

// PEM text longer than this is refused (kLimitExceeded).
inline constexpr size_t kMaxPemBytes = 16 * 1024;
// RSA moduli above this many bits are refused: verifying with them is slow.
inline constexpr int kMaxRsaBits = 8192;

struct KeyMaterial;  // private to the library (protocol/key_material.h)

class PublicKey {
 public:
  KeyType type() const;
  // Modulus size for RSA; 256 for Ed25519 and P-256; secret length * 8 for HMAC.
  int bits() const;

 private:
  friend struct KeyAccess;
  explicit PublicKey(std::shared_ptr<const KeyMaterial> material);
  std::shared_ptr<const KeyMaterial> material_;
};

class PrivateKey {
 public:
  KeyType type() const;
  int bits() const;
  // The matching public key.
  PublicKey public_key() const;

 private:
  friend struct KeyAccess;
  explicit PrivateKey(std::shared_ptr<const KeyMaterial> material, PublicKey public_key);
  std::shared_ptr<const KeyMaterial> material_;
  PublicKey public_key_;
};

// Parses "BEGIN PUBLIC KEY" (SPKI: RSA, Ed25519, EC P-256) and
// "BEGIN RSA PUBLIC KEY" (PKCS#1). Text around the PEM block is ignored.
// Garbage, truncated PEM, private-key PEM and other key types are
// kInvalidArgument with a message that says which.
Result<PublicKey> ParsePublicKeyPem(std::string_view pem);

// Parses "BEGIN PRIVATE KEY" (PKCS#8: RSA, RSA-PSS, Ed25519, EC P-256),
// "BEGIN RSA PRIVATE KEY" (PKCS#1) and "BEGIN EC PRIVATE KEY" (SEC1).
// Encrypted keys are kUnsupported; never prompts for a passphrase.
Result<PrivateKey> ParsePrivateKeyPem(std::string_view pem);

// SPKI "BEGIN PUBLIC KEY" PEM, with a final newline. HMAC secrets have no
// PEM form (kUnsupported).
Result<std::string> PublicKeyToPem(const PublicKey& key);

// Unencrypted PKCS#8 "BEGIN PRIVATE KEY" PEM, with a final newline.
Result<std::string> PrivateKeyToPem(const PrivateKey& key);

// New keys from the system's secure random source. `bits` must be within
// [2048, kMaxRsaBits].
Result<PrivateKey> GenerateRsaKey(int bits = 2048);
Result<PrivateKey> GenerateEd25519Key();

// Ed25519 keys from their raw 32-byte forms (RFC 8032).
Result<PublicKey> Ed25519PublicKeyFromBytes(std::string_view public_key);
Result<PrivateKey> Ed25519PrivateKeyFromSeed(std::string_view seed);
// The raw 32 bytes of an Ed25519 public key; kInvalidArgument for other types.
Result<std::string> Ed25519PublicKeyBytes(const PublicKey& key);

// An HMAC secret wrapped as a key, so hmac-sha256 fits the same API.
Result<PublicKey> HmacVerificationKey(std::string_view secret);
Result<PrivateKey> HmacSigningKey(std::string_view secret);

// True when both keys have the same type and the same public material.
bool SamePublicKey(const PublicKey& a, const PublicKey& b);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_KEYS_H_
