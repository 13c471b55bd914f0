// Domain names as the federation lists and base_url hold them.
#ifndef PARVIS_CONFIG_DOMAIN_NAME_H_
#define PARVIS_CONFIG_DOMAIN_NAME_H_

#include <optional>
#include <string>
#include <string_view>

namespace parvis::config_schema {

// Returns `text` lower-cased if it is a host name: dot-separated labels of
// ASCII letters, digits and hyphens, each 1..63 long and not starting or
// ending with a hyphen, 253 characters at most, the last label not all
// digits (that would be a mistyped IPv4 address). No port, no trailing dot.
// Returns nullopt otherwise.
std::optional<std::string> NormalizeDomainName(std::string_view text);

}  // namespace parvis::config_schema

#endif  // PARVIS_CONFIG_DOMAIN_NAME_H_
