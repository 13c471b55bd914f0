// The data policy's durations (parvis/data_policy.h) for what federation
// keeps: received activities and deliveries given up. Run by the node's
// maintenance round, next to the replay pruner.
#ifndef PARVIS_SERVER_FEDERATION_FEDERATION_RETENTION_H_
#define PARVIS_SERVER_FEDERATION_FEDERATION_RETENTION_H_

#include <cstddef>
#include <cstdint>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

// Deletes received activities older than the policy's "received_activities"
// duration, at most `limit` per call; returns how many went. (Signatures are
// only accepted within an hour of their date, so an activity this old cannot
// come back through a replay.)
Result<size_t> PruneReceivedActivities(storage::Store& store, int64_t now, size_t limit = 10000);

// Deletes given-up deliveries whose first attempt is older than the policy's
// "failed_deliveries" duration; returns how many went.
Result<size_t> PruneFailedDeliveries(storage::Store& store, int64_t now, size_t limit = 10000);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_FEDERATION_RETENTION_H_
