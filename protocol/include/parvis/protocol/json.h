// JSON parsing with bounds, for every JSON that comes from outside the node
// (request bodies, remote documents, the configuration file).
#ifndef PARVIS_PROTOCOL_JSON_H_
#define PARVIS_PROTOCOL_JSON_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::protocol {

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // longer input: kLimitExceeded
  unsigned max_depth = 64;     // deeper nesting of arrays/objects: kLimitExceeded
};

// Parses `text` into a document. Never recurses on the input's nesting, so
// hostile input cannot exhaust the stack. Errors (kInvalidArgument for
// malformed JSON, kLimitExceeded for size or depth) say what and where:
//   "invalid JSON at byte 17: missing a comma or '}' after an object member"
//   "JSON nested deeper than 64 levels at byte 65"
// Numbers: an integer (no fraction, no exponent) that fits int64 or uint64
// is held as one; any other number as the nearest double (correctly
// rounded, so WriteJson's output reads back to the same value), a zero if
// it is below the smallest subnormal; a number above the largest double is
// kInvalidArgument ("invalid JSON at byte 5: number beyond the range of a
// double (about 1.8e308)"). No parsed document holds NaN or an infinity.
Result<rapidjson::Document> ParseJson(std::string_view text, const JsonLimits& limits);

// The string member `key` of `object`; nullopt if `object` is not an object
// or the member is absent or not a string.
std::optional<std::string> StringMember(const rapidjson::Value& object, const char* key);

// Serialises a value compactly. `value` must hold no NaN nor infinity
// (RapidJSON's writer stops there and the text is cut short).
std::string WriteJson(const rapidjson::Value& value);
// The length of WriteJson(value), counted without writing it.
size_t WrittenJsonSize(const rapidjson::Value& value);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_JSON_H_
