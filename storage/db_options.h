// RocksDB options for a Parvis store: small, bounded memory and file use.
#ifndef PARVIS_STORAGE_DB_OPTIONS_H_
#define PARVIS_STORAGE_DB_OPTIONS_H_

#include <rocksdb/options.h>

#include <memory>
#include <string>

#include "parvis/storage.h"

namespace parvis::storage {

// Everything DB::Open needs besides the path and the family list. The block
// cache is shared by every column family and lives as long as the options.
struct DbOptions {
  rocksdb::DBOptions db;
  rocksdb::ColumnFamilyOptions lookup_family;  // families read by Get: bloom filters
  rocksdb::ColumnFamilyOptions scan_family;    // families read by Scan only
  std::shared_ptr<rocksdb::Cache> block_cache;
};

DbOptions MakeDbOptions(const StoreOptions& options);

// Options for the column family named `name`; families unknown to this
// version of Parvis (opened, never used) get the scan options.
const rocksdb::ColumnFamilyOptions& FamilyOptions(const DbOptions& options,
                                                  const std::string& name);

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_DB_OPTIONS_H_
