// Standard base64 (RFC 4648 §4, with padding), as HTTP signatures, digests and
// structured-field byte sequences use it.
#ifndef PARVIS_PROTOCOL_BASE64_H_
#define PARVIS_PROTOCOL_BASE64_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::protocol {

// Longest base64 text DecodeBase64 accepts (kLimitExceeded beyond it).
inline constexpr size_t kMaxBase64Chars = 1 << 20;

// Encodes `bytes` with the standard alphabet and '=' padding.
std::string EncodeBase64(std::string_view bytes);

// Decodes padded standard base64. Whitespace, the URL-safe alphabet, missing
// or extra padding and any other character are kInvalidArgument.
Result<std::string> DecodeBase64(std::string_view text);

// As DecodeBase64, but also accepts text whose '=' padding was left off.
Result<std::string> DecodeBase64AllowingMissingPadding(std::string_view text);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_BASE64_H_
