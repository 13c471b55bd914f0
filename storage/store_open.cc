// Store::Open: lock, column families, schema version.
#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <charconv>
#include <cstdarg>
#include <exception>
#include <filesystem>
#include <set>
#include <system_error>

#include "rocksdb_error.h"
#include "sodium_init.h"
#include "store_impl.h"

namespace parvis::storage {

namespace {

namespace fs = std::filesystem;

std::string LockPath(const std::string& dir) { return (fs::path(dir) / "LOCK").string(); }

Error LockError(const std::string& dir, LockConflict conflict) {
  if (conflict == LockConflict::kThisProcess) {
    return Error{ErrorCode::kBusy, "data directory " + dir +
                                       " is already open in this parvis process (lock held on " +
                                       LockPath(dir) + ")"};
  }
  return Error{ErrorCode::kBusy, "data directory " + dir +
                                     " is in use by another parvis process (lock held on " +
                                     LockPath(dir) + ")"};
}

// Strict decimal: digits only, no sign, no spaces, fits in uint32_t.
std::optional<uint32_t> ParseVersion(std::string_view text) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// The version in `stored` if this binary reads it, else the error to return.
Result<uint32_t> CheckStoredVersion(const std::string& stored, const std::string& path) {
  const std::optional<uint32_t> version = ParseVersion(stored);
  if (!version || *version == 0) {
    return Fail(ErrorCode::kCorruption, "data directory " + path +
                                            " has an unreadable schema version \"" + stored +
                                            "\" in meta/schema_version");
  }
  if (*version > kSchemaVersion) {
    return Fail(ErrorCode::kUnsupported,
                "data directory " + path + " was written by schema version " +
                    std::to_string(*version) + "; this parvis reads up to version " +
                    std::to_string(kSchemaVersion) + " \u2014 upgrade parvis");
  }
  return *version;
}

// Discards RocksDB's info log: a read-only peek must not rotate the LOG file
// of a process that may be running on the same directory.
class DiscardingLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*args*/) override {}
};

// Reads meta/schema_version through a read-only open, which takes no lock and
// writes no record, so a database this binary must refuse is left untouched
// (a read-write open would already create families and rewrite the manifest).
Result<std::optional<std::string>> PeekSchemaVersion(const DbOptions& options,
                                                     const std::string& path) {
  rocksdb::DBOptions db_options = options.db;
  db_options.create_if_missing = false;
  db_options.create_missing_column_families = false;
  db_options.info_log = std::make_shared<DiscardingLogger>();
  const std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, options.scan_family},
      {FamilyName(Family::kMeta), options.lookup_family},
  };
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(db_options, path, descriptors, &handles, &raw);
  if (!s.ok()) {
    return std::unexpected(
        FromRocksStatus(s, "reading the schema version of data directory " + path));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string stored;
  s = db->Get(rocksdb::ReadOptions(), handles[1], rocksdb::Slice(kSchemaVersionKey), &stored);
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) {
    return std::unexpected(
        FromRocksStatus(s, "reading the schema version of data directory " + path));
  }
  return std::optional<std::string>(std::move(stored));
}

// True if no column family holds a single key.
Result<bool> DatabaseIsEmpty(rocksdb::DB* db,
                             const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                             const std::string& path) {
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle));
    it->SeekToFirst();
    if (it->Valid()) return false;
    if (!it->status().ok()) {
      return std::unexpected(FromRocksStatus(
          it->status(),
          "reading column family " + handle->GetName() + " of data directory " + path));
    }
  }
  return true;
}

}  // namespace

Store::Impl::~Impl() {
  if (db == nullptr) return;
  // A clean close leaves no WAL to replay: Close flushes only what was
  // written without the WAL, so the next open replayed every WAL file still
  // alive (0.8 s with a million objects). Families with nothing new write
  // nothing; a failure here only leaves the WAL to replay.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  db->Flush(flush, all_handles).PermitUncheckedError();
  // RocksDB wants every handle released before the database closes.
  for (rocksdb::ColumnFamilyHandle* handle : all_handles) {
    db->DestroyColumnFamilyHandle(handle);
  }
  db->Close().PermitUncheckedError();
  delete db;
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) try {
  EnsureSodiumInitialized();
  const std::string& path = options.path;
  if (path.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the data directory path is empty");
  }
  std::error_code ec;
  // RocksDB writes CURRENT when it creates a database; without it there is none.
  const bool existed = fs::exists(fs::path(path) / "CURRENT", ec);
  if (!existed && !options.create_if_missing) {
    return Fail(ErrorCode::kNotFound,
                "data directory " + path + " holds no parvis database (and creating one is off)");
  }

  if (!existed) {
    // RocksDB creates only the last component of the path.
    fs::create_directories(path, ec);
    if (ec) {
      return Fail(ErrorCode::kIo, "cannot create data directory " + path + ": " + ec.message());
    }
  }

  auto impl = std::make_unique<Impl>();
  Result<std::unique_ptr<DirectoryLock>> locked = DirectoryLock::Acquire(path);
  if (!locked) return std::unexpected(locked.error());
  impl->lock = std::move(*locked);
  impl->path = path;
  impl->options = MakeDbOptions(options);
  impl->write_options.sync = options.sync_writes;

  // Families this version does not know (written by a newer or older parvis)
  // must be opened too: RocksDB refuses to open a database without all of them.
  std::set<std::string> unknown_families;
  if (existed) {
    std::vector<std::string> names;
    const rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(impl->options.db, path, &names);
    if (!listed.ok()) {
      return std::unexpected(
          FromRocksStatus(listed, "listing the column families of data directory " + path));
    }
    unknown_families.insert(names.begin(), names.end());
    if (unknown_families.count(FamilyName(Family::kMeta)) != 0) {
      const Result<std::optional<std::string>> peeked = PeekSchemaVersion(impl->options, path);
      if (!peeked) return std::unexpected(peeked.error());
      if (*peeked) {
        const Result<uint32_t> version = CheckStoredVersion(**peeked, path);
        if (!version) return std::unexpected(version.error());
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName,
                           FamilyOptions(impl->options, rocksdb::kDefaultColumnFamilyName));
  unknown_families.erase(rocksdb::kDefaultColumnFamilyName);
  for (Family family : AllFamilies()) {
    descriptors.emplace_back(FamilyName(family), FamilyOptions(impl->options, FamilyName(family)));
    unknown_families.erase(FamilyName(family));
  }
  for (const std::string& name : unknown_families) {
    descriptors.emplace_back(name, FamilyOptions(impl->options, name));
  }

  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status opened =
      rocksdb::DB::Open(impl->options.db, path, descriptors, &handles, &db);
  if (!opened.ok()) {
    if (const LockConflict conflict = LockConflictOf(opened); conflict != LockConflict::kNone) {
      return std::unexpected(LockError(path, conflict));
    }
    return std::unexpected(FromRocksStatus(opened, "opening data directory " + path));
  }
  impl->db = db;
  impl->all_handles = handles;
  // handles[0] is "default"; ours follow in AllFamilies() order.
  for (size_t i = 0; i < AllFamilies().size(); ++i) {
    impl->family_handles[static_cast<size_t>(AllFamilies()[i])] = handles[i + 1];
  }

  rocksdb::ColumnFamilyHandle* meta = impl->Handle(Family::kMeta);
  std::string stored;
  const rocksdb::Status read =
      db->Get(rocksdb::ReadOptions(), meta, rocksdb::Slice(kSchemaVersionKey), &stored);
  if (read.ok()) {
    // Checked again: the database may have changed since the peek.
    const Result<uint32_t> version = CheckStoredVersion(stored, path);
    if (!version) return std::unexpected(version.error());
    // Older versions would be migrated here, before anything else reads.
    impl->schema_version = *version;
  } else if (read.IsNotFound()) {
    const Result<bool> empty = DatabaseIsEmpty(db, handles, path);
    if (!empty) return std::unexpected(empty.error());
    if (!*empty) {
      return Fail(ErrorCode::kCorruption,
                  "data directory " + path +
                      " holds records but no schema version (meta/schema_version is missing); "
                      "it was not written by parvis, or its meta family is damaged");
    }
    // A new database (or one created by an open that stopped before this write).
    rocksdb::WriteOptions durable;
    durable.sync = true;
    const rocksdb::Status written =
        db->Put(durable, meta, rocksdb::Slice(kSchemaVersionKey), std::to_string(kSchemaVersion));
    if (!written.ok()) {
      return std::unexpected(
          FromRocksStatus(written, "writing the schema version of data directory " + path));
    }
    impl->schema_version = kSchemaVersion;
  } else {
    return std::unexpected(
        FromRocksStatus(read, "reading the schema version of data directory " + path));
  }

  return std::unique_ptr<Store>(new Store(std::move(impl)));
} catch (const std::exception& e) {
  return Fail(ErrorCode::kIo, "opening data directory " + options.path + " failed: " + e.what());
}

}  // namespace parvis::storage
