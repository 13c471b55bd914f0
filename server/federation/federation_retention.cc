#include "server/federation/federation_retention.h"

#include "parvis/data_policy.h"
#include "parvis/protocol/json.h"
#include "server/federation/delivery_queue.h"

namespace parvis::federation {
namespace {

// Deletes the records of `family` under `prefix` whose JSON member `member`
// (seconds) is before `oldest`.
Result<size_t> PruneOlderThan(storage::Store& store, storage::Family family, std::string_view prefix,
                              const char* member, int64_t oldest, size_t limit) {
  storage::Batch batch;
  Status scanned = store.Scan(family, prefix, [&](std::string_view key, std::string_view value) {
    Result<rapidjson::Document> record = protocol::ParseJson(value, {});
    if (!record || !record->IsObject()) return true;
    auto at = record->FindMember(member);
    if (at != record->MemberEnd() && at->value.IsInt64() && at->value.GetInt64() < oldest) {
      batch.Delete(family, key);
    }
    return batch.size() < limit;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (batch.size() == 0) return size_t{0};
  if (Status written = store.Write(batch); !written) return std::unexpected(written.error());
  return batch.size();
}

}  // namespace

Result<size_t> PruneReceivedActivities(storage::Store& store, int64_t now, size_t limit) {
  return PruneOlderThan(store, storage::Family::kActivities, "", "receivedAt",
                        now - RetentionSeconds("received_activities"), limit);
}

Result<size_t> PruneFailedDeliveries(storage::Store& store, int64_t now, size_t limit) {
  return PruneOlderThan(store, storage::Family::kQueues, kFailedDeliveries, "created",
                        now - RetentionSeconds("failed_deliveries"), limit);
}

}  // namespace parvis::federation
