// Who follows local accounts and whom they follow, in Family::kFollows,
// keyed under the local account's id so an account's follows leave with it.
#ifndef PARVIS_SERVER_FEDERATION_FOLLOW_STORE_H_
#define PARVIS_SERVER_FEDERATION_FOLLOW_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

enum class FollowState { kPending, kAccepted };

struct FollowRecord {
  std::string actor;         // the remote actor followed, or following
  std::string activity_id;   // the Follow activity
  FollowState state = FollowState::kPending;
  int64_t since = 0;
};

enum class Direction { kFollowers, kFollowing };

class FollowStore {
 public:
  explicit FollowStore(storage::Store& store) : store_(store) {}

  // Adds the change to `batch` (written by the caller with what goes with it).
  void Put(storage::Batch& batch, storage::AccountId account, Direction direction,
           const FollowRecord& record) const;
  void Remove(storage::Batch& batch, storage::AccountId account, Direction direction,
              const std::string& actor) const;

  Result<std::optional<FollowRecord>> Get(storage::AccountId account, Direction direction,
                                          const std::string& actor) const;
  // In key order (by actor id).
  Result<std::vector<FollowRecord>> List(storage::AccountId account, Direction direction) const;

 private:
  storage::Store& store_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_FOLLOW_STORE_H_
