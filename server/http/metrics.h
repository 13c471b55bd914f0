// Counters and gauges for GET /metrics, in the Prometheus text format 0.0.4.
// Labels are bounded: routes are patterns, never raw paths.
#ifndef PARVIS_SERVER_HTTP_METRICS_H_
#define PARVIS_SERVER_HTTP_METRICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parvis::http {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  // Thread-safe.
  void RecordRequest(std::string_view route, int status, double seconds);

  // A gauge read when /metrics is rendered. `labels` is a Prometheus label
  // set without braces (`family="queues"`) or empty. Register before serving.
  void AddGauge(std::string name, std::string help, std::string labels,
                std::function<double()> read);

  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::string labels;
    std::function<double()> read;
  };

  mutable std::mutex mutex_;
  // guarded by mutex_
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (route, status) -> count
  std::map<std::string, Histogram> latency_;                  // route -> histogram
  // written before serving, then read-only
  std::vector<Gauge> gauges_;
};

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_METRICS_H_
