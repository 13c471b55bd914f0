#include "child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

extern char** environ;

namespace parvis::storage::testing {

std::optional<ChildProcess> ChildProcess::Start(const std::string& job, const std::string& dir,
                                                const std::string& arg) {
  // Everything exec needs is built before fork: after it, only
  // async-signal-safe calls are allowed in the child of a threaded process.
  std::vector<std::string> env_strings = {
      std::string(kChildJobEnv) + "=" + job,
      std::string(kChildDirEnv) + "=" + dir,
      std::string(kChildArgEnv) + "=" + arg,
  };
  std::vector<char*> env;
  for (std::string& s : env_strings) env.push_back(s.data());
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  env.push_back(nullptr);
  char arg0[] = "parvis_storage_tests";
  // The job registers this test in the child only (child_main.cc).
  char arg1[] = "--gtest_filter=StorageChildJob.Run";
  char* argv[] = {arg0, arg1, nullptr};

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << errno;
    return std::nullopt;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << errno;
    close(fds[0]);
    close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the copy, so only the report end survives exec
    // (unless it already is that descriptor: then the flag is cleared by hand).
    if (fds[1] == kChildReportFd) {
      if (fcntl(fds[1], F_SETFD, 0) != 0) _exit(120);
    } else if (dup2(fds[1], kChildReportFd) < 0) {
      _exit(120);
    }
    // gtest's banner in the child would interleave with the parent's report.
    const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);
    execve("/proc/self/exe", argv, env.data());
    _exit(121);
  }
  close(fds[1]);
  return ChildProcess(pid, fds[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), report_fd_(other.report_fd_) {
  other.pid_ = -1;
  other.report_fd_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Kill();
  if (report_fd_ >= 0) close(report_fd_);
}

bool ChildProcess::Read(void* out, size_t size, std::chrono::milliseconds timeout) {
  auto* bytes = static_cast<char*>(out);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t done = 0;
  while (done < size) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{report_fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = read(report_fd_, bytes + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string ChildProcess::ReadRest(std::chrono::milliseconds timeout) {
  std::string rest;
  char c = 0;
  while (Read(&c, 1, timeout)) rest += c;
  return rest;
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

int ChildProcess::Wait() {
  int status = 0;
  if (pid_ <= 0) return -1;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

}  // namespace parvis::storage::testing
