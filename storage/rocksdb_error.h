// Translates rocksdb::Status into Parvis errors, once, at the storage edge.
#ifndef PARVIS_STORAGE_ROCKSDB_ERROR_H_
#define PARVIS_STORAGE_ROCKSDB_ERROR_H_

#include <rocksdb/status.h>

#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::storage {

// Which holder of the data directory lock RocksDB reported, if any.
enum class LockConflict { kNone, kOtherProcess, kThisProcess };

// RocksDB reports a held LOCK file only as an IO error with a fixed text:
// "While lock file: ...: Resource temporarily unavailable" (flock held by
// another process) or "lock hold by current process" (same process).
LockConflict LockConflictOf(const rocksdb::Status& status);

// `doing` completes "... failed while <doing>", e.g. "opening data directory /x".
// Requires !status.ok().
Error FromRocksStatus(const rocksdb::Status& status, std::string_view doing);

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_ROCKSDB_ERROR_H_
