#include "parvis/protocol/base64.h"

#include <sodium.h>

namespace parvis::protocol {
namespace {

Result<std::string> Decode(std::string_view text, int variant) {
  if (text.size() > kMaxBase64Chars) {
    return Fail(ErrorCode::kLimitExceeded, "base64 text is " + std::to_string(text.size()) +
                                               " characters, more than the limit of " +
                                               std::to_string(kMaxBase64Chars));
  }
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  const char* end = nullptr;
  // With `end` set, libsodium stops at the first character it cannot use
  // instead of failing; anything left over means the text was not base64.
  int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                             text.size(), nullptr, &length, &end, variant);
  if (rc != 0 || end != text.data() + text.size()) {
    return Fail(ErrorCode::kInvalidArgument, "invalid base64 text");
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string EncodeBase64(std::string_view bytes) {
  const size_t size = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);  // libsodium writes a terminating NUL
  return out;
}

Result<std::string> DecodeBase64(std::string_view text) {
  return Decode(text, sodium_base64_VARIANT_ORIGINAL);
}

Result<std::string> DecodeBase64AllowingMissingPadding(std::string_view text) {
  if (text.find('=') == std::string_view::npos) {
    return Decode(text, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  }
  return Decode(text, sodium_base64_VARIANT_ORIGINAL);
}

}  // namespace parvis::protocol
