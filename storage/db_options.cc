#include "db_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

namespace parvis::storage {

namespace {

// A node runs on small machines next to other services: bound files and threads.
constexpr int kMaxOpenFiles = 256;
constexpr int kBackgroundJobs = 2;
constexpr size_t kInfoLogFilesKept = 2;
constexpr size_t kInfoLogFileBytes = 1 << 20;
constexpr int kMemtablesPerFamily = 2;
constexpr double kBloomBitsPerKey = 10;
constexpr uint64_t kManifestBytes = 64 << 10;

rocksdb::ColumnFamilyOptions FamilyBase(const StoreOptions& options,
                                        const std::shared_ptr<rocksdb::Cache>& cache, bool bloom) {
  rocksdb::ColumnFamilyOptions family;
  family.write_buffer_size = options.write_buffer_bytes;
  family.max_write_buffer_number = kMemtablesPerFamily;
  // Keeps level sizes proportional to the data, so small databases stay few files.
  family.level_compaction_dynamic_level_bytes = true;
  // Blocks are stored as written: sealed values do not compress, and an
  // erasure can be checked by searching the files for what was erased
  // (compressed blocks would hide it as well as what was kept).
  family.compression = rocksdb::kNoCompression;
  family.bottommost_compression = rocksdb::kNoCompression;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks count against the same bounded cache.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return family;
}

}  // namespace

DbOptions MakeDbOptions(const StoreOptions& options) {
  DbOptions out;
  out.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);

  rocksdb::DBOptions& db = out.db;
  db.create_if_missing = options.create_if_missing;
  db.create_missing_column_families = true;
  db.max_open_files = kMaxOpenFiles;
  db.max_background_jobs = kBackgroundJobs;
  db.db_write_buffer_size = options.total_write_buffer_bytes;
  db.keep_log_file_num = kInfoLogFilesKept;
  db.max_log_file_size = kInfoLogFileBytes;
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db.stats_dump_period_sec = 0;
  db.stats_persist_period_sec = 0;
  // Recycled WAL files would keep old records (and destroyed data keys) past
  // their end; obsolete WAL files are deleted instead.
  db.recycle_log_file_num = 0;
  // The MANIFEST names the first and last key of every file, deleted ones
  // included, until it is rewritten: a small limit makes it roll (and the
  // old one go) soon after an erasure. Opening the database rewrites it too.
  db.max_manifest_file_size = kManifestBytes;

  out.lookup_family = FamilyBase(options, out.block_cache, /*bloom=*/true);
  out.scan_family = FamilyBase(options, out.block_cache, /*bloom=*/false);
  return out;
}

const rocksdb::ColumnFamilyOptions& FamilyOptions(const DbOptions& options,
                                                  const std::string& name) {
  for (Family family : AllFamilies()) {
    if (name == FamilyName(family)) {
      return family == Family::kQueues ? options.scan_family : options.lookup_family;
    }
  }
  return options.scan_family;
}

}  // namespace parvis::storage
