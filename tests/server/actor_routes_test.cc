// Actor documents and profile pages over real HTTP from an in-process node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/multikey.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::StatusOf;
using ::testing::HasSubstr;

const std::string kActivityJson = "Accept: application/activity+json\r\n";

rapidjson::Document JsonOf(const std::string& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(response), {});
  EXPECT_TRUE(doc.has_value()) << response;
  return doc ? std::move(*doc) : rapidjson::Document();
}

std::string StringAt(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

class ActorRoutesTest : public ::testing::Test {
 protected:
  testing::TestNode node_{{{"PARVIS_BASE_URL", "https://parvis.example"}}};
};

TEST_F(ActorRoutesTest, ServesAMastodonCompatibleActor) {
  node_.CreateAccount("Camille");
  std::string response = node_.Get("/users/camille", kActivityJson);
  ASSERT_EQ(StatusOf(response), 200) << response;
  EXPECT_THAT(response, HasSubstr("Content-Type: application/activity+json"));
  EXPECT_THAT(response, HasSubstr("Vary: Accept"));
  rapidjson::Document actor = JsonOf(response);
  const std::string id = "https://parvis.example/users/Camille";
  EXPECT_EQ(StringAt(actor, "id"), id);
  EXPECT_EQ(StringAt(actor, "type"), "Person");
  EXPECT_EQ(StringAt(actor, "preferredUsername"), "Camille");
  EXPECT_EQ(StringAt(actor, "inbox"), id + "/inbox");
  EXPECT_EQ(StringAt(actor, "outbox"), id + "/outbox");
  EXPECT_EQ(StringAt(actor, "followers"), id + "/followers");
  EXPECT_EQ(StringAt(actor, "following"), id + "/following");
  EXPECT_EQ(StringAt(actor, "featured"), id + "/collections/featured");
  EXPECT_EQ(StringAt(actor, "url"), "https://parvis.example/@Camille");
  EXPECT_EQ(StringAt(actor["endpoints"], "sharedInbox"), "https://parvis.example/inbox");
  EXPECT_TRUE(actor["manuallyApprovesFollowers"].IsBool());
  EXPECT_TRUE(actor.HasMember("summary"));
  EXPECT_TRUE(actor.HasMember("name"));
  EXPECT_STREQ(actor["@context"][0].GetString(), "https://www.w3.org/ns/activitystreams");

  const rapidjson::Value& key = actor["publicKey"];
  EXPECT_EQ(StringAt(key, "id"), id + "#main-key");
  EXPECT_EQ(StringAt(key, "owner"), id);
  Result<protocol::PublicKey> rsa = protocol::ParsePublicKeyPem(StringAt(key, "publicKeyPem"));
  ASSERT_TRUE(rsa.has_value());
  EXPECT_EQ(rsa->type(), protocol::KeyType::kRsa);
  EXPECT_EQ(rsa->bits(), 2048);

  const rapidjson::Value& multikey = actor["assertionMethod"][0];
  EXPECT_EQ(StringAt(multikey, "type"), "Multikey");
  EXPECT_EQ(StringAt(multikey, "controller"), id);
  EXPECT_EQ(StringAt(multikey, "id"), id + "#ed25519-key");
  Result<protocol::PublicKey> ed = protocol::DecodeMultikey(StringAt(multikey, "publicKeyMultibase"));
  ASSERT_TRUE(ed.has_value());
  EXPECT_EQ(ed->type(), protocol::KeyType::kEd25519);
}

TEST_F(ActorRoutesTest, NegotiatesBetweenJsonAndHtml) {
  node_.CreateAccount("camille");
  // JSON-LD with the ActivityStreams profile is the same document.
  std::string ld = node_.Get(
      "/users/camille",
      "Accept: application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"\r\n");
  EXPECT_EQ(StatusOf(ld), 200);
  EXPECT_EQ(StringAt(JsonOf(ld), "type"), "Person");
  // A browser is sent to the profile page.
  std::string browser = node_.Get("/users/camille", "Accept: text/html\r\n");
  EXPECT_EQ(StatusOf(browser), 302);
  EXPECT_THAT(browser, HasSubstr("Location: https://parvis.example/@camille"));
  std::string page = node_.Get("/@camille", "Accept: text/html\r\n");
  EXPECT_EQ(StatusOf(page), 200);
  EXPECT_THAT(page, HasSubstr("text/html"));
  EXPECT_THAT(BodyOf(page), HasSubstr("@camille@parvis.example"));
  EXPECT_THAT(page, HasSubstr(
      R"(Link: <https://parvis.example/users/camille>; rel="alternate"; type="application/activity+json")"));
  // The profile URL also answers with JSON to servers that ask for it.
  EXPECT_EQ(StringAt(JsonOf(node_.Get("/@camille", kActivityJson)), "id"),
            "https://parvis.example/users/camille");
}

TEST_F(ActorRoutesTest, EachKindHasItsType) {
  node_.CreateAccount("assoc", "organization");
  node_.CreateAccount("collectif", "group");
  node_.CreateAccount("boutique", "commercial");
  EXPECT_EQ(StringAt(JsonOf(node_.Get("/users/assoc", kActivityJson)), "type"), "Organization");
  EXPECT_EQ(StringAt(JsonOf(node_.Get("/users/collectif", kActivityJson)), "type"), "Group");
  EXPECT_EQ(StringAt(JsonOf(node_.Get("/users/boutique", kActivityJson)), "type"), "Organization");
}

TEST_F(ActorRoutesTest, UnknownAndMalformedNamesAre404) {
  const std::vector<std::string> paths = {"/users/nobody", "/users/bad%21name", "/@nobody",
                                          "/@", "/users/" + std::string(100, 'a')};
  for (const std::string& path : paths) {
    EXPECT_EQ(StatusOf(node_.Get(path, kActivityJson)), 404) << path;
  }
  EXPECT_EQ(StatusOf(node_.Get("/users/%00", kActivityJson)), 400);
}

TEST_F(ActorRoutesTest, InstanceActorHasStableKeys) {
  std::string first = node_.Get("/actor", kActivityJson);
  ASSERT_EQ(StatusOf(first), 200);
  rapidjson::Document actor = JsonOf(first);
  EXPECT_EQ(StringAt(actor, "type"), "Application");
  EXPECT_EQ(StringAt(actor, "id"), "https://parvis.example/actor");
  EXPECT_EQ(StringAt(actor["publicKey"], "id"), "https://parvis.example/actor#main-key");
  EXPECT_EQ(BodyOf(node_.Get("/actor", kActivityJson)), BodyOf(first));
}

}  // namespace
}  // namespace parvis
