// The signature algorithms HTTP signatures and Data Integrity proofs use, and
// raw signing and verification of bytes with them.
#ifndef PARVIS_PROTOCOL_SIGNATURE_ALGORITHM_H_
#define PARVIS_PROTOCOL_SIGNATURE_ALGORITHM_H_

#include <optional>
#include <string>
#include <string_view>

#include "parvis/protocol/keys.h"
#include "parvis/result.h"

namespace parvis::protocol {

enum class SignatureAlgorithm {
  kRsaPkcs1Sha256,   // RSASSA-PKCS1-v1_5 SHA-256: RFC 9421 rsa-v1_5-sha256, cavage rsa-sha256
  kRsaPkcs1Sha512,   // RSASSA-PKCS1-v1_5 SHA-512: cavage rsa-sha512
  kRsaPssSha512,     // RSASSA-PSS, SHA-512, MGF1-SHA-512, 64-byte salt: rsa-pss-sha512
  kEcdsaP256Sha256,  // ECDSA P-256 SHA-256, signature r||s (64 bytes): ecdsa-p256-sha256
  kEd25519,          // Ed25519 (RFC 8032), 64-byte signature
  kHmacSha256,       // HMAC-SHA256, 32-byte tag: hmac-sha256
};

// The RFC 9421 registry name ("rsa-v1_5-sha256", "ed25519", ...).
// kRsaPkcs1Sha512 has none; it is named "rsa-v1_5-sha512" for messages.
const char* SignatureAlgorithmName(SignatureAlgorithm algorithm);

// The algorithm an RFC 9421 `alg` value names; nullopt if unknown.
std::optional<SignatureAlgorithm> SignatureAlgorithmFromName(std::string_view name);

// The key type the algorithm needs.
KeyType KeyTypeFor(SignatureAlgorithm algorithm);

// Signs `message`. A key of the wrong type (or an RSA key restricted to PSS
// used for PKCS#1 v1.5) is kInvalidArgument.
Result<std::string> SignBytes(const PrivateKey& key, SignatureAlgorithm algorithm,
                              std::string_view message);

// Ok when `signature` is a valid signature of `message` under `key`. A bad
// signature, a signature of the wrong length or a key of the wrong type is
// kInvalidArgument.
Status VerifyBytes(const PublicKey& key, SignatureAlgorithm algorithm, std::string_view message,
                   std::string_view signature);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_SIGNATURE_ALGORITHM_H_
