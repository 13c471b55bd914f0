// parvis-loadgen: the federation load generator of scripts/bench.sh.
//
//   parvis-loadgen ingest  --node-port P --node-pid PID [--scheme rsa|ed25519] ...
//   parvis-loadgen fanout  --node-port P --node-pid PID --account NAME --post-command CMD ...
//   parvis-loadgen reads   --node-port P --node-pid PID --token T --password-file F ...
//   parvis-loadgen startup --parvis BIN --data-dir DIR [--empty] ...
//   parvis-loadgen fill    --data-dir DIR [--objects N]
//   parvis-loadgen petitions [--signatures N] [--threads T]
//   parvis-loadgen free-port
//
// Figures go to standard output as `RESULT label.name value` lines.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "bench/scenarios.h"

namespace {

using parvis::bench::Scheme;

const std::map<std::string, Scheme> kSchemes = {{"rsa", Scheme::kCavageRsa},
                                                {"ed25519", Scheme::kRfc9421Ed25519}};

int FreePort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::cout << acceptor.local_endpoint().port() << std::endl;
  return 0;
}

void AddNode(CLI::App* app, parvis::bench::NodeUnderTest& node) {
  app->add_option("--node-port", node.port, "Port of the node on 127.0.0.1")->required();
  app->add_option("--node-pid", node.pid, "Process id of the node (memory, CPU)")->required();
}

void AddKeys(CLI::App* app, parvis::bench::KeyPoolOptions& keys) {
  app->add_option("--keys-file", keys.cache_file, "RSA keys kept between runs (PEM)");
  app->add_option("--key-pool", keys.size, "Distinct RSA keys, shared round-robin by the actors");
}

}  // namespace

int main(int argc, char** argv) {
  // The actor servers are the node's HTTP server class: keep its access log quiet.
  spdlog::set_level(spdlog::level::warn);
  CLI::App app{"Federation load generator for a Parvis node.", "parvis-loadgen"};
  app.require_subcommand(1);

  parvis::bench::IngestOptions ingest;
  CLI::App* ingest_cmd = app.add_subcommand("ingest", "Signed Create(Note) into the inbox");
  AddNode(ingest_cmd, ingest.node);
  AddKeys(ingest_cmd, ingest.keys);
  ingest_cmd->add_option("--label", ingest.label, "Prefix of the RESULT names");
  ingest_cmd->add_option("--scheme", ingest.scheme, "rsa (draft-cavage) or ed25519 (RFC 9421)")
      ->transform(CLI::CheckedTransformer(kSchemes));
  ingest_cmd->add_option("--actors", ingest.actors, "Remote actors");
  ingest_cmd->add_option("--actor-prefix", ingest.actor_prefix, "Their names' prefix");
  ingest_cmd->add_option("--requests", ingest.requests, "Activities in the timed phase");
  ingest_cmd->add_option("--max-seconds", ingest.max_seconds, "Cap on the timed phase");
  ingest_cmd->add_option("--chunk", ingest.chunk, "Signed and sent this many at a time");
  ingest_cmd->add_option("--connections", ingest.connections, "Concurrent connections");
  ingest_cmd->add_option("--body-bytes", ingest.body_bytes, "Size of each activity");
  ingest_cmd->add_option("--target", ingest.target, "Inbox path");
  ingest_cmd->add_option("--sign-threads", ingest.sign_threads, "Threads that pre-sign (0: cores)");
  ingest_cmd->add_option("--drain-timeout", ingest.drain_timeout_s,
                         "Seconds to wait for processing");
  ingest_cmd->add_flag("!--no-cold", ingest.cold, "Skip the first-contact phase");
  ingest_cmd->add_option("--processed-metric", ingest.processed_metric,
                         "Metric (in the server's /metrics) counting processed objects");
  ingest_cmd->add_option("--processed-labels", ingest.processed_labels,
                         "Labels that sample of it has (\"\": any)");

  parvis::bench::ReadsOptions reads;
  std::string password_file;
  CLI::App* reads_cmd =
      app.add_subcommand("reads", "Follow actors, fill a home timeline, then read it (JSON, HTML)");
  AddNode(reads_cmd, reads.node);
  AddKeys(reads_cmd, reads.keys);
  reads_cmd->add_option("--label", reads.label, "Prefix of the RESULT names");
  reads_cmd->add_option("--account", reads.account, "The local account that reads");
  reads_cmd->add_option("--token", reads.token, "Its C2S token (parvis admin token NAME)")
      ->required();
  reads_cmd->add_option("--password-file", password_file, "File holding its password (sign-in)")
      ->required();
  reads_cmd->add_option("--follows", reads.follows, "Remote actors it follows");
  reads_cmd->add_option("--actor-prefix", reads.actor_prefix, "Their names' prefix");
  reads_cmd->add_option("--posts", reads.posts, "Create(Note) they deliver to its home");
  reads_cmd->add_option("--body-bytes", reads.body_bytes, "Size of each activity");
  reads_cmd->add_option("--fill-scheme", reads.fill_scheme, "How the actors sign: rsa or ed25519")
      ->transform(CLI::CheckedTransformer(kSchemes));
  reads_cmd->add_option("--chunk", reads.chunk, "Creates signed then sent this many at a time");
  reads_cmd->add_option("--fill-timeout", reads.fill_timeout_s, "Seconds to wait for filing");
  reads_cmd->add_flag("!--no-count", reads.count_home, "Do not page through the timeline once");
  reads_cmd->add_option("--rate", reads.rate, "Open loop: requests per second");
  reads_cmd->add_option("--seconds", reads.seconds, "Open loop: seconds per format");
  reads_cmd->add_option("--connections", reads.connections, "Open loop: most in flight");
  reads_cmd->add_option("--closed-seconds", reads.closed_seconds,
                        "Closed loop: seconds per format");
  reads_cmd->add_option("--closed-connections", reads.closed_connections,
                        "Closed loop: connections");

  parvis::bench::FanoutOptions fanout;
  CLI::App* fanout_cmd = app.add_subcommand("fanout", "Followers on many hosts; one post");
  AddNode(fanout_cmd, fanout.node);
  AddKeys(fanout_cmd, fanout.keys);
  fanout_cmd->add_option("--label", fanout.label, "Prefix of the RESULT names");
  fanout_cmd->add_option("--scheme", fanout.scheme, "How the followers sign their Follow")
      ->transform(CLI::CheckedTransformer(kSchemes));
  fanout_cmd->add_option("--account", fanout.account, "The local account followed")->required();
  fanout_cmd->add_option("--followers", fanout.followers, "Followers, each on its own host");
  fanout_cmd->add_option("--actor-prefix", fanout.actor_prefix, "Their names' prefix");
  fanout_cmd->add_option("--connections", fanout.connections, "Concurrent connections");
  fanout_cmd->add_option("--post-command", fanout.post_command, "Shell command that posts")
      ->required();
  fanout_cmd->add_option("--timeout", fanout.timeout_s, "Seconds to wait for deliveries");

  parvis::bench::StartupOptions startup;
  CLI::App* startup_cmd = app.add_subcommand("startup", "Time `parvis serve` until it listens");
  startup_cmd->add_option("--label", startup.label, "Prefix of the RESULT names");
  startup_cmd->add_option("--parvis", startup.parvis, "The parvis binary")->required();
  startup_cmd->add_option("--data-dir", startup.data_dir, "Data directory")->required();
  startup_cmd->add_flag("--empty", startup.empty, "Remove the data directory before each run");
  startup_cmd->add_option("--runs", startup.runs, "Starts to make")->check(CLI::Range(1, 100));
  startup_cmd->add_option("--idle-ms", startup.idle_ms, "Wait before reading idle memory");

  parvis::bench::PetitionOptions petition_options;
  CLI::App* petitions_cmd = app.add_subcommand(
      "petitions",
      "Time petition signatures on the home node's path, then check the count is exact");
  petitions_cmd->add_option("--label", petition_options.label, "Prefix of the RESULT names");
  petitions_cmd->add_option("--signatures", petition_options.signatures, "Signatures to record");
  petitions_cmd->add_option("--threads", petition_options.threads, "Threads signing at once");
  parvis::bench::FillOptions fill;
  CLI::App* fill_cmd =
      app.add_subcommand("fill", "Write remote notes into a stopped node's database");
  fill_cmd->add_option("--label", fill.label, "Prefix of the RESULT names");
  fill_cmd->add_option("--data-dir", fill.data_dir, "Data directory")->required();
  fill_cmd->add_option("--objects", fill.objects, "Notes to write");
  fill_cmd->add_option("--actors", fill.actors, "Authors they are spread over");
  fill_cmd->add_option("--body-bytes", fill.body_bytes, "Size of each activity");

  CLI::App* port_cmd = app.add_subcommand("free-port", "Print a free TCP port on 127.0.0.1");

  CLI11_PARSE(app, argc, argv);
  if (ingest_cmd->parsed()) return parvis::bench::RunIngest(ingest);
  if (fanout_cmd->parsed()) return parvis::bench::RunFanout(fanout);
  if (reads_cmd->parsed()) {
    std::ifstream in(password_file);
    if (!std::getline(in, reads.password) || reads.password.empty()) {
      std::cerr << "parvis-loadgen reads: cannot read a password from " << password_file << "\n";
      return 2;
    }
    return parvis::bench::RunReads(reads);
  }
  if (startup_cmd->parsed()) return parvis::bench::RunStartup(startup);
  if (fill_cmd->parsed()) return parvis::bench::RunFill(fill);
  if (petitions_cmd->parsed()) return parvis::bench::RunPetitions(petition_options);
  if (port_cmd->parsed()) return FreePort();
  return 2;
}
