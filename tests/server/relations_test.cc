// Blocks, mutes, domain blocks and bookmarks, over real HTTP between two
// nodes in-process (and a signing remote peer): follows end both ways and
// the other side hears of it, blocked actors' follows are refused, hidden
// posts leave every timeline (pages and JSON API) and come back when the
// block or mute goes, notifications are filtered, bookmarks page.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/federation/account_relations.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::Follow;
using ::parvis::testing::IssueToken;
using ::parvis::testing::LocationOf;
using ::parvis::testing::PeerActor;
using ::parvis::testing::PendingDeliveries;
using ::parvis::testing::Publish;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

using Settings = std::map<std::string, std::string>;

http::Response Control(TestNode& node, const std::string& path, const std::string& body) {
  return node.node().CallControl("POST", path, body);
}

std::string Follows(TestNode& node, const std::string& account) {
  return node.node().CallControl("GET", "/control/follows?account=" + account, "").body;
}

std::string Relations(TestNode& node, const std::string& account) {
  return node.node().CallControl("GET", "/control/relations?account=" + account, "").body;
}

constexpr std::string_view kNoFollows = R"({"followers":[],"following":[]})";

// Received activities of `type` on `node` whose body names `actor`.
size_t ReceivedOfType(TestNode& node, const std::string& type, const std::string& actor) {
  size_t found = 0;
  (void)node.node().store().Scan(storage::Family::kActivities, "", [&](std::string_view, std::string_view value) {
    if (value.find(R"("type":")" + type + "\"") != std::string_view::npos &&
        value.find(R"("actor":")" + actor + "\"") != std::string_view::npos) {
      ++found;
    }
    return true;
  });
  return found;
}

bool InboxQueueEmpty(TestNode& node) {
  bool queued = false;
  (void)node.node().store().Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
    queued = true;
    return false;
  });
  return !queued;
}

void LogIn(WebClient& browser, const std::string& name) {
  browser.Get("/login");
  ASSERT_EQ(StatusOf(browser.Post("/login", {{"name", name}, {"password", "password123"}})), 303);
}

std::string Api(TestNode& node, const std::string& timeline, const std::string& token) {
  return BodyOf(Fetch(node.port(), "GET", "/api/timelines/" + timeline, "Authorization: Bearer " + token + "\r\n"));
}

class RelationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.CreateAccount("camille");
    a_.CreateAccount("eli");
    b_.CreateAccount("dominique");
  }

  std::string camille() const { return a_.base() + "/users/camille"; }
  std::string eli() const { return a_.base() + "/users/eli"; }
  std::string dominique() const { return b_.base() + "/users/dominique"; }

  TestNode a_{{}, /*federating=*/true};
  TestNode b_{{}, /*federating=*/true};
};

TEST_F(RelationsTest, BlockEndsFollowsBothWaysOnBothNodesAndRefusesTheirFollows) {
  Follow(a_, "camille", b_.Handle("dominique"));
  Follow(b_, "dominique", a_.Handle("camille"));
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(a_, "camille", 2) && testing::Accepted(b_, "dominique", 2); }))
      << Follows(a_, "camille") << Follows(b_, "dominique");

  http::Response blocked =
      Control(a_, "/control/block", R"({"account":"camille","target":")" + b_.Handle("dominique") + R"("})");
  ASSERT_EQ(blocked.status, 200) << blocked.body;
  EXPECT_EQ(blocked.body, R"({"actor":")" + dominique() + R"(","delivered":true})");
  EXPECT_EQ(Follows(a_, "camille"), kNoFollows);
  // The other node ends both follows too (Undo(Follow), then Block).
  EXPECT_TRUE(Eventually([&] { return Follows(b_, "dominique") == kNoFollows; })) << Follows(b_, "dominique");
  EXPECT_TRUE(Eventually([&] { return ReceivedOfType(b_, "Block", camille()) == 1; }));
  std::string listed = Relations(a_, "camille");
  EXPECT_THAT(listed, HasSubstr(R"("blocks":[{"actor":")" + dominique() + "\""));

  // Blocking again changes nothing and sends nothing; an address that is
  // not an actor's (a profile page) is refused rather than kept.
  ASSERT_EQ(Control(a_, "/control/block", R"({"account":"camille","target":")" + dominique() + R"("})").status, 200);
  http::Response page =
      Control(a_, "/control/block", R"({"account":"camille","target":")" + b_.base() + R"(/@dominique"})");
  EXPECT_EQ(page.status / 100, 4) << page.body;
  EXPECT_EQ(Relations(a_, "camille"), listed);
  ASSERT_TRUE(Eventually([&] { return PendingDeliveries(a_) == 0; }));
  EXPECT_EQ(ReceivedOfType(b_, "Block", camille()), 1u);

  // Their Follow is answered Reject and not recorded.
  Follow(b_, "dominique", camille());
  EXPECT_TRUE(Eventually([&] { return Follows(b_, "dominique") == kNoFollows; })) << Follows(b_, "dominique");
  EXPECT_EQ(Follows(a_, "camille"), kNoFollows);
  EXPECT_GE(ReceivedOfType(b_, "Reject", camille()), 1u);

  // Unblocked: Undo(Block) goes, and a follow is accepted again.
  http::Response unblocked = Control(a_, "/control/unblock", R"({"account":"camille","target":")" + dominique() + R"("})");
  ASSERT_EQ(unblocked.status, 200) << unblocked.body;
  EXPECT_TRUE(Eventually([&] { return ReceivedOfType(b_, "Undo", camille()) >= 2; }));  // Undo(Follow), Undo(Block)
  EXPECT_THAT(Relations(a_, "camille"), HasSubstr(R"("blocks":[])"));
  Follow(b_, "dominique", camille());
  EXPECT_TRUE(Eventually([&] { return testing::Accepted(a_, "camille", 1); })) << Follows(a_, "camille");
}

TEST_F(RelationsTest, HiddenPostsLeaveTimelinesAndComeBack) {
  Follow(b_, "dominique", a_.Handle("camille"));
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(b_, "dominique", 1); }));
  std::string note = Publish(a_, R"({"account":"camille","content":"Marché du samedi"})");
  std::string local_note = Publish(b_, R"({"account":"dominique","content":"Note de dominique"})");
  ASSERT_TRUE(Eventually([&] { return testing::Record(b_, note).find("samedi") != std::string::npos; }));
  std::string token = IssueToken(b_, "dominique");
  WebClient browser(b_.port());
  LogIn(browser, "dominique");
  auto visible = [&](const std::string& where) {
    if (where.starts_with("/api/")) return Api(b_, where.substr(15), token).find(note) != std::string::npos;
    return BodyOf(browser.Get(where)).find("Marché du samedi") != std::string::npos;
  };
  const std::vector<std::string> places = {"/home", "/federated", "/api/timelines/home", "/api/timelines/federated"};
  for (const std::string& place : places) ASSERT_TRUE(Eventually([&] { return visible(place); })) << place;

  for (const std::string& kind : {std::string("block"), std::string("mute")}) {
    ASSERT_EQ(Control(b_, "/control/" + kind, R"({"account":"dominique","target":")" + camille() + R"("})").status, 200);
    for (const std::string& place : places) EXPECT_FALSE(visible(place)) << kind << " " << place;
    // The reader's own posts stay; anonymous readers still see everything.
    EXPECT_THAT(BodyOf(browser.Get("/federated")), HasSubstr("Note de dominique"));
    EXPECT_THAT(BodyOf(Fetch(b_.port(), "GET", "/federated")), HasSubstr("Marché du samedi"));
    ASSERT_EQ(Control(b_, "/control/un" + kind, R"({"account":"dominique","target":")" + camille() + R"("})").status, 200);
    for (const std::string& place : places) EXPECT_TRUE(visible(place)) << "un" << kind << " " << place;
  }

  // A domain block hides every actor of the host, and removes followers there.
  ASSERT_EQ(Control(b_, "/control/domain-block", R"({"account":"dominique","host":")" + a_.base().substr(7) + R"("})").status,
            200);
  for (const std::string& place : places) EXPECT_FALSE(visible(place)) << "domain " << place;
  ASSERT_EQ(Control(b_, "/control/domain-unblock", R"({"account":"dominique","host":")" + a_.base().substr(7) + R"("})").status,
            200);
  for (const std::string& place : places) EXPECT_TRUE(visible(place)) << "domain unblocked " << place;
  (void)local_note;
}

TEST_F(RelationsTest, LocalTimelineAndNotificationsFollowBlocksAndMutes) {
  WebClient browser(a_.port());
  LogIn(browser, "camille");
  std::string mention = Publish(a_, R"({"account":"eli","content":"Bonjour @camille, réunion jeudi"})");
  ASSERT_FALSE(mention.empty());
  ASSERT_TRUE(Eventually([&] { return BodyOf(browser.Get("/notifications")).find("thread?id=") != std::string::npos; }));
  EXPECT_THAT(BodyOf(browser.Get("/local")), HasSubstr("réunion jeudi"));

  // Muted without hiding notifications: gone from timelines, still notified.
  ASSERT_EQ(Control(a_, "/control/mute", R"({"account":"camille","target":")" + eli() + R"(","hide_notifications":false})")
                .status,
            200);
  EXPECT_THAT(BodyOf(browser.Get("/local")), Not(HasSubstr("réunion jeudi")));
  EXPECT_THAT(BodyOf(browser.Get("/notifications")), HasSubstr("thread?id="));
  EXPECT_THAT(Relations(a_, "camille"), HasSubstr(R"("hide_notifications":false)"));
  // Muted with them: the notification goes too.
  ASSERT_EQ(Control(a_, "/control/mute", R"({"account":"camille","target":")" + eli() + R"("})").status, 200);
  EXPECT_THAT(BodyOf(browser.Get("/notifications")), Not(HasSubstr("thread?id=")));
  ASSERT_EQ(Control(a_, "/control/unmute", R"({"account":"camille","target":")" + eli() + R"("})").status, 200);
  EXPECT_THAT(BodyOf(browser.Get("/notifications")), HasSubstr("thread?id="));
  // Blocked: neither.
  ASSERT_EQ(Control(a_, "/control/block", R"({"account":"camille","target":")" + a_.Handle("eli") + R"("})").status, 200);
  EXPECT_THAT(BodyOf(browser.Get("/notifications")), Not(HasSubstr("thread?id=")));
  EXPECT_THAT(BodyOf(browser.Get("/local")), Not(HasSubstr("réunion jeudi")));
  // Its replies leave camille's threads, not others'.
  std::string root = Publish(a_, R"({"account":"camille","content":"Question du soir"})");
  Publish(a_, R"({"account":"eli","content":"réponse cachée","inReplyTo":")" + root + R"("})");
  std::string thread = "/thread?id=" + WebClient::Encode(root);
  EXPECT_THAT(BodyOf(browser.Get(thread)), Not(HasSubstr("réponse cachée")));
  EXPECT_THAT(BodyOf(Fetch(a_.port(), "GET", thread)), HasSubstr("réponse cachée"));
  // The hashtag page too.
  Publish(a_, R"({"account":"eli","content":"#velo dimanche"})");
  EXPECT_THAT(BodyOf(browser.Get("/tags/velo")), Not(HasSubstr("dimanche")));
  EXPECT_THAT(BodyOf(Fetch(a_.port(), "GET", "/tags/velo")), HasSubstr("dimanche"));
}

TEST_F(RelationsTest, BookmarksAddRemoveAndPage) {
  std::string first = Publish(a_, R"({"account":"eli","content":"premier"})");
  auto bookmark = [&](const std::string& path, const std::string& object) {
    return Control(a_, path, R"({"account":"camille","object":")" + object + R"("})");
  };
  EXPECT_EQ(bookmark("/control/bookmark", first).body, R"({"added":true})");
  EXPECT_EQ(bookmark("/control/bookmark", first).body, R"({"added":false})");
  EXPECT_EQ(bookmark("/control/bookmark", a_.base() + "/users/eli/statuses/999").status, 404);
  EXPECT_EQ(bookmark("/control/bookmark", "https://elsewhere.example/notes/1").status, 404);
  EXPECT_THAT(Relations(a_, "camille"), HasSubstr(R"("bookmarks":[{"object":")" + first + "\""));
  EXPECT_EQ(bookmark("/control/unbookmark", first).status, 200);
  EXPECT_EQ(bookmark("/control/unbookmark", first).status, 200);  // again: nothing to do
  EXPECT_THAT(Relations(a_, "camille"), HasSubstr(R"("bookmarks":[])"));

  // 25 bookmarks in the same second: two pages, none lost, newest first.
  std::vector<std::string> notes;
  for (int i = 0; i < 25; ++i) {
    notes.push_back(Publish(a_, R"({"account":"eli","content":"signet-)" + std::to_string(100 + i) + R"(-fin"})"));
    ASSERT_EQ(bookmark("/control/bookmark", notes.back()).status, 200);
  }
  WebClient browser(a_.port());
  LogIn(browser, "camille");
  std::string page = BodyOf(browser.Get("/bookmarks"));
  EXPECT_THAT(page, HasSubstr("action=\"/unbookmark\""));
  std::smatch older;
  ASSERT_TRUE(std::regex_search(page, older, std::regex(R"re(href="(/bookmarks\?after=[^"]+)")re"))) << page;
  std::string second = BodyOf(browser.Get(older[1].str()));
  std::string both = page + second;
  for (int i = 0; i < 25; ++i) {
    std::string marker = "signet-" + std::to_string(100 + i) + "-fin";
    size_t at = both.find(marker);
    EXPECT_NE(at, std::string::npos) << marker;
    EXPECT_EQ(both.find(marker, at + 1), std::string::npos) << marker << " shown twice";
  }
  EXPECT_THAT(second, Not(HasSubstr("/bookmarks?after=")));
  EXPECT_EQ(StatusOf(browser.Get("/bookmarks?after=garbage")), 400);
  // Direct through the store: newest first, cursors resume exactly.
  federation::RelationStore store(a_.node().store());
  Result<storage::AccountId> id = [&]() -> Result<storage::AccountId> {
    std::optional<storage::AccountId> found;
    (void)a_.node().store().Scan(storage::Family::kRelations, "", [&](std::string_view key, std::string_view) {
      found = storage::DecodeAccountId(key);
      return false;
    });
    if (!found) return Fail(ErrorCode::kNotFound, "no relations");
    return *found;
  }();
  ASSERT_TRUE(id.has_value());
  Result<std::vector<federation::Bookmark>> all = store.ListBookmarks(*id, 100);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 25u);

  // The card's button adds and removes through the page, back where it was.
  std::string on_thread = browser.Post("/unbookmark", {{"object", notes[0]}});
  EXPECT_EQ(StatusOf(on_thread), 303);
  EXPECT_EQ(StatusOf(browser.Post("/bookmark", {{"object", notes[0]}}, /*with_csrf=*/false)), 403);
  EXPECT_EQ(StatusOf(browser.Post("/bookmark", {{"object", a_.base() + "/nothing"}})), 404);
  std::string added = browser.Post("/bookmark", {{"object", notes[0]}, {"back", "/home"}});
  EXPECT_EQ(LocationOf(added), "/home");
  std::string elsewhere = browser.Post("/bookmark", {{"object", notes[0]}, {"back", "//evil.example/"}});
  EXPECT_THAT(LocationOf(elsewhere), Not(HasSubstr("evil")));
}

TEST_F(RelationsTest, HostileControlInputIsRefused) {
  const struct {
    std::string path;
    std::string body;
    int status;
  } cases[] = {
      {"/control/block", R"({"account":"camille"})", 400},
      {"/control/block", R"({"target":"https://x.example/users/a"})", 400},
      {"/control/block", R"({"account":"nobody","target":"https://x.example/users/a"})", 404},
      {"/control/block", R"({"account":"camille","target":42})", 400},
      {"/control/block", R"({"account":"camille","target":"not a handle"})", 400},
      {"/control/block", R"({"account":"camille","target":"https://x.example/users/a b"})", 400},
      {"/control/block", R"({"account":"camille","target":"ftp://x.example/users/a"})", 400},
      {"/control/block", R"({"account":"camille","target":"https://x.example/)" + std::string(5000, 'a') + R"("})", 400},
      {"/control/block", R"({"account":"camille","target":"camille@)" + a_.base().substr(7) + R"("})", 400},
      {"/control/block", R"({"account":"camille","target":"nobody@)" + a_.base().substr(7) + R"("})", 404},
      {"/control/mute", R"({"account":"camille","target":"https://x.example/users/a","hide_notifications":"yes"})", 400},
      {"/control/mute", "[]", 400},
      {"/control/domain-block", R"({"account":"camille"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":"exa mple"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":""})", 400},
      {"/control/domain-block", R"({"account":"camille","host":"https://example.org/"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":"-bad.example"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":"example..org"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":"example.org:99999"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":")" + std::string(300, 'a') + R"(.org"})", 400},
      {"/control/domain-block", R"({"account":"camille","host":")" + a_.base().substr(7) + R"("})", 400},
      {"/control/domain-block", R"({"account":"camille","host":"127.0.0.1"})", 400},
      {"/control/domain-block", R"({"account":"nobody","host":"example.org"})", 404},
      {"/control/bookmark", R"({"account":"camille"})", 400},
      {"/control/bookmark", R"({"account":"camille","object":""})", 400},
      {"/control/bookmark", R"({"account":"camille","object":")" + std::string(5000, 'a') + R"("})", 400},
      {"/control/unbookmark", R"({"account":"nobody","object":"x"})", 404},
  };
  for (const auto& c : cases) {
    http::Response response = Control(a_, c.path, c.body);
    EXPECT_EQ(response.status, c.status) << c.path << " " << c.body.substr(0, 120) << " -> " << response.body;
  }
  EXPECT_EQ(a_.node().CallControl("GET", "/control/relations", "").status, 400);
  EXPECT_EQ(a_.node().CallControl("GET", "/control/relations?account=nobody", "").status, 404);
  // Upper case is lowered; the relations of a refused input were not kept.
  http::Response upper = Control(a_, "/control/domain-block", R"({"account":"camille","host":"Spam.EXAMPLE"})");
  EXPECT_EQ(upper.status, 200) << upper.body;
  std::string listed = Relations(a_, "camille");
  EXPECT_THAT(listed, HasSubstr(R"({"blocks":[],"mutes":[],"domain_blocks":[{"host":"spam.example","since":)"));
  EXPECT_THAT(listed, HasSubstr(R"("bookmarks":[]})"));
}

// A remote peer's Block and Undo(Block), replayed: follows end once, nothing
// breaks. A blocked peer's Follow is rejected, its mentions do not notify.
TEST(RelationsPeerTest, RemoteBlocksAndBlockedPeers) {
  RemotePeer peer;
  PeerActor mallory = peer.AddActor("mallory");
  TestNode node({}, true);
  node.CreateAccount("camille");
  const std::string camille = node.base() + "/users/camille";
  auto send = [&](const std::string& activity) {
    RawConnection connection(node.port());
    connection.Send(RemotePeer::SignedPost(mallory, node.port(), "/users/camille/inbox", activity));
    return StatusOf(connection.ReadToEnd());
  };
  auto follow = [&](int n) {
    return R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + mallory.id + "/follows/" +
           std::to_string(n) + R"(","type":"Follow","actor":")" + mallory.id + R"(","object":")" + camille + R"("})";
  };
  ASSERT_EQ(send(follow(1)), 202);
  Follow(node, "camille", mallory.id);
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(node, "camille", 1) && InboxQueueEmpty(node); }))
      << Follows(node, "camille");
  std::string block = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + mallory.id +
                      R"(/blocks/1","type":"Block","actor":")" + mallory.id + R"(","object":")" + camille + R"("})";
  ASSERT_EQ(send(block), 202);
  ASSERT_TRUE(Eventually([&] { return Follows(node, "camille") == kNoFollows && InboxQueueEmpty(node); }))
      << Follows(node, "camille");
  // Replayed: accepted or refused as a replay, and nothing changes.
  int replayed = send(block);
  EXPECT_TRUE(replayed == 202 || replayed == 200 || replayed == 401 || replayed == 409) << replayed;
  std::string undo = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + mallory.id +
                     R"(/blocks/1/undo","type":"Undo","actor":")" + mallory.id + R"(","object":)" + block + "}";
  EXPECT_EQ(send(undo), 202);
  ASSERT_TRUE(Eventually([&] { return InboxQueueEmpty(node); }));
  EXPECT_EQ(Follows(node, "camille"), kNoFollows);

  // Camille blocks mallory: a Block reaches the peer; its Follow is rejected.
  ASSERT_EQ(Control(node, "/control/block", R"({"account":"camille","target":")" + mallory.id + R"("})").status, 200);
  auto received = [&](const std::string& type) {
    for (const auto& got : peer.received()) {
      if (got.body.find(R"("type":")" + type + "\"") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(Eventually([&] { return received("Block"); }));
  ASSERT_EQ(send(follow(2)), 202);
  EXPECT_TRUE(Eventually([&] { return received("Reject"); }));
  ASSERT_TRUE(Eventually([&] { return InboxQueueEmpty(node); }));
  EXPECT_EQ(Follows(node, "camille"), kNoFollows);
  // Its mention does not reach camille's inbox.
  std::string note = mallory.id + "/notes/7";
  std::string mention = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + note +
                        R"(#create","type":"Create","actor":")" + mallory.id + R"(","to":[")" + camille +
                        R"("],"object":{"id":")" + note + R"(","type":"Note","attributedTo":")" + mallory.id +
                        R"(","content":"coucou","to":[")" + camille + R"("],"tag":[{"type":"Mention","href":")" +
                        camille + R"("}]}})";
  ASSERT_EQ(send(mention), 202);
  ASSERT_TRUE(Eventually([&] { return InboxQueueEmpty(node); }));
  size_t items = 0;
  (void)node.node().store().Scan(storage::Family::kInboxItems, "", [&](std::string_view, std::string_view value) {
    if (value.find("/notes/7") != std::string_view::npos) ++items;
    return true;
  });
  EXPECT_EQ(items, 0u);
  // A domain block of the peer's host refuses its follows the same way.
  ASSERT_EQ(Control(node, "/control/unblock", R"({"account":"camille","target":")" + mallory.id + R"("})").status, 200);
  std::string host = peer.base().substr(7);
  ASSERT_EQ(Control(node, "/control/domain-block", R"({"account":"camille","host":")" + host + R"("})").status, 200);
  ASSERT_EQ(send(follow(3)), 202);
  ASSERT_TRUE(Eventually([&] { return InboxQueueEmpty(node); }));
  EXPECT_EQ(Follows(node, "camille"), kNoFollows);
}

TEST(RelationPagesTest, ProfileButtonsAndTheSettingsList) {
  TestNode node({}, true);
  node.CreateAccount("camille");
  node.CreateAccount("eli");
  WebClient browser(node.port());
  LogIn(browser, "camille");
  std::string profile = BodyOf(browser.Get("/@eli"));
  EXPECT_THAT(profile, HasSubstr("action=\"/block\""));
  EXPECT_THAT(profile, HasSubstr("action=\"/mute\""));
  EXPECT_THAT(BodyOf(browser.Get("/@camille")), Not(HasSubstr("action=\"/block\"")));
  EXPECT_EQ(StatusOf(browser.Post("/block", {{"actor", node.base() + "/users/eli"}, {"back", "/@eli"}}, false)), 403);
  std::string blocked = browser.Post("/block", {{"actor", node.base() + "/users/eli"}, {"back", "/@eli"}});
  ASSERT_EQ(LocationOf(blocked), "/@eli") << blocked;
  EXPECT_THAT(BodyOf(browser.Get("/@eli")), HasSubstr("action=\"/unblock\""));
  ASSERT_EQ(StatusOf(browser.Post("/mute", {{"actor", node.base() + "/users/eli"}, {"back", "https://evil.example/"}})),
            303);
  EXPECT_EQ(LocationOf(browser.Post("/domain-block", {{"host", "Spam.Example"}})), "/settings/relations");
  EXPECT_EQ(StatusOf(browser.Post("/domain-block", {{"host", "exa mple"}})), 400);
  std::string settings = BodyOf(browser.Get("/settings/relations"));
  EXPECT_THAT(settings, HasSubstr("/@eli"));
  EXPECT_THAT(settings, HasSubstr("spam.example"));
  EXPECT_THAT(settings, HasSubstr("action=\"/unblock\""));
  EXPECT_THAT(settings, HasSubstr("action=\"/unmute\""));
  EXPECT_THAT(settings, HasSubstr("action=\"/domain-unblock\""));
  EXPECT_THAT(BodyOf(browser.Get("/settings")), HasSubstr("href=\"/settings/relations\""));
  ASSERT_EQ(StatusOf(browser.Post("/unblock", {{"actor", node.base() + "/users/eli"}})), 303);
  ASSERT_EQ(StatusOf(browser.Post("/domain-unblock", {{"host", "spam.example"}})), 303);
  settings = BodyOf(browser.Get("/settings/relations"));
  EXPECT_THAT(settings, Not(HasSubstr("action=\"/unblock\"")));
  EXPECT_THAT(settings, Not(HasSubstr("spam.example")));
  // Anonymous visitors are sent to log in.
  for (const char* page : {"/bookmarks", "/settings/relations"}) {
    EXPECT_EQ(LocationOf(Fetch(node.port(), "GET", page)), "/login") << page;
  }
}

}  // namespace
}  // namespace parvis
