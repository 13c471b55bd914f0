// Samples what the node uses (CPU time, resident memory, HTTP bytes in and
// out, deliveries, storage on disk) every few minutes and once more when it
// closes, into Family::kResources (resource_totals.h has the keys and how
// samples add up over a period). Each sampler starts a new segment: its
// counters count from 0, as a restarted process's do. No Asio here.
#ifndef PARVIS_SERVER_FOOTPRINT_RESOURCE_SAMPLER_H_
#define PARVIS_SERVER_FOOTPRINT_RESOURCE_SAMPLER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/footprint/resource_totals.h"
#include "server/http/event_loop.h"
#include "server/http/traffic_counters.h"

namespace parvis::footprint {

struct SamplerSources {
  const http::TrafficCounters* traffic = nullptr;  // required
  std::function<uint64_t()> deliveries;            // deliveries made since start; may be empty
  std::function<int64_t()> now;                    // seconds
};

class ResourceSampler {
 public:
  static constexpr std::chrono::seconds kInterval{300};

  // Takes the next segment number (a sequence in kMeta). `store` and
  // `sources.traffic` must outlive the sampler.
  static Result<std::unique_ptr<ResourceSampler>> Create(storage::Store& store, SamplerSources sources);
  // Cancels the periodic sampling (Stop) without a last sample.
  ~ResourceSampler();
  ResourceSampler(const ResourceSampler&) = delete;
  ResourceSampler& operator=(const ResourceSampler&) = delete;

  // Records a sample now and every `interval` on `loop`. The periodic work
  // holds its own reference to the sampler's state, so it may outlive the
  // sampler by one wake-up; it ends when Stop is called or the loop stops.
  void Start(http::EventLoop& loop, std::chrono::seconds interval = kInterval);
  // Ends the periodic sampling. Thread-safe, idempotent.
  void Stop();

  // A reading now, not stored (the resource page adds it to the stored ones).
  ResourceSample Read() const;
  // Reads and stores a sample. Thread-safe.
  Status Record();

  uint64_t segment() const;

 private:
  struct Impl;
  explicit ResourceSampler(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// Bytes of the regular files under `dir` (the data directory: RocksDB's
// tables, logs and manifests); unreadable entries count as 0.
uint64_t DirectoryBytes(const std::string& dir);

}  // namespace parvis::footprint

#endif  // PARVIS_SERVER_FOOTPRINT_RESOURCE_SAMPLER_H_
