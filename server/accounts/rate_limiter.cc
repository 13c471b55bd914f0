#include "server/accounts/rate_limiter.h"

#include <algorithm>
#include <vector>

namespace parvis::accounts {

// Windows longer than this are never asked for; older ones can go.
static constexpr int64_t kLongestWindow = 24 * 3600;

int64_t RateLimiter::Attempt(const std::string& key, const RateLimit& limit, int64_t now) {
  std::lock_guard lock(mutex_);
  if (windows_.size() >= max_keys_) EvictOld(now);
  Window& window = windows_[key];
  if (now - window.start >= limit.window_seconds) window = Window{now, 0};
  if (window.count >= limit.attempts) return std::max<int64_t>(1, window.start + limit.window_seconds - now);
  ++window.count;
  return 0;
}

int64_t RateLimiter::RetryAfter(const std::string& key, const RateLimit& limit, int64_t now) const {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end() || now - it->second.start >= limit.window_seconds ||
      it->second.count < limit.attempts) {
    return 0;
  }
  return std::max<int64_t>(1, it->second.start + limit.window_seconds - now);
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  windows_.erase(key);
}

void RateLimiter::EvictOld(int64_t now) {
  std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.start >= kLongestWindow; });
  // Still full (a flood of distinct keys): drop the oldest half.
  if (windows_.size() >= max_keys_) {
    std::vector<std::pair<int64_t, std::string>> by_age;
    for (const auto& [key, window] : windows_) by_age.emplace_back(window.start, key);
    std::sort(by_age.begin(), by_age.end());
    for (size_t i = 0; i < by_age.size() / 2; ++i) windows_.erase(by_age[i].second);
  }
}

}  // namespace parvis::accounts
