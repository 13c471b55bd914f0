#include "server/http/metrics.h"

#include <cstdio>

namespace parvis::http {
namespace {

// Route patterns contain no quotes or backslashes, but escape anyway.
std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string FormatNumber(double value) {
  char buffer[64];
  // Bucket bounds print as written (0.0005); measured values keep precision.
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

}  // namespace

void Metrics::RecordRequest(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  Histogram& histogram = latency_[std::string(route)];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::string labels,
                       std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(labels), std::move(read)});
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP parvis_http_requests_total HTTP requests answered, by route pattern and status.\n";
  out += "# TYPE parvis_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "parvis_http_requests_total{route=\"" + EscapeLabel(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP parvis_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE parvis_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    std::string label = "route=\"" + EscapeLabel(route) + "\"";
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out += "parvis_http_request_duration_seconds_bucket{" + label + ",le=\"" +
             FormatNumber(kLatencyBuckets[i]) + "\"} " + std::to_string(histogram.buckets[i]) +
             "\n";
    }
    out += "parvis_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(histogram.count) + "\n";
    out += "parvis_http_request_duration_seconds_sum{" + label + "} " +
           FormatNumber(histogram.sum) + "\n";
    out += "parvis_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(histogram.count) + "\n";
  }
  std::string last_name;
  for (const Gauge& gauge : gauges_) {
    // HELP and TYPE once per metric name, even when several label sets share it.
    if (gauge.name != last_name) {
      out += "# HELP " + gauge.name + " " + gauge.help + "\n";
      out += "# TYPE " + gauge.name + " gauge\n";
      last_name = gauge.name;
    }
    out += gauge.name;
    if (!gauge.labels.empty()) out += "{" + gauge.labels + "}";
    out += " " + FormatNumber(gauge.read()) + "\n";
  }
  return out;
}

}  // namespace parvis::http
