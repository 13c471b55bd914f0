// What a PublicKey or PrivateKey holds, for the library's own .cc files only.
#ifndef PARVIS_PROTOCOL_KEY_MATERIAL_H_
#define PARVIS_PROTOCOL_KEY_MATERIAL_H_

#include <openssl/evp.h>
#include <sodium.h>

#include <memory>
#include <string>

#include "parvis/protocol/keys.h"

namespace parvis::protocol {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

struct KeyMaterial {
  KeyMaterial() = default;
  KeyMaterial(const KeyMaterial&) = delete;
  KeyMaterial& operator=(const KeyMaterial&) = delete;
  ~KeyMaterial() { sodium_memzero(raw.data(), raw.size()); }

  KeyType type = KeyType::kRsa;
  // RSA and ECDSA keys (public or private).
  EvpPkeyPtr pkey;
  // Ed25519: the 32-byte public key, or libsodium's 64-byte secret key
  // (seed followed by public key). HMAC: the secret.
  std::string raw;
  // An RSA key whose algorithm identifier is id-RSASSA-PSS: OpenSSL refuses
  // PKCS#1 v1.5 signatures with it.
  bool pss_only = false;
};

// The library's door into the key classes.
struct KeyAccess {
  static const KeyMaterial& Of(const PublicKey& key) { return *key.material_; }
  static const KeyMaterial& Of(const PrivateKey& key) { return *key.material_; }
  static PublicKey MakePublic(std::shared_ptr<const KeyMaterial> material) {
    return PublicKey(std::move(material));
  }
  static PrivateKey MakePrivate(std::shared_ptr<const KeyMaterial> material, PublicKey public_key) {
    return PrivateKey(std::move(material), std::move(public_key));
  }
};

// Wrap a decoded or generated OpenSSL key (RSA, RSA-PSS, EC P-256, Ed25519),
// checking its type and size. A private key's public half is extracted.
Result<PublicKey> PublicKeyFromEvp(EvpPkeyPtr key);
Result<PrivateKey> PrivateKeyFromEvp(EvpPkeyPtr key);

// libsodium must be initialised once before use; false if it cannot be.
bool SodiumReady();

// Empties OpenSSL's per-thread error queue after a failed call, so a stale
// error cannot be mistaken for a later one.
void ClearOpenSslErrors();

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_KEY_MATERIAL_H_
