// Invite codes for registration = invite (Family::kInvites): an admin makes
// one with a number of uses and a lifetime; registering with it uses one.
#ifndef PARVIS_SERVER_ACCOUNTS_INVITE_STORE_H_
#define PARVIS_SERVER_ACCOUNTS_INVITE_STORE_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::accounts {

struct Invite {
  std::string code;  // 16 lower-case hex characters
  storage::AccountId creator = 0;
  int uses_left = 1;
  int64_t expires = 0;  // seconds since the epoch
};

class InviteStore {
 public:
  explicit InviteStore(storage::Store& store) : store_(store) {}

  // 1 to 100 uses, 1 to 365 days.
  Result<Invite> Create(storage::AccountId creator, int uses, int days, int64_t now);
  // Uses one use of `code`; kNotFound if unknown, used up or expired (one
  // message for all three).
  Status Use(std::string_view code, int64_t now);
  // Live invites, soonest to expire first.
  Result<std::vector<Invite>> List(int64_t now) const;

 private:
  storage::Store& store_;
  std::mutex use_mutex_;  // serialises Use's read-modify-write
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_INVITE_STORE_H_
