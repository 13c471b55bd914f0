// How the node decides an actor's sector (moderator, then the account's kind
// or the remote actor's declaration, then the per-domain policy, then
// unknown), and the reclassification log.
#include "server/civic/sector_service.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "support/temp_dir.h"

namespace parvis::civic {
namespace {

using ::testing::HasSubstr;
using storage::Family;

constexpr char kBase[] = "https://parvis.example";

class SectorServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    config_.base_url = kBase;
    config_.host = "parvis.example";
    config_.commercial_domains = {"shops.example", "market.civic.example"};
    config_.civic_domains = {"civic.example", "shops.example"};
    accounts_ = std::make_unique<accounts::AccountService>(*store_, [this] { return now_; });
    sectors_ = std::make_unique<SectorService>(*store_, config_, *accounts_, [this] { return now_; });
  }

  void CreateAccount(const std::string& name, accounts::AccountKind kind) {
    ASSERT_TRUE(accounts_->Create({.name = name, .kind = kind, .password = "password123"}).has_value());
  }

  // Stores a remote actor as the actor directory would, from its document.
  void StoreRemote(const std::string& id, const std::string& extra = "") {
    Result<rapidjson::Document> doc = protocol::ParseJson(
        R"({"id":")" + id + R"(","type":"Person","inbox":")" + id + R"(/inbox")" + extra + "}", {});
    ASSERT_TRUE(doc.has_value());
    Result<protocol::RemoteActor> actor = protocol::ParseRemoteActor(*doc);
    ASSERT_TRUE(actor.has_value()) << actor.error().message;
    storage::Batch batch;
    batch.Put(Family::kRemoteActors, id, protocol::EncodeRemoteActor(*actor));
    ASSERT_TRUE(store_->Write(batch).has_value());
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  Config config_;
  int64_t now_ = 1'700'000'000;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<SectorService> sectors_;
};

TEST_F(SectorServiceTest, LocalAccountsTakeTheirKindsSector) {
  const std::pair<accounts::AccountKind, Sector> cases[] = {
      {accounts::AccountKind::kPerson, Sector::kCivic},
      {accounts::AccountKind::kOrganization, Sector::kCivic},
      {accounts::AccountKind::kGroup, Sector::kCivic},
      {accounts::AccountKind::kPublicBody, Sector::kCivic},
      {accounts::AccountKind::kCommercial, Sector::kCommercial},
  };
  int n = 0;
  for (const auto& [kind, sector] : cases) {
    std::string name = "account" + std::to_string(n++);
    CreateAccount(name, kind);
    SectorDecision decision = sectors_->Resolve(std::string(kBase) + "/users/" + name);
    EXPECT_EQ(decision.sector, sector) << accounts::AccountKindName(kind);
    EXPECT_EQ(decision.source, SectorSource::kAccountKind);
    EXPECT_EQ(SectorOfKind(kind), sector);
  }
  // A local URL with no account behind it is unknown, not an error.
  EXPECT_EQ(sectors_->Of(std::string(kBase) + "/users/nobody"), Sector::kUnknown);
}

TEST_F(SectorServiceTest, RemoteActorsDeclaredThenDomainPolicyThenUnknown) {
  StoreRemote("https://shops.example/u/declared_civic", R"(,"sector":"civic")");
  StoreRemote("https://elsewhere.example/u/declared_commercial", R"(,"sector":"commercial")");
  StoreRemote("https://shops.example/u/silent");
  StoreRemote("https://elsewhere.example/u/garbage", R"(,"sector":{"evil":true})");
  const struct {
    std::string actor;
    Sector sector;
    SectorSource source;
  } cases[] = {
      // The declaration wins over the domain policy.
      {"https://shops.example/u/declared_civic", Sector::kCivic, SectorSource::kDeclared},
      {"https://elsewhere.example/u/declared_commercial", Sector::kCommercial, SectorSource::kDeclared},
      // Listed both ways: commercial on a tie.
      {"https://shops.example/u/silent", Sector::kCommercial, SectorSource::kDomainPolicy},
      // Subdomains follow their domain, the most specific listing wins.
      {"https://social.civic.example/u/x", Sector::kCivic, SectorSource::kDomainPolicy},
      {"https://market.civic.example/u/x", Sector::kCommercial, SectorSource::kDomainPolicy},
      {"https://a.market.civic.example/u/x", Sector::kCommercial, SectorSource::kDomainPolicy},
      // A suffix that is not a subdomain does not count.
      {"https://notcivic.example/u/x", Sector::kUnknown, SectorSource::kNone},
      // A declaration that is not one of the words is no declaration.
      {"https://elsewhere.example/u/garbage", Sector::kUnknown, SectorSource::kNone},
      {"https://elsewhere.example/u/never_seen", Sector::kUnknown, SectorSource::kNone},
      {"not a url", Sector::kUnknown, SectorSource::kNone},
  };
  for (const auto& c : cases) {
    SectorDecision decision = sectors_->Resolve(c.actor);
    EXPECT_EQ(decision.sector, c.sector) << c.actor;
    EXPECT_EQ(decision.source, c.source) << c.actor;
  }
}

TEST_F(SectorServiceTest, ModeratorWinsAndEveryChangeIsLogged) {
  CreateAccount("boutique", accounts::AccountKind::kCommercial);
  StoreRemote("https://elsewhere.example/u/ngo", R"(,"sector":"civic")");

  Result<SectorChange> first =
      sectors_->Reclassify("https://elsewhere.example/u/ngo", Sector::kCommercial, "camille",
                           "sells memberships as products");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->old_sector, Sector::kCivic);
  EXPECT_EQ(first->new_sector, Sector::kCommercial);
  SectorDecision decision = sectors_->Resolve("https://elsewhere.example/u/ngo");
  EXPECT_EQ(decision.sector, Sector::kCommercial);
  EXPECT_EQ(decision.source, SectorSource::kModerator);

  now_ += 60;
  // A local account, by its name in any case form.
  Result<SectorChange> second = sectors_->Reclassify("@Boutique", Sector::kCivic, "dominique",
                                                     "a cooperative, not a business");
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->actor, std::string(kBase) + "/users/boutique");
  EXPECT_EQ(second->old_sector, Sector::kCommercial);
  EXPECT_EQ(sectors_->Of(std::string(kBase) + "/users/boutique"), Sector::kCivic);
  Result<std::optional<accounts::Account>> boutique = accounts_->FindByName("boutique");
  ASSERT_TRUE(boutique.has_value() && boutique->has_value());
  EXPECT_EQ(sectors_->ForAccount(**boutique).source, SectorSource::kModerator);

  Result<std::vector<SectorChange>> log = sectors_->Log(10);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].moderator, "dominique");
  EXPECT_EQ((*log)[0].at, 1'700'000'060);
  EXPECT_EQ((*log)[0].reason, "a cooperative, not a business");
  EXPECT_EQ((*log)[1].actor, "https://elsewhere.example/u/ngo");
  EXPECT_EQ((*log)[1].old_sector, Sector::kCivic);
  EXPECT_EQ((*log)[1].new_sector, Sector::kCommercial);
  EXPECT_EQ(sectors_->Log(1)->size(), 1u);
}

TEST_F(SectorServiceTest, RefusesBadReclassificationsWithReasons) {
  CreateAccount("camille", accounts::AccountKind::kPerson);
  const struct {
    std::string target;
    Sector sector;
    std::string reason;
    ErrorCode code;
    std::string says;
  } cases[] = {
      {"camille", Sector::kUnknown, "why", ErrorCode::kInvalidArgument, "civic or commercial"},
      {"camille", Sector::kCommercial, "", ErrorCode::kInvalidArgument, "reason"},
      {"camille", Sector::kCommercial, std::string(501, 'x'), ErrorCode::kInvalidArgument, "reason"},
      {"camille", Sector::kCommercial, "bad\x01", ErrorCode::kInvalidArgument, "control"},
      {"nobody", Sector::kCommercial, "why", ErrorCode::kNotFound, "nobody"},
      {"bad name!", Sector::kCommercial, "why", ErrorCode::kInvalidArgument, "actor id"},
      {"@someone@elsewhere.example", Sector::kCommercial, "why", ErrorCode::kInvalidArgument, "actor id"},
      {"https://elsewhere.example/u/unknown", Sector::kCommercial, "why", ErrorCode::kNotFound,
       "no actor known"},
  };
  for (const auto& c : cases) {
    Result<SectorChange> change = sectors_->Reclassify(c.target, c.sector, "camille", c.reason);
    ASSERT_FALSE(change.has_value()) << c.target;
    EXPECT_EQ(change.error().code, c.code) << c.target;
    EXPECT_THAT(change.error().message, HasSubstr(c.says)) << c.target;
  }
  EXPECT_TRUE(sectors_->Log(10)->empty());
  // 500 accented characters are 1000 bytes, and fine.
  std::string accented;
  for (int i = 0; i < 500; ++i) accented += "é";
  EXPECT_TRUE(sectors_->Reclassify("camille", Sector::kCommercial, "camille", accented).has_value());
}

TEST_F(SectorServiceTest, NewlyCommercialActorsJoinTheCommercialStream) {
  StoreRemote("https://elsewhere.example/u/shop");
  // Two objects kept here, one public, one followers-only.
  storage::Batch batch;
  const std::pair<std::string, std::string> objects[] = {
      {"https://elsewhere.example/n/1",
       R"({"local":false,"author":"https://elsewhere.example/u/shop","deleted":0,"object":{"id":"https://elsewhere.example/n/1","type":"Note","attributedTo":"https://elsewhere.example/u/shop","to":["https://www.w3.org/ns/activitystreams#Public"]}})"},
      {"https://elsewhere.example/n/2",
       R"({"local":false,"author":"https://elsewhere.example/u/shop","deleted":0,"object":{"id":"https://elsewhere.example/n/2","type":"Note","attributedTo":"https://elsewhere.example/u/shop","to":["https://elsewhere.example/u/shop/followers"]}})"},
  };
  uint64_t sequence = 0;
  for (const auto& [id, record] : objects) {
    batch.Put(Family::kObjects, id, record);
    batch.Put(Family::kByAuthor, "https://elsewhere.example/u/shop\n" + storage::EncodeUint64(++sequence), id);
  }
  ASSERT_TRUE(store_->Write(batch).has_value());

  ASSERT_TRUE(sectors_->Reclassify("https://elsewhere.example/u/shop", Sector::kCommercial, "camille",
                                   "adverts only").has_value());
  std::vector<std::string> stream;
  ASSERT_TRUE(store_->Scan(Family::kPublicFeed, "commercial/", [&](std::string_view, std::string_view id) {
    stream.emplace_back(id);
    return true;
  }).has_value());
  EXPECT_THAT(stream, ::testing::ElementsAre("https://elsewhere.example/n/1"));

  // A new public object of a commercial author is listed; a civic one's not.
  storage::Batch more;
  ASSERT_TRUE(sectors_->NotePublicObject(more, "https://elsewhere.example/n/3",
                                         "https://elsewhere.example/u/shop").has_value());
  ASSERT_TRUE(sectors_->NotePublicObject(more, "https://civic.example/n/4",
                                         "https://civic.example/u/asso").has_value());
  EXPECT_EQ(more.size(), 1u);
}

}  // namespace
}  // namespace parvis::civic
