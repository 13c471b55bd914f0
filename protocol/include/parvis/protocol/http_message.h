// The view of an HTTP message that signing and verification read. The server
// fills it from what it received (or is about to send); nothing here parses
// HTTP.
#ifndef PARVIS_PROTOCOL_HTTP_MESSAGE_H_
#define PARVIS_PROTOCOL_HTTP_MESSAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parvis::protocol {

struct HttpMessage {
  // Request method as sent ("POST"). Empty for a response.
  std::string method;
  // The request target as sent: path and query ("/users/a/inbox?x=1"), or
  // an absolute URI (absolute-form).
  std::string target;
  // The authority the request was addressed to: the Host header value
  // ("example.com", "example.com:8443").
  std::string authority;
  // "https" or "http".
  std::string scheme = "https";
  // Field lines in the order received, names lower-cased; a name may repeat.
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for responses only.
  std::optional<int> status;

  // Every field line named `name` (compared case-insensitively), each value
  // stripped of surrounding spaces and tabs, joined with ", " (RFC 9110 §5.3).
  // nullopt when no line has that name.
  std::optional<std::string> FieldValue(std::string_view name) const;

  // Each field line's stripped value, in order.
  std::vector<std::string_view> FieldLines(std::string_view name) const;
};

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_HTTP_MESSAGE_H_
