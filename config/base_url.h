// The node's public URL: the prefix of every id it publishes, so it must be
// one canonical spelling.
#ifndef PARVIS_CONFIG_BASE_URL_H_
#define PARVIS_CONFIG_BASE_URL_H_

#include <expected>
#include <string>
#include <string_view>

namespace parvis::config_schema {

// Accepts an absolute http or https URL with a host (domain name, IPv4, or
// bracketed IPv6), an optional port 1..65535, a path that is empty or "/",
// and no user information, query or fragment. Returns it as
// "scheme://host[:port]": lower-case, no trailing slash, no default port
// (80 for http, 443 for https), IPv6 in its RFC 5952 form. On refusal,
// returns the reason, quoting `text` (`"ftp://x" is not an http or https URL`).
std::expected<std::string, std::string> NormalizeBaseUrl(std::string_view text);

}  // namespace parvis::config_schema

#endif  // PARVIS_CONFIG_BASE_URL_H_
