// Three nodes on loopback: a post reaches followers on two other nodes, and
// a followers-only post reaches only the followers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::Eventually;
using ::parvis::testing::TestNode;
using ::parvis::testing::Accepted;
using ::parvis::testing::Follow;
using ::parvis::testing::PendingDeliveries;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;

TEST(ThreeNodesTest, PostsReachFollowersOnEveryNodeAndOnlyThem) {
  TestNode a({}, true), b({}, true), c({}, true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  c.CreateAccount("eve");
  Follow(b, "dominique", a.Handle("camille"));
  Follow(c, "eve", a.Handle("camille"));
  Follow(a, "camille", b.Handle("dominique"));
  Follow(b, "dominique", c.Handle("eve"));
  // camille: followed by dominique and eve, follows dominique; dominique
  // also follows eve, who does not follow her back.
  ASSERT_TRUE(Eventually([&] { return Accepted(a, "camille", 3); }));
  ASSERT_TRUE(Eventually([&] { return Accepted(b, "dominique", 3); }));

  std::string public_note = Publish(a, R"({"account":"camille","content":"à tous"})");
  EXPECT_TRUE(Eventually([&] { return Record(b, public_note).find("à tous") != std::string::npos; }));
  EXPECT_TRUE(Eventually([&] { return Record(c, public_note).find("à tous") != std::string::npos; }));

  // dominique's followers-only note goes to her follower camille, not to eve,
  // whom she follows but who does not follow her.
  std::string private_note = Publish(
      b, R"({"account":"dominique","content":"entre nous","visibility":"followers"})");
  EXPECT_TRUE(Eventually([&] { return Record(a, private_note).find("entre nous") != std::string::npos; }));
  // Once B has nothing left to deliver, C must not have it.
  ASSERT_TRUE(Eventually([&] { return PendingDeliveries(b) == 0; }));
  EXPECT_THAT(Record(c, private_note), ::testing::HasSubstr("not found"));
}

}  // namespace
}  // namespace parvis
