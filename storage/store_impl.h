// Store's private state, shared by store.cc (reads and writes) and
// store_open.cc (opening, schema check).
#ifndef PARVIS_STORAGE_STORE_IMPL_H_
#define PARVIS_STORAGE_STORE_IMPL_H_

#include <rocksdb/db.h>

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db_options.h"
#include "directory_lock.h"
#include "parvis/storage.h"

namespace parvis::storage {

// Family::kReplay is the last enumerator (storage.h); keep this in step.
inline constexpr size_t kFamilyCount = static_cast<size_t>(Family::kReplay) + 1;

// Key of the schema version in Family::kMeta; the value is decimal text.
inline constexpr std::string_view kSchemaVersionKey = "schema_version";
// Prefix of NextSequence counters in Family::kMeta; values are 8-byte big-endian.
inline constexpr std::string_view kSequenceKeyPrefix = "sequence/";

struct Store::Impl {
  // Set once by Open, then read-only: safe to read from any thread.
  std::string path;
  DbOptions options;  // keeps the shared block cache alive
  // Held from before RocksDB opens until after ~Impl's body has closed it.
  std::unique_ptr<DirectoryLock> lock;
  rocksdb::DB* db = nullptr;
  // Every opened column family (default, ours, unknown ones), destroyed on close.
  std::vector<rocksdb::ColumnFamilyHandle*> all_handles;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> family_handles{};
  rocksdb::WriteOptions write_options;
  uint32_t schema_version = 0;

  // Serialises NextSequence's read-modify-write.
  std::mutex sequence_mu;
  // The last value of each sequence this store handed out (and wrote), so
  // the next call writes without reading first; guarded by sequence_mu.
  // Only NextSequence writes the counters.
  std::unordered_map<std::string, uint64_t> sequences;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // Closes the database if it was opened.
  ~Impl();

  // nullptr if `family` is not one of the enumerators.
  rocksdb::ColumnFamilyHandle* Handle(Family family) const {
    const auto index = static_cast<size_t>(family);
    return index < kFamilyCount ? family_handles[index] : nullptr;
  }
};

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_STORE_IMPL_H_
