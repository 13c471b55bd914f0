#include "parvis/protocol/remote_actor.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_files.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/multikey.h"

namespace parvis::protocol {
namespace {

using testing::LoadFixtureJson;

TEST(RemoteActor, ReadsEveryServersActorFixture) {
  const struct {
    std::string file;
    std::string type;
    size_t min_keys;
  } cases[] = {
      {"activities/actor-mastodon-person.json", "Person", 1},
      {"activities/actor-gts-person.json", "Person", 1},
      {"activities/actor-misskey-person.json", "Person", 1},
      {"activities/actor-fedify-person.json", "Person", 2},
      {"activities/actor-lemmy-group.json", "Group", 1},
      {"activities/actor-mobilizon-group.json", "Group", 1},
  };
  for (const auto& c : cases) {
    rapidjson::Document doc = LoadFixtureJson(c.file);
    Result<RemoteActor> actor = ParseRemoteActor(doc);
    ASSERT_TRUE(actor.has_value()) << c.file << ": " << actor.error().message;
    EXPECT_EQ(actor->type, c.type) << c.file;
    EXPECT_THAT(actor->inbox, ::testing::StartsWith("https://")) << c.file;
    ASSERT_GE(actor->keys.size(), c.min_keys) << c.file;
    for (const RemoteKey& key : actor->keys) {
      Result<PublicKey> parsed = key.format == RemoteKey::Format::kPem
                                     ? ParsePublicKeyPem(key.material)
                                     : DecodeMultikey(key.material);
      EXPECT_TRUE(parsed.has_value()) << c.file << " key " << key.id;
      EXPECT_EQ(key.owner, actor->id) << c.file;
    }
    // The storage form reads back the same.
    Result<RemoteActor> again = DecodeRemoteActor(EncodeRemoteActor(*actor));
    ASSERT_TRUE(again.has_value()) << c.file;
    EXPECT_EQ(again->id, actor->id);
    EXPECT_EQ(again->shared_inbox, actor->shared_inbox);
    EXPECT_EQ(again->keys.size(), actor->keys.size());
    EXPECT_NE(FindKey(*again, actor->keys[0].id), nullptr);
  }
}

TEST(RemoteActor, AcceptsJsonLdVariants) {
  Result<rapidjson::Document> doc = ParseJson(R"({
    "id": "https://x.example/u/a", "type": ["Person"],
    "inbox": {"id": "https://x.example/u/a/inbox"},
    "endpoints": {"sharedInbox": "https://x.example/inbox"},
    "publicKey": [{"id": "https://x.example/u/a#k", "publicKeyPem": "PEM"}]
  })", {});
  ASSERT_TRUE(doc.has_value());
  Result<RemoteActor> actor = ParseRemoteActor(*doc);
  ASSERT_TRUE(actor.has_value()) << actor.error().message;
  EXPECT_EQ(actor->inbox, "https://x.example/u/a/inbox");
  EXPECT_EQ(actor->shared_inbox, "https://x.example/inbox");
  ASSERT_EQ(actor->keys.size(), 1u);
  EXPECT_EQ(actor->keys[0].owner, "https://x.example/u/a");
}

TEST(RemoteActor, RefusesWhatIsNotAnActor) {
  const struct {
    std::string json;
    std::string message;
  } cases[] = {
      {"[]", "not a JSON object"},
      {R"({"type":"Person","inbox":"https://x/i"})", "no http(s) id"},
      {R"({"id":"ftp://x/a","type":"Person","inbox":"https://x/i"})", "no http(s) id"},
      {R"({"id":"https://x/a","type":"Note","inbox":"https://x/i"})", "is not an actor"},
      {R"({"id":"https://x/a","inbox":"https://x/i"})", "is not an actor"},
      {R"({"id":"https://x/a","type":"Person"})", "has no inbox"},
      {R"({"id":"https://x/a","type":"Person","inbox":5})", "has no inbox"},
  };
  for (const auto& c : cases) {
    Result<rapidjson::Document> doc = ParseJson(c.json, {});
    ASSERT_TRUE(doc.has_value()) << c.json;
    Result<RemoteActor> actor = ParseRemoteActor(*doc);
    ASSERT_FALSE(actor.has_value()) << c.json;
    EXPECT_THAT(actor.error().message, ::testing::HasSubstr(c.message)) << c.json;
  }
}

}  // namespace
}  // namespace parvis::protocol
