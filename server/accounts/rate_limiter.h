// Attempts counted per key in fixed windows, in memory only (nothing about
// who tried is written anywhere): login and registration are limited per
// account name and per client tag (Request::client). Thread-safe.
#ifndef PARVIS_SERVER_ACCOUNTS_RATE_LIMITER_H_
#define PARVIS_SERVER_ACCOUNTS_RATE_LIMITER_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace parvis::accounts {

struct RateLimit {
  int attempts = 5;            // allowed per window
  int64_t window_seconds = 900;
};

class RateLimiter {
 public:
  // At most `max_keys` keys are tracked; past that the oldest windows go.
  explicit RateLimiter(size_t max_keys = 100000) : max_keys_(max_keys) {}

  // Counts an attempt for `key`; returns 0 if allowed, else the seconds until
  // the window ends (the attempt is not counted then).
  int64_t Attempt(const std::string& key, const RateLimit& limit, int64_t now);
  // Seconds until `key` may try again (0: now), without counting.
  int64_t RetryAfter(const std::string& key, const RateLimit& limit, int64_t now) const;
  // Forgets `key` (after a successful login, its failures no longer count).
  void Reset(const std::string& key);

 private:
  struct Window {
    int64_t start = 0;
    int count = 0;
  };
  void EvictOld(int64_t now);

  const size_t max_keys_;
  mutable std::mutex mutex_;
  std::map<std::string, Window> windows_;  // guarded by mutex_
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_RATE_LIMITER_H_
