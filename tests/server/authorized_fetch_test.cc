// Signed GETs: authorized fetch refuses anonymous reads of actors, notes and
// collections, and followers-only notes go to signed requests by followers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/eventually.h"
#include "support/remote_peer.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::PeerActor;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;

const std::string kJson = "Accept: application/activity+json\r\n";

std::string Send(uint16_t port, const std::string& raw) {
  RawConnection connection(port);
  connection.Send(raw);
  return connection.ReadToEnd();
}

std::string NoteId(const http::Response& created) {
  Result<rapidjson::Document> doc = protocol::ParseJson(created.body, {});
  return doc && doc->HasMember("id") ? (*doc)["id"].GetString() : "";
}

TEST(AuthorizedFetchTest, AnonymousReadsAreRefusedButPagesAndDiscoveryStayPublic) {
  RemotePeer peer;
  PeerActor alice = peer.AddActor("alice");
  TestNode node({{"PARVIS_FEDERATION_AUTHORIZED_FETCH", "true"}}, /*federating=*/true);
  node.CreateAccount("camille");
  http::Response post = node.node().CallControl(
      "POST", "/control/post", R"({"account":"camille","content":"public"})");
  ASSERT_EQ(post.status, 201);
  std::string note = NoteId(post).substr(node.base().size());

  for (std::string path : {std::string("/users/camille"), note, std::string("/users/camille/outbox"),
                           std::string("/users/camille/followers"), note + "/likes"}) {
    std::string anonymous = node.Get(path, kJson);
    EXPECT_EQ(StatusOf(anonymous), 401) << path;
    EXPECT_THAT(BodyOf(anonymous), ::testing::HasSubstr("not signed")) << path;
    EXPECT_EQ(StatusOf(Send(node.port(), RemotePeer::SignedGet(alice, node.port(), path))), 200)
        << path;
  }
  // People's pages, discovery and the instance actor need no signature.
  EXPECT_EQ(StatusOf(node.Get("/@camille", "Accept: text/html\r\n")), 200);
  EXPECT_EQ(StatusOf(node.Get("/users/camille", "Accept: text/html\r\n")), 302);
  EXPECT_EQ(StatusOf(node.Get("/actor", kJson)), 200);
  EXPECT_EQ(StatusOf(node.Get("/.well-known/webfinger?resource=" + node.Handle("camille"))), 200);
  EXPECT_EQ(StatusOf(node.Get("/nodeinfo/2.1")), 200);
}

TEST(AuthorizedFetchTest, NodesInSecureModeStillFederate) {
  std::map<std::string, std::string> secure = {{"PARVIS_FEDERATION_AUTHORIZED_FETCH", "true"}};
  TestNode a(secure, true), b(secure, true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  http::Response follow = b.node().CallControl(
      "POST", "/control/follow",
      R"({"account":"dominique","target":")" + a.Handle("camille") + R"("})");
  ASSERT_EQ(follow.status, 202) << follow.body;
  ASSERT_TRUE(Eventually([&] {
    return a.node().CallControl("GET", "/control/follows?account=camille", "").body.find("accepted") !=
           std::string::npos;
  }));
  http::Response post = a.node().CallControl(
      "POST", "/control/post", R"({"account":"camille","content":"secure hello"})");
  std::string id = NoteId(post);
  EXPECT_TRUE(Eventually([&] {
    return b.node().CallControl("GET", "/control/object?id=" + id, "").body.find("secure hello") !=
           std::string::npos;
  }));
}

TEST(SignedFetchTest, FollowersOnlyNotesGoToSignedFollowersOnly) {
  RemotePeer peer;
  PeerActor alice = peer.AddActor("alice");
  PeerActor bob = peer.AddActor("bob");
  TestNode node({}, /*federating=*/true);
  node.CreateAccount("camille");
  // alice follows camille; bob does not.
  std::string follow = R"({"id":")" + alice.id + R"(/follow","type":"Follow","actor":")" + alice.id +
                       R"(","object":")" + node.base() + R"(/users/camille"})";
  ASSERT_EQ(StatusOf(Send(node.port(), RemotePeer::SignedPost(alice, node.port(), "/inbox", follow))), 202);
  ASSERT_TRUE(Eventually([&] {
    return node.node().CallControl("GET", "/control/follows?account=camille", "").body.find(alice.id) !=
           std::string::npos;
  }));
  http::Response post = node.node().CallControl(
      "POST", "/control/post",
      R"({"account":"camille","content":"for followers","visibility":"followers"})");
  ASSERT_EQ(post.status, 201);
  std::string path = NoteId(post).substr(node.base().size());
  EXPECT_EQ(StatusOf(node.Get(path, kJson)), 404);
  EXPECT_EQ(StatusOf(Send(node.port(), RemotePeer::SignedGet(bob, node.port(), path))), 404);
  std::string as_follower = Send(node.port(), RemotePeer::SignedGet(alice, node.port(), path));
  EXPECT_EQ(StatusOf(as_follower), 200);
  EXPECT_THAT(BodyOf(as_follower), ::testing::HasSubstr("for followers"));
}

}  // namespace
}  // namespace parvis
