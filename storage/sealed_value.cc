// Sealed values: XChaCha20-Poly1305 with the record's place as additional data.
//
// Layout: version (1 byte, 0x01) | nonce (24 bytes) | ciphertext | tag (16 bytes).
// Additional data: FamilyName(family) + '\0' + key. No family name contains a
// NUL byte, so (family, key) pairs map to distinct additional data.
#include <sodium.h>

#include <string>

#include "parvis/storage.h"
#include "printable_key.h"
#include "sodium_init.h"

namespace parvis::storage {

namespace {

constexpr unsigned char kSealVersion = 0x01;
constexpr size_t kVersionSize = 1;
constexpr size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kHeaderSize = kVersionSize + kNonceSize;

static_assert(DataKey::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

std::string AdditionalData(Family family, std::string_view key) {
  std::string ad = FamilyName(family);
  ad += '\0';
  ad.append(key);
  return ad;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Where(Family family, std::string_view key) {
  return std::string("sealed value at ") + FamilyName(family) + "/" + PrintableKey(key);
}

}  // namespace

std::string SealValue(const DataKey& data_key, Family family, std::string_view key,
                      std::string_view plaintext) {
  EnsureSodiumInitialized();
  const std::string ad = AdditionalData(family, key);
  std::string sealed(kHeaderSize + plaintext.size() + kTagSize, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  out[0] = kSealVersion;
  unsigned char* nonce = out + kVersionSize;
  // A random 192-bit nonce never repeats in practice, so no counter is stored.
  randombytes_buf(nonce, kNonceSize);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + kHeaderSize, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(),
                                             /*nsec=*/nullptr, nonce, Bytes(data_key.bytes()));
  sealed.resize(kHeaderSize + written);
  return sealed;
}

Result<std::string> OpenSealedValue(const DataKey& data_key, Family family, std::string_view key,
                                    std::string_view sealed) {
  EnsureSodiumInitialized();
  if (sealed.size() < kHeaderSize + kTagSize) {
    return Fail(ErrorCode::kCorruption, Where(family, key) + " is " +
                                            std::to_string(sealed.size()) +
                                            " bytes, shorter than any sealed value");
  }
  const auto version = static_cast<unsigned char>(sealed[0]);
  if (version != kSealVersion) {
    return Fail(ErrorCode::kCorruption,
                Where(family, key) + " has unknown format version " + std::to_string(version));
  }
  const std::string ad = AdditionalData(family, key);
  const unsigned char* nonce = Bytes(sealed) + kVersionSize;
  const std::string_view box = sealed.substr(kHeaderSize);
  std::string plaintext(box.size() - kTagSize, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &written, /*nsec=*/nullptr,
          Bytes(box), box.size(), Bytes(ad), ad.size(), nonce, Bytes(data_key.bytes())) != 0) {
    return Fail(ErrorCode::kCorruption,
                Where(family, key) +
                    " does not authenticate: altered, moved from another key, or sealed with "
                    "another data key");
  }
  plaintext.resize(written);
  return plaintext;
}

}  // namespace parvis::storage
