// One blocking HTTP/1.1 exchange on loopback, for the few requests the
// scenarios make outside the timed phases (the node's /metrics, an actor
// document, signing in, paging through a timeline once).
#ifndef PARVIS_BENCH_PLAIN_HTTP_H_
#define PARVIS_BENCH_PLAIN_HTTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parvis/result.h"

namespace parvis::bench {

struct PlainResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case

  // The value of the first header `name` (lower case), or "".
  std::string Header(const std::string& name) const;
  // The value of cookie `name` from the answer's Set-Cookie headers, or "".
  std::string SetCookieValue(const std::string& name) const;
};

Result<PlainResponse> HttpGet(uint16_t port, const std::string& target,
                              const std::string& accept = "*/*");

// `method` `target` with `headers` (name, value) and `body` (a Content-Length
// is added when the body is not empty).
Result<PlainResponse> HttpExchange(uint16_t port, const std::string& method,
                                   const std::string& target,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body = "");

// The value of the first sample of `metric` whose labels contain `labels`
// (e.g. `route="POST /inbox"`) in Prometheus text; nullopt if absent.
std::optional<double> MetricValue(const std::string& text, const std::string& metric,
                                  const std::string& labels = "");

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_PLAIN_HTTP_H_
