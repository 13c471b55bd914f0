// Destroying a data key: sealed records become unreadable and the key's bytes
// leave the data directory's files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "files_containing.h"
#include "numbered_key.h"
#include "open_store.h"
#include "parvis/storage.h"
#include "temp_dir.h"

namespace parvis::storage {
namespace {

using testing::FilesContaining;
using testing::FilesStillContaining;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::NumberedKey;
using testing::OpenStore;
using testing::TempDir;

constexpr AccountId kAccount = 42;

// Creates the account's key, a sealed record and public records around them.
void CreateAccount(Store& store, const DataKey& key) {
  Batch batch;
  batch.Put(Family::kAccountKeys, EncodeAccountId(kAccount), key.bytes());
  batch.Put(Family::kAccounts, EncodeAccountId(kAccount), "{\"name\":\"ada\"}");
  batch.PutSealed(key, Family::kAccountPrivate, AccountKey(kAccount, "email"), "ada@example.org");
  ASSERT_TRUE(store.Write(batch).has_value());
}

// Unrelated writes that share the WAL with the key but are not flushed with it.
void WriteUnrelated(Store& store, int count) {
  Batch batch;
  for (int i = 0; i < count; ++i) batch.Put(Family::kObjects, NumberedKey("object", i), "x");
  ASSERT_TRUE(store.Write(batch).has_value());
}

void ExpectUnreadable(const Store& store) {
  const auto sealed =
      store.GetSealed(kAccount, Family::kAccountPrivate, AccountKey(kAccount, "email"));
  ASSERT_FALSE(sealed.has_value());
  EXPECT_EQ(sealed.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.GetDataKey(kAccount).error().code, ErrorCode::kNotFound);
}

TEST(DataKeyErasureTest, KeyFlushedToTableFiles) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  const DataKey key = DataKey::Generate();
  {
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    CreateAccount(*store, key);
  }
  // Closing flushed the key into a table file; the search must see it there.
  ASSERT_THAT(FilesContaining(path, key.bytes()), Not(IsEmpty()));
  {
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->GetSealed(kAccount, Family::kAccountPrivate, AccountKey(kAccount, "email")),
              "ada@example.org");
    WriteUnrelated(*store, 100);
    ASSERT_TRUE(store->DestroyDataKey(kAccount).has_value());
    ExpectUnreadable(*store);
    // Already gone while the store is open.
    EXPECT_THAT(FilesStillContaining(path, key.bytes()), IsEmpty());
  }
  EXPECT_THAT(FilesContaining(path, key.bytes()), IsEmpty());
  auto store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  ExpectUnreadable(*store);
  // The public record is untouched: only the sealed ones became unreadable.
  EXPECT_EQ(*store->Get(Family::kAccounts, EncodeAccountId(kAccount)), "{\"name\":\"ada\"}");
}

TEST(DataKeyErasureTest, KeyOnlyInTheWriteAheadLog) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  const DataKey key = DataKey::Generate();
  {
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    CreateAccount(*store, key);
    WriteUnrelated(*store, 100);
    ASSERT_THAT(FilesContaining(path, key.bytes()), Not(IsEmpty()));  // the WAL
    ASSERT_TRUE(store->DestroyDataKey(kAccount).has_value());
    ExpectUnreadable(*store);
    EXPECT_THAT(FilesStillContaining(path, key.bytes()), IsEmpty());
    WriteUnrelated(*store, 10);
  }
  EXPECT_THAT(FilesContaining(path, key.bytes()), IsEmpty());
  auto store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  ExpectUnreadable(*store);
}

TEST(DataKeyErasureTest, DestroyingAnAbsentKeySucceeds) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->DestroyDataKey(kAccount).has_value());
  EXPECT_TRUE(store->DestroyDataKey(kAccount).has_value());
}

TEST(DataKeyErasureTest, OtherAccountsKeepTheirKeys) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  const DataKey key = DataKey::Generate();
  const DataKey other = DataKey::Generate();
  CreateAccount(*store, key);
  Batch batch;
  batch.Put(Family::kAccountKeys, EncodeAccountId(kAccount + 1), other.bytes());
  batch.PutSealed(other, Family::kAccountPrivate, AccountKey(kAccount + 1, "email"),
                  "bob@example.org");
  ASSERT_TRUE(store->Write(batch).has_value());
  ASSERT_TRUE(store->DestroyDataKey(kAccount).has_value());
  ExpectUnreadable(*store);
  EXPECT_EQ(
      *store->GetSealed(kAccount + 1, Family::kAccountPrivate, AccountKey(kAccount + 1, "email")),
      "bob@example.org");
}

// The limit of erasure, as docs/storage.md says: a checkpoint taken before the
// key was destroyed still holds it.
TEST(DataKeyErasureTest, OlderCheckpointsStillHoldTheKey) {
  TempDir dir;
  const std::string path = dir.Sub("data");
  const std::string backup = dir.Sub("backup");
  const DataKey key = DataKey::Generate();
  auto store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  CreateAccount(*store, key);
  ASSERT_TRUE(store->Checkpoint(backup).has_value());
  ASSERT_TRUE(store->DestroyDataKey(kAccount).has_value());
  EXPECT_THAT(FilesContaining(path, key.bytes()), IsEmpty());
  EXPECT_THAT(FilesContaining(backup, key.bytes()), Not(IsEmpty()));
}

}  // namespace
}  // namespace parvis::storage
