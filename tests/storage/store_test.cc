// Store reads, writes, batches and scans against a real RocksDB in /tmp.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "numbered_key.h"
#include "open_store.h"
#include "parvis/storage.h"
#include "temp_dir.h"

namespace parvis::storage {
namespace {

using namespace std::string_literals;
using testing::NumberedKey;
using testing::OpenStore;
using testing::PutOne;
using testing::TempDir;

std::optional<std::string> MustGet(const Store& store, Family family, std::string_view key) {
  const Result<std::optional<std::string>> got = store.Get(family, key);
  EXPECT_TRUE(got.has_value()) << (got ? "" : got.error().message);
  return got ? *got : std::nullopt;
}

std::vector<std::string> ScanKeys(const Store& store, Family family, std::string_view prefix) {
  std::vector<std::string> keys;
  const Status scanned = store.Scan(family, prefix, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  EXPECT_TRUE(scanned.has_value()) << (scanned ? "" : scanned.error().message);
  return keys;
}

TEST(StoreTest, PutThenGetInEveryFamily) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  for (Family family : AllFamilies()) {
    PutOne(*store, family, "key", std::string("value in ") + FamilyName(family));
  }
  for (Family family : AllFamilies()) {
    EXPECT_EQ(MustGet(*store, family, "key"), std::string("value in ") + FamilyName(family));
  }
  EXPECT_EQ(MustGet(*store, Family::kObjects, "absent"), std::nullopt);
}

TEST(StoreTest, DataSurvivesReopen) {
  TempDir dir;
  {
    auto store = OpenStore(dir.Sub("data"));
    ASSERT_NE(store, nullptr);
    PutOne(*store, Family::kAccounts, EncodeAccountId(1), "{\"name\":\"ada\"}");
    PutOne(*store, Family::kAccountNames, "ada", EncodeAccountId(1));
  }
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(MustGet(*store, Family::kAccounts, EncodeAccountId(1)), "{\"name\":\"ada\"}");
  EXPECT_EQ(MustGet(*store, Family::kAccountNames, "ada"), EncodeAccountId(1));
}

TEST(StoreTest, SyncWritesWork) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.Sub("data");
  options.sync_writes = true;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  PutOne(**store, Family::kQueues, "q", "job");
  EXPECT_EQ(MustGet(**store, Family::kQueues, "q"), "job");
}

struct HostileCase {
  const char* name;
  std::string key;
  std::string value;
};

TEST(StoreTest, HostileKeysAndValuesRoundTrip) {
  const std::vector<HostileCase> cases = {
      {"empty key", "", "value of the empty key"},
      {"empty value", "empty-value", ""},
      {"NUL key", "\x00"s, "nul"},
      {"NULs inside", "a\x00b\x00"s, "\x00\x00"s},
      {"0xff key", "\xff\xff\xff"s, "ff"},
      {"1 MiB value", "big", std::string(1 << 20, '\xab')},
      {"64 KiB key", std::string(64 << 10, 'k'), "long key"},
  };
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  for (const HostileCase& c : cases) PutOne(*store, Family::kObjects, c.key, c.value);
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "open" : "after reopen");
    for (const HostileCase& c : cases) {
      SCOPED_TRACE(c.name);
      EXPECT_EQ(MustGet(*store, Family::kObjects, c.key), c.value);
    }
    EXPECT_EQ(ScanKeys(*store, Family::kObjects, "").size(), cases.size());
    store.reset();
    store = OpenStore(dir.Sub("data"));
    ASSERT_NE(store, nullptr);
  }
}

TEST(StoreTest, UnknownFamilyIsInvalidArgument) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  const auto bogus = static_cast<Family>(99);
  EXPECT_EQ(store->Get(bogus, "k").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->Scan(bogus, "", [](auto, auto) { return true; }).error().code,
            ErrorCode::kInvalidArgument);
  Batch batch;
  batch.Put(Family::kObjects, "good", "v");
  batch.Put(bogus, "k", "v");
  EXPECT_EQ(store->Write(batch).error().code, ErrorCode::kInvalidArgument);
  // The valid half of a rejected batch is not applied either.
  EXPECT_EQ(MustGet(*store, Family::kObjects, "good"), std::nullopt);
  EXPECT_EQ(store->EstimateKeys(bogus), 0u);
}

struct ScanCase {
  const char* name;
  std::string prefix;
  std::vector<std::string> expected;
};

TEST(StoreTest, ScanVisitsExactlyThePrefixInOrder) {
  const std::vector<std::string> keys = {
      "",  "a",      "a\x00"s,    "ab",    "ab\xff"s,   "a\xff"s,    "a\xff\xff"s,
      "b", "b\x00"s, "\xfe\xff"s, "\xff"s, "\xff\x00"s, "\xff\xff"s,
  };
  const std::vector<ScanCase> cases = {
      {"everything", "", keys},
      {"a", "a", {"a", "a\x00"s, "ab", "ab\xff"s, "a\xff"s, "a\xff\xff"s}},
      {"ab", "ab", {"ab", "ab\xff"s}},
      {"trailing 0xff", "a\xff"s, {"a\xff"s, "a\xff\xff"s}},
      {"NUL in prefix", "a\x00"s, {"a\x00"s}},
      {"b", "b", {"b", "b\x00"s}},
      {"0xfe 0xff carries", "\xfe"s, {"\xfe\xff"s}},
      {"only 0xff: no upper bound", "\xff"s, {"\xff"s, "\xff\x00"s, "\xff\xff"s}},
      {"0xff 0xff", "\xff\xff"s, {"\xff\xff"s}},
      {"no match between keys", "aa", {}},
      {"past the end", "\xff\xff\xff"s, {}},
  };
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  Batch batch;
  for (const std::string& key : keys) batch.Put(Family::kObjects, key, "v:" + key);
  // Neighbouring family: a scan must never cross into it.
  batch.Put(Family::kAccounts, "a", "other family");
  ASSERT_TRUE(store->Write(batch).has_value());
  for (const ScanCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ScanKeys(*store, Family::kObjects, c.prefix), c.expected);
  }
}

TEST(StoreTest, ScanPassesValuesAndStopsWhenVisitorSaysSo) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  Batch batch;
  for (AccountId id = 1; id <= 5; ++id) {
    for (int record = 0; record < 10; ++record) {
      batch.Put(Family::kAccountPrivate, AccountKey(id, NumberedKey("r", record)),
                std::to_string(id * 100 + record));
    }
  }
  ASSERT_TRUE(store->Write(batch).has_value());

  std::vector<std::string> values;
  ASSERT_TRUE(store
                  ->Scan(Family::kAccountPrivate, EncodeAccountId(3),
                         [&](std::string_view key, std::string_view value) {
                           EXPECT_EQ(DecodeAccountId(key), 3u);
                           values.emplace_back(value);
                           return true;
                         })
                  .has_value());
  EXPECT_EQ(values.size(), 10u);
  EXPECT_EQ(values.front(), "300");

  int visited = 0;
  ASSERT_TRUE(store
                  ->Scan(Family::kAccountPrivate, "",
                         [&](std::string_view, std::string_view) { return ++visited < 4; })
                  .has_value());
  EXPECT_EQ(visited, 4);
}

TEST(StoreTest, ScanTurnsAThrowingVisitorIntoAnError) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  PutOne(*store, Family::kObjects, "k", "v");
  const Status scanned = store->Scan(
      Family::kObjects, "",
      [](std::string_view, std::string_view) -> bool { throw std::runtime_error("visitor bug"); });
  ASSERT_FALSE(scanned.has_value());
  EXPECT_EQ(scanned.error().code, ErrorCode::kIo);
  EXPECT_NE(scanned.error().message.find("visitor bug"), std::string::npos);
}

TEST(StoreTest, BatchAppliesPutDeleteAndDeleteRangeInOrder) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  Batch setup;
  for (char c = 'a'; c <= 'h'; ++c) setup.Put(Family::kObjects, std::string(1, c), "old");
  ASSERT_TRUE(store->Write(setup).has_value());

  Batch batch;
  batch.Delete(Family::kObjects, "a");
  batch.DeleteRange(Family::kObjects, "c", "f");  // c, d, e
  batch.Put(Family::kObjects, "d", "new");        // after the range delete: survives
  batch.Put(Family::kObjects, "h", "newer");
  batch.Delete(Family::kObjects, "absent");
  EXPECT_EQ(batch.size(), 5u);
  ASSERT_TRUE(store->Write(batch).has_value());

  const std::map<std::string, std::optional<std::string>> expected = {
      {"a", std::nullopt}, {"b", "old"}, {"c", std::nullopt}, {"d", "new"},
      {"e", std::nullopt}, {"f", "old"}, {"g", "old"},        {"h", "newer"},
  };
  for (const auto& [key, value] : expected) {
    SCOPED_TRACE(key);
    EXPECT_EQ(MustGet(*store, Family::kObjects, key), value);
  }
}

TEST(StoreTest, ReversedRangeRejectsTheWholeBatch) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  Batch batch;
  batch.Put(Family::kObjects, "a", "1");
  batch.DeleteRange(Family::kObjects, "b", "a");
  const Status written = store->Write(batch);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kInvalidArgument);
  // RocksDB alone would have applied the Put before failing on the range.
  EXPECT_EQ(MustGet(*store, Family::kObjects, "a"), std::nullopt);

  Batch empty_range;
  empty_range.Put(Family::kObjects, "a", "1");
  empty_range.DeleteRange(Family::kObjects, "a", "a");
  ASSERT_TRUE(store->Write(empty_range).has_value());
  EXPECT_EQ(MustGet(*store, Family::kObjects, "a"), "1");
}

TEST(StoreTest, EmptyBatchAndMovedBatch) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Write(Batch()).has_value());
  Batch first;
  first.Put(Family::kObjects, "k", "v");
  Batch second = std::move(first);
  EXPECT_EQ(second.size(), 1u);
  ASSERT_TRUE(store->Write(second).has_value());
  EXPECT_EQ(MustGet(*store, Family::kObjects, "k"), "v");
}

TEST(StoreTest, SealedRecordsRoundTripAndRejectTampering) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  const AccountId account = 42;
  const DataKey key = DataKey::Generate();
  const std::string email_key = AccountKey(account, "email");
  Batch batch;
  batch.Put(Family::kAccountKeys, EncodeAccountId(account), key.bytes());
  batch.PutSealed(key, Family::kAccountPrivate, email_key, "ada@example.org");
  ASSERT_TRUE(store->Write(batch).has_value());

  const Result<DataKey> stored_key = store->GetDataKey(account);
  ASSERT_TRUE(stored_key.has_value());
  EXPECT_EQ(stored_key->bytes(), key.bytes());

  EXPECT_EQ(*store->GetSealed(account, Family::kAccountPrivate, email_key), "ada@example.org");
  // The raw value is not the plaintext.
  EXPECT_NE(MustGet(*store, Family::kAccountPrivate, email_key), "ada@example.org");
  // A missing record of an account with a key: no value, no error.
  EXPECT_EQ(*store->GetSealed(account, Family::kAccountPrivate, AccountKey(account, "x")),
            std::nullopt);
  // An account without a key: kNotFound.
  EXPECT_EQ(store->GetSealed(7, Family::kAccountPrivate, AccountKey(7, "email")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store->GetDataKey(7).error().code, ErrorCode::kNotFound);

  // The sealed bytes copied to another key do not open there.
  const std::string raw = *MustGet(*store, Family::kAccountPrivate, email_key);
  PutOne(*store, Family::kAccountPrivate, AccountKey(account, "phone"), raw);
  EXPECT_EQ(
      store->GetSealed(account, Family::kAccountPrivate, AccountKey(account, "phone")).error().code,
      ErrorCode::kCorruption);
  // A damaged stored data key is corruption, not a short key silently used.
  PutOne(*store, Family::kAccountKeys, EncodeAccountId(9), "short");
  EXPECT_EQ(store->GetDataKey(9).error().code, ErrorCode::kCorruption);
}

TEST(StoreTest, EstimateKeysCountsRoughly) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->EstimateKeys(Family::kObjects), 0u);
  Batch batch;
  for (int i = 0; i < 1000; ++i) batch.Put(Family::kObjects, NumberedKey("o", i), "v");
  ASSERT_TRUE(store->Write(batch).has_value());
  const uint64_t estimate = store->EstimateKeys(Family::kObjects);
  EXPECT_GE(estimate, 500u);
  EXPECT_LE(estimate, 2000u);
  // The schema version is the one key in meta.
  EXPECT_EQ(store->EstimateKeys(Family::kMeta), 1u);
}

TEST(StoreTest, ManyThreadsWriteAndReadAtOnce) {
  TempDir dir;
  auto store = OpenStore(dir.Sub("data"));
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kBatches = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBatches; ++i) {
        const std::string key = NumberedKey(NumberedKey("t", t) + "/", i);
        Batch batch;
        batch.Put(Family::kObjects, key, "o");
        batch.Put(Family::kQueues, key, "q");
        if (!store->Write(batch)) ++failures;
        const Result<std::optional<std::string>> got = store->Get(Family::kQueues, key);
        if (!got || *got != "q") ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ScanKeys(*store, Family::kObjects, "t").size(), size_t{kThreads * kBatches});
}

}  // namespace
}  // namespace parvis::storage
