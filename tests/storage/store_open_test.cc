// Opening a data directory: schema version, locking, column families.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

// Only to fabricate databases Parvis would not write itself (foreign column
// families); the storage interface under test never exposes RocksDB.
#include <rocksdb/db.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "child_process.h"
#include "open_store.h"
#include "parvis/storage.h"
#include "temp_dir.h"

namespace parvis::storage {
namespace {

using testing::ChildProcess;
using ::testing::HasSubstr;
using testing::OpenStore;
using testing::PutOne;
using testing::TempDir;

Result<std::unique_ptr<Store>> TryOpen(const std::string& path) {
  StoreOptions options;
  options.path = path;
  return Store::Open(options);
}

TEST(StoreOpenTest, NewDatabaseRecordsTheSchemaVersion) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("new/nested/data"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), kSchemaVersion);
  EXPECT_EQ(store->path(), dir.Sub("new/nested/data"));
  const Result<std::optional<std::string>> stored = store->Get(Family::kMeta, "schema_version");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, std::to_string(kSchemaVersion));
}

struct VersionCase {
  const char* name;
  std::optional<std::string> stored;  // nullopt: the key is deleted
  bool other_records;                 // a record besides the version exists
  std::optional<ErrorCode> expected;  // nullopt: opens
  std::vector<std::string> message_parts;
};

TEST(StoreOpenTest, SchemaVersionRules) {
  const std::vector<VersionCase> cases = {
      {"current version", "1", true, std::nullopt, {}},
      {"newer version",
       "7",
       true,
       ErrorCode::kUnsupported,
       {"was written by schema version 7", "this parvis reads up to version 1", "upgrade parvis"}},
      {"much newer", "4294967295", false, ErrorCode::kUnsupported, {"schema version 4294967295"}},
      {"zero", "0", false, ErrorCode::kCorruption, {"unreadable schema version"}},
      {"not a number", "one", false, ErrorCode::kCorruption, {"unreadable schema version \"one\""}},
      {"trailing space", "1 ", false, ErrorCode::kCorruption, {"unreadable schema version"}},
      {"negative", "-1", false, ErrorCode::kCorruption, {"unreadable schema version"}},
      {"too large", "99999999999", false, ErrorCode::kCorruption, {"unreadable schema version"}},
      {"empty", "", false, ErrorCode::kCorruption, {"unreadable schema version"}},
      {"missing with records",
       std::nullopt,
       true,
       ErrorCode::kCorruption,
       {"holds records but no schema version"}},
      // An open that stopped between creating the files and writing the version.
      {"missing in empty database", std::nullopt, false, std::nullopt, {}},
  };
  for (const VersionCase& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const std::string path = dir.Sub("data");
    {
      auto store = OpenStore(path);
      ASSERT_NE(store, nullptr);
      Batch batch;
      if (c.stored) {
        batch.Put(Family::kMeta, "schema_version", *c.stored);
      } else {
        batch.Delete(Family::kMeta, "schema_version");
      }
      if (c.other_records) batch.Put(Family::kAccounts, EncodeAccountId(1), "{}");
      ASSERT_TRUE(store->Write(batch).has_value());
    }
    Result<std::unique_ptr<Store>> reopened = TryOpen(path);
    if (!c.expected) {
      ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
      EXPECT_EQ((*reopened)->schema_version(), kSchemaVersion);
      EXPECT_EQ(*(*reopened)->Get(Family::kMeta, "schema_version"), "1");
      continue;
    }
    ASSERT_FALSE(reopened.has_value());
    EXPECT_EQ(reopened.error().code, *c.expected) << reopened.error().message;
    EXPECT_THAT(reopened.error().message, HasSubstr("data directory " + path));
    for (const std::string& part : c.message_parts) {
      EXPECT_THAT(reopened.error().message, HasSubstr(part));
    }
  }
}

TEST(StoreOpenTest, BadPaths) {
  TempDir dir;
  EXPECT_EQ(TryOpen("").error().code, ErrorCode::kInvalidArgument);

  StoreOptions no_create;
  no_create.path = dir.Sub("absent");
  no_create.create_if_missing = false;
  const Result<std::unique_ptr<Store>> absent = Store::Open(no_create);
  ASSERT_FALSE(absent.has_value());
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(absent.error().message, HasSubstr(dir.Sub("absent")));

  // A regular file where the directory should be.
  const std::string file = dir.Sub("file");
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  const Result<std::unique_ptr<Store>> on_file = TryOpen(file);
  ASSERT_FALSE(on_file.has_value());
  EXPECT_EQ(on_file.error().code, ErrorCode::kIo) << on_file.error().message;
  EXPECT_THAT(on_file.error().message, HasSubstr(file));
}

TEST(StoreOpenTest, SecondOpenInTheSameProcessIsBusy) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  auto first = OpenStore(path);
  ASSERT_NE(first, nullptr);
  const Result<std::unique_ptr<Store>> second = TryOpen(path);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kBusy) << second.error().message;
  EXPECT_THAT(second.error().message, HasSubstr("data directory " + path));
  EXPECT_THAT(second.error().message, HasSubstr("(lock held on " + path + "/parvis.lock)"));
  // Closing releases the lock.
  first.reset();
  EXPECT_NE(OpenStore(path), nullptr);
}

TEST(StoreOpenTest, OpenWhileAnotherProcessHoldsItIsBusy) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  std::optional<ChildProcess> child = ChildProcess::Start("hold-lock", path);
  ASSERT_TRUE(child.has_value());
  char ready = 0;
  ASSERT_TRUE(child->Read(&ready, 1, std::chrono::seconds(30)));
  ASSERT_EQ(ready, 'R') << "the child could not open the store: "
                        << child->ReadRest(std::chrono::seconds(5));

  const Result<std::unique_ptr<Store>> second = TryOpen(path);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kBusy) << second.error().message;
  EXPECT_EQ(second.error().message, "data directory " + path +
                                        " is in use by another parvis process (lock held on " +
                                        path + "/parvis.lock)");

  // The lock dies with its process, even one killed without closing.
  child->Kill();
  EXPECT_NE(OpenStore(path), nullptr);
}

std::set<std::string> ColumnFamiliesOnDisk(const std::string& path) {
  std::vector<std::string> names;
  const rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return {names.begin(), names.end()};
}

TEST(StoreOpenTest, CreatesEveryFamily) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  ASSERT_NE(OpenStore(path), nullptr);
  std::set<std::string> expected = {"default"};
  for (Family family : AllFamilies()) expected.insert(FamilyName(family));
  EXPECT_EQ(ColumnFamiliesOnDisk(path), expected);
}

TEST(StoreOpenTest, OpensDatabasesWithUnknownFamilies) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  {
    // As a later parvis might leave it: its own family, and only some of ours.
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* future = nullptr;
    ASSERT_TRUE(
        db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "from_the_future", &future).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), future, "k", "v").ok());
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "meta", &meta).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), meta, "schema_version", "1").ok());
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(future).ok());
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(meta).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  {
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    PutOne(*store, Family::kObjects, "o", "v");
  }
  std::set<std::string> expected = {"default", "from_the_future"};
  for (Family family : AllFamilies()) expected.insert(FamilyName(family));
  EXPECT_EQ(ColumnFamiliesOnDisk(path), expected);
  auto store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->Get(Family::kObjects, "o"), "v");
}

TEST(StoreOpenTest, NewerDatabaseIsRefusedUntouched) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  {
    // A later parvis that dropped some of today's families.
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "meta", &meta).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), meta, "schema_version", "2").ok());
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(meta).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  const Result<std::unique_ptr<Store>> store = TryOpen(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(store.error().message, "data directory " + path +
                                       " was written by schema version 2; this parvis reads up "
                                       "to version 1 \u2014 upgrade parvis");
  const std::set<std::string> untouched = {"default", "meta"};
  EXPECT_EQ(ColumnFamiliesOnDisk(path), untouched);
}

// RocksDB rotates its log files before it takes its own LOCK: a second
// opener must be stopped before that, or it disturbs the live database.
TEST(StoreOpenTest, ASecondOpenerTouchesNoFile) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  auto store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  auto listing = [&] {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  };
  const std::set<std::string> before = listing();
  for (int i = 0; i < 3; ++i) {
    Result<std::unique_ptr<Store>> second = Store::Open({.path = path});
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, ErrorCode::kBusy);
  }
  EXPECT_EQ(listing(), before);
}

}  // namespace
}  // namespace parvis::storage
