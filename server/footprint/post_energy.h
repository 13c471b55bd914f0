// The inputs of a post's energy label, kept in Family::kResources beside the
// node's resource samples (docs/storage.md, docs/energy.md):
//   object id + "\n" + "fan-out/" + sequence (8 bytes) -> one fan-out of the
//     post's Create or Update: {"at":T,"inboxes":N,"remote":R,"bytes":B,"localReaders":L}
//   object id + "\n" + "readers" -> for a remote post: {"at":T,"localReaders":L}
// Keys start with the object id, so an account's erasure takes them with
// its notes (the ids start with its actor id).
#ifndef PARVIS_SERVER_FOOTPRINT_POST_ENERGY_H_
#define PARVIS_SERVER_FOOTPRINT_POST_ENERGY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/federation/object_record.h"
#include "server/footprint/energy_model.h"

namespace parvis::footprint {

// Adds to `batch` the record of a fan-out of `object_id` by local account
// `author` to `inboxes`, each sent `body_bytes`: inboxes not under `base_url`
// are remote deliveries. The first fan-out of an object also records its
// local readers: the author's accepted followers here, when the fan-out
// reached this node's inbox (it does not for a direct post).
Status RecordFanOut(storage::Store& store, storage::Batch& batch, const std::string& base_url,
                    storage::AccountId author, const std::string& object_id,
                    const std::vector<std::string>& inboxes, size_t body_bytes, int64_t now);

// Adds to `batch` the local readers of a remote post (the accounts here
// whose home timelines it joined). A post under `base_url` (this node's own,
// delivered to its own inbox) is skipped: its fan-out counted its readers.
void RecordLocalReaders(storage::Batch& batch, const std::string& base_url, const std::string& object_id,
                        uint64_t readers, int64_t now);

// The deliveries and local readers recorded for `object_id` (zeros when
// nothing was recorded); size_bytes and media_bytes are left 0.
Result<PostInputs> LoadRecordedInputs(const storage::Store& store, const std::string& object_id);

// The bytes of the post as delivered: a local note's Create activity, a
// remote object as received, serialized as JSON.
uint64_t DeliveredSize(const std::string& object_id, const federation::StoredObject& object);

// Everything together: the estimate shown on the post's card.
Result<PostEstimate> EstimateStoredPost(const storage::Store& store, const std::string& object_id,
                                        const federation::StoredObject& object);

}  // namespace parvis::footprint

#endif  // PARVIS_SERVER_FOOTPRINT_POST_ENERGY_H_
