// NextSequence: gap-free, unique under concurrency, durable across reopen.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "open_store.h"
#include "parvis/storage.h"
#include "temp_dir.h"

namespace parvis::storage {
namespace {

using namespace std::string_literals;
using testing::OpenStore;
using testing::PutOne;
using testing::TempDir;

TEST(SequenceTest, CountsFromOnePerName) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  const std::vector<std::pair<std::string, uint64_t>> steps = {
      {"accounts", 1}, {"accounts", 2}, {"objects", 1}, {"accounts", 3},
      {"objects", 2},  {"a\x00b"s, 1},  {"a", 1},
  };
  for (const auto& [name, expected] : steps) {
    const Result<uint64_t> next = store->NextSequence(name);
    ASSERT_TRUE(next.has_value()) << next.error().message;
    EXPECT_EQ(*next, expected) << name;
  }
  EXPECT_EQ(store->NextSequence("").error().code, ErrorCode::kInvalidArgument);
}

TEST(SequenceTest, StoredBigEndianInMeta) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 258; ++i) ASSERT_TRUE(store->NextSequence("ids").has_value());
  EXPECT_EQ(*store->Get(Family::kMeta, "sequence/ids"), "\x00\x00\x00\x00\x00\x00\x01\x02"s);
}

TEST(SequenceTest, SurvivesReopen) {
  TempDir dir;
  {
    auto store = OpenStore(dir.Sub("data"));
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->NextSequence("ids").has_value());
  }
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->NextSequence("ids"), 6u);
}

TEST(SequenceTest, ConcurrentCallersGetDistinctGapFreeValues) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kEach = 250;
  std::mutex mu;
  std::vector<uint64_t> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        const Result<uint64_t> next = store->NextSequence("ids");
        std::lock_guard lock(mu);
        seen.push_back(next ? *next : 0);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), size_t{kThreads * kEach});
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i + 1);
}

TEST(SequenceTest, DamagedCounterIsCorruption) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  PutOne(*store, Family::kMeta, "sequence/ids", "abc");
  EXPECT_EQ(store->NextSequence("ids").error().code, ErrorCode::kCorruption);
  PutOne(*store, Family::kMeta, "sequence/ids", std::string(8, '\xff'));
  EXPECT_EQ(store->NextSequence("ids").error().code, ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace parvis::storage
