// Bringing an account's data to another node (issue 8): Parvis's own export
// imported on a second node, then the account moved there, so a follower on
// a third node follows the new account; Mastodon's archive (tar.gz and zip,
// built from the Mastodon fixtures) and CSV files; and hostile input, which
// is refused with nothing changed.
#include "server/federation/account_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::Follow;
using ::parvis::testing::FollowingState;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;
using ::parvis::testing::RunProcess;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TempDir;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::parvis::testing::LocationOf;
using ::testing::HasSubstr;
using ::testing::Not;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

http::Response Import(TestNode& node, const std::string& account, const std::string& file,
                      const std::string& list = "") {
  std::string body = R"({"account":")" + account + R"(","file":")" + file + "\"";
  if (!list.empty()) body += R"(,"list":")" + list + "\"";
  return node.node().CallControl("POST", "/control/accounts/import", body + "}");
}

rapidjson::Document Json(const std::string& text) {
  Result<rapidjson::Document> doc = protocol::ParseJson(text, {});
  EXPECT_TRUE(doc && doc->IsObject()) << text;
  return doc && doc->IsObject() ? std::move(*doc) : rapidjson::Document(rapidjson::kObjectType);
}

uint64_t Count(const rapidjson::Document& report, const char* section, const char* list, const char* key) {
  if (!report.HasMember(section)) return 999;
  const rapidjson::Value& value = report[section];
  const rapidjson::Value& entry = list ? (value.HasMember(list) ? value[list] : value) : value;
  if (list && !value.HasMember(list)) return 999;
  return entry.HasMember(key) && entry[key].IsUint64() ? entry[key].GetUint64() : 999;
}

// The ids of `account`'s posts on `node` (every audience), newest first.
std::vector<std::string> OutboxIds(TestNode& node, const std::string& account) {
  accounts::AccountService service(node.node().store(), [] { return int64_t{0}; });
  Result<std::optional<accounts::Account>> found = service.FindByName(account);
  std::vector<std::string> ids;
  if (!found || !found->has_value()) return ids;
  (void)node.node().store().Scan(storage::Family::kOutbox, storage::AccountKey((*found)->id, ""),
                                 [&](std::string_view, std::string_view value) {
                                   ids.insert(ids.begin(), std::string(value));
                                   return true;
                                 });
  return ids;
}

TEST(AccountImportTest, AnExportImportedAndMovedCarriesPostsListsAndFollowers) {
  TestNode a({}, true), b({}, true), c({}, true);
  a.CreateAccount("alice");
  b.CreateAccount("alice2");
  for (const char* name : {"carol", "dave", "eve", "frank"}) c.CreateAccount(name);
  const std::string alice = a.base() + "/users/alice";
  const std::string alice2 = b.base() + "/users/alice2";
  const std::string dave = c.base() + "/users/dave";
  Follow(c, "carol", alice);
  Follow(a, "alice", dave);
  ASSERT_TRUE(Eventually([&] { return FollowingState(a, "alice", dave) == "accepted"; }));
  std::string dave_note = Publish(c, R"({"account":"dave","content":"a note worth keeping"})");
  ASSERT_TRUE(Eventually([&] { return Record(a, dave_note).find("worth keeping") != std::string::npos; }));
  auto relate = [&](const std::string& path, const std::string& body) {
    http::Response response = a.node().CallControl("POST", path, body);
    EXPECT_LT(response.status, 300) << path << " " << response.body;
  };
  relate("/control/block", R"({"account":"alice","target":")" + c.base() + R"(/users/eve"})");
  relate("/control/mute", R"({"account":"alice","target":")" + c.base() + R"(/users/frank","hide_notifications":false})");
  relate("/control/domain-block", R"({"account":"alice","host":"spam.example"})");
  relate("/control/bookmark", R"({"account":"alice","object":")" + dave_note + R"("})");
  std::string first = Publish(a, R"({"account":"alice","content":"HISTORY-public"})");
  Publish(a, R"({"account":"alice","content":"HISTORY-followers","visibility":"followers"})");
  Publish(a, R"({"account":"alice","content":"HISTORY-reply","inReplyTo":")" + first + R"("})");
  Publish(a, R"({"account":"alice","content":"HISTORY-direct @dave@127.0.0.1:)" + std::to_string(c.port()) +
                 R"(","visibility":"direct"})");

  TempDir out;
  const std::string archive = out.Sub("alice.tar");
  ASSERT_EQ(a.node().CallControl("POST", "/control/accounts/export",
                                 R"({"account":"alice","file":")" + archive + R"("})").status,
            200);

  http::Response imported = Import(b, "alice2", archive);
  ASSERT_EQ(imported.status, 200) << imported.body;
  rapidjson::Document report = Json(imported.body);
  EXPECT_EQ(Count(report, "posts", nullptr, "kept"), 3u) << imported.body;
  EXPECT_EQ(Count(report, "posts", nullptr, "direct_left_out"), 1u) << imported.body;
  for (const char* list : {"following", "blocks", "mutes", "domain-blocks", "bookmarks"}) {
    EXPECT_EQ(Count(report, "lists", list, "done"), 1u) << list << " " << imported.body;
    EXPECT_EQ(Count(report, "lists", list, "failed"), 0u) << list << " " << imported.body;
  }

  // The posts are alice2's now, with their dates, and the reply points to
  // the new id of its parent.
  std::vector<std::string> ids = OutboxIds(b, "alice2");
  ASSERT_EQ(ids.size(), 3u);
  std::string reply = Record(b, ids[0]);
  EXPECT_THAT(reply, HasSubstr("HISTORY-reply"));
  EXPECT_THAT(reply, HasSubstr("\"inReplyTo\":\"" + ids[2] + "\""));
  EXPECT_THAT(reply, HasSubstr("\"importedFrom\":\""));
  EXPECT_THAT(Record(b, ids[1]), HasSubstr("\"visibility\":\"followers\""));
  EXPECT_EQ(Json(Record(b, ids[2]))["published"].GetInt64(), Json(Record(a, first))["published"].GetInt64());
  std::string profile = BodyOf(b.Get("/@alice2"));
  EXPECT_THAT(profile, HasSubstr("HISTORY-public"));
  EXPECT_THAT(profile, HasSubstr("imported from 127.0.0.1:" + std::to_string(a.port()) + "</a>"));
  EXPECT_THAT(profile, Not(HasSubstr("HISTORY-followers")));
  EXPECT_THAT(profile, Not(HasSubstr("HISTORY-direct")));

  // The lists took effect: dave is followed, the others blocked, muted, bookmarked.
  EXPECT_TRUE(Eventually([&] { return FollowingState(b, "alice2", dave) == "accepted"; }));
  std::string relations = b.node().CallControl("GET", "/control/relations?account=alice2", "").body;
  EXPECT_THAT(relations, HasSubstr(c.base() + "/users/eve"));
  EXPECT_THAT(relations, HasSubstr(c.base() + "/users/frank"));
  EXPECT_THAT(relations, HasSubstr("spam.example"));
  EXPECT_THAT(relations, HasSubstr(dave_note));
  // Nothing was re-broadcast: once B's deliveries are done, C has none of the new posts.
  ASSERT_TRUE(Eventually([&] { return testing::PendingDeliveries(b) == 0; }));
  for (const std::string& id : ids) EXPECT_THAT(Record(c, id), HasSubstr("error")) << id;

  // The same archive again adds nothing.
  rapidjson::Document again = Json(Import(b, "alice2", archive).body);
  EXPECT_EQ(Count(again, "posts", nullptr, "kept"), 0u);
  EXPECT_EQ(Count(again, "posts", nullptr, "already"), 3u);
  for (const char* list : {"following", "blocks", "mutes", "domain-blocks", "bookmarks"}) {
    EXPECT_EQ(Count(again, "lists", list, "already"), 1u) << list;
  }
  EXPECT_EQ(OutboxIds(b, "alice2").size(), 3u);

  // Then the move: carol, on the third node, follows alice2.
  ASSERT_EQ(b.node().CallControl("POST", "/control/accounts/alias",
                                 R"({"account":"alice2","alias":")" + alice + R"("})").status,
            200);
  ASSERT_EQ(a.node().CallControl("POST", "/control/accounts/move",
                                 R"({"account":"alice","target":")" + alice2 + R"("})").status,
            200);
  EXPECT_TRUE(Eventually([&] { return FollowingState(c, "carol", alice2) == "accepted"; }));
  // The old profile points to the new home.
  EXPECT_THAT(BodyOf(a.Get("/@alice")), HasSubstr("This account has moved to <a href=\"/remote?id="));
  EXPECT_TRUE(Eventually([&] { return FollowingState(c, "carol", alice).empty(); }));
}

// Mastodon's archive, in the shape its BackupService writes (outbox.json
// with the activities as Mastodon serialises them, actor.json,
// bookmarks.json, media), as tar.gz and as zip.
void WriteMastodonArchive(const TempDir& dir, const std::string& bookmark) {
  std::string items;
  for (const char* name : {"mastodon-create-note-reply-cw.json", "mastodon-create-note.json",
                           "mastodon-create-direct.json", "mastodon-announce.json"}) {
    Result<rapidjson::Document> item =
        protocol::ParseJson(ReadFile(std::string(PARVIS_FIXTURES_DIR) + "/activities/" + name), {});
    ASSERT_TRUE(item) << name;
    item->RemoveMember("@context");
    items += (items.empty() ? "" : ",") + protocol::WriteJson(*item);
  }
  std::filesystem::create_directories(dir.Sub("m/media_attachments/files"));
  WriteFile(dir.Sub("m/outbox.json"),
            R"({"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json","type":"OrderedCollection","totalItems":4,"orderedItems":[)" +
                items + "]}");
  WriteFile(dir.Sub("m/actor.json"), ReadFile(std::string(PARVIS_FIXTURES_DIR) + "/activities/actor-mastodon-person.json"));
  WriteFile(dir.Sub("m/bookmarks.json"),
            R"({"@context":"https://www.w3.org/ns/activitystreams","id":"bookmarks.json","type":"OrderedCollection","orderedItems":[")" +
                bookmark + R"(","https://gone.invalid/statuses/1"]})");
  WriteFile(dir.Sub("m/likes.json"), R"({"id":"likes.json","type":"OrderedCollection","orderedItems":[]})");
  WriteFile(dir.Sub("m/media_attachments/files/photo.png"), std::string(4096, 'p'));
  auto tar = RunProcess({"/bin/tar", "-C", dir.Sub("m"), "-czf", dir.Sub("archive.tar.gz"), "."}, {}, "");
  ASSERT_EQ(tar.exit_code, 0) << tar.err;
  auto zip = RunProcess({"/usr/bin/python3", "-c",
                         "import os,sys,zipfile\n"
                         "root,out=sys.argv[1],sys.argv[2]\n"
                         "with zipfile.ZipFile(out,'w',zipfile.ZIP_DEFLATED) as z:\n"
                         "  for d,_,fs in os.walk(root):\n"
                         "    for f in fs:\n"
                         "      p=os.path.join(d,f); z.write(p, os.path.relpath(p, root))\n",
                         dir.Sub("m"), dir.Sub("archive.zip")},
                        {}, "");
  ASSERT_EQ(zip.exit_code, 0) << zip.err;
}

TEST(AccountImportTest, MastodonsArchiveAndCsvFiles) {
  TestNode b({}, true), c({}, true);
  b.CreateAccount("alice");
  c.CreateAccount("dave");
  std::string dave_note = Publish(c, R"({"account":"dave","content":"bookmarked from afar"})");
  TempDir dir;
  WriteMastodonArchive(dir, dave_note);

  http::Response imported = Import(b, "alice", dir.Sub("archive.tar.gz"));
  ASSERT_EQ(imported.status, 200) << imported.body;
  rapidjson::Document report = Json(imported.body);
  EXPECT_EQ(Count(report, "posts", nullptr, "kept"), 2u) << imported.body;
  EXPECT_EQ(Count(report, "posts", nullptr, "direct_left_out"), 1u);
  EXPECT_EQ(Count(report, "posts", nullptr, "boosts_left_out"), 1u);
  // The unknown post is listed with its reason; dave's is fetched and kept.
  EXPECT_EQ(Count(report, "lists", "bookmarks", "done"), 1u) << imported.body;
  EXPECT_EQ(Count(report, "lists", "bookmarks", "failed"), 1u);
  EXPECT_THAT(imported.body, HasSubstr("https://gone.invalid/statuses/1"));
  std::vector<std::string> ids = OutboxIds(b, "alice");
  ASSERT_EQ(ids.size(), 2u);
  // Oldest first, so the newest (the reply, 10:02) is on top, its date kept.
  std::string newest = Record(b, ids[0]);
  EXPECT_THAT(newest, HasSubstr("\"visibility\":\"followers\""));
  EXPECT_THAT(newest, HasSubstr("\"importedFrom\":\"https://mastodon.example/users/alice/statuses/"));
  EXPECT_EQ(Json(newest)["published"].GetInt64(), 1741946531);
  std::string note = Record(b, ids[1]);
  EXPECT_THAT(note, HasSubstr("\"visibility\":\"public\""));
  EXPECT_THAT(BodyOf(b.Get("/@alice")), HasSubstr(Json(note)["content"].GetString()));

  // The zip holds the same posts: nothing is added.
  http::Response zipped = Import(b, "alice", dir.Sub("archive.zip"));
  ASSERT_EQ(zipped.status, 200) << zipped.body;
  EXPECT_EQ(Count(Json(zipped.body), "posts", nullptr, "already"), 2u) << zipped.body;
  EXPECT_EQ(OutboxIds(b, "alice").size(), 2u);

  // Mastodon's CSV files, named as Mastodon names them or with --list.
  const std::string dave_address = "dave@127.0.0.1:" + std::to_string(c.port());
  WriteFile(dir.Sub("following_accounts.csv"),
            "Account address,Show boosts,Notify on new posts,Languages\n" + dave_address +
                ",true,false,\nghost@127.0.0.1:1,true,false,\nnot an address,true,false,\n");
  http::Response follows = Import(b, "alice", dir.Sub("following_accounts.csv"));
  ASSERT_EQ(follows.status, 200) << follows.body;
  rapidjson::Document follow_report = Json(follows.body);
  EXPECT_EQ(Count(follow_report, "lists", "following", "done"), 1u) << follows.body;
  EXPECT_EQ(Count(follow_report, "lists", "following", "failed"), 2u) << follows.body;
  EXPECT_THAT(follows.body, HasSubstr("ghost@127.0.0.1:1"));
  EXPECT_THAT(follows.body, HasSubstr("line 4"));
  EXPECT_TRUE(Eventually([&] { return FollowingState(b, "alice", c.base() + "/users/dave") == "accepted"; }));
  WriteFile(dir.Sub("my-domains.txt"), "spam.example\nexa mple.org\n");
  http::Response domains = Import(b, "alice", dir.Sub("my-domains.txt"), "domain-blocks");
  ASSERT_EQ(domains.status, 200) << domains.body;
  EXPECT_EQ(Count(Json(domains.body), "lists", "domain-blocks", "done"), 1u) << domains.body;
  EXPECT_EQ(Count(Json(domains.body), "lists", "domain-blocks", "failed"), 1u) << domains.body;
}

TEST(AccountImportTest, HostileInputIsRefusedAndChangesNothing) {
  TestNode b({}, true);
  b.CreateAccount("alice");
  TempDir dir;
  WriteFile(dir.Sub("garbage.bin"), std::string("\x1f\x8b\x08\x00garbage that is no gzip", 28));
  WriteFile(dir.Sub("notes.csv"), "a@b.example\n");
  WriteFile(dir.Sub("empty.tar"), std::string(1024, '\0'));
  WriteFile(dir.Sub("big/following_accounts.csv"), "");
  std::filesystem::create_directories(dir.Sub("big"));
  WriteFile(dir.Sub("big/following_accounts.csv"), std::string(5 << 20, 'x'));
  ASSERT_EQ(RunProcess({"/bin/tar", "-C", dir.Sub("big"), "-czf", dir.Sub("big.tar.gz"), "."}, {}, "").exit_code, 0);
  WriteFile(dir.Sub("other/readme.md"), "");
  std::filesystem::create_directories(dir.Sub("other"));
  WriteFile(dir.Sub("other/readme.md"), "nothing to import");
  ASSERT_EQ(RunProcess({"/bin/tar", "-C", dir.Sub("other"), "-cf", dir.Sub("other.tar"), "."}, {}, "").exit_code, 0);
  // A gzip'd tar cut in half.
  std::string whole = ReadFile(dir.Sub("big.tar.gz"));
  WriteFile(dir.Sub("cut.tar.gz"), whole.substr(0, whole.size() / 2));
  WriteFile(dir.Sub("bad_outbox/outbox.json"), "");
  std::filesystem::create_directories(dir.Sub("bad_outbox"));
  WriteFile(dir.Sub("bad_outbox/outbox.json"), R"({"orderedItems":[{"type":"Create",)");
  WriteFile(dir.Sub("bad_outbox/following_accounts.csv"), "Account address\nx@y.example\n");
  ASSERT_EQ(RunProcess({"/bin/tar", "-C", dir.Sub("bad_outbox"), "-cf", dir.Sub("bad_outbox.tar"), "."}, {}, "").exit_code, 0);

  struct Case {
    const char* name;
    std::string body;
    int status;
    const char* says;
  } cases[] = {
      {"no account", R"({"file":")" + dir.Sub("notes.csv") + R"("})", 400, "required"},
      {"no file", R"({"account":"alice"})", 400, "required"},
      {"relative path", R"({"account":"alice","file":"notes.csv"})", 400, "absolute"},
      {"unknown account", R"({"account":"nobody","file":")" + dir.Sub("notes.csv") + R"("})", 404, "no such account"},
      {"missing file", R"({"account":"alice","file":")" + dir.Sub("nowhere.tar") + R"("})", 404, "cannot read"},
      {"unknown list", R"({"account":"alice","file":")" + dir.Sub("notes.csv") + R"(","list":"friends"})", 400, "list"},
      {"csv of no known list", R"({"account":"alice","file":")" + dir.Sub("notes.csv") + R"("})", 400, "which list"},
      {"not gzip", R"({"account":"alice","file":")" + dir.Sub("garbage.bin") + R"("})", 400, "archive"},
      {"empty tar", R"({"account":"alice","file":")" + dir.Sub("empty.tar") + R"("})", 400, "archive"},
      {"nothing to import", R"({"account":"alice","file":")" + dir.Sub("other.tar") + R"("})", 400, "none of the files"},
      {"oversized member", R"({"account":"alice","file":")" + dir.Sub("big.tar.gz") + R"("})", 413, "larger than"},
      {"truncated", R"({"account":"alice","file":")" + dir.Sub("cut.tar.gz") + R"("})", 400, ""},
      {"broken outbox", R"({"account":"alice","file":")" + dir.Sub("bad_outbox.tar") + R"("})", 400, "outbox.json"},
      {"not an object", R"([1,2])", 400, "required"},
  };
  for (const Case& test : cases) {
    http::Response response = b.node().CallControl("POST", "/control/accounts/import", test.body);
    EXPECT_EQ(response.status, test.status) << test.name << ": " << response.body;
    EXPECT_THAT(response.body, HasSubstr(test.says)) << test.name;
  }
  // Nothing was done: no posts, no follows, no relations.
  EXPECT_TRUE(OutboxIds(b, "alice").empty());
  EXPECT_EQ(b.node().CallControl("GET", "/control/follows?account=alice", "").body.find("y.example"), std::string::npos);
  EXPECT_EQ(testing::PendingDeliveries(b), 0u);
}

// The settings page: a person uploads a file, the import runs in the
// background, and the page shows its report; bad uploads are refused.
TEST(AccountImportTest, FromTheSettingsPage) {
  TestNode b(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}}, true);
  TestNode c({}, true);
  c.CreateAccount("dave");
  WebClient browser(b.port());
  browser.Get("/register");
  ASSERT_EQ(StatusOf(browser.Post("/register", {{"name", "ana"},
                                                 {"kind", "person"},
                                                 {"password", "a long passphrase"},
                                                 {"password_again", "a long passphrase"},
                                                 {"rules", "on"}})),
            303);
  std::string page = browser.Get("/settings/import");
  ASSERT_EQ(StatusOf(page), 200);
  EXPECT_THAT(page, HasSubstr("enctype=\"multipart/form-data\""));
  EXPECT_THAT(page, HasSubstr("1 MiB"));
  EXPECT_THAT(browser.Get("/settings"), HasSubstr("/settings/import"));

  const std::string csv = "Account address,Show boosts,Notify on new posts,Languages\ndave@127.0.0.1:" +
                          std::to_string(c.port()) + ",true,false,\nbroken line\n";
  std::string started = browser.PostFile("/settings/import", "file", csv, {{"list", "following"}});
  ASSERT_EQ(StatusOf(started), 303) << started;
  EXPECT_EQ(LocationOf(started), "/settings/import");
  std::string report;
  ASSERT_TRUE(Eventually([&] {
    report = browser.Get("/settings/import");
    return report.find("import_finished") == std::string::npos && report.find("The import is finished") != std::string::npos;
  })) << report;
  EXPECT_THAT(report, HasSubstr("<th scope=\"row\">Follows</th><td>1</td><td>0</td><td>1</td>"));
  EXPECT_THAT(report, HasSubstr("line 3"));
  EXPECT_TRUE(Eventually([&] { return FollowingState(b, "ana", c.base() + "/users/dave") == "accepted"; }));

  // Refused: no file, an unknown list, a file that is not one, no anti-forgery token, no session.
  EXPECT_EQ(StatusOf(browser.PostFile("/settings/import", "file", "", {{"list", "following"}})), 400);
  EXPECT_EQ(StatusOf(browser.PostFile("/settings/import", "file", csv, {{"list", "friends"}})), 400);
  std::string unknown = browser.PostFile("/settings/import", "file", "hello", {});
  ASSERT_EQ(StatusOf(unknown), 303);
  ASSERT_TRUE(Eventually([&] {
    report = browser.Get("/settings/import");
    return report.find("The import is finished") != std::string::npos;
  }));
  EXPECT_THAT(report, HasSubstr("which list this CSV file holds is unknown"));
  std::string forged = Fetch(b.port(), "POST", "/settings/import",
                             "Cookie: parvis_session=" + browser.Cookie("parvis_session") +
                                 "\r\nContent-Type: multipart/form-data; boundary=x\r\n",
                             "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx@y.example\r\n--x--\r\n");
  EXPECT_EQ(StatusOf(forged), 403);
  WebClient stranger(b.port());
  stranger.Get("/login");
  EXPECT_EQ(LocationOf(stranger.Get("/settings/import")), "/login");
  EXPECT_EQ(LocationOf(stranger.PostFile("/settings/import", "file", csv, {{"list", "following"}})), "/login");
  // Over the body limit: 413 before anything runs.
  EXPECT_EQ(StatusOf(browser.PostFile("/settings/import", "file", std::string((1 << 20) + 1, 'a'), {})), 413);
}

}  // namespace
}  // namespace parvis
