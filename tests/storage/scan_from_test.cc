#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "open_store.h"
#include "parvis/storage.h"
#include "support/temp_dir.h"

namespace parvis::storage {
namespace {

using ::parvis::storage::testing::OpenStore;
using ::parvis::testing::TempDir;

std::vector<std::string> From(const Store& store, std::string_view prefix, std::string_view from,
                              size_t limit = 100) {
  std::vector<std::string> keys;
  Status scanned = store.ScanFrom(Family::kQueues, prefix, from,
                                  [&](std::string_view key, std::string_view) {
                                    keys.emplace_back(key);
                                    return keys.size() < limit;
                                  });
  EXPECT_TRUE(scanned.has_value()) << scanned.error().message;
  return keys;
}

TEST(ScanFromTest, InKeyOrderWithinThePrefixFromTheStartKey) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  Batch batch;
  for (const std::string& key : std::vector<std::string>{"a1", "a2", "a3", "b1", "a\xff", "\xff\xff"}) {
    batch.Put(Family::kQueues, key, "v");
  }
  ASSERT_TRUE(store->Write(batch).has_value());
  struct Case {
    std::string prefix, from;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {"a", "", {"a1", "a2", "a3", "a\xff"}},      // before the prefix: all of it
      {"a", "a", {"a1", "a2", "a3", "a\xff"}},
      {"a", "a2", {"a2", "a3", "a\xff"}},          // the start key itself is included
      {"a", std::string("a2\0", 3), {"a3", "a\xff"}},  // just after a key
      {"a", "a4", {"a\xff"}},
      {"a", "b", {}},                              // past the prefix: nothing
      {"\xff", "\xff", {"\xff\xff"}},
      {"", "a3", {"a3", "a\xff", "b1", "\xff\xff"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(From(*store, c.prefix, c.from), c.keys) << c.prefix << " from " << c.from;
  }
  EXPECT_EQ(From(*store, "a", "a2", 1), std::vector<std::string>{"a2"});
}

// What a queue consumer sees: the entries after its cursor, whatever was
// deleted before it.
TEST(ScanFromTest, ResumesAfterDeletedEntries) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  Batch fill;
  for (uint64_t i = 1; i <= 1000; ++i) fill.Put(Family::kQueues, "q/" + EncodeUint64(i), "v");
  ASSERT_TRUE(store->Write(fill).has_value());
  Batch take;
  for (uint64_t i = 1; i <= 990; ++i) take.Delete(Family::kQueues, "q/" + EncodeUint64(i));
  ASSERT_TRUE(store->Write(take).has_value());
  std::vector<std::string> keys = From(*store, "q/", "q/" + EncodeUint64(995));
  ASSERT_EQ(keys.size(), 6u);
  EXPECT_EQ(keys.front(), "q/" + EncodeUint64(995));
  EXPECT_EQ(keys.back(), "q/" + EncodeUint64(1000));
}

// A clean close flushes: the next open has no write-ahead log to replay.
TEST(StoreCloseTest, LeavesNoLogToReplay) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    std::unique_ptr<Store> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    Batch batch;
    for (int i = 0; i < 100; ++i) {
      batch.Put(Family::kObjects, "object/" + std::to_string(i), std::string(100, 'x'));
      batch.Put(Family::kQueues, "inbox/" + std::to_string(i), "id");
    }
    ASSERT_TRUE(store->Write(batch).has_value());
  }
  uintmax_t log_bytes = 0;
  for (const auto& file : std::filesystem::directory_iterator(path)) {
    if (file.path().extension() == ".log") log_bytes += file.file_size();
  }
  EXPECT_EQ(log_bytes, 0u);
  std::unique_ptr<Store> again = OpenStore(path);
  ASSERT_NE(again, nullptr);
  Result<std::optional<std::string>> value = again->Get(Family::kObjects, "object/99");
  ASSERT_TRUE(value.has_value() && value->has_value());
  EXPECT_EQ(**value, std::string(100, 'x'));
}

}  // namespace
}  // namespace parvis::storage
