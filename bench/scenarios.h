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
