// A real third-party server, Fedify, discovers Parvis actors and reads its NodeInfo.
// Each test starts a `parvis serve` child and a Fedify peer child (peer.mjs) on loopback,
// asks the peer through its /_test/ API, and checks what Fedify made of Parvis's documents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interop/interop_harness.h"

namespace parvis::testing {
namespace {

using ::testing::HasSubstr;

class FedifyLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(parvis_.ok()) << "parvis did not print its listening line";
    ASSERT_TRUE(peer_.ok()) << "the Fedify peer did not start";
  }

  // Fedify logs a warning or an error whenever something in a document bothers it
  // (a key it cannot parse, an id on another origin, a bad JRD): a test ends with none.
  void TearDown() override {
    if (!peer_.ok()) return;
    HttpAnswer log = peer_.Get("fedify-log");
    EXPECT_EQ(log.status, 200);
    EXPECT_EQ(log.body, "[]") << "Fedify complained while talking to Parvis";
  }

  void CreateUser(const std::string& name, const std::string& kind) {
    ProcessResult created = parvis_.CreateUser(name, kind);
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }

  // What the peer's lookupObject made of `target`; fails the test unless found.
  rapidjson::Document Lookup(const std::string& target) {
    HttpAnswer answer = peer_.Post("lookup", R"({"target":)" + JsonString(target) + "}");
    EXPECT_EQ(answer.status, 200) << "Fedify could not look up " << target << ": " << answer.body;
    rapidjson::Document found = ParseJson(answer.body);
    EXPECT_TRUE(found.IsObject()) << answer.body;
    return found;
  }

  // The entry of `list` (publicKeys or assertionMethods) with this id, or null.
  static const rapidjson::Value* KeyWithId(const rapidjson::Value& actor, const char* list,
                                           const std::string& id) {
    auto it = actor.FindMember(list);
    if (it == actor.MemberEnd() || !it->value.IsArray()) return nullptr;
    for (const rapidjson::Value& key : it->value.GetArray()) {
      if (StringMember(key, "id") == id) return &key;
    }
    return nullptr;
  }

  ParvisProcess parvis_;
  FedifyPeer peer_;
};

TEST_F(FedifyLookupTest, FindsAPersonThroughWebFinger) {
  CreateUser("camille", "person");
  const std::string id = parvis_.base_url() + "/users/camille";

  rapidjson::Document actor = Lookup("acct:camille@" + parvis_.host());

  EXPECT_EQ(StringMember(actor, "id"), id);
  EXPECT_EQ(StringMember(actor, "type"), "Person");
  EXPECT_EQ(StringMember(actor, "preferredUsername"), "camille");
  EXPECT_EQ(StringMember(actor, "inbox"), id + "/inbox");
  EXPECT_EQ(StringMember(actor, "outbox"), id + "/outbox");
  EXPECT_EQ(StringMember(actor, "followers"), id + "/followers");
  EXPECT_EQ(StringMember(actor, "sharedInbox"), parvis_.base_url() + "/inbox");

  // Mastodon-style RSA key, owned by the actor: what draft-cavage signatures are checked with.
  const rapidjson::Value* rsa = KeyWithId(actor, "publicKeys", id + "#main-key");
  ASSERT_NE(rsa, nullptr) << "no #main-key among Fedify's parsed publicKeys";
  EXPECT_EQ(StringMember(*rsa, "owner"), id);
  EXPECT_EQ(StringMember(*rsa, "algorithm"), "RSASSA-PKCS1-v1_5");

  // The WebFinger answer Fedify followed to get there.
  const rapidjson::Value& webfinger = Member(actor, "webfinger");
  EXPECT_EQ(StringMember(webfinger, "subject"), "acct:camille@" + parvis_.host());
}

// Fedify reads actors as JSON-LD: a term the @context does not define is dropped, so the
// Multikey is only seen if the context defines `assertionMethod` (e.g. did/v1 does).
TEST_F(FedifyLookupTest, ParsesTheEd25519MultikeyInAssertionMethod) {
  CreateUser("camille", "person");
  const std::string id = parvis_.base_url() + "/users/camille";

  rapidjson::Document actor = Lookup(id);

  // Ed25519 Multikey in assertionMethod (FEP-521a): what FEP-8b32 proofs are checked with.
  const rapidjson::Value* ed25519 = KeyWithId(actor, "assertionMethods", id + "#ed25519-key");
  ASSERT_NE(ed25519, nullptr) << "no #ed25519-key among Fedify's parsed assertionMethods: "
                              << "does the actor's @context define assertionMethod?";
  EXPECT_EQ(StringMember(*ed25519, "controller"), id);
  EXPECT_EQ(StringMember(*ed25519, "algorithm"), "Ed25519");
}

TEST_F(FedifyLookupTest, FindsTheSameActorByItsUrl) {
  CreateUser("camille", "person");
  const std::string id = parvis_.base_url() + "/users/camille";

  rapidjson::Document actor = Lookup(id);

  EXPECT_EQ(StringMember(actor, "id"), id);
  EXPECT_EQ(StringMember(actor, "type"), "Person");
}

TEST_F(FedifyLookupTest, SeesOrganizationsAndGroupsAsSuch) {
  struct Case {
    std::string name, kind, type;
  };
  const std::vector<Case> cases = {
      {"mairie", "organization", "Organization"},
      {"quartier", "group", "Group"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kind);
    CreateUser(c.name, c.kind);
    rapidjson::Document actor = Lookup("acct:" + c.name + "@" + parvis_.host());
    EXPECT_EQ(StringMember(actor, "id"), parvis_.base_url() + "/users/" + c.name);
    EXPECT_EQ(StringMember(actor, "type"), c.type);
    EXPECT_NE(KeyWithId(actor, "publicKeys", parvis_.base_url() + "/users/" + c.name + "#main-key"),
              nullptr);
  }
}

TEST_F(FedifyLookupTest, ReadsTheInstanceActorAsAnApplicationWithAKey) {
  const std::string id = parvis_.base_url() + "/actor";

  rapidjson::Document actor = Lookup(id);

  EXPECT_EQ(StringMember(actor, "id"), id);
  EXPECT_EQ(StringMember(actor, "type"), "Application");
  EXPECT_FALSE(StringMember(actor, "inbox").empty());
  const rapidjson::Value* rsa = KeyWithId(actor, "publicKeys", id + "#main-key");
  ASSERT_NE(rsa, nullptr) << "no #main-key among Fedify's parsed publicKeys";
  EXPECT_EQ(StringMember(*rsa, "owner"), id);
  EXPECT_EQ(StringMember(*rsa, "algorithm"), "RSASSA-PKCS1-v1_5");
}

TEST_F(FedifyLookupTest, DoesNotFindAnAccountThatDoesNotExist) {
  CreateUser("camille", "person");

  HttpAnswer answer =
      peer_.Post("lookup", R"({"target":)" + JsonString("acct:nobody@" + parvis_.host()) + "}");

  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_THAT(answer.body, HasSubstr("not an actor"));
}

TEST_F(FedifyLookupTest, ParsesNodeInfo) {
  HttpAnswer answer = peer_.Post("nodeinfo", R"({"url":)" + JsonString(parvis_.base_url()) + "}");
  ASSERT_EQ(answer.status, 200) << answer.body;
  rapidjson::Document info = ParseJson(answer.body);
  ASSERT_TRUE(info.IsObject()) << answer.body;

  EXPECT_EQ(StringMember(info, "href"), parvis_.base_url() + "/nodeinfo/2.1");
  // Strict: Fedify's parser accepted the document as it is, not after repairs.
  EXPECT_TRUE(Member(info, "strict").IsTrue())
      << "Fedify's strict NodeInfo parser refused: " << answer.body;
  EXPECT_EQ(StringMember(Member(info, "software"), "name"), "parvis");
  // Fedify reads the version as semver; printed back, it must still be one.
  EXPECT_THAT(StringMember(Member(info, "software"), "version"),
              ::testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+.*"));
  std::vector<std::string> protocols;
  if (Member(info, "protocols").IsArray()) {
    for (const rapidjson::Value& p : Member(info, "protocols").GetArray()) {
      if (p.IsString()) protocols.push_back(p.GetString());
    }
  }
  EXPECT_THAT(protocols, ::testing::Contains("activitypub"));
}

}  // namespace
}  // namespace parvis::testing
