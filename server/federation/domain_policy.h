// Which remote domains the node federates with: the blocklist always
// applies; in allowlist mode only listed domains (and their subdomains) pass.
#ifndef PARVIS_SERVER_FEDERATION_DOMAIN_POLICY_H_
#define PARVIS_SERVER_FEDERATION_DOMAIN_POLICY_H_

#include <optional>
#include <string>
#include <string_view>

#include "parvis/config.h"

namespace parvis::federation {

// The lower-case host of an http(s) URL, without port; nullopt if none.
std::optional<std::string> HostOf(std::string_view url);
// The host with its port when the URL names one ("example.org:8443"), as
// handles write it; nullopt if none.
std::optional<std::string> AuthorityOf(std::string_view url);

class DomainPolicy {
 public:
  explicit DomainPolicy(const Config& config) : config_(config) {}

  // True if the node may exchange with `host` (a domain or a URL's host).
  bool Allows(std::string_view host) const;
  // Allows(HostOf(url)); false for URLs without a host.
  bool AllowsUrl(std::string_view url) const;

 private:
  const Config& config_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_DOMAIN_POLICY_H_
