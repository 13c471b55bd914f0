// Store: reads, atomic writes, scans, data keys, checkpoints, counters.
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <exception>
#include <filesystem>
#include <system_error>

#include "printable_key.h"
#include "rocksdb_error.h"
#include "store_impl.h"

namespace parvis::storage {

namespace {

namespace fs = std::filesystem;

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

Error BadFamily(Family family) {
  return Error{ErrorCode::kInvalidArgument,
               "unknown column family number " + std::to_string(static_cast<int>(family))};
}

Error Unexpected(std::string_view doing, const std::exception& e) {
  return Error{ErrorCode::kIo, "storage failed while " + std::string(doing) + ": " + e.what()};
}

// The smallest key greater than every key that starts with `prefix`, or ""
// if there is none (empty prefix, or a prefix of only 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xff) bound.pop_back();
  if (!bound.empty())
    bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

std::string EncodeBigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() = default;

Result<std::optional<std::string>> Store::Get(Family family, std::string_view key) const try {
  rocksdb::ColumnFamilyHandle* handle = impl_->Handle(family);
  if (handle == nullptr) return std::unexpected(BadFamily(family));
  std::string value;
  const rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), handle, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) {
    return std::unexpected(
        FromRocksStatus(s, std::string("reading ") + FamilyName(family) + "/" + PrintableKey(key)));
  }
  return std::optional<std::string>(std::move(value));
} catch (const std::exception& e) {
  return std::unexpected(Unexpected("reading a record", e));
}

Status Store::Write(const Batch& batch) try {
  if (batch.ops_.empty()) return Ok();
  rocksdb::WriteBatch out;
  for (const Batch::Op& op : batch.ops_) {
    rocksdb::ColumnFamilyHandle* handle = impl_->Handle(op.family);
    if (handle == nullptr) return std::unexpected(BadFamily(op.family));
    // RocksDB rejects a reversed range only while applying the batch, after
    // the operations before it were applied: refuse it before anything is written.
    if (op.kind == Batch::Op::kDeleteRange && std::string_view(op.key) > op.value) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string("range delete in ") + FamilyName(op.family) + " ends at " +
                      PrintableKey(op.value) + ", before its start " + PrintableKey(op.key));
    }
    rocksdb::Status s;
    switch (op.kind) {
      case Batch::Op::kPut:
        s = out.Put(handle, ToSlice(op.key), ToSlice(op.value));
        break;
      case Batch::Op::kDelete:
        s = out.Delete(handle, ToSlice(op.key));
        break;
      case Batch::Op::kDeleteRange:
        s = out.DeleteRange(handle, ToSlice(op.key), ToSlice(op.value));
        break;
    }
    if (!s.ok()) return std::unexpected(FromRocksStatus(s, "building a write batch"));
  }
  // One WriteBatch is one WAL record: recovery replays all of it or none.
  const rocksdb::Status s = impl_->db->Write(impl_->write_options, &out);
  if (!s.ok()) {
    return std::unexpected(FromRocksStatus(
        s, "writing a batch of " + std::to_string(batch.size()) + " changes to " + impl_->path));
  }
  return Ok();
} catch (const std::exception& e) {
  return std::unexpected(Unexpected("writing a batch", e));
}

Status Store::Scan(
    Family family, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  return ScanFrom(family, prefix, prefix, visit);
}

Status Store::ScanFrom(
    Family family, std::string_view prefix, std::string_view from,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const try {
  rocksdb::ColumnFamilyHandle* handle = impl_->Handle(family);
  if (handle == nullptr) return std::unexpected(BadFamily(family));
  // `upper` and `upper_slice` must outlive the iterator, which points at them.
  const std::string upper = PrefixSuccessor(prefix);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, handle));
  const std::string_view start = from > prefix ? from : prefix;
  for (it->Seek(ToSlice(start)); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(ToSlice(prefix))) break;
    const rocksdb::Slice value = it->value();
    if (!visit(std::string_view(key.data(), key.size()),
               std::string_view(value.data(), value.size()))) {
      return Ok();
    }
  }
  if (!it->status().ok()) {
    return std::unexpected(FromRocksStatus(
        it->status(), std::string("scanning ") + FamilyName(family) + "/" + PrintableKey(prefix)));
  }
  return Ok();
} catch (const std::exception& e) {
  // Also what `visit` throws: no exception leaves the storage layer.
  return std::unexpected(Unexpected(std::string("scanning ") + FamilyName(family), e));
} catch (...) {
  return Fail(ErrorCode::kIo, std::string("storage failed while scanning ") + FamilyName(family) +
                                  ": the visitor threw a non-standard exception");
}

Status Store::ScanBackward(
    Family family, std::string_view prefix, std::string_view before,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const try {
  rocksdb::ColumnFamilyHandle* handle = impl_->Handle(family);
  if (handle == nullptr) return std::unexpected(BadFamily(family));
  // `lower_slice` must outlive the iterator, which points at it.
  const rocksdb::Slice lower_slice = ToSlice(prefix);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, handle));
  const std::string target = before.empty() ? PrefixSuccessor(prefix) : std::string(before);
  if (target.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(ToSlice(target));
    if (it->Valid() && it->key().compare(ToSlice(target)) >= 0) it->Prev();
  }
  for (; it->Valid(); it->Prev()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(ToSlice(prefix))) break;
    const rocksdb::Slice value = it->value();
    if (!visit(std::string_view(key.data(), key.size()),
               std::string_view(value.data(), value.size()))) {
      return Ok();
    }
  }
  if (!it->status().ok()) {
    return std::unexpected(FromRocksStatus(
        it->status(), std::string("scanning back ") + FamilyName(family) + "/" + PrintableKey(prefix)));
  }
  return Ok();
} catch (const std::exception& e) {
  // Also what `visit` throws: no exception leaves the storage layer.
  return std::unexpected(Unexpected(std::string("scanning ") + FamilyName(family), e));
} catch (...) {
  return Fail(ErrorCode::kIo, std::string("storage failed while scanning ") + FamilyName(family) +
                                  ": the visitor threw a non-standard exception");
}

Result<DataKey> Store::GetDataKey(AccountId account) const {
  const Result<std::optional<std::string>> stored =
      Get(Family::kAccountKeys, EncodeAccountId(account));
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) {
    return Fail(ErrorCode::kNotFound, "account " + std::to_string(account) +
                                          " has no data key (never created, or destroyed)");
  }
  Result<DataKey> key = DataKey::FromBytes(**stored);
  if (!key) {
    return Fail(ErrorCode::kCorruption, "the stored data key of account " +
                                            std::to_string(account) +
                                            " is damaged: " + key.error().message);
  }
  return key;
}

Result<std::optional<std::string>> Store::GetSealed(AccountId account, Family family,
                                                    std::string_view key) const {
  // The key first: once it is destroyed, the account's sealed records read as
  // kNotFound whether or not their ciphertext is still stored.
  const Result<DataKey> data_key = GetDataKey(account);
  if (!data_key) return std::unexpected(data_key.error());
  Result<std::optional<std::string>> sealed = Get(family, key);
  if (!sealed || !sealed->has_value()) return sealed;
  Result<std::string> plain = OpenSealedValue(*data_key, family, key, **sealed);
  if (!plain) return std::unexpected(plain.error());
  return std::optional<std::string>(std::move(*plain));
}

Status Store::DestroyDataKey(AccountId account) try {
  rocksdb::ColumnFamilyHandle* keys = impl_->Handle(Family::kAccountKeys);
  const std::string where = "destroying the data key of account " + std::to_string(account);
  rocksdb::WriteOptions durable;
  durable.sync = true;
  rocksdb::Status s = impl_->db->Delete(durable, keys, EncodeAccountId(account));
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, where));

  // Flushing every family, not just kAccountKeys, retires the WAL files that
  // still hold the key: a WAL is deleted only once no family needs it.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  s = impl_->db->Flush(flush, impl_->all_handles);
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, where + " (flush)"));

  // Rewriting the whole family to the bottom level drops the key and its
  // tombstone; the SST files that held the key are then deleted.
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  s = impl_->db->CompactRange(compact, keys, nullptr, nullptr);
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, where + " (compaction)"));
  return Ok();
} catch (const std::exception& e) {
  return std::unexpected(Unexpected("destroying a data key", e));
}

Status Store::CompactAll() try {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  rocksdb::Status s = impl_->db->Flush(flush, impl_->all_handles);
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, "compacting the database (flush)"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* handle : impl_->all_handles) {
    s = impl_->db->CompactRange(compact, handle, nullptr, nullptr);
    if (!s.ok()) return std::unexpected(FromRocksStatus(s, "compacting the database"));
  }
  return Ok();
} catch (const std::exception& e) {
  return std::unexpected(Unexpected("compacting the database", e));
}

Status Store::Checkpoint(const std::string& dir) try {
  if (dir.empty()) return Fail(ErrorCode::kInvalidArgument, "the checkpoint path is empty");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec))) {
    return Fail(ErrorCode::kAlreadyExists,
                "checkpoint target " + dir + " already exists; a checkpoint needs a new directory");
  }
  const fs::path parent = fs::path(dir).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) {
      return Fail(ErrorCode::kIo, "cannot create " + parent.string() + " for checkpoint " + dir +
                                      ": " + ec.message());
    }
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(impl_->db, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, "preparing checkpoint " + dir));
  // SST files are hard-linked when on the same file system, copied otherwise.
  s = checkpoint->CreateCheckpoint(dir);
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, "writing checkpoint " + dir));
  return Ok();
} catch (const std::exception& e) {
  return std::unexpected(Unexpected("writing checkpoint " + dir, e));
}

Result<uint64_t> Store::NextSequence(std::string_view name) try {
  if (name.empty()) return Fail(ErrorCode::kInvalidArgument, "a sequence needs a name");
  rocksdb::ColumnFamilyHandle* meta = impl_->Handle(Family::kMeta);
  std::string key(kSequenceKeyPrefix);
  key.append(name);
  const std::string where = "advancing sequence " + PrintableKey(name);

  std::lock_guard lock(impl_->sequence_mu);
  uint64_t current = 0;
  if (auto known = impl_->sequences.find(key); known != impl_->sequences.end()) {
    current = known->second;
  } else {
    std::string stored;
    rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), meta, key, &stored);
    if (s.ok()) {
      if (stored.size() != 8) {
        return Fail(ErrorCode::kCorruption, "sequence " + PrintableKey(name) + " holds " +
                                                std::to_string(stored.size()) + " bytes instead of 8");
      }
      for (char c : stored) current = (current << 8) | static_cast<unsigned char>(c);
    } else if (!s.IsNotFound()) {
      return std::unexpected(FromRocksStatus(s, where));
    }
  }
  if (current == UINT64_MAX) {
    return Fail(ErrorCode::kLimitExceeded, "sequence " + PrintableKey(name) + " is exhausted");
  }
  const uint64_t next = current + 1;
  rocksdb::Status s = impl_->db->Put(impl_->write_options, meta, key, EncodeBigEndian64(next));
  if (!s.ok()) return std::unexpected(FromRocksStatus(s, where));
  impl_->sequences[key] = next;
  return next;
} catch (const std::exception& e) {
  return std::unexpected(Unexpected("advancing a sequence", e));
}

uint64_t Store::EstimateKeys(Family family) const {
  rocksdb::ColumnFamilyHandle* handle = impl_->Handle(family);
  uint64_t keys = 0;
  if (handle == nullptr ||
      !impl_->db->GetIntProperty(handle, rocksdb::DB::Properties::kEstimateNumKeys, &keys)) {
    return 0;
  }
  return keys;
}

uint32_t Store::schema_version() const { return impl_->schema_version; }

const std::string& Store::path() const { return impl_->path; }

}  // namespace parvis::storage
