// Two nodes in-process on loopback, federating for real: WebFinger, actor
// fetches, signed deliveries, inbox processing, Follow / Accept / Undo.
#include <chrono>
#include <functional>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/data_integrity.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/multikey.h"
#include "support/eventually.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

using ::parvis::testing::Eventually;

std::string Follows(testing::TestNode& node, const std::string& account) {
  http::Response response = node.node().CallControl("GET", "/control/follows?account=" + account, "");
  return response.body;
}

class FollowFederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.CreateAccount("camille");
    b_.CreateAccount("dominique");
  }

  testing::TestNode a_{{}, /*federating=*/true};
  testing::TestNode b_{{}, /*federating=*/true};
};

TEST_F(FollowFederationTest, FollowIsAcceptedAndUndone) {
  http::Response follow = a_.node().CallControl(
      "POST", "/control/follow",
      R"({"account":"camille","target":")" + b_.Handle("dominique") + R"("})");
  ASSERT_EQ(follow.status, 202) << follow.body;
  EXPECT_THAT(follow.body, HasSubstr(b_.base() + "/users/dominique"));

  std::string camille = a_.base() + "/users/camille";
  std::string dominique = b_.base() + "/users/dominique";
  EXPECT_TRUE(Eventually([&] {
    return Follows(b_, "dominique").find(R"({"actor":")" + camille + R"(","state":"accepted"})") !=
           std::string::npos;
  })) << Follows(b_, "dominique");
  EXPECT_TRUE(Eventually([&] {
    return Follows(a_, "camille").find(R"("following":[{"actor":")" + dominique +
                                       R"(","state":"accepted"}])") != std::string::npos;
  })) << Follows(a_, "camille");

  http::Response unfollow = a_.node().CallControl(
      "POST", "/control/unfollow", R"({"account":"camille","target":")" + dominique + R"("})");
  ASSERT_EQ(unfollow.status, 202) << unfollow.body;
  EXPECT_TRUE(Eventually([&] {
    return Follows(b_, "dominique") == R"({"followers":[],"following":[]})";
  })) << Follows(b_, "dominique");
  EXPECT_EQ(Follows(a_, "camille"), R"({"followers":[],"following":[]})");
}

std::string ObjectRecord(testing::TestNode& node, const std::string& id) {
  return node.node().CallControl("GET", "/control/object?id=" + id, "").body;
}

std::string IdOf(const http::Response& created) {
  Result<rapidjson::Document> doc = protocol::ParseJson(created.body, {});
  return doc && doc->IsObject() && doc->HasMember("id") ? (*doc)["id"].GetString() : "";
}

TEST_F(FollowFederationTest, PostsReachFollowersAndDeletionsFollow) {
  ASSERT_EQ(b_.node()
                .CallControl("POST", "/control/follow",
                             R"({"account":"dominique","target":")" + a_.Handle("camille") + R"("})")
                .status,
            202);
  ASSERT_TRUE(Eventually([&] {
    return Follows(a_, "camille").find("\"state\":\"accepted\"") != std::string::npos;
  }));

  http::Response post = a_.node().CallControl(
      "POST", "/control/post", R"({"account":"camille","content":"Bonjour <b>tous</b>\n\nà bientôt"})");
  ASSERT_EQ(post.status, 201) << post.body;
  std::string id = IdOf(post);
  EXPECT_THAT(id, ::testing::StartsWith(a_.base() + "/users/camille/statuses/"));
  EXPECT_TRUE(Eventually([&] {
    return ObjectRecord(b_, id).find(R"(<p>Bonjour &lt;b&gt;tous&lt;/b&gt;</p><p>à bientôt</p>)") !=
           std::string::npos;
  })) << ObjectRecord(b_, id);

  // The Create carried camille's FEP-8b32 proof, verifiable with her Ed25519 key.
  Result<std::optional<std::string>> receipt =
      b_.node().store().Get(storage::Family::kActivities, id + "/activity");
  ASSERT_TRUE(receipt.has_value() && receipt->has_value());
  Result<rapidjson::Document> stored = protocol::ParseJson(**receipt, {});
  ASSERT_TRUE(stored.has_value());
  rapidjson::Document create;
  create.CopyFrom((*stored)["activity"], create.GetAllocator());
  Result<rapidjson::Document> actor = protocol::ParseJson(
      testing::BodyOf(a_.Get("/users/camille", "Accept: application/activity+json\r\n")), {});
  ASSERT_TRUE(actor.has_value());
  Result<protocol::PublicKey> ed25519 =
      protocol::DecodeMultikey((*actor)["assertionMethod"][0]["publicKeyMultibase"].GetString());
  ASSERT_TRUE(ed25519.has_value());
  EXPECT_TRUE(protocol::VerifyEddsaJcsProof(create, *ed25519).has_value());
  EXPECT_STREQ(create["proof"]["verificationMethod"].GetString(),
               (a_.base() + "/users/camille#ed25519-key").c_str());

  // The note at its id, and in the outbox.
  std::string json = "Accept: application/activity+json\r\n";
  std::string note = a_.Get(id.substr(a_.base().size()), json);
  EXPECT_EQ(testing::StatusOf(note), 200) << note;
  EXPECT_THAT(note, HasSubstr(R"("to":["https://www.w3.org/ns/activitystreams#Public"])"));
  std::string outbox = a_.Get("/users/camille/outbox?page=1", json);
  EXPECT_THAT(outbox, HasSubstr(R"("type":"Create")"));
  EXPECT_THAT(outbox, HasSubstr(id));

  // Followers-only: delivered, but neither public at its id nor in the outbox.
  http::Response private_post = a_.node().CallControl(
      "POST", "/control/post",
      R"({"account":"camille","content":"entre nous","visibility":"followers","summary":"CW"})");
  ASSERT_EQ(private_post.status, 201) << private_post.body;
  std::string private_id = IdOf(private_post);
  EXPECT_TRUE(Eventually([&] {
    return ObjectRecord(b_, private_id).find("entre nous") != std::string::npos;
  })) << ObjectRecord(b_, private_id);
  EXPECT_EQ(testing::StatusOf(a_.Get(private_id.substr(a_.base().size()), json)), 404);
  EXPECT_THAT(a_.Get("/users/camille/outbox", json), HasSubstr(R"("totalItems":1)"));

  // Deleted: 410 with a Tombstone here, content gone there.
  http::Response deleted = a_.node().CallControl(
      "POST", "/control/delete", R"({"account":"camille","id":")" + id + R"("})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  std::string gone = a_.Get(id.substr(a_.base().size()), json);
  EXPECT_EQ(testing::StatusOf(gone), 410);
  EXPECT_THAT(gone, HasSubstr(R"("type":"Tombstone")"));
  EXPECT_TRUE(Eventually([&] {
    std::string record = ObjectRecord(b_, id);
    return record.find("Tombstone") != std::string::npos && record.find("Bonjour") == std::string::npos;
  })) << ObjectRecord(b_, id);
  EXPECT_THAT(a_.Get("/users/camille/outbox", json), HasSubstr(R"("totalItems":0)"));
}

TEST_F(FollowFederationTest, LikesAndBoostsTravelBackToTheAuthor) {
  ASSERT_EQ(b_.node()
                .CallControl("POST", "/control/follow",
                             R"({"account":"dominique","target":")" + a_.Handle("camille") + R"("})")
                .status,
            202);
  ASSERT_TRUE(Eventually([&] { return Follows(a_, "camille").find("accepted") != std::string::npos; }));
  std::string id = IdOf(a_.node().CallControl("POST", "/control/post",
                                              R"({"account":"camille","content":"like me"})"));
  ASSERT_TRUE(Eventually([&] { return ObjectRecord(b_, id).find("like me") != std::string::npos; }));
  auto total = [&](const std::string& collection) {
    Result<rapidjson::Document> doc = protocol::ParseJson(
        testing::BodyOf(a_.Get(id.substr(a_.base().size()) + collection,
                               "Accept: application/activity+json\r\n")),
        {});
    return doc && doc->IsObject() && doc->HasMember("totalItems")
               ? static_cast<int>((*doc)["totalItems"].GetUint64())
               : -1;
  };
  auto react = [&](const std::string& type, bool undo) {
    return b_.node()
        .CallControl("POST", "/control/react",
                     R"({"account":"dominique","object":")" + id + R"(","type":")" + type +
                         R"(","undo":)" + (undo ? "true" : "false") + "}")
        .status;
  };
  ASSERT_EQ(react("Like", false), 202);
  ASSERT_EQ(react("Announce", false), 202);
  EXPECT_TRUE(Eventually([&] { return total("/likes") == 1 && total("/shares") == 1; }));
  ASSERT_EQ(react("Like", true), 202);
  EXPECT_TRUE(Eventually([&] { return total("/likes") == 0; }));
  EXPECT_EQ(total("/shares"), 1);
  // Reactions to what the node does not know, or of other kinds, are refused.
  EXPECT_EQ(b_.node()
                .CallControl("POST", "/control/react",
                             R"({"account":"dominique","object":"https://x.example/1","type":"Like"})")
                .status,
            404);
  EXPECT_EQ(react("Dislike", false), 400);
}

TEST_F(FollowFederationTest, PostCommandsRefuseBadInput) {
  const struct {
    std::string target;
    std::string body;
    int status;
  } cases[] = {
      {"/control/post", R"({"account":"camille","content":""})", 400},
      {"/control/post", R"({"account":"camille","content":")" + std::string(5001, 'x') + R"("})", 400},
      {"/control/post", R"({"account":"camille","content":"x","visibility":"secret"})", 400},
      {"/control/post", R"({"account":"camille"})", 400},
      {"/control/post", R"({"account":"nobody","content":"x"})", 404},
      {"/control/delete", R"({"account":"camille","id":"https://elsewhere.example/1"})", 404},
      {"/control/delete", R"({"account":"camille"})", 400},
  };
  for (const auto& c : cases) {
    http::Response response = a_.node().CallControl("POST", c.target, c.body);
    EXPECT_EQ(response.status, c.status) << c.body.substr(0, 80) << " -> " << response.body;
  }
}

TEST(DeliveryRetryTest, DeliveriesSurviveARestartAndAnUnreachablePeer) {
  // Retries after 1 s, 2 s, 4 s...: the test waits for them, never times them.
  std::map<std::string, std::string> fast = {{"PARVIS_FEDERATION_DELIVERY_FIRST_RETRY_SECONDS", "1"}};
  testing::TestNode a(fast, /*federating=*/true);
  testing::TestNode b(fast, /*federating=*/true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  std::string camille = a.base() + "/users/camille";
  std::string dominique = b.base() + "/users/dominique";
  ASSERT_EQ(a.node()
                .CallControl("POST", "/control/follow",
                             R"({"account":"camille","target":")" + dominique + R"("})")
                .status,
            202);
  ASSERT_TRUE(Eventually([&] {
    return Follows(a, "camille").find("\"state\":\"accepted\"") != std::string::npos;
  }));

  // B goes down; A's Undo cannot be delivered and waits in A's queue.
  b.Stop();
  ASSERT_EQ(a.node()
                .CallControl("POST", "/control/unfollow",
                             R"({"account":"camille","target":")" + dominique + R"("})")
                .status,
            202);
  std::this_thread::sleep_for(1500ms);  // let at least one attempt fail
  // A restarts with the delivery still queued, then B comes back.
  a.Stop();
  a.Start();
  b.Start();
  EXPECT_TRUE(Eventually([&] {
    return Follows(b, "dominique") == R"({"followers":[],"following":[]})";
  })) << Follows(b, "dominique");
}

size_t QueueCount(testing::TestNode& node, const std::string& prefix) {
  size_t count = 0;
  (void)node.node().store().Scan(storage::Family::kQueues, prefix,
                                 [&](std::string_view, std::string_view) {
                                   ++count;
                                   return true;
                                 });
  return count;
}

TEST(HostHealthTest, AHostFailingEveryRetryIsSkippedUntilItSpeaksAgain) {
  std::map<std::string, std::string> fast = {{"PARVIS_FEDERATION_DELIVERY_FIRST_RETRY_SECONDS", "1"},
                                             {"PARVIS_FEDERATION_DELIVERY_MAX_ATTEMPTS", "2"}};
  testing::TestNode a(fast, true), b(fast, true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  ASSERT_EQ(b.node()
                .CallControl("POST", "/control/follow",
                             R"({"account":"dominique","target":")" + a.Handle("camille") + R"("})")
                .status,
            202);
  // Both sides agree (A's Accept delivered) before B goes down, so that
  // the only delivery A gives up on is the post's.
  ASSERT_TRUE(Eventually([&] {
    return Follows(a, "camille").find("accepted") != std::string::npos &&
           Follows(b, "dominique").find("accepted") != std::string::npos;
  }));
  b.Stop();
  ASSERT_EQ(a.node().CallControl("POST", "/control/post", R"({"account":"camille","content":"one"})").status, 201);
  // Two failed attempts: given up, and the host marked unavailable.
  ASSERT_TRUE(Eventually([&] {
    Result<std::optional<std::string>> mark = a.node().store().Get(storage::Family::kHosts, "unavailable/127.0.0.1");
    return mark.has_value() && mark->has_value();
  }));
  EXPECT_EQ(QueueCount(a, "delivery-failed/"), 1u);
  // While marked, deliveries to it are given up at once.
  b.Start();
  ASSERT_EQ(a.node().CallControl("POST", "/control/post", R"({"account":"camille","content":"two"})").status, 201);
  ASSERT_TRUE(Eventually([&] { return QueueCount(a, "delivery-failed/") == 2; }));
  // The host speaks (a signed Undo reaches A): marked available again.
  ASSERT_EQ(b.node()
                .CallControl("POST", "/control/unfollow",
                             R"({"account":"dominique","target":")" + a.base() + R"(/users/camille"})")
                .status,
            202);
  EXPECT_TRUE(Eventually([&] {
    Result<std::optional<std::string>> mark = a.node().store().Get(storage::Family::kHosts, "unavailable/127.0.0.1");
    return mark.has_value() && !mark->has_value();
  }));
}

TEST_F(FollowFederationTest, ManualApprovalHoldsRequestsUntilAnswered) {
  ASSERT_EQ(a_.node().CallControl("POST", "/control/approval", R"({"account":"camille","manual":true})").status,
            200);
  EXPECT_THAT(a_.Get("/users/camille", "Accept: application/activity+json\r\n"),
              HasSubstr(R"("manuallyApprovesFollowers":true)"));
  b_.CreateAccount("eve");
  for (std::string name : {"dominique", "eve"}) {
    ASSERT_EQ(b_.node()
                  .CallControl("POST", "/control/follow",
                               R"({"account":")" + name + R"(","target":")" + a_.Handle("camille") + R"("})")
                  .status,
              202);
  }
  std::string dominique = b_.base() + "/users/dominique";
  std::string eve = b_.base() + "/users/eve";
  ASSERT_TRUE(Eventually([&] {
    std::string follows = Follows(a_, "camille");
    return follows.find(R"({"actor":")" + dominique + R"(","state":"pending"})") != std::string::npos &&
           follows.find(R"({"actor":")" + eve + R"(","state":"pending"})") != std::string::npos;
  })) << Follows(a_, "camille");
  // Not followers yet: the collection counts accepted ones only.
  EXPECT_THAT(a_.Get("/users/camille/followers", "Accept: application/activity+json\r\n"),
              HasSubstr(R"("totalItems":0)"));

  ASSERT_EQ(a_.node().CallControl("POST", "/control/answer",
                                  R"({"account":"camille","actor":")" + dominique + R"(","accept":true})").status,
            202);
  ASSERT_EQ(a_.node().CallControl("POST", "/control/answer",
                                  R"({"account":"camille","actor":")" + eve + R"(","accept":false})").status,
            202);
  EXPECT_TRUE(Eventually([&] {
    return Follows(b_, "dominique").find(R"("state":"accepted")") != std::string::npos &&
           Follows(b_, "eve") == R"({"followers":[],"following":[]})";
  })) << Follows(b_, "dominique") << Follows(b_, "eve");
  EXPECT_EQ(Follows(a_, "camille"),
            R"({"followers":[{"actor":")" + dominique + R"(","state":"accepted"}],"following":[]})");
  // No request left to answer.
  EXPECT_EQ(a_.node().CallControl("POST", "/control/answer",
                                  R"({"account":"camille","actor":")" + eve + R"(","accept":true})").status,
            404);
}

TEST_F(FollowFederationTest, FollowCommandRefusesBadTargets) {
  const struct {
    std::string body;
    int status;
  } cases[] = {
      {R"({"account":"camille"})", 400},
      {R"({"account":"nobody","target":"acct:x@127.0.0.1:1"})", 404},
      {R"({"account":"camille","target":"not a handle"})", 400},
      {R"({"account":"camille","target":")" + b_.Handle("nobody") + R"("})", 404},
      {R"({"account":"camille","target":")" + b_.base() + R"(/users/nobody"})", 404},
      {R"({"account":"camille","target":"http://127.0.0.1:1/users/x"})", 502},
  };
  for (const auto& c : cases) {
    http::Response response = a_.node().CallControl("POST", "/control/follow", c.body);
    EXPECT_EQ(response.status, c.status) << c.body << " -> " << response.body;
  }
  EXPECT_EQ(Follows(a_, "camille"), R"({"followers":[],"following":[]})");
}

}  // namespace
}  // namespace parvis
