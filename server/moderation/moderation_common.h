// What the moderation service's files share: the keys of the decisions in
// force and small text and URL helpers.
#ifndef PARVIS_SERVER_MODERATION_MODERATION_COMMON_H_
#define PARVIS_SERVER_MODERATION_MODERATION_COMMON_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "parvis/config.h"
#include "server/federation/domain_policy.h"

namespace parvis::moderation {

// Keys of the decisions in force, in Family::kModeration: the suspended or
// limited actor's id, or the blocked host -> the report that decided it
// (8 bytes). Read at start-up into the domain policy.
inline constexpr std::string_view kSuspendedPrefix = "suspended/";
inline constexpr std::string_view kLimitedPrefix = "limited/";
inline constexpr std::string_view kBlockedHostPrefix = "blocked-host/";

inline size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

inline std::string InstanceActor(const Config& config) { return config.base_url + "/actor"; }

inline bool SameHost(std::string_view a, std::string_view b) {
  std::optional<std::string> host_a = federation::HostOf(a);
  return host_a && host_a == federation::HostOf(b);
}

}  // namespace parvis::moderation

#endif  // PARVIS_SERVER_MODERATION_MODERATION_COMMON_H_
