// The child side of ChildProcess: when the job variable is set, this runs
// before gtest's main, does the job and exits without running any test.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "child_process.h"
#include "crash_batches.h"
#include "parvis/storage.h"

namespace parvis::storage::testing {
namespace {

void Report(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(kChildReportFd, bytes, size);
    if (n <= 0) _exit(3);
    bytes += n;
    size -= static_cast<size_t>(n);
  }
}

std::unique_ptr<Store> OpenOrReport(const std::string& dir) {
  StoreOptions options;
  options.path = dir;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store) {
    const std::string failure = "F" + store.error().message;
    Report(failure.data(), failure.size());
    _exit(2);
  }
  return std::move(*store);
}

// Opens the store, says 'R', then holds it (and its lock) until killed.
[[noreturn]] void HoldLock(const std::string& dir) {
  std::unique_ptr<Store> store = OpenOrReport(dir);
  Report("R", 1);
  for (;;) pause();
}

// Writes crash batches 0, 1, 2, ... of round `round`, reporting the number of
// completed writes after each, until killed.
[[noreturn]] void WriteBatches(const std::string& dir, int round) {
  std::unique_ptr<Store> store = OpenOrReport(dir);
  for (uint32_t batch = 0; batch < kCrashMaxBatches; ++batch) {
    if (!store->Write(MakeCrashBatch(round, batch))) _exit(4);
    const uint32_t completed = batch + 1;
    Report(&completed, sizeof completed);
  }
  _exit(0);
}

int RunChildJobIfAsked() {
  const char* job = std::getenv(kChildJobEnv);
  if (job == nullptr) return 0;
  const char* dir = std::getenv(kChildDirEnv);
  const char* arg = std::getenv(kChildArgEnv);
  if (dir == nullptr) _exit(5);
  const std::string name = job;
  if (name == "hold-lock") HoldLock(dir);
  if (name == "write-batches") WriteBatches(dir, arg == nullptr ? 0 : std::atoi(arg));
  _exit(6);
}

// Runs at static initialisation, after the libraries (RocksDB, libsodium) are ready.
[[maybe_unused]] const int kChildJobRan = RunChildJobIfAsked();

}  // namespace
}  // namespace parvis::storage::testing
