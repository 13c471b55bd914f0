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
Result<rapidjson::Document> ParseJson(std::string_view text, const JsonLimits& limits);

// The string member `key` of `object`; nullopt if `object` is not an object
// or the member is absent or not a string.
std::optional<std::string> StringMember(const rapidjson::Value& object, const char* key);

// Serialises a value compactly.
std::string WriteJson(const rapidjson::Value& value);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_JSON_H_
