// The files a person brings to a new node: Mastodon's CSV lists and an
// outbox.json (built here from the Mastodon fixtures, in the shape its
// archive holds them).
#include "parvis/protocol/import_formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_files.h"
#include "parvis/protocol/json.h"

namespace parvis::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Values(const ImportListFile& file) {
  std::vector<std::string> values;
  for (const ImportEntry& entry : file.entries) values.push_back(entry.value);
  return values;
}

TEST(ImportFormatsTest, ReadsMastodonsFollowingFileWithItsHeader) {
  Result<ImportListFile> file = ParseImportList(
      ImportList::kFollowing,
      "\xEF\xBB\xBF"
      "Account address,Show boosts,Notify on new posts,Languages\r\n"
      "alice@Mastodon.Example,true,false,\r\n"
      "@bob@gts.example,false,true,\"en,fr\"\r\n"
      "acct:carol@127.0.0.1:8443,true,false,\r\n"
      "\r\n"
      "alice@mastodon.example,true,false,\r\n");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_THAT(Values(*file), ElementsAre("alice@mastodon.example", "bob@gts.example", "carol@127.0.0.1:8443"));
  EXPECT_TRUE(file->rejected.empty());
}

TEST(ImportFormatsTest, KeepsGoodRowsAndNamesTheLineOfEachBadOne) {
  Result<ImportListFile> file = ParseImportList(ImportList::kBlocks,
                                                "spam@bad.example\n"
                                                "no-at-sign\n"
                                                "\"quoted@ok.example\"\n"
                                                "x@exa mple.org\n"
                                                "<script>@evil.example\n"
                                                "@\n"
                                                "y@host..example\n"
                                                "z@host:99999x\n");
  ASSERT_TRUE(file);
  EXPECT_THAT(Values(*file), ElementsAre("spam@bad.example", "quoted@ok.example"));
  ASSERT_EQ(file->rejected.size(), 6u);
  EXPECT_EQ(file->rejected[0].line, 2u);
  EXPECT_THAT(file->rejected[0].reason, HasSubstr("name@host"));
  EXPECT_EQ(file->rejected[1].line, 4u);
  EXPECT_EQ(file->rejected[5].line, 8u);
}

TEST(ImportFormatsTest, MutesCarryHideNotifications) {
  Result<ImportListFile> file = ParseImportList(ImportList::kMutes,
                                                "Account address,Hide notifications\n"
                                                "a@one.example,true\n"
                                                "b@two.example,false\n"
                                                "c@three.example\n"
                                                "d@four.example,maybe\n");
  ASSERT_TRUE(file);
  ASSERT_EQ(file->entries.size(), 3u);
  EXPECT_TRUE(file->entries[0].flag);
  EXPECT_FALSE(file->entries[1].flag);
  EXPECT_TRUE(file->entries[2].flag);
  ASSERT_EQ(file->rejected.size(), 1u);
  EXPECT_EQ(file->rejected[0].line, 5u);
}

TEST(ImportFormatsTest, DomainsAndBookmarks) {
  Result<ImportListFile> domains =
      ParseImportList(ImportList::kDomainBlocks, "#domain\nSpam.Example\nbad_host!\nok.example:8080\n");
  ASSERT_TRUE(domains);
  EXPECT_THAT(Values(*domains), ElementsAre("spam.example", "ok.example:8080"));
  EXPECT_EQ(domains->rejected.size(), 1u);
  Result<ImportListFile> bookmarks = ParseImportList(
      ImportList::kBookmarks,
      "https://mastodon.example/users/alice/statuses/1\njavascript:alert(1)\nhttp://x.example/a b\nhttps://\n");
  ASSERT_TRUE(bookmarks);
  EXPECT_THAT(Values(*bookmarks), ElementsAre("https://mastodon.example/users/alice/statuses/1"));
  EXPECT_EQ(bookmarks->rejected.size(), 3u);
}

TEST(ImportFormatsTest, QuotedFieldsMayHoldNewlinesAndQuotes) {
  Result<ImportListFile> file = ParseImportList(ImportList::kFollowing,
                                                "Account address,Show boosts,Notify on new posts,Languages\n"
                                                "\"a@one.example\",true,false,\"x\ny\"\"z\"\n"
                                                "bad\n"
                                                "\"unterminated@two.example,true\n");
  ASSERT_TRUE(file);
  EXPECT_THAT(Values(*file), ElementsAre("a@one.example"));
  // The row after the multi-line field is on line 4.
  ASSERT_GE(file->rejected.size(), 1u);
  EXPECT_EQ(file->rejected[0].line, 4u);
}

TEST(ImportFormatsTest, RefusesOversizedFilesAndTooManyRows) {
  std::string big(kMaxImportCsvBytes + 1, 'a');
  Result<ImportListFile> large = ParseImportList(ImportList::kFollowing, big);
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().code, ErrorCode::kLimitExceeded);
  std::string many;
  for (size_t i = 0; i <= kMaxImportRows; ++i) many += "a" + std::to_string(i) + "@x.example\n";
  Result<ImportListFile> rows = ParseImportList(ImportList::kBlocks, many);
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, ErrorCode::kLimitExceeded);
  EXPECT_THAT(rows.error().message, HasSubstr("20000"));
}

TEST(ImportFormatsTest, NamesAndFileNames) {
  EXPECT_EQ(ImportListForFileName("export/following_accounts.csv"), ImportList::kFollowing);
  EXPECT_EQ(ImportListForFileName("Blocked_Domains.CSV"), ImportList::kDomainBlocks);
  EXPECT_EQ(ImportListForFileName("notes.csv"), std::nullopt);
  for (ImportList list : {ImportList::kFollowing, ImportList::kBlocks, ImportList::kMutes,
                          ImportList::kDomainBlocks, ImportList::kBookmarks}) {
    EXPECT_EQ(ParseImportListName(ImportListName(list)), list);
  }
  EXPECT_EQ(ParseImportListName("Following"), std::nullopt);
}

TEST(ImportFormatsTest, IdCollections) {
  Result<ImportListFile> file = ParseIdCollection(
      R"({"@context":"https://www.w3.org/ns/activitystreams","id":"bookmarks.json","type":"OrderedCollection",)"
      R"("orderedItems":["https://a.example/notes/1",{"id":"https://b.example/notes/2"},42,"ftp://x"]})");
  ASSERT_TRUE(file);
  EXPECT_THAT(Values(*file), ElementsAre("https://a.example/notes/1", "https://b.example/notes/2"));
  EXPECT_EQ(file->rejected.size(), 2u);
  for (const char* bad : {"", "[]", "{\"orderedItems\":{}}", "{\"orderedItems\":[", "nul"}) {
    EXPECT_FALSE(ParseIdCollection(bad)) << bad;
  }
}

// An outbox in the shape of Mastodon's archive, from the fixtures: a public
// note, a followers-only reply with a content warning, a direct note and a
// boost; plus hostile items.
std::string MastodonOutbox() {
  std::string items;
  for (const char* name : {"mastodon-create-note-reply-cw.json", "mastodon-create-note.json",
                           "mastodon-create-direct.json", "mastodon-announce.json"}) {
    rapidjson::Document item = testing::LoadFixtureJson(std::string("activities/") + name);
    item.RemoveMember("@context");
    items += WriteJson(item) + ",";
  }
  items +=
      R"({"type":"Create","actor":"https://mastodon.example/users/mallory","object":{"id":"https://mastodon.example/users/mallory/statuses/1","type":"Note","published":"2025-01-01T00:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"content":"<p>not hers</p>"}},)"
      R"({"type":"Create","actor":"https://mastodon.example/users/alice","object":{"id":"https://mastodon.example/users/alice/statuses/9","type":"Note","to":["https://www.w3.org/ns/activitystreams#Public"],"content":"<p>no date</p>"}},)"
      R"({"type":"Create","actor":"https://mastodon.example/users/alice","object":{"id":"https://mastodon.example/users/alice/statuses/10","type":"Note","published":"2020-05-05T10:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"content":"<p>old <script>alert(1)</script><b onclick=x>bold</b></p>","attachment":[{"type":"Document","url":"media/a.png"}]}},)"
      R"({"type":"Like","actor":"https://mastodon.example/users/alice","object":"https://x.example/1"},)"
      R"(17)";
  return R"({"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection","totalItems":9,"orderedItems":[)" +
         items + "]}";
}

TEST(ImportFormatsTest, ReadsMastodonsOutboxAsHistory) {
  Result<HistoryFile> history = ParseOutbox(MastodonOutbox(), "https://mastodon.example/users/alice",
                                            "https://mastodon.example/users/alice/followers");
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->posts.size(), 3u);
  // Oldest first, whatever the order in the file.
  const HistoryPost& oldest = history->posts[0];
  EXPECT_EQ(oldest.original_id, "https://mastodon.example/users/alice/statuses/10");
  EXPECT_EQ(oldest.published, 1588672800);
  EXPECT_THAT(oldest.content_html, ::testing::Not(HasSubstr("script")));
  EXPECT_THAT(oldest.content_html, ::testing::Not(HasSubstr("onclick")));
  EXPECT_THAT(oldest.content_html, HasSubstr("<b>bold</b>"));
  EXPECT_EQ(oldest.attachments, 1u);
  const HistoryPost& note = history->posts[1];
  EXPECT_EQ(note.visibility, Visibility::kPublic);
  const HistoryPost& reply = history->posts[2];
  EXPECT_EQ(reply.visibility, Visibility::kFollowers);
  EXPECT_FALSE(reply.summary.empty());
  EXPECT_FALSE(reply.in_reply_to.empty());
  EXPECT_EQ(history->direct, 1u);
  EXPECT_EQ(history->boosts, 1u);
  // mallory's note, the undated one, the Like and the number.
  ASSERT_EQ(history->rejected.size(), 4u);
  EXPECT_THAT(history->rejected[0].reason, HasSubstr("another actor"));
  EXPECT_THAT(history->rejected[1].reason, HasSubstr("published"));
}

TEST(ImportFormatsTest, TheActorDefaultsToTheFirstCreates) {
  Result<HistoryFile> history = ParseOutbox(MastodonOutbox(), "", "");
  ASSERT_TRUE(history);
  EXPECT_EQ(history->actor, "https://mastodon.example/users/alice");
  // The followers collection is recognised by its name.
  ASSERT_EQ(history->posts.size(), 3u);
  EXPECT_EQ(history->posts[2].visibility, Visibility::kFollowers);
}

TEST(ImportFormatsTest, RefusesOutboxesThatAreNotCollections) {
  for (const char* bad : {"", "[]", "{}", "{\"orderedItems\":\"x\"}", "{\"orderedItems\":[}"}) {
    EXPECT_FALSE(ParseOutbox(bad, "", "")) << bad;
  }
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(ParseOutbox("{\"orderedItems\":" + deep + "}", "", ""));
}

}  // namespace
}  // namespace parvis::protocol
