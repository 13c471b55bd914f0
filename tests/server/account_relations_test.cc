// The relation store on a real RocksDB: hosts accepted for domain blocks,
// what a HiddenSet covers, bookmarks paged without loss, records kept under
// the account's id only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/federation/account_relations.h"
#include "support/temp_dir.h"

namespace parvis::federation {
namespace {

TEST(AccountRelationsTest, OnlyHostNamesAreBlockable) {
  const struct {
    std::string input;
    std::optional<std::string> normal;
  } cases[] = {
      {"example.org", "example.org"},
      {"Social.Example.ORG", "social.example.org"},
      {"localhost", "localhost"},
      {"127.0.0.1:8443", "127.0.0.1:8443"},
      {"xn--caf-dma.example", "xn--caf-dma.example"},
      {"", std::nullopt},
      {"exa mple", std::nullopt},
      {"example..org", std::nullopt},
      {".example.org", std::nullopt},
      {"example.org.", std::nullopt},
      {"-example.org", std::nullopt},
      {"example-.org", std::nullopt},
      {"https://example.org", std::nullopt},
      {"example.org/path", std::nullopt},
      {"example.org:", std::nullopt},
      {"example.org:0", std::nullopt},
      {"example.org:65536", std::nullopt},
      {"example.org:80:80", std::nullopt},
      {"café.example", std::nullopt},
      {"a\nb.example", std::nullopt},
      {std::string(64, 'a') + ".example", std::nullopt},
      {std::string(250, 'a') + ".org", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(NormalizeBlockedHost(c.input), c.normal) << c.input;
}

TEST(AccountRelationsTest, AHiddenSetCoversActorsHostsAndSubdomains) {
  HiddenSet hidden;
  hidden.actors = {"https://a.example/users/blocked", "https://a.example/users/muted"};
  hidden.silent = {"https://a.example/users/blocked"};
  hidden.hosts = {"bad.example", "loop.example:8443"};
  const struct {
    std::string actor;
    bool hides;
    bool silences;
  } cases[] = {
      {"https://a.example/users/blocked", true, true},
      {"https://a.example/users/muted", true, false},
      {"https://a.example/users/other", false, false},
      {"https://bad.example/users/x", true, true},
      {"https://social.bad.example/users/x", true, true},
      {"https://notbad.example/users/x", false, false},
      {"https://bad.example.org/users/x", false, false},
      {"https://loop.example:8443/users/x", true, true},
      {"https://loop.example/users/x", false, false},
      {"not a url", false, false},
      {"", false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(hidden.Hides(c.actor), c.hides) << c.actor;
    EXPECT_EQ(hidden.HidesNotificationsFrom(c.actor), c.silences) << c.actor;
  }
}

TEST(AccountRelationsTest, RecordsStayUnderTheirAccountAndBookmarksPageWithoutLoss) {
  testing::TempDir dir;
  Result<std::unique_ptr<storage::Store>> opened = storage::Store::Open({.path = dir.Sub("db")});
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  storage::Store& db = **opened;
  RelationStore relations(db);
  storage::Batch batch;
  relations.Put(batch, 1, RelationKind::kBlock, {"https://x.example/users/a", 10, true});
  relations.Put(batch, 1, RelationKind::kMute, {"https://x.example/users/b", 11, false});
  relations.Put(batch, 1, RelationKind::kDomainBlock, {"spam.example", 12, true});
  relations.Put(batch, 2, RelationKind::kBlock, {"https://x.example/users/c", 13, true});
  ASSERT_TRUE(db.Write(batch).has_value());
  Result<HiddenSet> hidden = relations.Hidden(1);
  ASSERT_TRUE(hidden.has_value());
  EXPECT_THAT(hidden->actors, ::testing::ElementsAre("https://x.example/users/a", "https://x.example/users/b"));
  EXPECT_THAT(hidden->silent, ::testing::ElementsAre("https://x.example/users/a"));
  EXPECT_THAT(hidden->hosts, ::testing::ElementsAre("spam.example"));
  EXPECT_TRUE(*relations.Blocks(1, "https://x.example/users/a"));
  EXPECT_TRUE(*relations.Blocks(1, "https://www.spam.example/users/z"));
  EXPECT_FALSE(*relations.Blocks(1, "https://x.example/users/b"));  // muted, not blocked
  EXPECT_FALSE(*relations.Blocks(2, "https://x.example/users/a"));
  // Every key starts with its account's id.
  ASSERT_TRUE(db.Scan(storage::Family::kRelations, "", [](std::string_view key, std::string_view) {
                  std::optional<storage::AccountId> id = storage::DecodeAccountId(key);
                  EXPECT_TRUE(id == 1u || id == 2u);
                  return true;
                }).has_value());

  // Seven bookmarks, four of them in the same second; pages of two.
  const std::vector<std::pair<std::string, int64_t>> saved = {
      {"https://x.example/n/1", 100}, {"https://x.example/n/2", 200}, {"https://x.example/n/3", 200},
      {"https://x.example/n/4", 200}, {"https://x.example/n/5", 200}, {"https://x.example/n/6", 300},
      {"https://x.example/n/7", 400}};
  for (const auto& [id, at] : saved) EXPECT_TRUE(*relations.AddBookmark(1, id, at));
  EXPECT_FALSE(*relations.AddBookmark(1, "https://x.example/n/1", 999));  // kept with its date
  std::vector<std::string> read;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    Result<std::vector<Bookmark>> page = relations.ListBookmarksBefore(1, 2, cursor);
    ASSERT_TRUE(page.has_value());
    for (const Bookmark& bookmark : *page) read.push_back(bookmark.object_id);
    if (page->size() < 2) break;
    cursor = BookmarkCursor(page->back());
  }
  EXPECT_THAT(read, ::testing::ElementsAre("https://x.example/n/7", "https://x.example/n/6", "https://x.example/n/5",
                                           "https://x.example/n/4", "https://x.example/n/3", "https://x.example/n/2",
                                           "https://x.example/n/1"));
  Result<std::vector<Bookmark>> before_200 = relations.ListBookmarks(1, 10, 200);
  ASSERT_TRUE(before_200.has_value());
  ASSERT_EQ(before_200->size(), 1u);
  EXPECT_EQ((*before_200)[0].object_id, "https://x.example/n/1");
  for (std::string_view bad : {"x", "-1:a", "12x:a", ":a"}) {
    EXPECT_FALSE(relations.ListBookmarksBefore(1, 2, bad).has_value()) << bad;
  }
  ASSERT_TRUE(relations.RemoveBookmark(1, "https://x.example/n/4").has_value());
  ASSERT_TRUE(relations.RemoveBookmark(1, "https://x.example/n/404").has_value());
  EXPECT_FALSE(*relations.HasBookmark(1, "https://x.example/n/4"));
  EXPECT_EQ(relations.ListBookmarks(1, 100)->size(), 6u);
  EXPECT_TRUE(relations.ListBookmarks(2, 100)->empty());
}

}  // namespace
}  // namespace parvis::federation
