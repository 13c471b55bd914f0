// Which remote domains the node federates with: the blocklist always
// applies; in allowlist mode only listed domains (and their subdomains) pass.
#ifndef PARVIS_SERVER_FEDERATION_DOMAIN_POLICY_H_
#define PARVIS_SERVER_FEDERATION_DOMAIN_POLICY_H_

#include <optional>
#include <set>
#include <shared_mutex>
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

  // True if the node may exchange with `host` (a domain or a URL's host):
  // neither the configuration nor a moderator blocks it.
  bool Allows(std::string_view host) const;
  // Allows(HostOf(url)); false for URLs without a host.
  bool AllowsUrl(std::string_view url) const;

  // Moderators' decisions (moderation/moderation_service.h), which keeps
  // them in storage and sets them here at start-up and when made: a blocked
  // host (and its subdomains) is refused like a configured one; a suspended
  // actor's signed requests are refused.
  // A limited actor is kept out of public timelines and shown only to its
  // followers. An appeal that overturns a decision lifts it.
  void BlockHost(std::string host);
  void UnblockHost(std::string_view host);
  void SuspendActor(std::string actor);
  void UnsuspendActor(std::string_view actor);
  bool IsSuspended(std::string_view actor) const;
  void LimitActor(std::string actor);
  void UnlimitActor(std::string_view actor);
  bool IsLimited(std::string_view actor) const;

 private:
  const Config& config_;
  mutable std::shared_mutex mutex_;  // guards the three sets below
  std::set<std::string, std::less<>> blocked_hosts_;
  std::set<std::string, std::less<>> suspended_actors_;
  std::set<std::string, std::less<>> limited_actors_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_DOMAIN_POLICY_H_
