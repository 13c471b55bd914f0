// The node's HTTP/1.1 server (Boost.Beast), listening on TCP for the public
// and, optionally, on a Unix socket for the operator's control commands.
// Asio stays inside http_server.cc; this header is cheap to include.
#ifndef PARVIS_SERVER_HTTP_HTTP_SERVER_H_
#define PARVIS_SERVER_HTTP_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "parvis/config.h"
#include "parvis/result.h"
#include "server/http/event_loop.h"
#include "server/http/metrics.h"
#include "server/http/router.h"
#include "server/http/traffic_counters.h"

namespace parvis::http {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;             // 0: the system picks one; see HttpServer::port()
  std::string control_socket;    // Unix socket path; empty: none
  Limits limits;
  bool stop_on_signals = false;  // SIGINT and SIGTERM start a graceful stop
  // When set, the public listener's bytes in and out are added here; must
  // outlive the server.
  TrafficCounters* traffic = nullptr;
};

class HttpServer {
 public:
  // Binds and starts serving on `loop` (which must be running for anything
  // to happen). `loop`, `public_router`, `control_router` (may be null when
  // there is no control socket) and `metrics` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   EventLoop& loop,
                                                   const Router* public_router,
                                                   const Router* control_router,
                                                   Metrics* metrics);
  // Stops and waits, as Stop() then Wait().
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;

  // Starts a graceful stop: no new connections; requests already being read
  // or handled finish (their responses say Connection: close) within
  // limits.shutdown_grace_ms, then every connection is closed. Thread-safe,
  // idempotent, returns at once. SIGINT/SIGTERM call it when asked to.
  void Stop();
  // Blocks until a stop has completed. The event loop must be running.
  void Wait();
  bool stopping() const;

  // Requests being read or handled right now.
  uint64_t in_flight() const;

 private:
  struct Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl);
  // Shared with the connections, which may outlive a stop by a little.
  std::shared_ptr<Impl> impl_;
};

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_HTTP_SERVER_H_
