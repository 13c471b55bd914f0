// ActivityPub client-to-server: a script with a bearer token posts to its
// account's outbox and reads its inbox; everything else is refused with the
// right status, and a refused request changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::Accepted;
using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::Follow;
using ::parvis::testing::IssueToken;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

constexpr char kPublic[] = "https://www.w3.org/ns/activitystreams#Public";

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

std::string PostOutbox(TestNode& node, const std::string& name, const std::string& headers,
                       const std::string& body) {
  return Fetch(node.port(), "POST", "/users/" + name + "/outbox",
               "Content-Type: application/activity+json\r\n" + headers, body);
}

// The "object" of a 201 answer: the new note's id.
std::string CreatedObject(const std::string& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(response), {});
  if (!doc || !doc->IsObject() || !doc->HasMember("object")) return "";
  return (*doc)["object"].GetString();
}

size_t OutboxSize(TestNode& node, storage::AccountId account) {
  size_t count = 0;
  (void)node.node().store().Scan(storage::Family::kOutbox, storage::EncodeAccountId(account),
                                 [&](std::string_view, std::string_view) {
                                   ++count;
                                   return true;
                                 });
  return count;
}

class C2sTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a.CreateAccount("camille");
    a.CreateAccount("zoe");
    b.CreateAccount("dominique");
    Follow(b, "dominique", a.Handle("camille"));
    ASSERT_TRUE(Eventually([&] { return Accepted(a, "camille", 1); }));
    token = IssueToken(a, "camille");
  }

  TestNode a{{}, true};
  TestNode b{{}, true};
  std::string token;
};

TEST_F(C2sTest, ABareNoteIsWrappedPublishedAndDelivered) {
  std::string response = PostOutbox(a, "camille", Bearer(token),
                                    R"({"type":"Note","content":"<p>Bonjour <b>à tous</b></p>","to":[")" +
                                        std::string(kPublic) + R"("]})");
  ASSERT_EQ(StatusOf(response), 201) << response;
  EXPECT_THAT(response, HasSubstr("Location: " + a.base() + "/users/camille/statuses/"));
  std::string note = CreatedObject(response);
  ASSERT_TRUE(Eventually([&] { return Record(b, note).find("Bonjour à tous") != std::string::npos; }));
  // The client's markup is not kept: the text is, rendered again.
  EXPECT_THAT(Record(b, note), ::testing::Not(HasSubstr("<b>")));
}

TEST_F(C2sTest, ArticlesUpdatesDeletesAndFollowersOnlyVisibility) {
  std::string created = PostOutbox(
      a, "camille", Bearer(token),
      R"({"type":"Create","actor":")" + a.base() + R"(/users/camille","object":{"type":"Article","name":"Compte rendu","source":{"content":"Le conseil a voté.","mediaType":"text/plain"},"to":[")" +
          a.base() + R"(/users/camille/followers"]}})");
  ASSERT_EQ(StatusOf(created), 201) << created;
  std::string article = CreatedObject(created);
  ASSERT_TRUE(Eventually([&] { return Record(b, article).find("Compte rendu") != std::string::npos; }));
  EXPECT_THAT(Record(a, article), HasSubstr(R"("visibility":"followers")"));

  std::string updated = PostOutbox(
      a, "camille", Bearer(token),
      R"({"type":"Update","object":{"id":")" + article +
          R"j(","type":"Article","name":"Compte rendu (corrigé)","content":"Le conseil a voté à l'unanimité."}})j");
  ASSERT_EQ(StatusOf(updated), 202) << updated;
  EXPECT_TRUE(Eventually([&] { return Record(b, article).find("unanimité") != std::string::npos; }));
  // Still followers-only after the edit.
  EXPECT_THAT(Record(a, article), HasSubstr(R"("visibility":"followers")"));

  std::string deleted =
      PostOutbox(a, "camille", Bearer(token), R"({"type":"Delete","object":")" + article + R"("})");
  ASSERT_EQ(StatusOf(deleted), 202) << deleted;
  EXPECT_TRUE(Eventually([&] { return Record(b, article).find(R"("deleted":0)") == std::string::npos; }));
}

TEST_F(C2sTest, FollowLikeUndoAndTheInbox) {
  std::string follow = PostOutbox(a, "camille", Bearer(token),
                                  R"({"type":"Follow","object":")" + b.base() + R"(/users/dominique"})");
  ASSERT_EQ(StatusOf(follow), 201) << follow;
  ASSERT_TRUE(Eventually([&] { return Accepted(a, "camille", 2); }));
  std::string note = Publish(b, R"({"account":"dominique","content":"Pétition en ligne"})");
  // camille's inbox shows the Create, newest first, only with her token.
  ASSERT_TRUE(Eventually([&] {
    return BodyOf(a.Get("/users/camille/inbox?page=1", Bearer(token))).find(note) != std::string::npos;
  }));
  EXPECT_EQ(StatusOf(a.Get("/users/camille/inbox?page=1")), 401);
  ASSERT_TRUE(Eventually([&] { return Record(a, note).find("Pétition") != std::string::npos; }));

  std::string likes_path = note.substr(b.base().size()) + "/likes";
  std::string like =
      PostOutbox(a, "camille", Bearer(token), R"({"type":"Like","object":")" + note + R"("})");
  ASSERT_EQ(StatusOf(like), 202) << like;
  EXPECT_TRUE(Eventually([&] { return BodyOf(b.Get(likes_path)).find(R"("totalItems":1)") != std::string::npos; }));
  // The page names the Like, as Mastodon's "favourited by" list does.
  EXPECT_THAT(BodyOf(b.Get(likes_path + "?page=1")), HasSubstr(a.base() + "/users/camille/likes/"));
  std::string undo = PostOutbox(a, "camille", Bearer(token),
                                R"({"type":"Undo","object":{"type":"Like","object":")" + note + R"("}})");
  ASSERT_EQ(StatusOf(undo), 202) << undo;
  EXPECT_TRUE(Eventually([&] { return BodyOf(b.Get(likes_path)).find(R"("totalItems":0)") != std::string::npos; }));

  std::string unfollow = PostOutbox(
      a, "camille", Bearer(token),
      R"({"type":"Undo","object":{"type":"Follow","object":")" + b.base() + R"(/users/dominique"}})");
  ASSERT_EQ(StatusOf(unfollow), 201) << unfollow;
  EXPECT_TRUE(Eventually([&] { return Accepted(b, "dominique", 1); }));
}

TEST_F(C2sTest, RefusedRequestsGetTheRightStatusAndChangeNothing) {
  std::string zoe = IssueToken(a, "zoe");
  std::string note = R"({"type":"Note","content":"x","to":[")" + std::string(kPublic) + R"("]})";
  struct Case {
    std::string name, headers, body;
    int status;
  };
  std::vector<Case> cases = {
      {"no token", "", note, 401},
      {"not bearer", "Authorization: Basic Y2FtaWxsZTpwYXNz\r\n", note, 401},
      {"unknown token", Bearer("pvs_" + std::string(64, 'a')), note, 401},
      {"malformed token", Bearer("nonsense"), note, 401},
      {"another account's token", Bearer(zoe), note, 403},
      {"malformed JSON", Bearer(token), R"({"type":"Note",)", 400},
      {"not an object", Bearer(token), "[1,2]", 400},
      {"unaddressed", Bearer(token), R"({"type":"Note","content":"x"})", 400},
      {"no content", Bearer(token), R"({"type":"Note","to":")" + std::string(kPublic) + R"("})", 400},
      {"empty content", Bearer(token), R"({"type":"Note","content":"","to":")" + std::string(kPublic) + R"("})", 400},
      {"another actor", Bearer(token),
       R"({"type":"Create","actor":")" + a.base() + R"(/users/zoe","object":)" + note + "}", 403},
      {"attributed to another", Bearer(token),
       R"({"type":"Note","attributedTo":"https://elsewhere.example/u","content":"x","to":")" +
           std::string(kPublic) + R"("})", 403},
      {"a Question", Bearer(token),
       R"({"type":"Create","object":{"type":"Question","content":"x","to":")" + std::string(kPublic) + R"("}})", 400},
      {"unsupported type", Bearer(token), R"({"type":"Block","object":"https://x.example/u"})", 400},
      {"address not a URL", Bearer(token), R"j({"type":"Note","content":"x","to":["javascript:alert(1)"]})j", 400},
      {"Article without title", Bearer(token),
       R"({"type":"Article","content":"x","to":")" + std::string(kPublic) + R"("})", 400},
      {"bad source type", Bearer(token),
       R"({"type":"Note","source":{"content":"x","mediaType":"text/html"},"to":")" + std::string(kPublic) + R"("})", 400},
      {"oversized", Bearer(token),
       R"({"type":"Note","content":")" + std::string(2 << 20, 'x') + R"(","to":")" + std::string(kPublic) + R"("})", 413},
      {"too long", Bearer(token),
       R"({"type":"Note","content":")" + std::string(5001, 'x') + R"(","to":")" + std::string(kPublic) + R"("})", 400},
      {"delete of another's post", Bearer(token),
       R"({"type":"Delete","object":")" + a.base() + R"(/users/zoe/statuses/1"})", 404},
      {"Undo without object", Bearer(token), R"({"type":"Undo","object":"https://x.example/likes/1"})", 400},
  };
  for (const Case& c : cases) {
    std::string response = PostOutbox(a, "camille", c.headers, c.body);
    EXPECT_EQ(StatusOf(response), c.status) << c.name << ": " << response.substr(0, 300);
    if (c.status == 401) {
      EXPECT_THAT(response, HasSubstr("WWW-Authenticate: Bearer")) << c.name;
    }
  }
  EXPECT_EQ(StatusOf(PostOutbox(a, "nobody", Bearer(token), note)), 404);
  EXPECT_EQ(OutboxSize(a, 1), 0u);
  EXPECT_EQ(OutboxSize(a, 2), 0u);

  // A revoked token stops working at once.
  http::Response listed =
      a.node().CallControl("POST", "/control/tokens/list", R"({"account":"camille"})");
  Result<rapidjson::Document> tokens = protocol::ParseJson(listed.body, {});
  ASSERT_TRUE(tokens && tokens->HasMember("tokens") && (*tokens)["tokens"].Size() == 1) << listed.body;
  std::string id = (*tokens)["tokens"][0]["id"].GetString();
  ASSERT_EQ(a.node().CallControl("POST", "/control/tokens/revoke",
                                 R"({"account":"camille","id":")" + id + R"("})").status,
            200);
  EXPECT_EQ(StatusOf(PostOutbox(a, "camille", Bearer(token), note)), 401);
}

}  // namespace
}  // namespace parvis
