#include "server/civic/ordering_usage.h"

namespace parvis::civic {
namespace {

constexpr int64_t kDay = 24 * 3600;
const std::string kPrefix = "ordering-use/";

std::string Key(int64_t day, std::string_view name) {
  return kPrefix + storage::EncodeUint64(static_cast<uint64_t>(day)) + "/" + std::string(name);
}

int64_t DayOf(int64_t seconds) { return seconds < 0 ? 0 : seconds / kDay; }

}  // namespace

void OrderingUsage::Record(Ordering ordering, int64_t now) {
  std::string key = Key(DayOf(now), OrderingName(ordering));
  std::lock_guard lock(mutex_);
  Result<std::optional<std::string>> current = store_.Get(storage::Family::kMeta, key);
  if (!current) return;
  uint64_t count = current->has_value() && (*current)->size() == 8 ? storage::DecodeUint64(**current) : 0;
  storage::Batch batch;
  batch.Put(storage::Family::kMeta, key, storage::EncodeUint64(count + 1));
  (void)store_.Write(batch);
}

Result<std::map<std::string, uint64_t>> OrderingUsage::Count(const storage::Store& store, int64_t from, int64_t to) {
  std::map<std::string, uint64_t> counts;
  for (Ordering ordering : {Ordering::kChronological, Ordering::kDigest}) counts[OrderingName(ordering)] = 0;
  int64_t first = DayOf(from), last = DayOf(to - 1);
  Status scanned = store.Scan(storage::Family::kMeta, kPrefix, [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(kPrefix.size());
    if (rest.size() < 10 || rest[8] != '/' || value.size() != 8) return true;
    int64_t day = static_cast<int64_t>(storage::DecodeUint64(rest.substr(0, 8)));
    if (day < first || day > last) return true;
    counts[std::string(rest.substr(9))] += storage::DecodeUint64(value);
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return counts;
}

}  // namespace parvis::civic
