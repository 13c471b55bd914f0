// Replays pre-built HTTP/1.1 requests against one address over a fixed number
// of keep-alive connections, each sending its next request as soon as the
// previous answer is in (a closed loop), and records status and latency.
#ifndef PARVIS_BENCH_LOAD_DRIVER_H_
#define PARVIS_BENCH_LOAD_DRIVER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace parvis::bench {

struct LoadOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  unsigned connections = 64;
  // Stop taking new requests after this many seconds (0: send them all).
  double max_seconds = 0;
};

struct LoadResult {
  uint64_t sent = 0;
  uint64_t accepted = 0;  // 2xx
  std::map<int, uint64_t> statuses;
  uint64_t transport_errors = 0;  // no answer: connect, write or read failed
  uint64_t reconnects = 0;
  double seconds = 0;                  // first request out to last answer in
  std::vector<uint32_t> latencies_us;  // of every answered request, sorted
  std::string first_refusal;           // status and body of the first non-2xx

  double AcceptedPerSecond() const { return seconds > 0 ? accepted / seconds : 0; }
  // Latency at quantile q (0..1) in milliseconds; 0 when nothing was answered.
  double LatencyMs(double q) const;
};

// Sends every request of `requests` once (or until max_seconds), in order
// across the connections.
// Runs on the calling thread (one thread, so the generator leaves the
// machine's other cores to the node).
LoadResult RunLoad(const std::vector<std::string>& requests, const LoadOptions& options);

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_LOAD_DRIVER_H_
