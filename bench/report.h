// How the scenarios speak: figures as `RESULT <label>.<name> <value>` lines
// on standard output, progress on standard error.
#ifndef PARVIS_BENCH_REPORT_H_
#define PARVIS_BENCH_REPORT_H_

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "bench/load_driver.h"

namespace parvis::bench {

inline void Report(std::string_view label, std::string_view name, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  std::cout << "RESULT " << label << "." << name << " " << text << std::endl;
}

inline void Progress(std::string_view label, const std::string& message) {
  std::cerr << "loadgen " << label << ": " << message << std::endl;
}

// accepted, per_s, p50_ms, p99_ms, max_ms, refused, errors and the first
// refusal, under `label`.`phase`_.
inline void ReportLoad(std::string_view label, const std::string& phase, const LoadResult& r) {
  Report(label, phase + "_sent", static_cast<double>(r.sent));
  Report(label, phase + "_accepted", static_cast<double>(r.accepted));
  Report(label, phase + "_seconds", r.seconds);
  Report(label, phase + "_per_s", r.AcceptedPerSecond());
  Report(label, phase + "_p50_ms", r.LatencyMs(0.50));
  Report(label, phase + "_p99_ms", r.LatencyMs(0.99));
  Report(label, phase + "_max_ms", r.LatencyMs(1.0));
  Report(label, phase + "_refused", static_cast<double>(r.sent - r.accepted - r.transport_errors));
  Report(label, phase + "_transport_errors", static_cast<double>(r.transport_errors));
  std::string statuses;
  for (const auto& [status, count] : r.statuses) {
    statuses += " " + std::to_string(status) + "x" + std::to_string(count);
  }
  Progress(
      label,
      phase + ": statuses" + statuses +
          (r.first_refusal.empty() ? "" : "; first refusal: " + r.first_refusal.substr(0, 300)));
}

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_REPORT_H_
