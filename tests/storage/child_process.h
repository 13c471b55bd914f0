// Runs this test binary again as a child process that does one storage job
// (see child_main.cc), so tests can hold locks in, or SIGKILL, another process.
//
// The child is started with fork + exec, not fork alone: RocksDB's background
// threads do not survive fork, so a forked-only child could stall on its first
// flush.
#ifndef PARVIS_TESTS_STORAGE_CHILD_PROCESS_H_
#define PARVIS_TESTS_STORAGE_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace parvis::storage::testing {

// Environment variables that tell the re-executed binary what to do.
inline constexpr char kChildJobEnv[] = "PARVIS_STORAGE_TEST_CHILD_JOB";
inline constexpr char kChildDirEnv[] = "PARVIS_STORAGE_TEST_CHILD_DIR";
inline constexpr char kChildArgEnv[] = "PARVIS_STORAGE_TEST_CHILD_ARG";
// The child reports to its parent on this file descriptor.
inline constexpr int kChildReportFd = 3;

class ChildProcess {
 public:
  // Starts `job` on data directory `dir`; nullopt (and a test failure) if it cannot.
  static std::optional<ChildProcess> Start(const std::string& job, const std::string& dir,
                                           const std::string& arg = "");
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  // Kills and reaps the child if it is still running.
  ~ChildProcess();

  // Reads exactly `size` bytes of the child's report; false on EOF or timeout.
  bool Read(void* out, size_t size, std::chrono::milliseconds timeout);
  // Reads whatever the child still sends until it closes its end (or timeout).
  std::string ReadRest(std::chrono::milliseconds timeout);
  // Sends SIGKILL and waits for the child to be gone.
  void Kill();
  // Waits for the child to exit by itself; its exit status as from waitpid.
  int Wait();

 private:
  ChildProcess(pid_t pid, int report_fd) : pid_(pid), report_fd_(report_fd) {}
  pid_t pid_ = -1;
  int report_fd_ = -1;
};

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_CHILD_PROCESS_H_
