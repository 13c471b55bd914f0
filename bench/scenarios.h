// The load generator's scenarios. Each prints its figures on standard output
// as `RESULT <label>.<name> <value>` lines (scripts/bench.sh collects them)
// and its progress on standard error. Each returns a process exit status.
#ifndef PARVIS_BENCH_SCENARIOS_H_
#define PARVIS_BENCH_SCENARIOS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/remote_actors.h"

namespace parvis::bench {

// Where the node under test is.
struct NodeUnderTest {
  uint16_t port = 0;
  int pid = 0;  // for /proc/PID: memory and CPU
};

struct KeyPoolOptions {
  std::string cache_file;  // RSA keys kept between runs; empty: none
  size_t size = 250;       // distinct RSA keys; actors share them round-robin
};

struct IngestOptions {
  std::string label = "ingest";
  NodeUnderTest node;
  KeyPoolOptions keys;
  Scheme scheme = Scheme::kCavageRsa;
  size_t actors = 1000;
  std::string actor_prefix = "a";
  size_t requests = 60000;  // signed for the warm, timed phase
  double max_seconds = 30;  // the timed phase stops after this, sent or not
  size_t chunk = 200000;    // signed then sent this many at a time (bounds memory)
  unsigned connections = 64;
  size_t body_bytes = 2048;
  std::string target = "/inbox";
  unsigned sign_threads = 0;  // 0: one per core
  int drain_timeout_s = 180;  // wait for the node to process what it accepted
  bool cold = true;           // run the first-contact phase
  // How many objects the server has processed: a sample of its /metrics
  // (Prometheus text). A server that files each activity before answering
  // (the Fedify peer) counts them under its own name.
  std::string processed_metric = "parvis_stored_records";
  std::string processed_labels = "family=\"objects\"";
};
int RunIngest(const IngestOptions& options);

struct FanoutOptions {
  std::string label = "fanout";
  NodeUnderTest node;
  KeyPoolOptions keys;
  Scheme scheme = Scheme::kCavageRsa;  // how the followers sign their Follow
  std::string account;                 // the local account they follow
  size_t followers = 2000;
  std::string actor_prefix = "f";
  unsigned connections = 64;
  std::string post_command;  // run by /bin/sh; publishes one note by `account`
  int timeout_s = 300;
};
int RunFanout(const FanoutOptions& options);

struct StartupOptions {
  std::string label = "startup";
  std::string parvis;    // the binary
  std::string data_dir;  // PARVIS_DATA_DIR for the runs
  bool empty = false;    // remove the data directory before each run
  int runs = 3;
  int idle_ms = 1000;  // then read the idle resident memory
};
int RunStartup(const StartupOptions& options);

// Home timeline reads: a local account (`account`, which must exist) follows
// `follows` remote actors served by the generator (C2S Follow with `token`;
// the generator answers each Follow with a signed Accept), then those actors
// deliver `posts` signed Create(Note) through the shared inbox and the node
// files them in the account's home timeline. Then GET /api/timelines/home
// (Bearer `token`) and GET /home (a session from POST /login with
// `password`) are read at a fixed `rate` (open loop), then as fast as the node
// answers (closed loop).
struct ReadsOptions {
  std::string label = "reads";
  NodeUnderTest node;
  KeyPoolOptions keys;
  std::string account = "reader";
  std::string password;
  std::string token;
  size_t follows = 500;
  std::string actor_prefix = "r";
  size_t posts = 100000;
  size_t body_bytes = 1024;
  Scheme fill_scheme = Scheme::kRfc9421Ed25519;  // cheaper to sign than RSA; same filing
  size_t chunk = 20000;                          // Creates signed then sent this many at a time
  int fill_timeout_s = 900;                      // wait for the node to file them
  bool count_home = true;                        // page through the whole home timeline once
  double rate = 2000;                            // open loop, requests per second
  double seconds = 20;                           // open loop, per format
  unsigned connections = 64;                     // open loop: most requests in flight
  double closed_seconds = 10;                    // closed loop, per format
  unsigned closed_connections = 16;
};
int RunReads(const ReadsOptions& options);

// Writes `objects` remote notes straight into a stopped node's database, as
// the inbox worker stores them (object record, author and federated-feed
// index entries, and the activity's receipt), to time start-up on a full
// data directory without ingesting for hours.
struct FillOptions {
  std::string label = "fill";
  std::string data_dir;
  size_t objects = 1000000;
  size_t actors = 1000;
  size_t body_bytes = 2048;
};
int RunFill(const FillOptions& options);

// Petition signatures through the home node's decision path, on a real store
// in a temporary directory, from `threads` threads; then a tenth withdrawn;
// then the log replayed: the final count must be exact.
struct PetitionOptions {
  std::string label = "petitions";
  uint64_t signatures = 50000;
  unsigned threads = 2;
};
int RunPetitions(const PetitionOptions& options);

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_SCENARIOS_H_
