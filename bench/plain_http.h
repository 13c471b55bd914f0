// One blocking HTTP/1.1 GET on loopback, for the few reads of the node the
// scenarios make outside the timed phases (its /metrics, an actor document).
#ifndef PARVIS_BENCH_PLAIN_HTTP_H_
#define PARVIS_BENCH_PLAIN_HTTP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "parvis/result.h"

namespace parvis::bench {

struct PlainResponse {
  int status = 0;
  std::string body;
};

Result<PlainResponse> HttpGet(uint16_t port, const std::string& target,
                              const std::string& accept = "*/*");

// The value of the first sample of `metric` whose labels contain `labels`
// (e.g. `route="POST /inbox"`) in Prometheus text; nullopt if absent.
std::optional<double> MetricValue(const std::string& text, const std::string& metric,
                                  const std::string& labels = "");

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_PLAIN_HTTP_H_
