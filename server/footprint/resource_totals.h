// The node's own resource use over a period, from the samples the resource
// sampler keeps in Family::kResources (docs/storage.md, docs/energy.md):
//   "sample/" + time (8 bytes, seconds) + segment (8 bytes) -> one sample (JSON)
// A segment is one run of the node (from Node::Open to its close): its
// counters start at 0 and only grow, so what a segment used in a period is
// the difference of its last sample in the period and its last sample
// before it; a period's figure is the sum over segments. Restarts therefore
// need no special care, and nothing is counted twice.
#ifndef PARVIS_SERVER_FOOTPRINT_RESOURCE_TOTALS_H_
#define PARVIS_SERVER_FOOTPRINT_RESOURCE_TOTALS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::footprint {

inline constexpr std::string_view kSamplePrefix = "sample/";

// One reading. Counters are cumulative since the segment started.
struct ResourceSample {
  int64_t at = 0;             // seconds
  uint64_t segment = 0;       // the run of the node it belongs to
  int64_t segment_start = 0;  // when that run began
  double cpu_seconds = 0;     // user + system CPU time the run used
  uint64_t rss_bytes = 0;     // resident memory at `at` (a level, not a counter)
  uint64_t server_in = 0;     // HTTP bytes read by the public listener
  uint64_t server_out = 0;    // HTTP bytes it wrote
  uint64_t client_in = 0;     // HTTP bytes the outbound client read
  uint64_t client_out = 0;    // and wrote
  uint64_t deliveries = 0;    // deliveries to inboxes answered with 2xx
  uint64_t storage_bytes = 0; // the data directory on disk at `at` (a level)
};

std::string EncodeSample(const ResourceSample& sample);
// kCorruption when `value` is not a sample.
Result<ResourceSample> DecodeSample(std::string_view value);
std::string SampleKey(const ResourceSample& sample);

// What the node used over [from, to).
struct ResourceTotals {
  int64_t from = 0;  // seconds, inclusive
  int64_t to = 0;    // seconds, exclusive
  double cpu_seconds = 0;
  uint64_t server_in = 0;
  uint64_t server_out = 0;
  uint64_t client_in = 0;
  uint64_t client_out = 0;
  uint64_t bytes_in = 0;   // server_in + client_in
  uint64_t bytes_out = 0;  // server_out + client_out
  uint64_t deliveries = 0;
  uint64_t peak_rss_bytes = 0;  // highest sampled in the period
  uint64_t storage_bytes = 0;   // at the last sample of the period
  uint64_t samples = 0;         // samples in the period
  uint64_t segments = 0;        // runs of the node with a sample in the period
  double kwh = 0;               // the energy model applied to bytes_in + bytes_out
  double grams = 0;             // gCO2e
};

// Sums `samples` (any order) over [from, to). A run's baseline is its last
// sample before `from` (zero when it started in the period or has none).
ResourceTotals SumSamples(std::vector<ResourceSample> samples, int64_t from, int64_t to);

// How far before `from` baselines are looked for: runs are sampled every
// few minutes, so a live run always has a sample within it.
inline constexpr int64_t kBaselineLookbackSeconds = 24 * 3600;

// The totals for [from, to) from the stored samples, plus `live` (a reading
// not stored yet, such as the current one) when given.
Result<ResourceTotals> SumResources(const storage::Store& store, int64_t from, int64_t to,
                                    const std::optional<ResourceSample>& live = std::nullopt);

// A period asked for as dates: `from` and `to` are "YYYY-MM-DD" (UTC days,
// both included), either may be absent. The default is the `default_days`
// days up to `now`. Refused (kInvalidArgument, the message says why): a
// malformed date, `to` before `from`, more than `max_days` days.
struct Period {
  int64_t from = 0;  // inclusive
  int64_t to = 0;    // exclusive
};
Result<Period> ParsePeriod(const std::optional<std::string>& from, const std::optional<std::string>& to,
                           int64_t now, int default_days, int max_days);

}  // namespace parvis::footprint

#endif  // PARVIS_SERVER_FOOTPRINT_RESOURCE_TOTALS_H_
