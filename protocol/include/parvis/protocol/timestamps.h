// Timestamps as HTTP and ActivityPub write them, converted to and from Unix
// seconds without the C library's time zone state.
#ifndef PARVIS_PROTOCOL_TIMESTAMPS_H_
#define PARVIS_PROTOCOL_TIMESTAMPS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::protocol {

// Parses an IMF-fixdate (RFC 9110 §5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT".
// The obsolete RFC 850 and asctime forms, other zones and out-of-range fields
// are kInvalidArgument.
Result<int64_t> ParseHttpDate(std::string_view text);

// The IMF-fixdate for `unix_seconds` (years 1 to 9999).
std::string FormatHttpDate(int64_t unix_seconds);

// Parses an RFC 3339 date-time: "2025-03-14T17:20:01Z", with optional
// fractional seconds (dropped) and a "Z" or "+hh:mm"/"-hh:mm" offset.
Result<int64_t> ParseRfc3339(std::string_view text);

// "2025-03-14T17:20:01Z".
std::string FormatRfc3339Utc(int64_t unix_seconds);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_TIMESTAMPS_H_
