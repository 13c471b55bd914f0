// The data directory's lock, taken before RocksDB touches any file there: a
// second opener must fail before it can, for example, rotate the live node's
// log files (RocksDB does that before taking its own LOCK).
#ifndef PARVIS_STORAGE_DIRECTORY_LOCK_H_
#define PARVIS_STORAGE_DIRECTORY_LOCK_H_

#include <memory>
#include <string>

#include "parvis/result.h"

namespace parvis::storage {

class DirectoryLock {
 public:
  // Takes an exclusive flock on `dir`/parvis.lock (created if missing). kBusy
  // names whether this process or another holds it.
  static Result<std::unique_ptr<DirectoryLock>> Acquire(const std::string& dir);
  ~DirectoryLock();  // releases it
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  static std::string LockPath(const std::string& dir);

 private:
  DirectoryLock(int fd, std::string key) : fd_(fd), key_(std::move(key)) {}
  int fd_;
  std::string key_;  // canonical directory, in this process's set of held locks
};

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_DIRECTORY_LOCK_H_
