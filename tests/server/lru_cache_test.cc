#include "server/federation/lru_cache.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace parvis::federation {
namespace {

// One step of a table: put (value set) or find (expected value, or none).
struct Step {
  enum { kPut, kFind, kErase } op;
  std::string key;
  std::optional<int> value;
};

TEST(LruCacheTest, ForgetsTheLeastRecentlyUsed) {
  LruCache<std::string, int> cache(2);
  const Step steps[] = {
      {Step::kFind, "a", std::nullopt},
      {Step::kPut, "a", 1},
      {Step::kPut, "b", 2},
      {Step::kFind, "a", 1},   // a is now the most recently used
      {Step::kPut, "c", 3},    // so b goes
      {Step::kFind, "b", std::nullopt},
      {Step::kFind, "a", 1},
      {Step::kFind, "c", 3},
      {Step::kPut, "a", 10},   // replaced, not added
      {Step::kPut, "d", 4},    // c was the least recently used
      {Step::kFind, "c", std::nullopt},
      {Step::kFind, "a", 10},
      {Step::kErase, "a", std::nullopt},
      {Step::kFind, "a", std::nullopt},
      {Step::kErase, "zz", std::nullopt},  // absent: nothing happens
      {Step::kFind, "d", 4},
  };
  int index = 0;
  for (const Step& step : steps) {
    SCOPED_TRACE(index++);
    switch (step.op) {
      case Step::kPut:
        cache.Put(step.key, *step.value);
        break;
      case Step::kFind:
        EXPECT_EQ(cache.Find(step.key), step.value) << step.key;
        break;
      case Step::kErase:
        cache.Erase(step.key);
        break;
    }
    EXPECT_LE(cache.size(), 2u);
  }
  EXPECT_EQ(cache.size(), 1u);
}

TEST(LruCacheTest, StaysBoundedUnderConcurrentUse) {
  LruCache<int, int> cache(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 10000; ++i) {
        int key = (i * 7 + t) % 40;
        if (std::optional<int> found = cache.Find(key)) {
          EXPECT_EQ(*found, key * 2);
        } else {
          cache.Put(key, key * 2);
        }
        if (i % 97 == 0) cache.Erase(key);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 16u);
}

TEST(DerivedCacheTest, GivesAValueOnlyForTheBytesItCameFrom) {
  DerivedCache<std::string> cache(2);
  EXPECT_FALSE(cache.Find("a", "<p>one</p>").has_value());
  cache.Put("a", "<p>one</p>", "one");
  EXPECT_EQ(cache.Find("a", "<p>one</p>"), "one");
  // The source changed (an edit): not served, even at the same length.
  EXPECT_FALSE(cache.Find("a", "<p>two</p>").has_value());
  EXPECT_FALSE(cache.Find("a", "<p>one!</p>").has_value());
  EXPECT_FALSE(cache.Find("a", "").has_value());
  // Another key with the same bytes is another entry.
  EXPECT_FALSE(cache.Find("b", "<p>one</p>").has_value());
  cache.Put("a", "<p>two</p>", "two");
  EXPECT_EQ(cache.Find("a", "<p>two</p>"), "two");
  EXPECT_FALSE(cache.Find("a", "<p>one</p>").has_value());
  // Bounded like the LRU beneath.
  cache.Put("b", "b", "B");
  cache.Put("c", "c", "C");
  EXPECT_FALSE(cache.Find("a", "<p>two</p>").has_value());
  EXPECT_EQ(cache.Find("c", "c"), "C");
}

}  // namespace
}  // namespace parvis::federation
