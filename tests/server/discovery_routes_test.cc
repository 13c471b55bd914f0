// WebFinger, host-meta and NodeInfo over real HTTP from an in-process node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::StatusOf;
using ::testing::HasSubstr;

class DiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.CreateAccount("Camille"); }

  std::string Get(const std::string& target) { return node_.Get(target); }

  testing::TestNode node_{{{"PARVIS_BASE_URL", "https://Parvis.Example"},
                           {"PARVIS_REGISTRATION", "closed"},
                           {"PARVIS_EDITOR_NAME", "Jeanne"}}};
};

TEST_F(DiscoveryTest, WebFingerFindsAccountsByAcctAndByUrl) {
  for (std::string resource :
       {"acct:camille@parvis.example", "acct%3ACAMILLE%40Parvis.Example", "camille@parvis.example",
        "https://parvis.example/users/Camille", "https%3A%2F%2Fparvis.example%2F%40Camille"}) {
    std::string response = Get("/.well-known/webfinger?resource=" + resource);
    ASSERT_EQ(StatusOf(response), 200) << resource << "\n" << response;
    EXPECT_THAT(response, HasSubstr("Content-Type: application/jrd+json"));
    EXPECT_THAT(response, HasSubstr("Access-Control-Allow-Origin: *"));
    Result<rapidjson::Document> jrd = protocol::ParseJson(BodyOf(response), {});
    ASSERT_TRUE(jrd.has_value());
    EXPECT_STREQ((*jrd)["subject"].GetString(), "acct:Camille@parvis.example");
    EXPECT_STREQ((*jrd)["links"][0]["href"].GetString(), "https://parvis.example/users/Camille");
  }
}

TEST_F(DiscoveryTest, WebFingerRefusesWhatItCannotAnswer) {
  const struct {
    std::string query;
    int status;
  } cases[] = {
      {"", 400},
      {"?resource=", 400},
      {"?resource=acct:camille", 400},
      {"?resource=acct:nobody@parvis.example", 404},
      {"?resource=acct:camille@other.example", 404},
      {"?resource=https://other.example/users/camille", 404},
      {"?resource=https://parvis.example/users/camille/outbox", 404},
      {"?resource=acct:" + std::string(600, 'a') + "@parvis.example", 400},
      {"?resource=acct:a%00b@parvis.example", 400},
      {"?resource=%zz", 400},
      {"?resource=acct:ca.mille@parvis.example", 404},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(StatusOf(Get("/.well-known/webfinger" + c.query)), c.status) << c.query;
  }
}

TEST_F(DiscoveryTest, HostMetaAndNodeInfo) {
  std::string host_meta = Get("/.well-known/host-meta");
  EXPECT_EQ(StatusOf(host_meta), 200);
  EXPECT_THAT(host_meta, HasSubstr("application/xrd+xml"));
  EXPECT_THAT(host_meta, HasSubstr("https://parvis.example/.well-known/webfinger?resource={uri}"));

  std::string links = Get("/.well-known/nodeinfo");
  EXPECT_THAT(BodyOf(links), HasSubstr("\"href\":\"https://parvis.example/nodeinfo/2.1\""));

  std::string info = Get("/nodeinfo/2.1");
  EXPECT_EQ(StatusOf(info), 200);
  EXPECT_THAT(info, HasSubstr("profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\""));
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(info), {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_STREQ((*doc)["software"]["name"].GetString(), "parvis");
  EXPECT_EQ((*doc)["usage"]["users"]["total"].GetUint64(), 1u);
  EXPECT_FALSE((*doc)["openRegistrations"].GetBool());
  EXPECT_STREQ((*doc)["metadata"]["responsibleEditor"]["name"].GetString(), "Jeanne");
  EXPECT_STREQ((*doc)["metadata"]["registrationMode"].GetString(), "closed");
}

}  // namespace
}  // namespace parvis
