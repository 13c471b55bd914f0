// Sodium start-up, randomness, base64url, the KDF and X25519 (docs/e2ee.md §2).
#include <sodium.h>

#include "e2ee_bytes.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::kLabelPrefix;
using internal::Uc;

bool EnsureSodium() {
  // sodium_init is itself thread-safe; the static only spares repeat calls.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

RandomSource SystemRandom() {
  return [](std::span<unsigned char> out) {
    EnsureSodium();
    randombytes_buf(out.data(), out.size());
  };
}

std::string EncodeBase64Url(std::string_view bytes) {
  EnsureSodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), Uc(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> DecodeBase64Url(std::string_view text) {
  EnsureSodium();
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok)
      return Fail(ErrorCode::kInvalidArgument, "base64url holds a character outside its alphabet");
  }
  if (text.size() % 4 == 1)
    return Fail(ErrorCode::kInvalidArgument, "base64url has an impossible length");
  std::string out(text.size() * 3 / 4 + 1, '\0');
  size_t written = 0;
  const char* end = nullptr;
  // libsodium also refuses non-zero bits after the last byte (a non-canonical form).
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return Fail(ErrorCode::kInvalidArgument, "base64url is not canonical");
  }
  out.resize(written);
  return out;
}

std::string Kdf(std::string_view key, std::string_view label, std::string_view input, size_t n) {
  EnsureSodium();
  std::string message;
  message.reserve(kLabelPrefix.size() + label.size() + 1 + input.size());
  message.append(kLabelPrefix).append(label).push_back('\0');
  message.append(input);
  std::string out(n, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), n, Uc(message), message.size(),
                     key.empty() ? nullptr : Uc(key), key.size());
  return out;
}

Result<Key32> Dh(const Key32& secret, const Key32& public_key) {
  EnsureSodium();
  Key32 out{};
  // A low-order public key gives all zeros: refuse it rather than derive from it.
  if (crypto_scalarmult(out.data(), secret.data(), public_key.data()) != 0 ||
      sodium_is_zero(out.data(), out.size())) {
    return Fail(ErrorCode::kInvalidArgument, "X25519 gave an all-zero result (a low-order key)");
  }
  return out;
}

}  // namespace parvis::protocol::e2ee
