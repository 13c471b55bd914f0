// Reports across nodes (issue 6): a report about another node's post is
// forwarded there as a Flag (from the instance actor unless the reporter
// chooses to be named), becomes a report in that node's queue, the decision
// takes effect there and travels back to the reporting node; Flags in
// Mastodon's shape are read; forged, replayed and malformed input changes
// nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::Eventually;
using ::parvis::testing::Publish;
using ::parvis::testing::RawConnection;
using ::parvis::testing::Record;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

rapidjson::Document Reports(TestNode& node, const std::string& query = "") {
  Result<rapidjson::Document> doc =
      protocol::ParseJson(node.node().CallControl("GET", "/control/reports" + query, "").body, {});
  if (!doc || !doc->IsObject() || !doc->HasMember("reports")) return rapidjson::Document(rapidjson::kArrayType);
  rapidjson::Document reports;
  reports.CopyFrom((*doc)["reports"], reports.GetAllocator());
  return reports;
}

size_t Count(TestNode& node) { return Reports(node).Size(); }

http::Response FileReport(TestNode& node, const std::string& body) {
  return node.node().CallControl("POST", "/control/reports", body);
}

http::Response Decide(TestNode& node, uint64_t report, const std::string& action, const std::string& reason) {
  return node.node().CallControl("POST", "/control/reports/decide",
                                 R"({"report":)" + std::to_string(report) + R"(,"action":")" + action +
                                     R"(","reason":")" + reason + R"(","moderator":"mod"})");
}

TEST(ModerationTest, AReportTravelsAsAFlagAndItsOutcomeComesBack) {
  TestNode a({}, true), b({}, true);
  a.CreateAccount("ana");
  b.CreateAccount("bob");
  const std::string bob = b.base() + "/users/bob";
  std::string note = Publish(b, R"({"account":"bob","content":"buy my stuff now"})");

  http::Response filed = FileReport(a, R"({"account":"ana","target":")" + bob + R"(","objects":[")" + note +
                                           R"("],"category":"spam","comment":"SPAM-comment <b>x</b>"})");
  ASSERT_EQ(filed.status, 201) << filed.body;
  EXPECT_THAT(filed.body, HasSubstr("\"forwarded\":true"));
  EXPECT_THAT(filed.body, HasSubstr("\"status\":\"open\""));
  // The reported node files it once, with the reporter hidden behind the instance actor.
  ASSERT_TRUE(Eventually([&] { return Count(b) == 1; }));
  rapidjson::Document received = Reports(b);
  const rapidjson::Value& report = received[0];
  EXPECT_EQ(protocol::StringMember(report, "origin"), "remote");
  EXPECT_EQ(protocol::StringMember(report, "reporter"), a.base() + "/actor");
  EXPECT_EQ(protocol::StringMember(report, "target"), bob);
  EXPECT_EQ(protocol::StringMember(report, "category"), "spam");
  EXPECT_EQ(protocol::StringMember(report, "comment"), "SPAM-comment x");
  ASSERT_EQ(report["objects"].Size(), 1u);
  EXPECT_EQ(report["objects"][0].GetString(), note);
  uint64_t id = report["id"].GetUint64();

  // The moderator removes the post: it is gone there, the decision is in the
  // audit log, and the reporting node learns the outcome.
  http::Response decided = Decide(b, id, "remove-object", "commercial spam");
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_THAT(Record(b, note), ::testing::Not(HasSubstr("\"deleted\":0")));
  std::string audit = b.node().CallControl("GET", "/control/reports/audit", "").body;
  EXPECT_THAT(audit, HasSubstr("\"chainHolds\":true"));
  EXPECT_THAT(audit, HasSubstr("\"action\":\"remove-object\""));
  ASSERT_TRUE(Eventually([&] {
    rapidjson::Document mine = Reports(a, "?account=ana");
    return mine.Size() == 1 && mine[0]["outcome"].IsObject();
  }));
  rapidjson::Document mine = Reports(a, "?account=ana");
  EXPECT_EQ(protocol::StringMember(mine[0]["outcome"], "action"), "remove-object");
  EXPECT_EQ(protocol::StringMember(mine[0]["outcome"], "reason"), "commercial spam");
  // Once per report.
  EXPECT_EQ(Decide(b, id, "dismiss", "again").status, 409);
  EXPECT_EQ(Decide(b, id + 100, "dismiss", "none").status, 404);

  // Named when the reporter chooses it; a dismissal travels back as a Reject.
  ASSERT_EQ(FileReport(a, R"({"account":"ana","target":")" + bob + R"(","category":"harassment","reveal":true})").status,
            201);
  ASSERT_TRUE(Eventually([&] { return Count(b) == 2; }));
  rapidjson::Document both = Reports(b);
  EXPECT_EQ(protocol::StringMember(both[0], "reporter"), a.base() + "/users/ana");
  ASSERT_EQ(Decide(b, both[0]["id"].GetUint64(), "dismiss", "not harassment").status, 200);
  ASSERT_TRUE(Eventually([&] {
    rapidjson::Document reports = Reports(a, "?account=ana");
    return reports.Size() == 2 && reports[1]["outcome"].IsObject();
  }));
  EXPECT_EQ(protocol::StringMember(Reports(a, "?account=ana")[1]["outcome"], "action"), "dismiss");
  std::string chain = b.node().CallControl("GET", "/control/reports/audit", "").body;
  EXPECT_THAT(chain, HasSubstr("\"chainHolds\":true"));
  EXPECT_THAT(chain, HasSubstr("\"sequence\":2"));
}

TEST(ModerationTest, FlagsInMastodonsShapeAndForgeriesChangeNothing) {
  TestNode b({}, true);
  b.CreateAccount("bob");
  const std::string bob = b.base() + "/users/bob";
  std::string note = Publish(b, R"({"account":"bob","content":"a post"})");
  RemotePeer peer;
  testing::PeerActor instance = peer.AddActor("actor");
  testing::PeerActor mallory = peer.AddActor("mallory");
  auto send = [&](const testing::PeerActor& as, const std::string& body) {
    RawConnection connection(b.port());
    connection.Send(RemotePeer::SignedPost(as, b.port(), "/inbox", body));
    return StatusOf(connection.ReadToEnd());
  };
  auto drained = [&] {
    bool queued = false;
    (void)b.node().store().Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
      queued = true;
      return false;
    });
    return !queued;
  };
  // Mastodon's Flag: the instance actor, an account and a status, a comment.
  std::string flag = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + instance.id +
                     R"(/flags/1","type":"Flag","actor":")" + instance.id + R"(","content":"Spam répété","object":[")" +
                     bob + R"(",")" + note + R"("]})";
  EXPECT_EQ(send(instance, flag), 202);
  EXPECT_EQ(send(instance, flag), 401);        // the same request again: a replay
  EXPECT_EQ(send(instance, flag + " "), 202);  // the same Flag sent anew: still one report
  // Signed by someone else than its actor; about nothing of this node; no object.
  EXPECT_EQ(send(mallory, R"({"id":")" + mallory.id + R"(/flags/2","type":"Flag","actor":")" + instance.id +
                              R"(","object":[")" + bob + R"("]})"),
            401);
  send(mallory, R"({"id":")" + mallory.id + R"(/flags/3","type":"Flag","actor":")" + mallory.id +
                    R"(","object":["https://elsewhere.example/users/x"]})");
  send(mallory, R"({"id":")" + mallory.id + R"(/flags/4","type":"Flag","actor":")" + mallory.id + R"("})");
  // A decision about a Flag this node never sent.
  send(mallory, R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + mallory.id +
                    R"(/d/1","type":"Accept","actor":")" + mallory.id + R"(","object":")" + instance.id +
                    R"(/flags/1","moderationDecision":{"moderationAction":"remove-object","moderationReason":"x","decided":"2026-01-01T00:00:00Z"}})");
  ASSERT_TRUE(Eventually(drained));
  rapidjson::Document reports = Reports(b);
  ASSERT_EQ(reports.Size(), 1u);
  EXPECT_EQ(protocol::StringMember(reports[0], "reporter"), instance.id);
  EXPECT_EQ(protocol::StringMember(reports[0], "target"), bob);
  EXPECT_EQ(protocol::StringMember(reports[0], "comment"), "Spam répété");
  EXPECT_EQ(protocol::StringMember(reports[0], "category"), "other");
  EXPECT_TRUE(reports[0]["outcome"].IsNull());
}

// Suspending a remote account and blocking its server: their signed
// requests are refused from then on, and still after a restart.
TEST(ModerationTest, SuspensionsAndServerBlocksRefuseTheirRequests) {
  TestNode b({}, true);
  b.CreateAccount("bob");
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  testing::PeerActor friendly = peer.AddActor("friendly");
  int sent = 0;
  auto send = [&](const testing::PeerActor& as) {
    RawConnection connection(b.port());
    std::string like = R"({"id":")" + as.id + "/likes/" + std::to_string(++sent) + R"(","type":"Like","actor":")" +
                       as.id + R"(","object":")" + b.base() + R"(/users/bob"})";
    connection.Send(RemotePeer::SignedPost(as, b.port(), "/inbox", like));
    return StatusOf(connection.ReadToEnd());
  };
  ASSERT_EQ(send(mallory), 202);
  ASSERT_EQ(send(friendly), 202);
  // Their public posts reach the federated timeline first.
  for (const testing::PeerActor* as : {&mallory, &friendly}) {
    RawConnection connection(b.port());
    connection.Send(RemotePeer::SignedPost(*as, b.port(), "/inbox", testing::PublicCreate(*as, as == &mallory ? 901 : 902)));
    ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  }
  auto federated = [&] { return testing::BodyOf(b.Get("/api/timelines/federated")); };
  ASSERT_TRUE(Eventually([&] {
    std::string page = federated();
    return page.find("/notes/901") != std::string::npos && page.find("/notes/902") != std::string::npos;
  })) << federated();
  ASSERT_EQ(FileReport(b, R"({"account":"bob","target":")" + mallory.id + R"(","category":"harassment"})").status, 201);
  ASSERT_EQ(Decide(b, 1, "suspend-account", "repeated harassment").status, 200);
  EXPECT_EQ(send(mallory), 403);
  EXPECT_EQ(send(friendly), 202);
  // What the suspended account sent before is hidden from every reader.
  EXPECT_EQ(federated().find("/notes/901"), std::string::npos);
  EXPECT_NE(federated().find("/notes/902"), std::string::npos);
  ASSERT_EQ(FileReport(b, R"({"account":"bob","target":")" + friendly.id + R"(","category":"spam"})").status, 201);
  ASSERT_EQ(Decide(b, 2, "block-domain", "a spam server").status, 200);
  EXPECT_EQ(send(friendly), 403);
  EXPECT_EQ(federated().find("/notes/902"), std::string::npos);
  b.Stop();
  b.Start();
  EXPECT_EQ(send(mallory), 403);
  EXPECT_EQ(send(friendly), 403);
  std::string audit = b.node().CallControl("GET", "/control/reports/audit", "").body;
  EXPECT_THAT(audit, HasSubstr("suspend-account"));
  EXPECT_THAT(audit, HasSubstr("block-domain"));
  EXPECT_THAT(audit, HasSubstr("\"chainHolds\":true"));
}

TEST(ModerationTest, MalformedCommandsAreRefused) {
  TestNode b({}, true);
  b.CreateAccount("bob");
  b.CreateAccount("eve");
  const std::string eve = b.base() + "/users/eve";
  std::string many;
  for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + "\"" + eve + "/statuses/" + std::to_string(i) + "\"";
  struct Case {
    const char* name;
    std::string body;
    int status;
  } cases[] = {
      {"no target", R"({"account":"bob","category":"spam"})", 400},
      {"bad category", R"({"account":"bob","target":")" + eve + R"(","category":"rude"})", 400},
      {"unknown account", R"({"account":"nobody","target":")" + eve + R"(","category":"spam"})", 404},
      {"not a URL", R"({"account":"bob","target":"eve","category":"spam"})", 400},
      {"itself", R"({"account":"bob","target":")" + b.base() + R"(/users/bob","category":"spam"})", 400},
      {"too many posts", R"({"account":"bob","target":")" + eve + R"(","category":"spam","objects":[)" + many + "]}", 400},
      {"objects not ids", R"({"account":"bob","target":")" + eve + R"(","category":"spam","objects":[1]})", 400},
      {"long comment", R"({"account":"bob","target":")" + eve + R"(","category":"spam","comment":")" +
                           std::string(1001, 'a') + "\"}", 400},
      {"reveal not a bool", R"({"account":"bob","target":")" + eve + R"(","category":"spam","reveal":"yes"})", 400},
      {"unreachable", R"({"account":"bob","target":"http://127.0.0.1:1/users/x","category":"spam"})", 503},
  };
  for (const Case& test : cases) {
    EXPECT_EQ(FileReport(b, test.body).status, test.status) << test.name;
  }
  EXPECT_EQ(Count(b), 0u);
  // A local report: not forwarded, decided here.
  http::Response local = FileReport(b, R"({"account":"bob","target":")" + eve + R"(","category":"hate"})");
  ASSERT_EQ(local.status, 201) << local.body;
  EXPECT_THAT(local.body, HasSubstr("\"forwarded\":false"));
  EXPECT_EQ(Decide(b, 1, "dance", "x").status, 400);
  EXPECT_EQ(Decide(b, 1, "dismiss", "").status, 400);
  EXPECT_EQ(Decide(b, 1, "remove-object", "no post named").status, 400);
  EXPECT_EQ(Decide(b, 1, "mark-sensitive", "no post named").status, 400);
  EXPECT_EQ(Decide(b, 1, "reclassify", "no sector given").status, 400);
  EXPECT_EQ(b.node().CallControl("POST", "/control/reports/decide",
                                 R"({"report":1,"action":"reclassify","reason":"x","moderator":"m","sector":"shop"})")
                .status,
            400);
  EXPECT_EQ(b.node().CallControl("POST", "/control/reports/decide",
                                 R"({"report":1,"action":"reclassify","reason":"x","moderator":"m","sector":7})")
                .status,
            400);
  EXPECT_EQ(b.node().CallControl("POST", "/control/reports/decide", R"({"report":"1"})").status, 400);
  EXPECT_EQ(Decide(b, 1, "dismiss", "fine").status, 200);
}

}  // namespace
}  // namespace parvis
