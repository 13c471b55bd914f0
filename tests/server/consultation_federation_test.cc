// Consultations across three real nodes: proposals from two nodes, votes
// from three, changed and withdrawn votes, comments, members-only
// participation and the close; and the pages, without JavaScript.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::IssueToken;
using ::parvis::testing::LocationOf;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

http::Response Control(TestNode& node, const std::string& target, const std::string& body) {
  return node.node().CallControl("POST", target, body);
}

std::string Deadline(int64_t seconds) {
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  return protocol::FormatRfc3339Utc(now + seconds);
}

std::string IdIn(const http::Response& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  return doc && doc->IsObject() ? protocol::StringMember(*doc, "id").value_or("") : "";
}

std::string OpenConsultation(TestNode& node, const std::string& organiser, int64_t seconds,
                             const std::string& participation = "anyone") {
  http::Response created = Control(node, "/control/consultations/create",
                                   R"({"account":")" + organiser +
                                       R"(","title":"What should the park become?","text":"Tell us.","deadline":")" +
                                       Deadline(seconds) + R"(","participation":")" + participation + R"("})");
  EXPECT_EQ(created.status, 201) << created.body;
  return IdIn(created);
}

http::Response Vote(TestNode& node, const std::string& account, const std::string& proposal,
                    const std::string& choice) {
  std::string value = choice == "null" ? "null" : "\"" + choice + "\"";
  return Control(node, "/control/consultations/vote",
                 R"({"account":")" + account + R"(","proposal":")" + proposal + R"(","choice":)" + value + "}");
}

std::string VoteState(TestNode& node, const std::string& account, const std::string& proposal) {
  http::Response mine =
      node.node().CallControl("GET", "/control/consultations/mine?account=" + account + "&proposal=" + proposal, "");
  Result<rapidjson::Document> doc = protocol::ParseJson(mine.body, {});
  if (mine.status != 200 || !doc) return "none";
  return protocol::StringMember(*doc, "choice").value_or("") + "/" + protocol::StringMember(*doc, "state").value_or("");
}

// "for/against/abstain/comments" of proposal `index` as the home node publishes it.
std::string Tally(TestNode& node, const std::string& path, size_t index) {
  Result<rapidjson::Document> doc =
      protocol::ParseJson(BodyOf(node.Get(path, "Accept: application/activity+json\r\n")), {});
  if (!doc || !doc->IsObject() || !doc->HasMember("consultation")) return "?";
  const auto& proposals = (*doc)["consultation"]["proposals"];
  if (index >= proposals.Size()) return "missing";
  const auto& p = proposals[static_cast<rapidjson::SizeType>(index)];
  return std::to_string(p["votesFor"].GetUint64()) + "/" + std::to_string(p["votesAgainst"].GetUint64()) + "/" +
         std::to_string(p["votesAbstain"].GetUint64()) + "/" + std::to_string(p["commentCount"].GetUint64());
}

class ConsultationFederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.CreateAccount("assoc", "group");
    a_.CreateAccount("alix");
    b_.CreateAccount("bea");
    c_.CreateAccount("cid");
  }
  TestNode a_{{}, true}, b_{{}, true}, c_{{}, true};
};

TEST_F(ConsultationFederationTest, ProposalsAndVotesFromThreeNodes) {
  std::string id = OpenConsultation(a_, "assoc", 3600);
  std::string path = id.substr(a_.base().size());
  http::Response mine = Control(a_, "/control/consultations/propose",
                                R"({"account":"alix","consultation":")" + id + R"(","text":"A garden"})");
  ASSERT_EQ(mine.status, 200) << mine.body;
  std::string p0 = IdIn(mine);
  EXPECT_EQ(p0, id + "/proposals/0");
  ASSERT_EQ(Control(b_, "/control/consultations/propose",
                    R"({"account":"bea","consultation":")" + id + R"(","text":"A <b>playground</b>"})")
                .status,
            200);
  std::string p1 = id + "/proposals/1";
  ASSERT_TRUE(Eventually([&] { return Tally(a_, path, 1) == "0/0/0/0"; })) << Tally(a_, path, 1);
  // The proposal from B is kept as text: its markup escaped, as written.
  EXPECT_THAT(BodyOf(a_.Get(path + "/proposals/1", "Accept: application/activity+json\r\n")),
              HasSubstr("&lt;b&gt;playground"));

  ASSERT_EQ(Vote(b_, "bea", p0, "for").status, 200);
  ASSERT_EQ(Vote(c_, "cid", p0, "against").status, 200);
  ASSERT_EQ(Vote(c_, "cid", p1, "for").status, 200);
  ASSERT_EQ(Vote(a_, "alix", p1, "abstain").status, 200);
  EXPECT_TRUE(Eventually([&] { return VoteState(c_, "cid", p1) == "for/counted"; })) << VoteState(c_, "cid", p1);
  EXPECT_TRUE(Eventually([&] { return Tally(a_, path, 0) == "1/1/0/0" && Tally(a_, path, 1) == "1/0/1/0"; }))
      << Tally(a_, path, 0) << " " << Tally(a_, path, 1);
  // A vote changes (counted once), and is withdrawn.
  ASSERT_EQ(Vote(c_, "cid", p0, "for").status, 200);
  EXPECT_TRUE(Eventually([&] { return Tally(a_, path, 0) == "2/0/0/0"; })) << Tally(a_, path, 0);
  ASSERT_EQ(Vote(b_, "bea", p0, "null").status, 200);
  EXPECT_TRUE(Eventually([&] { return Tally(a_, path, 0) == "1/0/0/0"; })) << Tally(a_, path, 0);
  EXPECT_EQ(Vote(a_, "alix", p0, "null").status, 404);  // nothing to withdraw
  // Comments from here and from B.
  ASSERT_EQ(Control(b_, "/control/consultations/comment",
                    R"({"account":"bea","proposal":")" + p1 + R"(","text":"Yes, with benches"})")
                .status,
            200);
  ASSERT_EQ(Control(a_, "/control/consultations/comment",
                    R"({"account":"alix","proposal":")" + p1 + R"(","text":"Agreed"})")
                .status,
            200);
  EXPECT_TRUE(Eventually([&] { return Tally(a_, path, 1) == "1/0/1/2"; })) << Tally(a_, path, 1);
  // The other nodes see the results.
  EXPECT_TRUE(Eventually([&] {
    std::string copy = c_.node().CallControl("GET", "/control/object?id=" + id, "").body;
    return copy.find("\"commentCount\":2") != std::string::npos;
  }));
}

TEST_F(ConsultationFederationTest, MembersOnlyAndTheCloseAreEnforcedAtHome) {
  std::string id = OpenConsultation(a_, "assoc", 3600, "members");
  ASSERT_EQ(Control(a_, "/control/consultations/propose",
                    R"({"account":"alix","consultation":")" + id + R"(","text":"A garden"})")
                .status,
            200);
  std::string p0 = id + "/proposals/0";
  // bea does not follow the group: her vote is refused by the home node.
  ASSERT_EQ(Vote(b_, "bea", p0, "for").status, 200);
  EXPECT_TRUE(Eventually([&] { return VoteState(b_, "bea", p0) == "for/refused"; })) << VoteState(b_, "bea", p0);
  EXPECT_EQ(Tally(a_, id.substr(a_.base().size()), 0), "0/0/0/0");

  std::string soon = OpenConsultation(a_, "assoc", 2);
  ASSERT_EQ(Control(a_, "/control/consultations/propose",
                    R"({"account":"alix","consultation":")" + soon + R"(","text":"Quick"})")
                .status,
            200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  http::Response late = Vote(a_, "alix", soon + "/proposals/0", "for");
  EXPECT_EQ(late.status, 400);
  EXPECT_THAT(late.body, HasSubstr("closed"));
}

TEST_F(ConsultationFederationTest, CommandsRefuseBadInput) {
  std::string id = OpenConsultation(a_, "assoc", 3600);
  struct Case {
    std::string path, body;
    int status;
  };
  std::vector<Case> cases = {
      {"/control/consultations/create", R"({"account":"alix","title":"q","text":"t","deadline":")" + Deadline(99) + R"("})", 400},
      {"/control/consultations/create", R"({"account":"assoc","title":"q","text":"t","deadline":"soon"})", 400},
      {"/control/consultations/create", R"({"account":"assoc","title":"q","text":"t","deadline":")" + Deadline(99) + R"(","participation":"friends"})", 400},
      {"/control/consultations/create", R"({"account":"assoc","title":"","text":"t","deadline":")" + Deadline(99) + R"("})", 400},
      {"/control/consultations/propose", R"({"account":"alix","consultation":")" + id + R"(","text":""})", 400},
      {"/control/consultations/propose", R"({"account":"alix","consultation":")" + a_.base() + R"(/consultations/77","text":"x"})", 404},
      {"/control/consultations/propose", R"({"account":"alix","consultation":"nope","text":"x"})", 400},
      {"/control/consultations/vote", R"({"account":"alix","proposal":")" + id + R"(/proposals/5","choice":"for"})", 404},
      {"/control/consultations/vote", R"({"account":"alix","proposal":")" + id + R"(/proposals/0","choice":"maybe"})", 400},
      {"/control/consultations/vote", R"({"account":"alix","proposal":")" + id + R"(/proposals/0","choice":7})", 400},
      {"/control/consultations/vote", R"({"account":"alix","proposal":")" + id + R"(/proposals/0"})", 400},
      {"/control/consultations/comment", R"({"account":"alix","proposal":")" + id + R"(/proposals/0","text":"x"})", 404},
      {"/control/consultations/vote", R"({"account":"ghost","proposal":")" + id + R"(/proposals/0","choice":"for"})", 404},
  };
  for (const Case& c : cases) {
    http::Response response = Control(a_, c.path, c.body);
    EXPECT_EQ(response.status, c.status) << c.path << " " << c.body << " -> " << response.body;
  }
  EXPECT_EQ(StatusOf(a_.Get("/consultations/77", "Accept: application/activity+json\r\n")), 404);
  EXPECT_EQ(StatusOf(a_.Get(id.substr(a_.base().size()) + "/proposals/9", "Accept: application/activity+json\r\n")), 404);
}

TEST_F(ConsultationFederationTest, ThePagesWorkWithoutJavaScript) {
  WebClient assoc(a_.port()), bea(b_.port());
  assoc.Get("/login");
  ASSERT_EQ(StatusOf(assoc.Post("/login", {{"name", "assoc"}, {"password", "password123"}})), 303);
  bea.Get("/login");
  ASSERT_EQ(StatusOf(bea.Post("/login", {{"name", "bea"}, {"password", "password123"}})), 303);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string created = assoc.Post("/consultations/new", {{"question", "Which bench colour?"},
                                                          {"text", "Pick one."},
                                                          {"deadline", protocol::FormatRfc3339Utc(now + 86400 * 30).substr(0, 10)},
                                                          {"participation", "anyone"}});
  ASSERT_EQ(StatusOf(created), 303) << BodyOf(created);
  std::string path = LocationOf(created);
  std::string id = a_.base() + path;
  ASSERT_EQ(StatusOf(assoc.Post("/consultations/propose", {{"consultation", id}, {"text", "Green"}})), 303);
  std::string page = BodyOf(assoc.Get(path));
  EXPECT_THAT(page, HasSubstr("Green"));
  EXPECT_THAT(page, HasSubstr("name=\"choice\" value=\"against\""));
  // bea votes from her node, through the remote copy's page.
  std::string remote = "/consultations/remote?id=" + WebClient::Encode(id);
  EXPECT_THAT(BodyOf(bea.Get(remote)), HasSubstr("Which bench colour?"));
  ASSERT_EQ(StatusOf(bea.Post("/consultations/vote", {{"proposal", id + "/proposals/0"}, {"choice", "for"}})), 303);
  EXPECT_EQ(StatusOf(bea.Post("/consultations/vote", {{"proposal", id + "/proposals/0"}, {"choice", "sure"}})), 400);
  EXPECT_TRUE(Eventually([&] { return BodyOf(assoc.Get(path)).find("<strong>For 1</strong>") != std::string::npos; }));
  EXPECT_TRUE(Eventually([&] { return BodyOf(bea.Get(remote)).find("For (counted)") != std::string::npos; }));
  EXPECT_THAT(BodyOf(bea.Get("/consultations")), HasSubstr("Consultations"));
  EXPECT_EQ(StatusOf(bea.Post("/consultations/vote", {{"proposal", id + "/proposals/0"}, {"choice", "for"}}, false)), 403);
}

// Scripts drive consultations through the C2S outbox with a bearer token.
TEST_F(ConsultationFederationTest, ScriptsTakePartThroughTheOutbox) {
  std::string assoc = IssueToken(a_, "assoc"), alix = IssueToken(a_, "alix"), bea = IssueToken(b_, "bea");
  auto post = [](TestNode& node, const std::string& name, const std::string& token, const std::string& body) {
    return Fetch(node.port(), "POST", "/users/" + name + "/outbox",
                 "Content-Type: application/activity+json\r\nAuthorization: Bearer " + token + "\r\n", body);
  };
  auto location = [](const std::string& response) {
    std::smatch match;
    static const std::regex kLocation("\r\nLocation: ([^\r]+)\r\n", std::regex::icase);
    return std::regex_search(response, match, kLocation) ? match[1].str() : std::string();
  };
  std::string created = post(a_, "assoc", assoc,
                             R"({"type":"Create","object":{"type":"Article","name":"Benches or trees?",)"
                             R"("content":"<p>Say</p>","consultation":{"endTime":")" +
                                 Deadline(3600) + R"("}}})");
  ASSERT_EQ(StatusOf(created), 201) << created;
  std::string id = location(created);
  ASSERT_EQ(id, a_.base() + "/consultations/1");
  std::string offered = post(a_, "alix", alix,
                             R"({"type":"Offer","target":")" + id + R"(","object":{"type":"Note","content":"Trees"}})");
  ASSERT_EQ(StatusOf(offered), 201) << offered;
  std::string proposal = location(offered);
  EXPECT_EQ(proposal, id + "/proposals/0");
  // From node B: an Offer sent on (202), a Vote, a comment, an Undo.
  EXPECT_EQ(StatusOf(post(b_, "bea", bea,
                          R"({"type":"Offer","target":")" + id + R"(","object":{"type":"Note","content":"Benches"}})")),
            202);
  EXPECT_EQ(StatusOf(post(b_, "bea", bea, R"({"type":"Vote","object":")" + proposal + R"(","choice":"against"})")),
            202);
  EXPECT_EQ(StatusOf(post(b_, "bea", bea,
                          R"({"type":"Create","object":{"type":"Note","content":"Shade!","inReplyTo":")" + proposal +
                              R"("}})")),
            202);
  EXPECT_EQ(StatusOf(post(a_, "alix", alix, R"({"type":"Vote","object":")" + proposal + R"(","choice":"for"})")), 202);
  std::string path = id.substr(a_.base().size());
  EXPECT_TRUE(Eventually([&] { return Tally(a_, path, 0) == "1/1/0/1" && Tally(a_, path, 1) == "0/0/0/0"; }))
      << Tally(a_, path, 0) << " " << Tally(a_, path, 1);
  EXPECT_EQ(StatusOf(post(b_, "bea", bea, R"({"type":"Undo","object":{"type":"Vote","object":")" + proposal + R"("}})")),
            202);
  EXPECT_TRUE(Eventually([&] { return Tally(a_, path, 0) == "1/0/0/1"; })) << Tally(a_, path, 0);
  // Refusals.
  struct Case {
    std::string name, token, body;
    int status;
  };
  std::vector<Case> cases = {
      {"alix", alix, R"({"type":"Create","object":{"type":"Article","name":"Q","content":"x","consultation":{"endTime":")" + Deadline(99) + R"("}}})", 400},
      {"assoc", assoc, R"({"type":"Create","object":{"type":"Article","name":"Q","content":"x","consultation":{"endTime":"later"}}})", 400},
      {"assoc", assoc, R"({"type":"Create","object":{"type":"Article","name":"Q","content":"x","consultation":7}})", 400},
      {"alix", alix, R"({"type":"Offer","target":"nowhere","object":{"type":"Note","content":"x"}})", 400},
      {"alix", alix, R"({"type":"Offer","target":")" + id + R"("})", 400},
      {"alix", alix, R"({"type":"Offer","target":")" + id + R"(","object":{"type":"Note","content":""}})", 400},
      {"alix", alix, R"({"type":"Vote","object":")" + proposal + R"(","choice":"yes"})", 400},
      {"alix", alix, R"({"type":"Vote","object":")" + id + R"(/proposals/9","choice":"for"})", 404},
      {"alix", alix, R"({"type":"Vote","object":42,"choice":"for"})", 400},
  };
  for (const Case& c : cases) {
    std::string answer = post(a_, c.name, c.token, c.body);
    EXPECT_EQ(StatusOf(answer), c.status) << c.body << " -> " << BodyOf(answer);
  }
  EXPECT_EQ(StatusOf(post(a_, "alix", "pvs_" + std::string(64, '0'), R"({"type":"Vote","object":")" + proposal +
                                                                         R"(","choice":"for"})")),
            401);
}

}  // namespace
}  // namespace parvis
