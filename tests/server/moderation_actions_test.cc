// Moderation actions and appeals (issue 6, item 2): marking a post
// sensitive, limiting, suspending a local account and blocking a server
// take effect here and across nodes; the person concerned is told and can
// appeal once, here or from another server by replying to the notice; an
// appeal granted undoes what can be undone; the audit log records it all.
#include <iostream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
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
using ::parvis::testing::Follow;
using ::parvis::testing::Publish;
using ::parvis::testing::RawConnection;
using ::parvis::testing::Record;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

http::Response Control(TestNode& node, const std::string& method, const std::string& path, const std::string& body) {
  return node.node().CallControl(method, path, body);
}

uint64_t FileReport(TestNode& node, const std::string& account, const std::string& target,
                    const std::string& object = "") {
  http::Response filed =
      Control(node, "POST", "/control/reports",
              R"({"account":")" + account + R"(","target":")" + target + R"(","category":"harassment")" +
                  (object.empty() ? std::string() : R"(,"objects":[")" + object + R"("])") + "}");
  EXPECT_EQ(filed.status, 201) << filed.body;
  Result<rapidjson::Document> doc = protocol::ParseJson(filed.body, {});
  return doc && doc->IsObject() && (*doc)["id"].IsUint64() ? (*doc)["id"].GetUint64() : 0;
}

http::Response Decide(TestNode& node, uint64_t report, const std::string& action, const std::string& reason,
                      const std::string& extra = "") {
  return Control(node, "POST", "/control/reports/decide",
                 R"({"report":)" + std::to_string(report) + R"(,"action":")" + action + R"(","reason":")" + reason +
                     R"(","moderator":"mod")" + extra + "}");
}

http::Response DecideAppeal(TestNode& node, uint64_t report, bool uphold, const std::string& reason) {
  return Control(node, "POST", "/control/reports/appeal/decide",
                 R"({"report":)" + std::to_string(report) + R"(,"uphold":)" + (uphold ? "true" : "false") +
                     R"(,"reason":")" + reason + R"(","moderator":"mod2"})");
}

std::string ReportOf(TestNode& node, uint64_t id) {
  Result<rapidjson::Document> doc = protocol::ParseJson(Control(node, "GET", "/control/reports", "").body, {});
  if (!doc || !doc->IsObject()) return "";
  for (const rapidjson::Value& report : (*doc)["reports"].GetArray()) {
    if (report["id"].GetUint64() == id) return protocol::WriteJson(report);
  }
  return "";
}

void SignIn(WebClient& browser, const std::string& name, const std::string& password, int status = 303) {
  browser.Get("/login");
  ASSERT_EQ(StatusOf(browser.Post("/login", {{"name", name}, {"password", password}})), status);
}

// A post marked sensitive gets a content warning, which the author's Update
// carries to the node that follows; limiting keeps an account out of the
// public timelines but not from its followers; suspending a local account
// signs it out, makes its actor 410 and sends Delete, so the other node
// forgets its posts.
TEST(ModerationActionsTest, ActionsOnALocalAccountTakeEffectAcrossNodes) {
  TestNode a({}, true), b({}, true);
  a.CreateAccount("ana");
  b.CreateAccount("bob");
  b.CreateAccount("eve");
  const std::string bob = b.base() + "/users/bob";
  Follow(a, "ana", bob);
  ASSERT_TRUE(Eventually([&] { return testing::FollowingState(a, "ana", bob) == "accepted"; }));
  std::string note = Publish(b, R"({"account":"bob","content":"SENSITIVE-post"})");
  ASSERT_TRUE(Eventually([&] { return Record(a, note).find("SENSITIVE-post") != std::string::npos; }));

  // Mark sensitive: the warning here, then on A through the Update.
  uint64_t first = FileReport(b, "eve", bob, note);
  ASSERT_EQ(Decide(b, first, "mark-sensitive", "graphic").status, 200);
  EXPECT_THAT(Record(b, note), HasSubstr("Sensitive content (marked by the moderators)"));
  ASSERT_TRUE(Eventually([&] {
    return Record(a, note).find("Sensitive content (marked by the moderators)") != std::string::npos;
  })) << Record(a, note);

  // Limit: out of the local timeline for anyone who does not follow bob.
  b.CreateAccount("fay");
  WebClient fay(b.port());
  SignIn(fay, "fay", "password123");
  WebClient stranger(b.port());
  ASSERT_THAT(BodyOf(stranger.Get("/local")), HasSubstr("SENSITIVE-post"));
  uint64_t second = FileReport(b, "eve", bob);
  ASSERT_EQ(Decide(b, second, "limit-account", "brigading").status, 200);
  EXPECT_THAT(BodyOf(stranger.Get("/local")), Not(HasSubstr("SENSITIVE-post")));
  EXPECT_THAT(BodyOf(fay.Get("/local")), Not(HasSubstr("SENSITIVE-post")));
  // Its profile still shows it (a limit is not a suspension).
  EXPECT_THAT(BodyOf(stranger.Get("/@bob")), HasSubstr("SENSITIVE-post"));

  // Suspend: bob is signed out and cannot sign in; its actor is gone; A forgets its post.
  WebClient bob_browser(b.port());
  SignIn(bob_browser, "bob", "password123");
  ASSERT_EQ(StatusOf(bob_browser.Get("/settings")), 200);
  uint64_t third = FileReport(b, "eve", bob);
  ASSERT_EQ(Decide(b, third, "suspend-account", "threats").status, 200);
  EXPECT_NE(StatusOf(bob_browser.Get("/settings")), 200);
  std::string login = bob_browser.Post("/login", {{"name", "bob"}, {"password", "password123"}});
  EXPECT_EQ(StatusOf(login), 403);
  EXPECT_THAT(BodyOf(login), HasSubstr("threats"));
  EXPECT_THAT(BodyOf(login), HasSubstr("/appeals/suspended"));
  EXPECT_THAT(BodyOf(stranger.Get("/@bob")), Not(HasSubstr("SENSITIVE-post")));
  auto actor_status = [&] { return StatusOf(stranger.Get("/users/bob", "Accept: application/activity+json\r\n")); };
  EXPECT_EQ(actor_status(), 410);
  ASSERT_TRUE(Eventually([&] { return Record(a, note).find("SENSITIVE-post") == std::string::npos; }))
      << Record(a, note);

  std::string audit = Control(b, "GET", "/control/reports/audit", "").body;
  EXPECT_THAT(audit, HasSubstr("\"chainHolds\":true"));
  EXPECT_THAT(audit, HasSubstr("mark-sensitive"));
  EXPECT_THAT(audit, HasSubstr("limit-account"));
  EXPECT_THAT(audit, HasSubstr("suspend-account"));

  // The suspended account appeals from the sign-in page, with its password;
  // granted, it signs in again and its posts show.
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/suspended", {{"name", "bob"}, {"password", "wrong password"},
                                                               {"report", std::to_string(third)}, {"text", "x"}})),
            401);
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/suspended", {{"name", "bob"}, {"password", "password123"},
                                                               {"report", std::to_string(first)}, {"text", "x"}})),
            404);
  ASSERT_EQ(StatusOf(bob_browser.Post("/appeals/suspended", {{"name", "bob"}, {"password", "password123"},
                                                               {"report", std::to_string(third)},
                                                               {"text", "APPEAL-text: a misunderstanding"}})),
            200);
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/suspended", {{"name", "bob"}, {"password", "password123"},
                                                               {"report", std::to_string(third)}, {"text", "again"}})),
            409);
  EXPECT_THAT(ReportOf(b, third), HasSubstr("APPEAL-text"));
  ASSERT_EQ(DecideAppeal(b, third, false, "context shows a joke").status, 200);
  EXPECT_EQ(DecideAppeal(b, third, true, "twice").status, 409);
  SignIn(bob_browser, "bob", "password123");
  EXPECT_EQ(StatusOf(bob_browser.Get("/settings")), 200);
  EXPECT_EQ(actor_status(), 200);
  EXPECT_THAT(Control(b, "GET", "/control/reports/audit", "").body, HasSubstr("appeal-granted"));
}

// The person concerned is notified, sees the decision and appeals once from
// its page; the reporter is notified of the outcome; an appeal rejected
// keeps the decision, one granted lifts the limit and takes the warning off.
TEST(ModerationActionsTest, TheAffectedPersonIsToldAndAppealsOnce) {
  TestNode b({}, true);
  b.CreateAccount("bob");
  b.CreateAccount("eve");
  const std::string bob = b.base() + "/users/bob";
  std::string note = Publish(b, R"({"account":"bob","content":"LIMITED-post"})");
  uint64_t limit = FileReport(b, "eve", bob);
  uint64_t mark = FileReport(b, "eve", bob, note);
  ASSERT_EQ(Decide(b, limit, "limit-account", "LIMIT-reason").status, 200);
  ASSERT_EQ(Decide(b, mark, "mark-sensitive", "MARK-reason").status, 200);
  WebClient bob_browser(b.port());
  SignIn(bob_browser, "bob", "password123");
  WebClient eve_browser(b.port());
  SignIn(eve_browser, "eve", "password123");
  WebClient stranger(b.port());
  EXPECT_THAT(BodyOf(stranger.Get("/local")), Not(HasSubstr("LIMITED-post")));
  // Both are told.
  std::string told = BodyOf(bob_browser.Get("/notifications"));
  EXPECT_THAT(told, HasSubstr("/appeals/" + std::to_string(limit)));
  EXPECT_THAT(told, HasSubstr("/appeals/" + std::to_string(mark)));
  EXPECT_THAT(BodyOf(eve_browser.Get("/notifications")), HasSubstr("Your report has an answer."));
  // The decision's page, for bob only.
  std::string page = BodyOf(bob_browser.Get("/appeals/" + std::to_string(limit)));
  EXPECT_THAT(page, HasSubstr("LIMIT-reason"));
  EXPECT_EQ(StatusOf(eve_browser.Get("/appeals/" + std::to_string(limit))), 404);
  EXPECT_EQ(StatusOf(bob_browser.Get("/appeals/x1")), 400);
  EXPECT_EQ(StatusOf(bob_browser.Get("/appeals/99999")), 404);
  // Appeals: without the token, empty, too long, then once.
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/" + std::to_string(limit), {{"text", "why"}}, false)), 403);
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/" + std::to_string(limit), {{"text", ""}})), 400);
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/" + std::to_string(limit), {{"text", std::string(2001, 'a')}})), 400);
  ASSERT_EQ(StatusOf(bob_browser.Post("/appeals/" + std::to_string(limit), {{"text", "LIMIT-appeal"}})), 303);
  EXPECT_EQ(StatusOf(bob_browser.Post("/appeals/" + std::to_string(limit), {{"text", "again"}})), 409);
  ASSERT_EQ(StatusOf(bob_browser.Post("/appeals/" + std::to_string(mark), {{"text", "MARK-appeal"}})), 303);
  // Not appealable by someone else through the control route either.
  EXPECT_EQ(Control(b, "POST", "/control/reports/appeal",
                    R"({"report":)" + std::to_string(mark) + R"(,"account":"eve","text":"me too"})")
                .status,
            404);
  // The queue lists open appeals; an admin keeps one decision and lifts the other.
  EXPECT_THAT(Control(b, "GET", "/control/reports", "").body, HasSubstr("\"status\":\"open\""));
  ASSERT_EQ(DecideAppeal(b, mark, true, "KEEP-reason").status, 200);
  EXPECT_THAT(Record(b, note), HasSubstr("Sensitive content"));
  ASSERT_EQ(DecideAppeal(b, limit, false, "LIFT-reason").status, 200);
  EXPECT_THAT(BodyOf(stranger.Get("/local")), HasSubstr("LIMITED-post"));
  EXPECT_THAT(BodyOf(bob_browser.Get("/appeals/" + std::to_string(limit))), HasSubstr("LIFT-reason"));
  EXPECT_THAT(BodyOf(bob_browser.Get("/notifications")), HasSubstr("/appeals/" + std::to_string(limit)));
  // Malformed appeal decisions.
  EXPECT_EQ(Control(b, "POST", "/control/reports/appeal/decide", R"({"report":1})").status, 400);
  EXPECT_EQ(Control(b, "POST", "/control/reports/appeal/decide",
                    R"({"report":1,"uphold":"yes","reason":"x","moderator":"m"})")
                .status,
            400);
  EXPECT_EQ(DecideAppeal(b, 4242, true, "none").status, 404);
  EXPECT_EQ(DecideAppeal(b, limit, true, "").status, 400);
  // A limit lifted after a restart stays lifted; the kept warning stays.
  b.Stop();
  b.Start();
  EXPECT_THAT(BodyOf(WebClient(b.port()).Get("/local")), HasSubstr("LIMITED-post"));
  std::string audit = Control(b, "GET", "/control/reports/audit", "").body;
  EXPECT_THAT(audit, HasSubstr("appeal-rejected"));
  EXPECT_THAT(audit, HasSubstr("appeal-granted"));
  EXPECT_THAT(audit, HasSubstr("\"chainHolds\":true"));

  // Reclassify: the actor document says commercial; an appeal granted puts civic back.
  auto sector = [&] {
    std::string actor = BodyOf(WebClient(b.port()).Get("/users/bob", "Accept: application/activity+json\r\n"));
    return actor.find("\"sector\":\"commercial\"") != std::string::npos ? "commercial" : "civic";
  };
  ASSERT_STREQ(sector(), "civic");
  uint64_t reclassify = FileReport(b, "eve", bob);
  ASSERT_EQ(Decide(b, reclassify, "reclassify", "sells things", R"(,"sector":"commercial")").status, 200);
  EXPECT_STREQ(sector(), "commercial");
  ASSERT_EQ(Control(b, "POST", "/control/reports/appeal",
                    R"({"report":)" + std::to_string(reclassify) + R"(,"account":"bob","text":"we are an association"})")
                .status,
            200);
  ASSERT_EQ(DecideAppeal(b, reclassify, false, "statutes checked").status, 200);
  EXPECT_STREQ(sector(), "civic");

  // The transparency report says what this test did: three reports by a
  // local account, three decisions (a limit, a warning, a reclassification),
  // three appeals, two granted and one rejected.
  std::string report = BodyOf(WebClient(b.port()).Get("/about/transparency?format=json"));
  std::cout << "transparency report of this test: " << report << "\n";
  EXPECT_THAT(report, HasSubstr(R"("received":3,)"));
  EXPECT_THAT(report, HasSubstr(R"("byAction":{"mark-sensitive":1,"limit-account":1,"reclassify":1})"));
  EXPECT_THAT(report, HasSubstr(R"("appeals":{"filed":3,"granted":2,"rejected":1,"openAtEnd":0})"));
  EXPECT_THAT(report, HasSubstr(R"("domainBlocksInForce":0)"));
}

// Another server's account is told by a direct note from the instance actor;
// its reply is its appeal, let through even while it is suspended; replies
// by others, or a second one, change nothing.
TEST(ModerationActionsTest, ARemoteAccountAppealsByReplyingToTheNotice) {
  TestNode b({}, true);
  b.CreateAccount("bob");
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  testing::PeerActor other = peer.AddActor("other");
  int sent = 0;
  auto post = [&](const testing::PeerActor& as, const std::string& body) {
    RawConnection connection(b.port());
    connection.Send(RemotePeer::SignedPost(as, b.port(), "/inbox", body));
    return StatusOf(connection.ReadToEnd());
  };
  auto like = [&](const testing::PeerActor& as) {
    return post(as, R"({"id":")" + as.id + "/likes/" + std::to_string(++sent) + R"(","type":"Like","actor":")" + as.id +
                        R"(","object":")" + b.base() + R"(/users/bob"})");
  };
  ASSERT_EQ(like(mallory), 202);
  uint64_t report = FileReport(b, "bob", mallory.id);
  ASSERT_EQ(Decide(b, report, "suspend-account", "SUSPEND-reason").status, 200);
  EXPECT_EQ(like(mallory), 403);
  // The notice reaches mallory's inbox: a direct note naming the reason.
  std::string notice;
  ASSERT_TRUE(Eventually([&] {
    for (const RemotePeer::Received& received : peer.received()) {
      if (received.body.find("SUSPEND-reason") == std::string::npos) continue;
      Result<rapidjson::Document> doc = protocol::ParseJson(received.body, {});
      if (doc && doc->IsObject() && (*doc)["object"].IsObject()) notice = protocol::StringMember((*doc)["object"], "id").value_or("");
    }
    return !notice.empty();
  }));
  EXPECT_THAT(notice, HasSubstr(b.base() + "/moderation/notices/"));
  auto reply = [&](const testing::PeerActor& as, int n, const std::string& text) {
    std::string id = as.id + "/replies/" + std::to_string(n);
    return post(as, R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + id +
                        R"(/activity","type":"Create","actor":")" + as.id + R"(","to":[")" + b.base() +
                        R"(/actor"],"object":{"id":")" + id + R"(","type":"Note","attributedTo":")" + as.id +
                        R"(","inReplyTo":")" + notice + R"(","content":"<p>)" + text + R"(</p>","to":[")" + b.base() +
                        R"(/actor"]}})");
  };
  // Someone else's reply is no appeal; mallory's is, once.
  EXPECT_EQ(reply(other, 1, "OTHER-appeal"), 202);
  EXPECT_EQ(reply(mallory, 2, "REMOTE-appeal I was hacked"), 202);
  EXPECT_EQ(reply(mallory, 3, "SECOND-appeal"), 202);
  ASSERT_TRUE(Eventually([&] { return ReportOf(b, report).find("REMOTE-appeal") != std::string::npos; }));
  EXPECT_THAT(ReportOf(b, report), Not(HasSubstr("OTHER-appeal")));
  EXPECT_THAT(ReportOf(b, report), Not(HasSubstr("SECOND-appeal")));
  // The reply is not kept as a post.
  EXPECT_THAT(Record(b, mallory.id + "/replies/2"), Not(HasSubstr("REMOTE-appeal")));
  // Granted: the suspension is lifted, and mallory is told in reply to the notice.
  ASSERT_EQ(DecideAppeal(b, report, false, "GRANTED-reason").status, 200);
  EXPECT_EQ(like(mallory), 202);
  ASSERT_TRUE(Eventually([&] {
    for (const RemotePeer::Received& received : peer.received()) {
      if (received.body.find("GRANTED-reason") != std::string::npos &&
          received.body.find(notice) != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
}

// Blocking a server removes the follows with it, both ways, and what was
// queued for it is dropped instead of delivered.
TEST(ModerationActionsTest, ABlockedServerLosesItsFollowsAndItsDeliveries) {
  TestNode b({}, true);
  b.CreateAccount("bob");
  RemotePeer peer;
  testing::PeerActor fan = peer.AddActor("fan");
  RawConnection connection(b.port());
  connection.Send(RemotePeer::SignedPost(fan, b.port(), "/inbox",
                                         R"({"id":")" + fan.id + R"(/follows/1","type":"Follow","actor":")" + fan.id +
                                             R"(","object":")" + b.base() + R"(/users/bob"})"));
  ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(b, "bob", 1); }));
  Publish(b, R"({"account":"bob","content":"BEFORE-block"})");
  ASSERT_TRUE(Eventually([&] {
    for (const RemotePeer::Received& received : peer.received()) {
      if (received.body.find("BEFORE-block") != std::string::npos) return true;
    }
    return false;
  }));
  uint64_t report = FileReport(b, "bob", fan.id);
  ASSERT_EQ(Decide(b, report, "block-domain", "a hostile server").status, 200);
  EXPECT_TRUE(testing::Accepted(b, "bob", 0));
  Publish(b, R"({"account":"bob","content":"AFTER-block"})");
  ASSERT_TRUE(Eventually([&] { return testing::PendingDeliveries(b) == 0; }));
  for (const RemotePeer::Received& received : peer.received()) {
    EXPECT_EQ(received.body.find("AFTER-block"), std::string::npos);
  }
  // A server block is not a person's decision: no notice, no appeal.
  EXPECT_EQ(Control(b, "POST", "/control/reports/appeal",
                    R"({"report":)" + std::to_string(report) + R"(,"account":"bob","text":"x"})")
                .status,
            404);
}

}  // namespace
}  // namespace parvis
