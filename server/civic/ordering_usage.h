// How often each timeline ordering is used, for the transparency report:
// the home-timeline pages served with each ordering, counted per UTC day in
// Family::kMeta under "ordering-use/" + day number (8 bytes) + "/" + name
// -> count (8 bytes). Only counts are kept, never who read what.
#ifndef PARVIS_SERVER_CIVIC_ORDERING_USAGE_H_
#define PARVIS_SERVER_CIVIC_ORDERING_USAGE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/civic/timeline_ordering.h"

namespace parvis::civic {

class OrderingUsage {
 public:
  explicit OrderingUsage(storage::Store& store) : store_(store) {}

  // One home-timeline page served with `ordering` at `now` (seconds).
  // Storage errors are ignored: a count is not worth failing a page.
  void Record(Ordering ordering, int64_t now);

  // Pages served with each ordering on the days from `from` (inclusive) to
  // `to` (exclusive), seconds; every ordering appears, with 0 if unused.
  static Result<std::map<std::string, uint64_t>> Count(const storage::Store& store, int64_t from, int64_t to);

 private:
  storage::Store& store_;
  std::mutex mutex_;  // serialises the read-modify-write of a day's count
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_ORDERING_USAGE_H_
