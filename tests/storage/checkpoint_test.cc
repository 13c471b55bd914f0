// Checkpoints: a consistent copy of the database, taken while it serves.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "numbered_key.h"
#include "open_store.h"
#include "parvis/storage.h"
#include "temp_dir.h"

namespace parvis::storage {
namespace {

using testing::NumberedKey;
using testing::OpenStore;
using testing::PutOne;
using testing::TempDir;

std::map<std::string, std::string> ReadAll(const Store& store, Family family) {
  std::map<std::string, std::string> out;
  const Status scanned = store.Scan(family, "", [&](std::string_view k, std::string_view v) {
    out.emplace(k, v);
    return true;
  });
  EXPECT_TRUE(scanned.has_value());
  return out;
}

TEST(CheckpointTest, HoldsExactlyTheWritesBeforeIt) {
  TempDir dir;
  const std::string backup = dir.Sub("backups/first");
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  const DataKey key = DataKey::Generate();
  Batch before;
  before.Put(Family::kAccounts, EncodeAccountId(1), "{}");
  before.Put(Family::kAccountKeys, EncodeAccountId(1), key.bytes());
  before.PutSealed(key, Family::kAccountPrivate, AccountKey(1, "email"), "a@example.org");
  before.Put(Family::kObjects, "kept", "1");
  before.Put(Family::kObjects, "changed", "old");
  ASSERT_TRUE(store->Write(before).has_value());

  const Status checkpointed = store->Checkpoint(backup);
  ASSERT_TRUE(checkpointed.has_value()) << checkpointed.error().message;

  Batch after;
  after.Put(Family::kObjects, "changed", "new");
  after.Put(Family::kObjects, "added", "2");
  after.Delete(Family::kObjects, "kept");
  after.Put(Family::kAccounts, EncodeAccountId(2), "{}");
  ASSERT_TRUE(store->Write(after).has_value());

  auto copy = OpenStore(backup);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->schema_version(), kSchemaVersion);
  const std::map<std::string, std::string> objects = {{"kept", "1"}, {"changed", "old"}};
  EXPECT_EQ(ReadAll(*copy, Family::kObjects), objects);
  EXPECT_EQ(ReadAll(*copy, Family::kAccounts).size(), 1u);
  EXPECT_EQ(*copy->GetSealed(1, Family::kAccountPrivate, AccountKey(1, "email")), "a@example.org");
  // The live store moved on.
  EXPECT_EQ(*store->Get(Family::kObjects, "changed"), "new");
}

TEST(CheckpointTest, TargetMustNotExist) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  const std::string existing = dir.Sub("existing");
  std::filesystem::create_directory(existing);
  const Status status = store->Checkpoint(existing);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store->Checkpoint("").error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(store->Checkpoint(dir.Sub("once")).has_value());
  EXPECT_EQ(store->Checkpoint(dir.Sub("once")).error().code, ErrorCode::kAlreadyExists);
}

TEST(CheckpointTest, ConsistentWhileOtherThreadsWrite) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::atomic<int> failures{0};
  // Each batch writes the same counter into two families: a checkpoint must
  // never catch one half of a batch.
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      Batch batch;
      const std::string key = NumberedKey("n", i);
      batch.Put(Family::kObjects, key, std::string(512, 'o'));
      batch.Put(Family::kQueues, key, std::string(512, 'q'));
      if (!store->Write(batch)) ++failures;
      written.store(i + 1);
    }
  });
  while (written.load() < 200) std::this_thread::yield();
  std::vector<std::string> backups;
  for (int i = 0; i < 3; ++i) {
    backups.push_back(dir.Sub(NumberedKey("backup", i)));
    const Status s = store->Checkpoint(backups.back());
    EXPECT_TRUE(s.has_value()) << s.error().message;
  }
  stop.store(true);
  writer.join();
  EXPECT_EQ(failures.load(), 0);

  for (const std::string& backup : backups) {
    SCOPED_TRACE(backup);
    auto copy = OpenStore(backup);
    ASSERT_NE(copy, nullptr);
    const auto objects = ReadAll(*copy, Family::kObjects);
    const auto queued = ReadAll(*copy, Family::kQueues);
    EXPECT_GE(objects.size(), 200u);
    ASSERT_EQ(objects.size(), queued.size());
    // Batches are written in order, so the copy holds batches 0..n-1 exactly.
    for (size_t i = 0; i < objects.size(); ++i) {
      EXPECT_EQ(objects.count(NumberedKey("n", i)), 1u);
      EXPECT_EQ(queued.count(NumberedKey("n", i)), 1u);
    }
  }
}

}  // namespace
}  // namespace parvis::storage
