// The remote servers the load generator plays, on loopback: one or many HTTP
// servers (each its own port, so the node sees distinct hosts) that serve
// actor documents at /users/{name} and take deliveries at /inbox and
// /users/{name}/inbox, checking their signatures and counting them.
#ifndef PARVIS_BENCH_PEER_HOSTS_H_
#define PARVIS_BENCH_PEER_HOSTS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bench/remote_actors.h"
#include "parvis/protocol/keys.h"
#include "parvis/result.h"
#include "server/http/event_loop.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "server/http/router.h"

namespace parvis::bench {

struct Delivery {
  std::string type;       // the activity's type ("Accept", "Create"), or "" if unreadable
  std::string id;         // the activity's id, or ""
  std::string object;     // the id of its object (a string, or an object's "id"), or ""
  bool verified = false;  // signature and digest hold with a key of the sender
  bool rfc9421 = false;
  std::string authority;  // the Host it was sent to
  std::chrono::steady_clock::time_point at;
};

class PeerHosts {
 public:
  // Starts `hosts` servers on 127.0.0.1 (system-chosen ports) served by
  // `threads` threads.
  static Result<std::unique_ptr<PeerHosts>> Start(size_t hosts, unsigned threads);
  ~PeerHosts();

  size_t hosts() const { return servers_.size(); }
  // "http://127.0.0.1:PORT" of host `i`.
  std::string base(size_t i) const;

  // Serves the actor's document from now on (on every host: the name is unique).
  void Add(const BenchActor& actor);
  // Keys that deliveries may be signed with, by key id.
  void TrustKey(const std::string& key_id, const protocol::PublicKey& key);

  // Deliveries so far.
  std::vector<Delivery> deliveries() const;
  size_t Count(const std::string& type) const;
  // Waits until `count` deliveries of `type` arrived or `timeout` passed;
  // returns how many arrived.
  size_t WaitFor(const std::string& type, size_t count, std::chrono::milliseconds timeout) const;
  // Actor documents served so far (the node's key fetches).
  uint64_t documents_served() const;

 private:
  explicit PeerHosts(unsigned threads);
  http::Response Receive(const http::Request& request);

  http::EventLoop loop_;
  http::Router router_;
  http::Metrics metrics_;
  std::vector<std::unique_ptr<http::HttpServer>> servers_;

  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::map<std::string, std::string> documents_;  // name -> JSON
  std::map<std::string, protocol::PublicKey> keys_;
  std::vector<Delivery> deliveries_;
  uint64_t documents_served_ = 0;
};

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_PEER_HOSTS_H_
