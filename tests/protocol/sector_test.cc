// The sector term (docs/protocol.md, "Sectors"): read from actor documents
// whatever they hold, published on ours, stated in NodeInfo.
#include "parvis/protocol/sector.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/actor_document.h"
#include "parvis/protocol/discovery.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"

namespace parvis::protocol {
namespace {

using ::testing::HasSubstr;

rapidjson::Document Parse(const std::string& json) {
  Result<rapidjson::Document> doc = ParseJson(json, {});
  EXPECT_TRUE(doc.has_value()) << json;
  return doc ? std::move(*doc) : rapidjson::Document();
}

std::string Actor(const std::string& sector_member) {
  return R"({"id":"https://shop.example/u/a","type":"Organization",)"
         R"("inbox":"https://shop.example/u/a/inbox")" +
         (sector_member.empty() ? "" : "," + sector_member) + "}";
}

TEST(Sector, NamesAndParsesTheTwoWordsOnly) {
  EXPECT_STREQ(SectorName(Sector::kCivic), "civic");
  EXPECT_STREQ(SectorName(Sector::kCommercial), "commercial");
  EXPECT_STREQ(SectorName(Sector::kUnknown), "unknown");
  const std::pair<std::string, Sector> cases[] = {
      {"civic", Sector::kCivic},     {"commercial", Sector::kCommercial},
      {"unknown", Sector::kUnknown}, {"Commercial", Sector::kUnknown},
      {" civic", Sector::kUnknown},  {"", Sector::kUnknown},
      {"business", Sector::kUnknown}, {std::string("civic\0x", 7), Sector::kUnknown},
  };
  for (const auto& [text, sector] : cases) EXPECT_EQ(ParseSector(text), sector) << text;
}

// Whatever a remote server puts in "sector", the actor is still read, and
// anything but the two words declares nothing.
TEST(Sector, HostileDeclarationsReadAsUnknown) {
  const std::pair<std::string, Sector> cases[] = {
      {R"("sector":"commercial")", Sector::kCommercial},
      {R"("sector":"civic")", Sector::kCivic},
      {R"("parvis:sector":"commercial")", Sector::kCommercial},
      {"", Sector::kUnknown},
      {R"("sector":"unknown")", Sector::kUnknown},
      {R"("sector":"COMMERCIAL")", Sector::kUnknown},
      {R"("sector":"ngo")", Sector::kUnknown},
      {R"("sector":1)", Sector::kUnknown},
      {R"("sector":true)", Sector::kUnknown},
      {R"("sector":null)", Sector::kUnknown},
      {R"("sector":["commercial"])", Sector::kUnknown},
      {R"("sector":{"@value":"commercial"})", Sector::kUnknown},
      {R"("sector":")" + std::string(100000, 'c') + "\"", Sector::kUnknown},
  };
  for (const auto& [member, sector] : cases) {
    rapidjson::Document doc = Parse(Actor(member));
    EXPECT_EQ(DeclaredSector(doc), sector) << member.substr(0, 60);
    Result<RemoteActor> actor = ParseRemoteActor(doc);
    ASSERT_TRUE(actor.has_value()) << member.substr(0, 60) << ": " << actor.error().message;
    EXPECT_EQ(actor->sector, sector) << member.substr(0, 60);
  }
  EXPECT_EQ(DeclaredSector(Parse("[1,2]")), Sector::kUnknown);
  EXPECT_EQ(DeclaredSector(Parse(R"("commercial")")), Sector::kUnknown);
}

TEST(Sector, StoredActorKeepsItsDeclaration) {
  for (Sector sector : {Sector::kCivic, Sector::kCommercial, Sector::kUnknown}) {
    Result<RemoteActor> actor = ParseRemoteActor(
        Parse(Actor(sector == Sector::kUnknown ? ""
                                               : std::string(R"("sector":")") + SectorName(sector) + "\"")));
    ASSERT_TRUE(actor.has_value());
    std::string stored = EncodeRemoteActor(*actor);
    Result<RemoteActor> again = DecodeRemoteActor(stored);
    ASSERT_TRUE(again.has_value()) << stored;
    EXPECT_EQ(again->sector, sector) << stored;
  }
}

TEST(Sector, PublishedOnLocalActorsWithItsContextTerm) {
  LocalActor actor{.type = "Organization",
                   .id = "https://parvis.example/users/boutique",
                   .preferred_username = "boutique",
                   .inbox = "https://parvis.example/users/boutique/inbox",
                   .outbox = "https://parvis.example/users/boutique/outbox",
                   .shared_inbox = "https://parvis.example/inbox",
                   .sector = "commercial"};
  rapidjson::Document doc = Parse(ActorDocument(actor));
  EXPECT_EQ(StringMember(doc, "sector"), "commercial");
  // The term is defined inline, as docs/protocol.md shows.
  const rapidjson::Value& context = doc["@context"];
  ASSERT_TRUE(context.IsArray());
  bool defined = false;
  for (const rapidjson::Value& entry : context.GetArray()) {
    if (entry.IsObject() && StringMember(entry, "sector") == "parvis:sector" &&
        StringMember(entry, "parvis") == "https://parvis.org/ns#") {
      defined = true;
    }
  }
  EXPECT_TRUE(defined) << ActorDocument(actor);
  // What we publish, we read back.
  Result<RemoteActor> read = ParseRemoteActor(doc);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->sector, Sector::kCommercial);

  // No sector: no member (the instance actor).
  actor.sector.clear();
  EXPECT_FALSE(Parse(ActorDocument(actor)).HasMember("sector"));
}

TEST(Sector, NodeInfoStatesTheRule) {
  NodeInfo info{.software_version = "1.0"};
  info.sectors.commercial_domains = {"shops.example"};
  rapidjson::Document doc = Parse(NodeInfoDocument(info));
  ASSERT_TRUE(doc.HasMember("metadata") && doc["metadata"].HasMember("sectors"));
  const rapidjson::Value& sectors = doc["metadata"]["sectors"];
  EXPECT_TRUE(sectors["commercialLabelled"].GetBool());
  EXPECT_TRUE(sectors["commercialStream"].GetBool());
  EXPECT_FALSE(sectors["commercialInCivicTimelines"].GetBool());
  EXPECT_TRUE(sectors["labelKeptWhenBoosted"].GetBool());
  EXPECT_TRUE(sectors["moderatorReclassification"].GetBool());
  ASSERT_TRUE(sectors["resolution"].IsArray());
  EXPECT_STREQ(sectors["resolution"][0].GetString(), "moderator");
  EXPECT_STREQ(sectors["resolution"][1].GetString(), "declared");
  EXPECT_STREQ(sectors["commercialDomains"][0].GetString(), "shops.example");
  EXPECT_EQ(sectors["civicDomains"].Size(), 0u);
}

}  // namespace
}  // namespace parvis::protocol
