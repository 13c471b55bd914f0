#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/storage.h"
#include "support/temp_dir.h"

namespace parvis::storage {
namespace {

using ::parvis::testing::TempDir;

std::vector<std::string> Back(const Store& store, std::string_view prefix, std::string_view before,
                              size_t limit = 100) {
  std::vector<std::string> keys;
  Status scanned = store.ScanBackward(Family::kHomeFeed, prefix, before,
                                      [&](std::string_view key, std::string_view) {
                                        keys.emplace_back(key);
                                        return keys.size() < limit;
                                      });
  EXPECT_TRUE(scanned.has_value());
  return keys;
}

TEST(ScanBackwardTest, NewestFirstWithinThePrefixAndBeforeTheCursor) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.Sub("db");
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  Batch batch;
  for (const std::string& key : std::vector<std::string>{"a1", "a2", "a3", "b1", "b2", "a\xff", "\xff\xff"}) {
    batch.Put(Family::kHomeFeed, key, "v");
  }
  ASSERT_TRUE((*store)->Write(batch).has_value());
  EXPECT_EQ(Back(**store, "a", ""), (std::vector<std::string>{"a\xff", "a3", "a2", "a1"}));
  EXPECT_EQ(Back(**store, "a", "a3"), (std::vector<std::string>{"a2", "a1"}));
  EXPECT_EQ(Back(**store, "a", "a25"), (std::vector<std::string>{"a2", "a1"}));
  EXPECT_EQ(Back(**store, "a", "", 2), (std::vector<std::string>{"a\xff", "a3"}));
  EXPECT_EQ(Back(**store, "b", ""), (std::vector<std::string>{"b2", "b1"}));
  EXPECT_EQ(Back(**store, "c", ""), std::vector<std::string>{});
  EXPECT_EQ(Back(**store, "\xff", ""), (std::vector<std::string>{"\xff\xff"}));
  EXPECT_EQ(Back(**store, "", "b"), (std::vector<std::string>{"a\xff", "a3", "a2", "a1"}));
}

}  // namespace
}  // namespace parvis::storage
