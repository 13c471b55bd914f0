#include "base_url.h"

#include <boost/url.hpp>
#include <charconv>
#include <cstdint>
#include <optional>

#include "config_schema.h"
#include "domain_name.h"

namespace parvis::config_schema {
namespace {

// Reads the port as written: url_view::port_number() wraps values above 65535.
std::optional<uint16_t> ParsePort(std::string_view digits) {
  uint64_t port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (error != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

std::expected<std::string, std::string> NormalizeBaseUrl(std::string_view text) {
  const std::string quoted = Quote(text);
  // parse_uri rather than parse_absolute_uri: the latter refuses a fragment
  // with a grammar error, where we want to say what is wrong.
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::unexpected(quoted + " is not an absolute URL");
  const boost::urls::url_view url = *parsed;

  const boost::urls::scheme scheme = url.scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    return std::unexpected(quoted + " is not an http or https URL");
  }
  const bool https = scheme == boost::urls::scheme::https;
  if (!url.has_authority() || url.encoded_host().empty()) {
    return std::unexpected(quoted + " has no host");
  }
  if (url.has_userinfo()) return std::unexpected(quoted + " must not have user information");
  if (!url.encoded_path().empty() && url.encoded_path() != "/") {
    return std::unexpected(quoted + " must not have a path");
  }
  if (url.has_query()) return std::unexpected(quoted + " must not have a query");
  if (url.has_fragment()) return std::unexpected(quoted + " must not have a fragment");

  std::string host;
  switch (url.host_type()) {
    case boost::urls::host_type::name: {
      const auto name = NormalizeDomainName(url.encoded_host());
      if (!name) return std::unexpected(quoted + " has an invalid host name");
      host = *name;
      break;
    }
    case boost::urls::host_type::ipv4:
      host = url.host_ipv4_address().to_string();
      break;
    case boost::urls::host_type::ipv6:
      // Appended piecewise: `"[" + string` trips g++ 12's -Wrestrict at -O3.
      host = '[';
      host += url.host_ipv6_address().to_string();
      host += ']';
      break;
    default:
      return std::unexpected(quoted + " has an invalid host");
  }

  if (url.has_port()) {
    if (url.port().empty()) return std::unexpected(quoted + " has an empty port");
    const auto port = ParsePort(url.port());
    if (!port) return std::unexpected(quoted + " has a port outside 1..65535");
    // The default port is dropped so that one node has one spelling of its ids.
    if (*port != (https ? 443 : 80)) host += ":" + std::to_string(*port);
  }
  return std::string(https ? "https://" : "http://") + host;
}

}  // namespace parvis::config_schema
