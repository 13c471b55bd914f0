// Scenario 1, inbox ingest: signed Create(Note) activities from many remote
// actors, POSTed to the node's inbox over keep-alive connections.
//
//   cold: one activity per actor, each the node's first contact with it, so
//         each costs a key fetch from the generator's actor server;
//   warm: `requests` activities from the same actors (keys known), signed
//         before the timed phase, then sent as fast as the node answers;
//   drain: how long the node's inbox worker takes to process the backlog.
#include <algorithm>
#include <chrono>
#include <thread>

#include "bench/load_driver.h"
#include "bench/peer_hosts.h"
#include "bench/plain_http.h"
#include "bench/process_probe.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parvis::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

struct NodeMetrics {
  double objects = 0;
  double inbox_count = 0;
  double inbox_sum = 0;
};

NodeMetrics ReadNodeMetrics(const IngestOptions& options) {
  NodeMetrics out;
  Result<PlainResponse> metrics = HttpGet(options.node.port, "/metrics");
  if (!metrics || metrics->status != 200) return out;
  std::string label = "route=\"" + options.target + "\"";
  out.objects =
      MetricValue(metrics->body, options.processed_metric, options.processed_labels).value_or(0);
  out.inbox_count =
      MetricValue(metrics->body, "parvis_http_request_duration_seconds_count", label).value_or(0);
  out.inbox_sum =
      MetricValue(metrics->body, "parvis_http_request_duration_seconds_sum", label).value_or(0);
  return out;
}

// Waits until the node has stored `expected` more objects than `before`
// (its estimate), or nothing moved for 10 s, or the timeout; returns seconds.
double WaitForProcessing(const IngestOptions& options, double before, double expected,
                         double* reached) {
  Clock::time_point start = Clock::now();
  Clock::time_point last_move = start;
  double last = -1;
  for (;;) {
    double now = ReadNodeMetrics(options).objects;
    *reached = now - before;
    if (*reached >= expected * 0.995) break;
    if (now != last) {
      last = now;
      last_move = Clock::now();
    } else if (Seconds(last_move) > 10) {
      break;
    }
    if (Seconds(start) > options.drain_timeout_s) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Seconds(start);
}

}  // namespace

int RunIngest(const IngestOptions& options) {
  const std::string& label = options.label;
  unsigned threads = options.sign_threads ? options.sign_threads
                                          : std::max(1u, std::thread::hardware_concurrency());
  Result<std::unique_ptr<PeerHosts>> peers = PeerHosts::Start(1, 1);
  if (!peers) {
    Progress(label, "cannot start the actor server: " + peers.error().message);
    return 1;
  }
  Clock::time_point keys_start = Clock::now();
  Result<std::vector<protocol::PrivateKey>> pool =
      LoadRsaKeyPool(options.keys.cache_file, options.keys.size, threads);
  if (!pool) {
    Progress(label, "cannot make keys: " + pool.error().message);
    return 1;
  }
  std::vector<BenchActor> actors;
  for (size_t i = 0; i < options.actors; ++i) {
    Result<BenchActor> actor = MakeActor(
        (*peers)->base(0), options.actor_prefix + std::to_string(i), (*pool)[i % pool->size()]);
    if (!actor) {
      Progress(label, "cannot make an actor: " + actor.error().message);
      return 1;
    }
    (*peers)->Add(*actor);
    actors.push_back(std::move(*actor));
  }
  Progress(label, std::to_string(actors.size()) + " actors at " + (*peers)->base(0) + " (" +
                      std::to_string(pool->size()) + " RSA keys) ready in " +
                      std::to_string(Seconds(keys_start)) + " s");

  const std::string authority = "127.0.0.1:" + std::to_string(options.node.port);
  const std::string run = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  auto sign = [&](size_t count, const std::string& phase, size_t offset) {
    int64_t now = UnixNow();
    return MakeInParallel(count, threads, [&](size_t i) {
      const BenchActor& actor = actors[(offset + i) % actors.size()];
      std::string body = CreateNoteBody(
          actor.id, run + "-" + phase + "-" + std::to_string(offset + i), options.body_bytes, now);
      return SignedPost(actor, options.scheme, authority, options.target, body, now);
    });
  };
  LoadOptions load{.address = "127.0.0.1",
                   .port = options.node.port,
                   .connections = options.connections,
                   .max_seconds = 0};
  NodeMetrics start_metrics = ReadNodeMetrics(options);
  Report(label, "body_bytes",
         static_cast<double>(CreateNoteBody(actors[0].id, run, options.body_bytes, 0).size()));

  // Cold: each actor's first activity makes the node fetch its key.
  uint64_t accepted_total = 0;
  if (options.cold) {
    Result<std::vector<std::string>> cold = sign(actors.size(), "cold", 0);
    if (!cold) {
      Progress(label, "cannot sign: " + cold.error().message);
      return 1;
    }
    uint64_t fetches_before = (*peers)->documents_served();
    LoadResult result = RunLoad(*cold, load);
    ReportLoad(label, "cold", result);
    Report(label, "cold_key_fetches",
           static_cast<double>((*peers)->documents_served() - fetches_before));
    accepted_total += result.accepted;
    double reached = 0;
    WaitForProcessing(options, start_metrics.objects, static_cast<double>(accepted_total),
                      &reached);
  }

  // Warm: signed beforehand (signing RSA here would cap the rate at what the
  // generator's cores sign), then sent as fast as the node answers.
  NodeMetrics before = ReadNodeMetrics(options);
  uint64_t warm_fetches_before = (*peers)->documents_served();
  MemoryStatus memory_before = ReadMemory(options.node.pid);
  LoadResult total;
  double signing_seconds = 0;
  double node_cpu = 0;
  double own_cpu = 0;
  uint64_t peak_kb = 0;
  Clock::time_point warm_start;
  for (size_t done = 0; done < options.requests;) {
    size_t count = std::min(options.chunk, options.requests - done);
    Clock::time_point signing = Clock::now();
    Result<std::vector<std::string>> requests = sign(count, "warm", done);
    if (!requests) {
      Progress(label, "cannot sign: " + requests.error().message);
      return 1;
    }
    signing_seconds += Seconds(signing);
    if (done == 0) {
      Progress(label, "signed " + std::to_string(count) + " requests in " +
                          std::to_string(signing_seconds) + " s on " + std::to_string(threads) +
                          " threads; sending");
      warm_start = Clock::now();
    }
    double node_cpu_before = ReadCpuSeconds(options.node.pid);
    double own_cpu_before = OwnCpuSeconds();
    PeakRssSampler sampler(options.node.pid);
    LoadOptions timed = load;
    timed.max_seconds = options.max_seconds - total.seconds;
    LoadResult result = RunLoad(*requests, timed);
    peak_kb = std::max(peak_kb, sampler.Stop());
    node_cpu += ReadCpuSeconds(options.node.pid) - node_cpu_before;
    own_cpu += OwnCpuSeconds() - own_cpu_before;
    total.sent += result.sent;
    total.accepted += result.accepted;
    total.transport_errors += result.transport_errors;
    total.seconds += result.seconds;
    for (auto [status, n] : result.statuses) total.statuses[status] += n;
    if (total.first_refusal.empty()) total.first_refusal = result.first_refusal;
    total.latencies_us.insert(total.latencies_us.end(), result.latencies_us.begin(),
                              result.latencies_us.end());
    done += count;
    if (total.seconds >= options.max_seconds) break;
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  NodeMetrics after = ReadNodeMetrics(options);
  ReportLoad(label, "warm", total);
  // Keys known: a server that fetches again here does not cache them.
  Report(label, "warm_key_fetches",
         static_cast<double>((*peers)->documents_served() - warm_fetches_before));
  Report(label, "signing_per_s", signing_seconds > 0 ? options.requests / signing_seconds : 0);
  Report(label, "sign_threads", threads);
  Report(label, "node_cpu_cores", total.seconds > 0 ? node_cpu / total.seconds : 0);
  Report(label, "node_cpu_us_per_request", total.sent ? node_cpu / total.sent * 1e6 : 0);
  Report(label, "loadgen_cpu_cores", total.seconds > 0 ? own_cpu / total.seconds : 0);
  double served = after.inbox_count - before.inbox_count;
  Report(label, "node_mean_handling_ms",
         served > 0 ? (after.inbox_sum - before.inbox_sum) / served * 1000 : 0);
  Report(label, "node_rss_before_kb", static_cast<double>(memory_before.rss_kb));
  Report(label, "node_rss_peak_kb", static_cast<double>(peak_kb));

  // Drain: the inbox worker processes what was accepted.
  double reached = 0;
  double drain =
      WaitForProcessing(options, before.objects, static_cast<double>(total.accepted), &reached);
  Report(label, "drain_seconds_after_load", drain);
  Report(label, "processed_objects", reached);
  Report(label, "backlog_left", std::max(0.0, static_cast<double>(total.accepted) - reached));
  Report(label, "processed_per_s", reached / (Seconds(warm_start)));
  MemoryStatus memory_after = ReadMemory(options.node.pid);
  Report(label, "node_rss_after_kb", static_cast<double>(memory_after.rss_kb));
  Report(label, "node_hwm_kb", static_cast<double>(memory_after.hwm_kb));
  return total.accepted > 0 ? 0 : 1;
}

}  // namespace parvis::bench
