// RFC 8785 JSON Canonicalization Scheme (JCS), the byte form Data Integrity
// proofs (eddsa-jcs-2022) hash.
#ifndef PARVIS_PROTOCOL_JSON_CANONICALIZATION_H_
#define PARVIS_PROTOCOL_JSON_CANONICALIZATION_H_

#include <rapidjson/document.h>

#include <string>

#include "parvis/result.h"

namespace parvis::protocol {

// Deeper nesting is kLimitExceeded (the canonicalizer recurses).
inline constexpr unsigned kMaxCanonicalJsonDepth = 128;

// The canonical form of `value`: no whitespace, object members sorted by the
// UTF-16 code units of their names, strings with JSON.stringify's escapes,
// numbers as ECMAScript writes them (integers beyond 2^53 are rounded to the
// nearest double first, as JSON.parse would). Duplicate member names,
// invalid UTF-8, NaN and infinities are kInvalidArgument.
//
// Note: ParseJson reads every decimal as the nearest double; RapidJSON's own
// Parse does only with kParseFullPrecisionFlag (and then not safely in 1.1),
// so a document parsed with it may hold a double one unit off the sender's.
Result<std::string> CanonicalizeJson(const rapidjson::Value& value);

// ECMAScript Number::toString of `value` (RFC 8785 §3.2.2.3): "0", "4.5",
// "1e+30", "5e-324", "333333333.3333333". NaN and infinities are
// kInvalidArgument.
Result<std::string> FormatJsonNumber(double value);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_JSON_CANONICALIZATION_H_
