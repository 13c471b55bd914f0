// Followers and following collections, paged, over real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/federation/follow_store.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::StatusOf;
using federation::Direction;
using federation::FollowState;

const std::string kJson = "Accept: application/activity+json\r\n";

rapidjson::Document JsonOf(const std::string& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(response), {});
  EXPECT_TRUE(doc.has_value()) << response;
  return doc ? std::move(*doc) : rapidjson::Document();
}

class CollectionRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_.CreateAccount("camille");
    Result<std::optional<accounts::Account>> account =
        accounts::AccountService(node_.node().store(), [] { return int64_t{0}; }).FindByName("camille");
    ASSERT_TRUE(account.has_value() && account->has_value());
    federation::FollowStore follows(node_.node().store());
    storage::Batch batch;
    for (int i = 0; i < 45; ++i) {
      char actor[64];
      std::snprintf(actor, sizeof actor, "https://remote.example/users/f%02d", i);
      follows.Put(batch, (*account)->id, Direction::kFollowers,
                  {actor, std::string(actor) + "/follow", FollowState::kAccepted, 1});
    }
    // Pending requests are not followers yet.
    follows.Put(batch, (*account)->id, Direction::kFollowers,
                {"https://remote.example/users/zz", "x", FollowState::kPending, 1});
    follows.Put(batch, (*account)->id, Direction::kFollowing,
                {"https://other.example/users/a", "y", FollowState::kAccepted, 1});
    ASSERT_TRUE(node_.node().store().Write(batch).has_value());
  }

  testing::TestNode node_{{{"PARVIS_BASE_URL", "https://parvis.example"}}};
};

TEST_F(CollectionRoutesTest, FollowersArePagedLikeMastodon) {
  std::string id = "https://parvis.example/users/camille/followers";
  rapidjson::Document collection = JsonOf(node_.Get("/users/camille/followers", kJson));
  EXPECT_STREQ(collection["type"].GetString(), "OrderedCollection");
  EXPECT_STREQ(collection["id"].GetString(), id.c_str());
  EXPECT_EQ(collection["totalItems"].GetUint64(), 45u);
  EXPECT_EQ(std::string(collection["first"].GetString()), id + "?page=1");

  rapidjson::Document first = JsonOf(node_.Get("/users/camille/followers?page=1", kJson));
  EXPECT_STREQ(first["type"].GetString(), "OrderedCollectionPage");
  EXPECT_EQ(std::string(first["partOf"].GetString()), id);
  EXPECT_EQ(first["orderedItems"].Size(), 40u);
  EXPECT_STREQ(first["orderedItems"][0].GetString(), "https://remote.example/users/f00");
  EXPECT_EQ(std::string(first["next"].GetString()), id + "?page=2");
  EXPECT_FALSE(first.HasMember("prev"));

  rapidjson::Document second = JsonOf(node_.Get("/users/camille/followers?page=2", kJson));
  EXPECT_EQ(second["orderedItems"].Size(), 5u);
  EXPECT_FALSE(second.HasMember("next"));
  EXPECT_EQ(std::string(second["prev"].GetString()), id + "?page=1");

  rapidjson::Document beyond = JsonOf(node_.Get("/users/camille/followers?page=9", kJson));
  EXPECT_EQ(beyond["orderedItems"].Size(), 0u);

  rapidjson::Document following = JsonOf(node_.Get("/users/camille/following?page=1", kJson));
  ASSERT_EQ(following["orderedItems"].Size(), 1u);
  EXPECT_STREQ(following["orderedItems"][0].GetString(), "https://other.example/users/a");
}

TEST_F(CollectionRoutesTest, RefusesBadPagesAndUnknownAccounts) {
  for (std::string page : {"0", "-1", "x", "1x", "99999999999999999999", ""}) {
    EXPECT_EQ(StatusOf(node_.Get("/users/camille/followers?page=" + page, kJson)), 400) << page;
  }
  EXPECT_EQ(StatusOf(node_.Get("/users/nobody/followers", kJson)), 404);
}

}  // namespace
}  // namespace parvis
