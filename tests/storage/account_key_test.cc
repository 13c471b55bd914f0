// Account id encoding: fixed-width big-endian, so byte order is numeric order.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "parvis/storage.h"

namespace parvis::storage {
namespace {

using namespace std::string_literals;

struct EncodingCase {
  AccountId id;
  std::string bytes;
};

TEST(AccountIdTest, EncodesEightBytesBigEndian) {
  const std::vector<EncodingCase> cases = {
      {0, "\x00\x00\x00\x00\x00\x00\x00\x00"s},
      {1, "\x00\x00\x00\x00\x00\x00\x00\x01"s},
      {255, "\x00\x00\x00\x00\x00\x00\x00\xff"s},
      {256, "\x00\x00\x00\x00\x00\x00\x01\x00"s},
      {0x0102030405060708, "\x01\x02\x03\x04\x05\x06\x07\x08"s},
      {UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff"s},
  };
  for (const EncodingCase& c : cases) {
    SCOPED_TRACE(c.id);
    EXPECT_EQ(EncodeAccountId(c.id), c.bytes);
    EXPECT_EQ(DecodeAccountId(c.bytes), c.id);
  }
}

TEST(AccountIdTest, DecodeNeedsEightBytesAndIgnoresTheRest) {
  const std::vector<std::pair<std::string, std::optional<AccountId>>> cases = {
      {"", std::nullopt},
      {"\x01"s, std::nullopt},
      {"\x00\x00\x00\x00\x00\x00\x01"s, std::nullopt},  // 7 bytes
      {"\x00\x00\x00\x00\x00\x00\x00\x2a"s, 42},
      {"\x00\x00\x00\x00\x00\x00\x00\x2a/email"s, 42},
      {"\x00\x00\x00\x00\x00\x00\x00\x2a\x00\xff"s, 42},
  };
  for (const auto& [bytes, expected] : cases) {
    SCOPED_TRACE(bytes.size());
    EXPECT_EQ(DecodeAccountId(bytes), expected);
  }
}

TEST(AccountIdTest, ByteOrderIsNumericOrder) {
  // Pairs where a little-endian or decimal encoding would sort the wrong way.
  const std::vector<std::pair<AccountId, AccountId>> ascending = {
      {0, 1},
      {1, 2},
      {9, 10},
      {255, 256},
      {256, 257},
      {0xff, 0x100},
      {0xffff, 0x10000},
      {1, UINT64_MAX},
      {0x00ff00ff, 0xff00ff00},
      {UINT64_MAX - 1, UINT64_MAX},
  };
  for (const auto& [low, high] : ascending) {
    SCOPED_TRACE(std::to_string(low) + " < " + std::to_string(high));
    EXPECT_LT(EncodeAccountId(low), EncodeAccountId(high));
  }
}

TEST(AccountIdTest, SortingEncodedIdsSortsTheIds) {
  std::vector<AccountId> ids = {UINT64_MAX, 0, 256, 255, 1, 65536, 65535, 1ull << 32, 7};
  std::vector<std::string> encoded;
  for (AccountId id : ids) encoded.push_back(EncodeAccountId(id));
  std::sort(ids.begin(), ids.end());
  std::sort(encoded.begin(), encoded.end());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(DecodeAccountId(encoded[i]), ids[i]);
}

struct AccountKeyCase {
  AccountId id;
  std::string suffix;
};

TEST(AccountKeyTest, IsIdPrefixThenSuffix) {
  const std::vector<AccountKeyCase> cases = {
      {0, ""},
      {42, "email"},
      {42, "\x00\x01"s},
      {UINT64_MAX, "\xff\xff"s},
      {7, std::string(1000, 'x')},
  };
  for (const AccountKeyCase& c : cases) {
    SCOPED_TRACE(c.id);
    const std::string key = AccountKey(c.id, c.suffix);
    EXPECT_EQ(key, EncodeAccountId(c.id) + c.suffix);
    EXPECT_EQ(DecodeAccountId(key), c.id);
  }
}

TEST(AccountKeyTest, AllKeysOfAnAccountSortBeforeTheNextAccount) {
  // The fixed-width prefix keeps each account's records contiguous whatever the suffix.
  const std::vector<std::pair<std::string, std::string>> ascending = {
      {AccountKey(1, "\xff\xff\xff"s), AccountKey(2, "")},
      {AccountKey(1, std::string(64, '\xff')), AccountKey(2, "\x00"s)},
      {AccountKey(255, "zzz"), AccountKey(256, "aaa")},
      {AccountKey(5, ""), AccountKey(5, "\x00"s)},
  };
  for (const auto& [low, high] : ascending) EXPECT_LT(low, high);
}

TEST(FamilyTest, NamesAreFixed) {
  const std::vector<std::pair<Family, std::string>> cases = {
      {Family::kMeta, "meta"},
      {Family::kAccounts, "accounts"},
      {Family::kAccountNames, "account_names"},
      {Family::kAccountPrivate, "account_private"},
      {Family::kAccountKeys, "account_keys"},
      {Family::kObjects, "objects"},
      {Family::kQueues, "queues"},
      {Family::kRemoteActors, "remote_actors"},
      {Family::kRemoteKeys, "remote_keys"},
      {Family::kActivities, "activities"},
      {Family::kFollows, "follows"},
      {Family::kOutbox, "outbox"},
      {Family::kReactions, "reactions"},
      {Family::kHosts, "hosts"},
      {Family::kTokens, "tokens"},
      {Family::kInboxItems, "inbox_items"},
      {Family::kReplies, "replies"},
      {Family::kTags, "tags"},
      {Family::kFeatured, "featured"},
      {Family::kSessions, "sessions"},
      {Family::kInvites, "invites"},
      {Family::kHomeFeed, "home_feed"},
      {Family::kPublicFeed, "public_feed"},
      {Family::kMedia, "media"},
      {Family::kByAuthor, "by_author"},
      {Family::kSectors, "sectors"},
      {Family::kPetitions, "petitions"},
      {Family::kConsultations, "consultations"},
      {Family::kMessages, "messages"},
      {Family::kRelations, "relations"},
      {Family::kModeration, "moderation"},
      {Family::kAnnotations, "annotations"},
      {Family::kResources, "resources"},
      {Family::kSignals, "signals"},
      {Family::kRules, "rules"},
      {Family::kReplay, "replay"},
  };
  ASSERT_EQ(AllFamilies().size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(AllFamilies()[i], cases[i].first);
    EXPECT_EQ(FamilyName(cases[i].first), cases[i].second);
  }
}

TEST(FamilyTest, NamesAreDistinctAndNotDefault) {
  std::set<std::string> names;
  for (Family family : AllFamilies()) names.insert(FamilyName(family));
  EXPECT_EQ(names.size(), AllFamilies().size());
  EXPECT_EQ(names.count("default"), 0u);
}

}  // namespace
}  // namespace parvis::storage
