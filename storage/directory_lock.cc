#include "directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>

namespace parvis::storage {
namespace {

// flock cannot tell this process from another (each open file description
// locks alone), so the process remembers which directories it holds. This
// is the one process-wide table in storage: the lock it mirrors is
// process-wide too.
std::mutex& HeldMutex() {
  static std::mutex mutex;
  return mutex;
}
std::set<std::string>& Held() {
  static std::set<std::string> held;
  return held;
}

}  // namespace

std::string DirectoryLock::LockPath(const std::string& dir) {
  return (std::filesystem::path(dir) / "parvis.lock").string();
}

Result<std::unique_ptr<DirectoryLock>> DirectoryLock::Acquire(const std::string& dir) {
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(dir, ec).string();
  if (ec) key = dir;
  std::lock_guard lock(HeldMutex());
  if (Held().count(key) != 0) {
    return Fail(ErrorCode::kBusy, "data directory " + dir +
                                      " is already open in this parvis process (lock held on " +
                                      LockPath(dir) + ")");
  }
  int fd = ::open(LockPath(dir).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "cannot open " + LockPath(dir) + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Fail(ErrorCode::kBusy, "data directory " + dir +
                                        " is in use by another parvis process (lock held on " +
                                        LockPath(dir) + ")");
    }
    return Fail(ErrorCode::kIo, "cannot lock " + LockPath(dir) + ": " + std::strerror(error));
  }
  Held().insert(key);
  return std::unique_ptr<DirectoryLock>(new DirectoryLock(fd, key));
}

DirectoryLock::~DirectoryLock() {
  std::lock_guard lock(HeldMutex());
  Held().erase(key_);
  ::close(fd_);
}

}  // namespace parvis::storage
