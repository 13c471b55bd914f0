#include "server/federation/domain_policy.h"

#include <cctype>

#include <boost/url/parse.hpp>

namespace parvis::federation {
namespace {

// `host` is `domain` or one of its subdomains: a block of example.org also
// blocks social.example.org.
bool Covers(std::string_view domain, std::string_view host) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

}  // namespace

std::optional<std::string> HostOf(std::string_view url) {
  // parse_uri, not parse_absolute_uri: key ids carry a fragment.
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->host_type() == boost::urls::host_type::none) return std::nullopt;
  std::string host = parsed->host_type() == boost::urls::host_type::ipv6
                         ? std::string(parsed->host_address())
                         : parsed->host();
  if (host.empty()) return std::nullopt;
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

std::optional<std::string> AuthorityOf(std::string_view url) {
  std::optional<std::string> host = HostOf(url);
  if (!host) return std::nullopt;
  auto parsed = boost::urls::parse_uri(url);
  if (parsed && parsed->has_port()) return *host + ":" + std::string(parsed->port());
  return host;
}

bool DomainPolicy::Allows(std::string_view host) const {
  for (const std::string& blocked : config_.blocklist) {
    if (Covers(blocked, host)) return false;
  }
  {
    std::shared_lock lock(mutex_);
    for (const std::string& blocked : blocked_hosts_) {
      if (Covers(blocked, host)) return false;
    }
  }
  if (config_.federation == FederationMode::kAllowlist) {
    for (const std::string& allowed : config_.allowlist) {
      if (Covers(allowed, host)) return true;
    }
    return false;
  }
  return true;
}

bool DomainPolicy::AllowsUrl(std::string_view url) const {
  std::optional<std::string> host = HostOf(url);
  return host && Allows(*host);
}

void DomainPolicy::BlockHost(std::string host) {
  std::unique_lock lock(mutex_);
  blocked_hosts_.insert(std::move(host));
}

void DomainPolicy::SuspendActor(std::string actor) {
  std::unique_lock lock(mutex_);
  suspended_actors_.insert(std::move(actor));
}

bool DomainPolicy::IsSuspended(std::string_view actor) const {
  std::shared_lock lock(mutex_);
  return suspended_actors_.find(actor) != suspended_actors_.end();
}

void DomainPolicy::UnblockHost(std::string_view host) {
  std::unique_lock lock(mutex_);
  if (auto it = blocked_hosts_.find(host); it != blocked_hosts_.end()) blocked_hosts_.erase(it);
}

void DomainPolicy::UnsuspendActor(std::string_view actor) {
  std::unique_lock lock(mutex_);
  if (auto it = suspended_actors_.find(actor); it != suspended_actors_.end()) suspended_actors_.erase(it);
}

void DomainPolicy::LimitActor(std::string actor) {
  std::unique_lock lock(mutex_);
  limited_actors_.insert(std::move(actor));
}

void DomainPolicy::UnlimitActor(std::string_view actor) {
  std::unique_lock lock(mutex_);
  if (auto it = limited_actors_.find(actor); it != limited_actors_.end()) limited_actors_.erase(it);
}

bool DomainPolicy::IsLimited(std::string_view actor) const {
  std::shared_lock lock(mutex_);
  return limited_actors_.find(actor) != limited_actors_.end();
}

}  // namespace parvis::federation
