// Remote actors as stored here (Family::kRemoteActors), decoded, with the
// latest decodings kept. Pages show the same authors again and again, and
// decoding a stored actor (JSON) cost more than the rest of a card. A
// decoding is kept with a hash of the bytes it came from and served only
// while the stored bytes hash the same: the record is read each time (one
// lookup), so a changed or deleted actor is never served stale, and no
// writer has to tell the cache.
#ifndef PARVIS_SERVER_FEDERATION_STORED_ACTORS_H_
#define PARVIS_SERVER_FEDERATION_STORED_ACTORS_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "parvis/protocol/remote_actor.h"
#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/federation/lru_cache.h"

namespace parvis::federation {

class StoredActors {
 public:
  // `store` must outlive this; at most `kept` decodings are kept.
  explicit StoredActors(const storage::Store& store, size_t kept = 512) : store_(store), decoded_(kept) {}

  using Shared = std::shared_ptr<const protocol::RemoteActor>;

  // The stored actor `actor_id`, nullopt when none is stored.
  Result<std::optional<Shared>> Find(const std::string& actor_id) const;

 private:
  const storage::Store& store_;
  mutable DerivedCache<Shared> decoded_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_STORED_ACTORS_H_
