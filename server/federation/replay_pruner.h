// Forgets signature fingerprints once their replay window is over
// (Family::kReplay holds each with its expiry): without it every received
// activity would leave a record forever.
#ifndef PARVIS_SERVER_FEDERATION_REPLAY_PRUNER_H_
#define PARVIS_SERVER_FEDERATION_REPLAY_PRUNER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/http/event_loop.h"

namespace parvis::federation {

// Removes the expired fingerprints, at most `limit` per call; returns how
// many went.
Result<size_t> PruneReplayFingerprints(storage::Store& store, int64_t now, size_t limit = 10000);

class ReplayPruner {
 public:
  // `store` must outlive the pruner; the pruner must be destroyed before
  // `loop` is, or after the loop stopped running.
  // `also` (may be empty) runs at every round too: other records with an
  // expiry (encrypted messages nobody fetched) are pruned on the same timer.
  ReplayPruner(storage::Store& store, http::EventLoop& loop, std::function<int64_t()> now,
               std::function<void()> also = {});
  ~ReplayPruner();

  // Prunes every ten minutes on the loop, until the loop stops.
  void Start();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_REPLAY_PRUNER_H_
