// Bytes the node moved over HTTP since it started: what the public listener
// read and wrote, and what the outbound client wrote and read. The node owns
// one and hands its address to the server and the client, which add to it;
// the resource sampler (footprint/resource_sampler.h) reads it. No Asio here.
#ifndef PARVIS_SERVER_HTTP_TRAFFIC_COUNTERS_H_
#define PARVIS_SERVER_HTTP_TRAFFIC_COUNTERS_H_

#include <atomic>
#include <cstdint>

namespace parvis::http {

// Thread-safe: atomic counters, only ever increased.
struct TrafficCounters {
  // Public listener (TCP): request bytes read (head and body), response
  // bytes written (head and body). The control socket is not counted.
  std::atomic<uint64_t> server_in{0};
  std::atomic<uint64_t> server_out{0};
  // Outbound client: request bytes written, response bytes read.
  std::atomic<uint64_t> client_out{0};
  std::atomic<uint64_t> client_in{0};
};

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_TRAFFIC_COUNTERS_H_
