// Moving an account between Parvis nodes, as Mastodon does it: the new
// account names the old one (alsoKnownAs), the old one moves (movedTo and a
// Move to its followers' servers), and a follower on a third node follows
// the new account instead; a Move whose target does not name its sender
// moves no one.
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

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Follow;
using ::parvis::testing::FollowingState;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

TEST(AccountMoveTest, AFollowerOnAThirdNodeFollowsTheNewAccount) {
  TestNode a({}, true), b({}, true), c({}, true);
  a.CreateAccount("alice");
  b.CreateAccount("alice2");
  c.CreateAccount("carol");
  const std::string old_actor = a.base() + "/users/alice";
  const std::string new_actor = b.base() + "/users/alice2";
  Follow(c, "carol", old_actor);
  ASSERT_TRUE(Eventually([&] { return FollowingState(c, "carol", old_actor) == "accepted"; }));

  // Without the alias on the new account, no move.
  http::Response early =
      a.node().CallControl("POST", "/control/accounts/move", R"({"account":"alice","target":")" + new_actor + R"("})");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_THAT(early.body, HasSubstr("alsoKnownAs"));
  struct Case {
    const char* name;
    std::string target, body;
    int status;
  } refused[] = {
      {"no account", "/control/accounts/alias", R"({"alias":")" + old_actor + R"("})", 400},
      {"unknown account", "/control/accounts/alias", R"({"account":"nobody","alias":")" + old_actor + R"("})", 404},
      {"itself", "/control/accounts/alias", R"({"account":"alice2","alias":")" + new_actor + R"("})", 400},
      {"unreachable", "/control/accounts/alias", R"({"account":"alice2","alias":"http://127.0.0.1:1/users/x"})", 502},
  };
  for (const Case& r : refused) EXPECT_EQ(b.node().CallControl("POST", r.target, r.body).status, r.status) << r.name;

  // The handle form works too.
  const std::string handle = "alice@127.0.0.1:" + std::to_string(a.port());
  http::Response aliased =
      b.node().CallControl("POST", "/control/accounts/alias", R"({"account":"alice2","alias":")" + handle + R"("})");
  ASSERT_EQ(aliased.status, 200) << aliased.body;
  EXPECT_THAT(aliased.body, HasSubstr(old_actor));
  EXPECT_THAT(BodyOf(b.Get("/users/alice2", "Accept: application/activity+json\r\n")),
              HasSubstr("\"alsoKnownAs\":[\"" + old_actor + "\"]"));

  http::Response moved =
      a.node().CallControl("POST", "/control/accounts/move", R"({"account":"alice","target":")" + new_actor + R"("})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_THAT(moved.body, HasSubstr("\"deliveries\":1"));
  EXPECT_THAT(BodyOf(a.Get("/users/alice", "Accept: application/activity+json\r\n")),
              HasSubstr("\"movedTo\":\"" + new_actor + "\""));
  EXPECT_TRUE(Eventually([&] { return FollowingState(c, "carol", new_actor) == "accepted"; }))
      << FollowingState(c, "carol", new_actor);
  EXPECT_TRUE(Eventually([&] { return FollowingState(c, "carol", old_actor).empty(); }));
  EXPECT_TRUE(Eventually([&] { return testing::Accepted(b, "alice2", 1); }));
}

TEST(AccountMoveTest, AMoveToAnActorThatDoesNotNameTheSenderMovesNoOne) {
  TestNode b({}, true), c({}, true);
  b.CreateAccount("alice2");
  c.CreateAccount("carol");
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  Follow(c, "carol", mallory.id);
  ASSERT_EQ(FollowingState(c, "carol", mallory.id), "pending");
  const std::string target = b.base() + "/users/alice2";
  std::string move = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + mallory.id +
                     R"(#move","type":"Move","actor":")" + mallory.id + R"(","object":")" + mallory.id +
                     R"(","target":")" + target + R"("})";
  RawConnection connection(c.port());
  connection.Send(RemotePeer::SignedPost(mallory, c.port(), "/inbox", move));
  EXPECT_EQ(StatusOf(connection.ReadToEnd()), 202);
  // Once the inbox worker has processed it, nothing changed.
  ASSERT_TRUE(Eventually([&] {
    bool queued = false;
    (void)c.node().store().Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
      queued = true;
      return false;
    });
    return !queued;
  }));
  EXPECT_EQ(FollowingState(c, "carol", target), "");
  EXPECT_EQ(FollowingState(c, "carol", mallory.id), "pending");
}

}  // namespace
}  // namespace parvis
