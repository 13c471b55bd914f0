// The child side of ChildProcess. When the job variable is set, a test named
// StorageChildJob.Run is registered (and only then, so normal runs never list
// it); the child is started with a filter that runs just that test, which does
// the job and exits. The job cannot run during static initialisation: RocksDB
// is linked statically and its own statics may not be ready yet.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
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

// Writes crash batches 0, 1, 2, ... of `round`, reporting the number of
// completed writes after each; after `limit` batches it waits to be killed.
[[noreturn]] void WriteBatches(const std::string& dir, int round, uint32_t limit) {
  std::unique_ptr<Store> store = OpenOrReport(dir);
  for (uint32_t batch = 0; batch < limit; ++batch) {
    if (!store->Write(MakeCrashBatch(round, batch))) _exit(4);
    const uint32_t completed = batch + 1;
    Report(&completed, sizeof completed);
  }
  for (;;) pause();
}

[[noreturn]] void RunChildJob() {
  const char* job = std::getenv(kChildJobEnv);
  const char* dir = std::getenv(kChildDirEnv);
  const char* arg = std::getenv(kChildArgEnv);
  if (job == nullptr || dir == nullptr) _exit(5);
  const std::string name = job;
  if (name == "hold-lock") HoldLock(dir);
  if (name == "write-batches") {
    // arg: "<round> <limit>"
    int round = 0;
    unsigned limit = kCrashMaxBatches;
    if (arg != nullptr) std::sscanf(arg, "%d %u", &round, &limit);
    WriteBatches(dir, round, limit);
  }
  _exit(6);
}

class ChildJobTest : public ::testing::Test {
 public:
  void TestBody() override { RunChildJob(); }
};

[[maybe_unused]] const bool kChildJobRegistered = [] {
  if (std::getenv(kChildJobEnv) == nullptr) return false;
  ::testing::RegisterTest("StorageChildJob", "Run", nullptr, nullptr, __FILE__, __LINE__,
                          []() -> ::testing::Test* { return new ChildJobTest; });
  return true;
}();

}  // namespace
}  // namespace parvis::storage::testing
