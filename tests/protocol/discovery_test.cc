#include "parvis/protocol/discovery.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"

namespace parvis::protocol {
namespace {

using ::testing::HasSubstr;

TEST(WebFingerResource, ParsesAccountsAndUrls) {
  const struct {
    std::string input;
    WebFingerResource::Kind kind;
    std::string name, host, url;
  } cases[] = {
      {"acct:camille@parvis.example", WebFingerResource::Kind::kAccount, "camille",
       "parvis.example", ""},
      {"ACCT:Camille@Parvis.Example", WebFingerResource::Kind::kAccount, "Camille",
       "parvis.example", ""},
      {"camille@parvis.example:8080", WebFingerResource::Kind::kAccount, "camille",
       "parvis.example:8080", ""},
      {"acct:@camille@parvis.example", WebFingerResource::Kind::kAccount, "camille",
       "parvis.example", ""},
      {"acct:first.last@parvis.example", WebFingerResource::Kind::kAccount, "first.last",
       "parvis.example", ""},
      {"https://parvis.example/users/camille", WebFingerResource::Kind::kUrl, "", "",
       "https://parvis.example/users/camille"},
  };
  for (const auto& c : cases) {
    Result<WebFingerResource> parsed = ParseWebFingerResource(c.input);
    ASSERT_TRUE(parsed.has_value()) << c.input << ": " << parsed.error().message;
    EXPECT_EQ(parsed->kind, c.kind) << c.input;
    EXPECT_EQ(parsed->name, c.name) << c.input;
    EXPECT_EQ(parsed->host, c.host) << c.input;
    EXPECT_EQ(parsed->url, c.url) << c.input;
  }
}

TEST(WebFingerResource, RefusesMalformedAndHostileInput) {
  const struct {
    std::string input;
    std::string reason;
  } cases[] = {
      {"", "empty"},
      {std::string(513, 'a'), "too long"},
      {"acct:camille", "acct:name@host"},
      {"acct:@parvis.example", "acct:name@host"},
      {"acct:camille@", "acct:name@host"},
      {"mailto:camille@parvis.example", "unsupported scheme"},
      {"acct:cam ille@parvis.example", "spaces"},
      {"acct:camille@parvis.example\n", "control"},
      {"acct:cam<script>@parvis.example", "invalid account name"},
      {"acct:camille@parvis.example/../x", "invalid host"},
      {std::string("acct:cam\0ille@x", 15), "control"},
  };
  for (const auto& c : cases) {
    Result<WebFingerResource> parsed = ParseWebFingerResource(c.input);
    ASSERT_FALSE(parsed.has_value()) << c.input;
    EXPECT_THAT(parsed.error().message, HasSubstr(c.reason)) << c.input;
  }
}

TEST(WebFingerDocument, SelfLinkIsTheActorId) {
  std::string jrd = WebFingerDocument({.subject = "acct:camille@parvis.example",
                                       .aliases = {"https://parvis.example/users/camille"},
                                       .actor_id = "https://parvis.example/users/camille",
                                       .profile_url = "https://parvis.example/@camille"});
  Result<rapidjson::Document> doc = ParseJson(jrd, {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_STREQ((*doc)["subject"].GetString(), "acct:camille@parvis.example");
  const rapidjson::Value& self = (*doc)["links"][0];
  EXPECT_STREQ(self["rel"].GetString(), "self");
  EXPECT_STREQ(self["type"].GetString(), "application/activity+json");
  EXPECT_STREQ(self["href"].GetString(), "https://parvis.example/users/camille");
}

TEST(NodeInfo, DocumentsFollowSchema21) {
  EXPECT_EQ(NodeInfoLinksDocument("https://parvis.example"),
            R"({"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1",)"
            R"("href":"https://parvis.example/nodeinfo/2.1"}]})");
  std::string text = NodeInfoDocument({.software_version = "0.1.0",
                                       .open_registrations = true,
                                       .total_users = 3,
                                       .local_posts = 7,
                                       .node_name = "Collectif",
                                       .editor_name = "Jeanne",
                                       .civic_features = {"petitions"}});
  Result<rapidjson::Document> doc = ParseJson(text, {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_STREQ((*doc)["version"].GetString(), "2.1");
  EXPECT_STREQ((*doc)["software"]["name"].GetString(), "parvis");
  EXPECT_STREQ((*doc)["protocols"][0].GetString(), "activitypub");
  EXPECT_TRUE((*doc)["openRegistrations"].GetBool());
  EXPECT_EQ((*doc)["usage"]["users"]["total"].GetUint64(), 3u);
  EXPECT_EQ((*doc)["usage"]["localPosts"].GetUint64(), 7u);
  EXPECT_STREQ((*doc)["metadata"]["responsibleEditor"]["name"].GetString(), "Jeanne");
  EXPECT_STREQ((*doc)["metadata"]["civicFeatures"][0].GetString(), "petitions");
}

TEST(HostMeta, PointsAtWebFinger) {
  EXPECT_THAT(HostMetaDocument("https://parvis.example"),
              HasSubstr("template=\"https://parvis.example/.well-known/webfinger?resource={uri}\""));
}

}  // namespace
}  // namespace parvis::protocol
