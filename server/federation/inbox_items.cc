#include "server/federation/inbox_items.h"

#include <algorithm>

namespace parvis::federation {

Status AddInboxItem(storage::Store& store, storage::Batch& batch, storage::AccountId account,
                    std::string_view activity_id) {
  Result<uint64_t> sequence = store.NextSequence("inbox_items");
  if (!sequence) return std::unexpected(sequence.error());
  batch.Put(storage::Family::kInboxItems,
            storage::AccountKey(account, storage::EncodeUint64(*sequence)), activity_id);
  return Ok();
}

Result<std::vector<std::string>> ListInboxItems(const storage::Store& store,
                                                storage::AccountId account) {
  std::vector<std::string> items;
  Status scanned = store.Scan(storage::Family::kInboxItems, storage::EncodeAccountId(account),
                              [&](std::string_view, std::string_view value) {
                                items.emplace_back(value);
                                return true;
                              });
  if (!scanned) return std::unexpected(scanned.error());
  std::reverse(items.begin(), items.end());
  return items;
}

}  // namespace parvis::federation
