// Replays pre-built HTTP/1.1 requests against one address over a fixed number
// of keep-alive connections and records status and latency: either each
// connection sends its next request as soon as the previous answer is in (a
// closed loop: the most the server answers), or requests fall due at a fixed
// rate whatever the server does (an open loop: latency at a given load).
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

struct OpenLoadOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  // At most this many requests in flight; a request that falls due while
  // all are busy waits for the first to be free (and that wait is counted).
  unsigned connections = 64;
  double rate = 1000;   // requests per second, due at fixed intervals
  double seconds = 10;  // requests fall due for this long
  // Requests not sent this long after the last fell due are given up
  // (counted as unsent), so a server far behind does not hold the run.
  double grace_seconds = 5;
};

struct LoadResult {
  uint64_t sent = 0;
  uint64_t accepted = 0;  // 2xx
  std::map<int, uint64_t> statuses;
  uint64_t transport_errors = 0;  // no answer: connect, write or read failed
  uint64_t reconnects = 0;
  // Open loop only: due but never sent before the grace ended; each counts
  // in latencies_us with the time from due to the end of the grace (a lower
  // bound), so the percentiles stay honest.
  uint64_t unsent = 0;
  double seconds = 0;                  // first request out to last answer in
  std::vector<uint32_t> latencies_us;  // of every answered request, sorted
  // Open loop only: from the moment each request was written (latencies_us
  // counts from when it fell due), sorted.
  std::vector<uint32_t> service_us;
  std::string first_refusal;  // status and body of the first non-2xx

  double AcceptedPerSecond() const { return seconds > 0 ? accepted / seconds : 0; }
  // Latency at quantile q (0..1) in milliseconds; 0 when nothing was answered.
  double LatencyMs(double q) const;
  // The same for service_us.
  double ServiceMs(double q) const;
};

// Sends every request of `requests` once (or until max_seconds), in order
// across the connections.
// Runs on the calling thread (one thread, so the generator leaves the
// machine's other cores to the node).
LoadResult RunLoad(const std::vector<std::string>& requests, const LoadOptions& options);

// Open loop: request k falls due at start + k / rate, for `seconds`; it is
// requests[k % size]. Latency is measured from when a request fell due, not
// from when it could be sent, so a server that falls behind shows its queue
// (no coordinated omission). On the calling thread, as RunLoad.
LoadResult RunOpenLoad(const std::vector<std::string>& requests, const OpenLoadOptions& options);

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_LOAD_DRIVER_H_
