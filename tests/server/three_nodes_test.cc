// Three nodes on loopback: a post reaches followers on two other nodes, and
// a followers-only post reaches only the followers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/eventually.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::Eventually;
using ::parvis::testing::TestNode;

std::string Record(TestNode& node, const std::string& id) {
  return node.node().CallControl("GET", "/control/object?id=" + id, "").body;
}

void Follow(TestNode& from, const std::string& account, const std::string& target) {
  http::Response response = from.node().CallControl(
      "POST", "/control/follow", R"({"account":")" + account + R"(","target":")" + target + R"("})");
  ASSERT_EQ(response.status, 202) << response.body;
}

std::string Publish(TestNode& node, const std::string& body) {
  http::Response response = node.node().CallControl("POST", "/control/post", body);
  EXPECT_EQ(response.status, 201) << response.body;
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  return doc && doc->HasMember("id") ? (*doc)["id"].GetString() : "";
}

bool Accepted(TestNode& node, const std::string& account, size_t count) {
  std::string follows =
      node.node().CallControl("GET", "/control/follows?account=" + account, "").body;
  size_t found = 0;
  for (size_t at = follows.find("accepted"); at != std::string::npos;
       at = follows.find("accepted", at + 1)) {
    ++found;
  }
  return found == count;
}

size_t PendingDeliveries(TestNode& node) {
  size_t pending = 0;
  (void)node.node().store().Scan(storage::Family::kQueues, "delivery/",
                                 [&](std::string_view, std::string_view) {
                                   ++pending;
                                   return true;
                                 });
  return pending;
}

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
