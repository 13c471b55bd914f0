// Web sessions: a browser holds a random cookie; the node keeps only its
// SHA-256 (Family::kSessions), like client tokens (token_store.h):
//   "hash/" + hex SHA-256(cookie)   -> JSON {"account", "id", "created", "seen"}
//   AccountKey(account, session id) -> hex SHA-256(cookie)
// A session ends on logout, after kIdleSeconds without use, after
// kMaxAgeSeconds in all, and with every other session of its account when
// the password changes.
#ifndef PARVIS_SERVER_ACCOUNTS_SESSION_STORE_H_
#define PARVIS_SERVER_ACCOUNTS_SESSION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parvis/result.h"
#include "parvis/data_policy.h"
#include "parvis/storage.h"

namespace parvis::accounts {

inline constexpr int64_t kSessionIdleSeconds = 14 * 24 * 3600;
inline constexpr int64_t kSessionMaxAgeSeconds = RetentionSeconds("sessions");  // the data policy's

struct Session {
  storage::AccountId account = 0;
  std::string id;  // 16 hex characters
  int64_t created = 0;
  int64_t seen = 0;
};

class SessionStore {
 public:
  // `store` must outlive the SessionStore; it holds no other state.
  explicit SessionStore(storage::Store& store) : store_(store) {}

  // A new session for `account`; returns the cookie value ("pvc_" + 64 hex
  // characters), which is not stored.
  Result<std::string> Start(storage::AccountId account, int64_t now);
  // The live session a cookie names; nullopt for anything else (malformed,
  // unknown, ended, expired: an expired one is removed). Records the use at
  // most once an hour, so reading pages does not write on every request.
  Result<std::optional<Session>> Find(std::string_view cookie, int64_t now);
  // Ends the session of this cookie, if any.
  Status End(std::string_view cookie);
  // Ends every session of the account.
  Status EndAll(storage::AccountId account);
  // Removes every session past its idle or total lifetime (the retention
  // job); returns how many.
  Result<size_t> PruneExpired(int64_t now);

 private:
  Status Remove(const std::string& hash, const Session& session);
  storage::Store& store_;
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_SESSION_STORE_H_
