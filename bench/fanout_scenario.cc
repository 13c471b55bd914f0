// Scenario 3, fan-out: `followers` remote actors, each on its own host (its
// own port on loopback, so its own shared inbox), follow one local account;
// the node accepts each Follow and delivers Accept. Then the account posts
// once (`post_command`, i.e. `parvis admin post`), and the generator's sink
// counts the signed Create deliveries it receives, one per host.
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "bench/load_driver.h"
#include "bench/peer_hosts.h"
#include "bench/plain_http.h"
#include "bench/process_probe.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "parvis/protocol/multikey.h"
#include "parvis/protocol/remote_actor.h"

namespace parvis::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Runs `command` with /bin/sh; its standard output, or nullopt if it failed.
std::optional<std::string> RunCommand(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = ::pclose(pipe);
  if (status != 0) return std::nullopt;
  return out;
}

// Trusts the account's keys (from its actor document) for the sink's checks;
// returns the actor id.
Result<std::string> TrustAccountKeys(PeerHosts& peers, uint16_t port, const std::string& account) {
  Result<PlainResponse> response = HttpGet(port, "/users/" + account, "application/activity+json");
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) {
    return Fail(ErrorCode::kNotFound,
                "GET /users/" + account + ": " + std::to_string(response->status));
  }
  rapidjson::Document document;
  document.Parse(response->body.c_str());
  if (document.HasParseError()) return Fail(ErrorCode::kInvalidArgument, "actor is not JSON");
  Result<protocol::RemoteActor> actor = protocol::ParseRemoteActor(document);
  if (!actor) return std::unexpected(actor.error());
  for (const protocol::RemoteKey& key : actor->keys) {
    Result<protocol::PublicKey> parsed = key.format == protocol::RemoteKey::Format::kPem
                                             ? protocol::ParsePublicKeyPem(key.material)
                                             : protocol::DecodeMultikey(key.material);
    if (parsed) peers.TrustKey(key.id, *parsed);
  }
  return actor->id;
}

}  // namespace

int RunFanout(const FanoutOptions& options) {
  const std::string& label = options.label;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  Clock::time_point setup = Clock::now();
  Result<std::unique_ptr<PeerHosts>> peers = PeerHosts::Start(options.followers, 1);
  if (!peers) {
    Progress(label, "cannot start the follower hosts: " + peers.error().message);
    return 1;
  }
  Result<std::string> account_id = TrustAccountKeys(**peers, options.node.port, options.account);
  if (!account_id) {
    Progress(label, "cannot read the account: " + account_id.error().message);
    return 1;
  }
  Result<std::vector<protocol::PrivateKey>> pool =
      LoadRsaKeyPool(options.keys.cache_file, options.keys.size, threads);
  if (!pool) {
    Progress(label, "cannot make keys: " + pool.error().message);
    return 1;
  }
  std::vector<BenchActor> followers;
  for (size_t i = 0; i < options.followers; ++i) {
    Result<BenchActor> actor = MakeActor(
        (*peers)->base(i), options.actor_prefix + std::to_string(i), (*pool)[i % pool->size()]);
    if (!actor) {
      Progress(label, "cannot make an actor: " + actor.error().message);
      return 1;
    }
    (*peers)->Add(*actor);
    followers.push_back(std::move(*actor));
  }
  Progress(label, std::to_string(followers.size()) + " followers on as many hosts, ready in " +
                      std::to_string(SecondsBetween(setup, Clock::now())) + " s");

  // Follow, and wait for every Accept.
  const std::string authority = "127.0.0.1:" + std::to_string(options.node.port);
  const std::string inbox = "/users/" + options.account + "/inbox";
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Result<std::vector<std::string>> follows =
      MakeInParallel(followers.size(), threads, [&](size_t i) {
        return SignedPost(
            followers[i], options.scheme, authority, inbox,
            FollowBody(followers[i], std::to_string(now) + "-" + std::to_string(i), *account_id),
            now);
      });
  if (!follows) {
    Progress(label, "cannot sign: " + follows.error().message);
    return 1;
  }
  Clock::time_point follow_start = Clock::now();
  LoadResult follow = RunLoad(
      *follows,
      {.address = "127.0.0.1", .port = options.node.port, .connections = options.connections});
  ReportLoad(label, "follow", follow);
  size_t accepts =
      (*peers)->WaitFor("Accept", followers.size(), std::chrono::seconds(options.timeout_s));
  Clock::time_point last_accept = follow_start;
  for (const Delivery& d : (*peers)->deliveries()) {
    if (d.type == "Accept") last_accept = std::max(last_accept, d.at);
  }
  Report(label, "accepts", static_cast<double>(accepts));
  Report(label, "accepts_seconds", SecondsBetween(follow_start, last_accept));
  Report(label, "accepts_per_s",
         accepts / std::max(1e-9, SecondsBetween(follow_start, last_accept)));
  if (accepts < followers.size()) {
    Progress(label, "only " + std::to_string(accepts) + " Accepts arrived; posting anyway");
  }

  // One post, delivered to every follower's host.
  double node_cpu_before = ReadCpuSeconds(options.node.pid);
  PeakRssSampler sampler(options.node.pid);
  Clock::time_point post_start = Clock::now();
  std::optional<std::string> posted = RunCommand(options.post_command);
  Clock::time_point post_returned = Clock::now();
  if (!posted) {
    Progress(label, "the post command failed: " + options.post_command);
    return 1;
  }
  Progress(label, "posted " + posted->substr(0, posted->find('\n')));
  size_t creates = (*peers)->WaitFor("Create", accepts, std::chrono::seconds(options.timeout_s));
  uint64_t peak_kb = sampler.Stop();
  double node_cpu = ReadCpuSeconds(options.node.pid) - node_cpu_before;
  Clock::time_point first = Clock::time_point::max();
  Clock::time_point last = post_start;
  size_t verified = 0;
  size_t rfc9421 = 0;
  std::set<std::string> hosts;
  for (const Delivery& d : (*peers)->deliveries()) {
    if (d.type != "Create") continue;
    first = std::min(first, d.at);
    last = std::max(last, d.at);
    verified += d.verified;
    rfc9421 += d.rfc9421;
    hosts.insert(d.authority);
  }
  double seconds = SecondsBetween(post_start, last);
  Report(label, "deliveries", static_cast<double>(creates));
  Report(label, "deliveries_verified", static_cast<double>(verified));
  Report(label, "deliveries_rfc9421", static_cast<double>(rfc9421));
  Report(label, "distinct_hosts", static_cast<double>(hosts.size()));
  Report(label, "post_command_ms", SecondsBetween(post_start, post_returned) * 1000);
  Report(label, "first_delivery_ms", creates ? SecondsBetween(post_start, first) * 1000 : 0);
  Report(label, "finish_seconds", seconds);
  Report(label, "per_s", creates / std::max(1e-9, seconds));
  Report(label, "node_cpu_cores", node_cpu / std::max(1e-9, seconds));
  Report(label, "node_rss_peak_kb", static_cast<double>(peak_kb));
  Report(label, "node_hwm_kb", static_cast<double>(ReadMemory(options.node.pid).hwm_kb));
  return creates == accepts && accepts > 0 ? 0 : 1;
}

}  // namespace parvis::bench
