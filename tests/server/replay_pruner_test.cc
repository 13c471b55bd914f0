#include "server/federation/replay_pruner.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace parvis::federation {
namespace {

TEST(ReplayPrunerTest, ExpiredFingerprintsGoAndLiveOnesStay) {
  testing::TempDir dir;
  storage::StoreOptions options;
  options.path = dir.Sub("db");
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  storage::Batch batch;
  for (int i = 0; i < 50; ++i) {
    batch.Put(storage::Family::kReplay, "old" + std::to_string(i), storage::EncodeUint64(1000 + i));
    batch.Put(storage::Family::kReplay, "live" + std::to_string(i), storage::EncodeUint64(5000 + i));
  }
  batch.Put(storage::Family::kReplay, "odd", "not 8 bytes");
  ASSERT_TRUE((*store)->Write(batch).has_value());
  // A bounded pass, then the rest.
  Result<size_t> first = PruneReplayFingerprints(**store, 2000, 20);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 20u);
  Result<size_t> rest = PruneReplayFingerprints(**store, 2000);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*rest, 30u);
  size_t left = 0;
  ASSERT_TRUE((*store)->Scan(storage::Family::kReplay, "", [&](std::string_view key, std::string_view) {
    EXPECT_TRUE(key.starts_with("live") || key == "odd") << key;
    ++left;
    return true;
  }).has_value());
  EXPECT_EQ(left, 51u);
  EXPECT_EQ(*PruneReplayFingerprints(**store, 2000), 0u);
}

}  // namespace
}  // namespace parvis::federation
