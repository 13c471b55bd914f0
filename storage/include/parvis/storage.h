// The node's storage: one RocksDB database in the data directory, behind a
// small typed interface. Only storage/ includes RocksDB.
//
// Layout (docs/storage.md has the details):
//  - one column family per kind of record (Family below);
//  - every record that belongs to an account has a key that starts with the
//    account's 8-byte big-endian id, so one prefix scan per family finds all
//    of an account's records (export) and one range delete erases them;
//  - values of an account's private records are sealed with that account's
//    data key (XChaCha20-Poly1305); deleting the key makes them unreadable.
//
// Thread safety: a Store may be used from many threads at once.
#ifndef PARVIS_STORAGE_H_
#define PARVIS_STORAGE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"

namespace parvis::storage {

// Bumped whenever the on-disk layout changes incompatibly.
inline constexpr uint32_t kSchemaVersion = 1;

enum class Family {
  kMeta,            // node-wide settings: schema version, counters
  kAccounts,        // account id -> public account record (JSON)
  kAccountNames,    // lower-case account name -> account id
  kAccountPrivate,  // account id + record name -> sealed value
  kAccountKeys,     // account id -> 32-byte data key
  kObjects,         // object id -> stored object (JSON: object, local account, deleted)
  kQueues,          // persisted work queues: queue name + '/' + 8-byte sequence -> entry
  kRemoteActors,    // remote actor id -> what we know of it (JSON), with fetch time
  kRemoteKeys,      // remote key id -> owning actor id
  kActivities,      // activity id -> received activity and its receipt (JSON); dedupe
  kFollows,         // account id + "followers/" or "following/" + remote actor id -> JSON
  kOutbox,          // account id + 8-byte sequence -> the account's activity (JSON)
  kReactions,       // local object id + "\n" + L|A + "\n" + actor -> Like/Announce activity id
  kHosts,           // remote host -> delivery health (JSON: failures, unavailable since)
  kTokens,          // "hash/" + SHA-256 of a C2S token -> token record; account id + token id -> hash
  kInboxItems,      // account id + 8-byte sequence -> id of an activity addressed to the account
  kReplies,         // parent object id + "\n" + 8-byte sequence -> reply object id
  kTags,            // lower-case hashtag + "\n" + 8-byte sequence -> object id
  kFeatured,        // account id + 8-byte sequence -> pinned local object id
  kSessions,        // "hash/" + SHA-256 of a session cookie -> session; account id + session id -> hash
  kInvites,         // invite code -> invite (JSON: creator, uses left, expiry)
  kHomeFeed,        // account id + 8-byte sequence -> object id (+ "\n" + booster)
  kPublicFeed,      // "local/", "federated/" or "commercial/" + 8-byte sequence -> object id
  kMedia,           // account id + "avatar" -> image bytes
  kByAuthor,        // remote actor id + "\n" + 8-byte sequence -> id of an object it wrote
  kSectors,         // "actor/" + actor id -> moderator's sector; "log/" + 8-byte sequence -> reclassification
  kPetitions,       // petitions, their signature logs and signers; an account's own signatures (docs/storage.md)
  kConsultations,   // consultations, proposals, votes, comments; an account's own votes (docs/storage.md)
  kMessages,        // encrypted messaging: key directories, prekeys, waiting ciphertexts, backups (docs/storage.md)
  kRelations,       // account id + "block/", "mute/", "domain/", "bookmark/" or "bookmarked/" + ... (docs/storage.md)
  kModeration,      // reports, Flags, the audit log; an account's filed reports (server/moderation/report_store.h)
  kAnnotations,     // right-of-reply and context notes attached to objects (docs/storage.md)
  kResources,       // the node's resource samples and per-object energy inputs (docs/storage.md)
  kSignals,         // amplification signals: reactions by time, text fingerprints, labels issued (docs/storage.md)
  kRules,           // versioned terms and rules of the node (docs/storage.md)
  kReplay,          // signature fingerprint -> expiry (seconds, 8-byte big-endian)
  // kReplay stays last: store_impl.h sizes its handle table from it. Add new
  // families before it, and to AllFamilies().
};

// All families, in a fixed order; each exists in every opened database.
const std::vector<Family>& AllFamilies();
// The column family's name on disk ("meta", "accounts", ...).
const char* FamilyName(Family family);

using AccountId = uint64_t;

// 8-byte big-endian encoding, so keys sort by id and share a prefix per account.
std::string EncodeAccountId(AccountId id);
// Returns nullopt unless `bytes` has at least 8 bytes.
std::optional<AccountId> DecodeAccountId(std::string_view bytes);
// 8-byte big-endian encoding of any counter or time, so keys sort by it.
std::string EncodeUint64(uint64_t value);
// The first 8 bytes as big-endian; 0 if there are fewer.
uint64_t DecodeUint64(std::string_view bytes);

// EncodeAccountId(id) + suffix.
std::string AccountKey(AccountId id, std::string_view suffix);

// A per-account secret key. Wiped from memory when destroyed.
class DataKey {
 public:
  static constexpr size_t kSize = 32;
  static DataKey Generate();
  // Fails unless `bytes` is exactly kSize long.
  static Result<DataKey> FromBytes(std::string_view bytes);
  DataKey(const DataKey&);
  DataKey& operator=(const DataKey&);
  ~DataKey();
  std::string_view bytes() const;

 private:
  DataKey() = default;
  std::array<unsigned char, kSize> key_{};
};

// Seals `plaintext` for storage under (family, key): the ciphertext only opens
// with the same data key at the same place, so values cannot be swapped.
std::string SealValue(const DataKey& data_key, Family family, std::string_view key,
                      std::string_view plaintext);
// Fails with kCorruption if the value was altered, moved or sealed with another key.
Result<std::string> OpenSealedValue(const DataKey& data_key, Family family,
                                    std::string_view key, std::string_view sealed);

// Changes applied together or not at all by Store::Write.
class Batch {
 public:
  Batch();
  ~Batch();
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;

  void Put(Family family, std::string_view key, std::string_view value);
  void Delete(Family family, std::string_view key);
  // Deletes every key k with begin <= k < end.
  void DeleteRange(Family family, std::string_view begin, std::string_view end);
  void PutSealed(const DataKey& data_key, Family family, std::string_view key,
                 std::string_view plaintext);
  size_t size() const;  // number of operations

 private:
  friend class Store;
  struct Op {
    enum Kind { kPut, kDelete, kDeleteRange } kind;
    Family family;
    std::string key;
    std::string value;  // value, or the end key of a range
  };
  std::vector<Op> ops_;
};

struct StoreOptions {
  std::string path;                 // data directory; created if missing
  bool create_if_missing = true;
  size_t block_cache_bytes = 8 << 20;
  size_t write_buffer_bytes = 4 << 20;   // per column family memtable
  size_t total_write_buffer_bytes = 32 << 20;
  bool sync_writes = false;         // fsync the WAL on every write
};

class Store {
 public:
  // Opens or creates the database. Fails with:
  //  kBusy if another process holds the data directory,
  //  kUnsupported if it was written by a newer schema version,
  //  kNotFound if it holds no database and create_if_missing is false,
  //  kIo / kCorruption for anything else; messages name the path.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();  // flushes and closes

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Result<std::optional<std::string>> Get(Family family, std::string_view key) const;
  // Atomic: all of the batch is applied, or none of it.
  Status Write(const Batch& batch);

  // Calls `visit(key, value)` for keys starting with `prefix`, in key order,
  // until it returns false. `key` and `value` are valid only during the call;
  // an exception thrown by `visit` ends the scan and is returned as kIo.
  Status Scan(Family family, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Like Scan, from `from` on: keys starting with `prefix` and not before
  // `from`. A queue's consumer resumes this way: RocksDB seeks straight to
  // `from` instead of stepping over the deletions of the entries before it.
  Status ScanFrom(Family family, std::string_view prefix, std::string_view from,
                  const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Like Scan, newest key first: keys starting with `prefix` and strictly
  // before `before` (all of them when `before` is empty), in descending order.
  Status ScanBackward(Family family, std::string_view prefix, std::string_view before,
                      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // The account's data key; kNotFound once it was destroyed.
  Result<DataKey> GetDataKey(AccountId account) const;
  // Get + OpenSealedValue with the account's key.
  Result<std::optional<std::string>> GetSealed(AccountId account, Family family,
                                               std::string_view key) const;
  // Removes the account's data key, then compacts kAccountKeys so the key's
  // bytes leave the files; every value sealed with it becomes unreadable.
  // Succeeds if the account has no key (so an interrupted erasure can be retried).
  Status DestroyDataKey(AccountId account);

  // Flushes every family and rewrites each whole to the bottom level, so
  // that deleted records leave the files: their SST files and the WAL files
  // that held them are deleted (account erasure). Slow: seconds per GB.
  Status CompactAll();

  // Writes a consistent snapshot of every family to `dir`, which must not
  // exist (kAlreadyExists); missing parent directories are created. Safe
  // while the node is serving.
  Status Checkpoint(const std::string& dir);

  // Atomically increments the counter `name` in kMeta; returns the new value.
  Result<uint64_t> NextSequence(std::string_view name);

  // Estimated number of keys in a family (for metrics).
  uint64_t EstimateKeys(Family family) const;
  uint32_t schema_version() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_H_
