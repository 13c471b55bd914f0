// The data policy is one table (parvis/data_policy.h): the about page and
// /.well-known/data-policy publish every row in French and English, and the
// retention job deletes what the table says goes, when it says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "parvis/data_policy.h"
#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/accounts/session_store.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/federation_retention.h"
#include "server/pages/translations.h"
#include "support/raw_http.h"
#include "support/temp_dir.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

TEST(DataPolicyTest, EveryRowIsExplainedInBothLanguages) {
  std::set<std::string_view> ids;
  for (const DataRecordKind& row : kDataPolicy) {
    EXPECT_TRUE(ids.insert(row.id).second) << row.id << " twice";
    const bool timed = row.keep == Keep::kFor || row.keep == Keep::kUntilDelivered;
    EXPECT_EQ(timed, row.seconds > 0) << row.id;
    EXPECT_EQ(row.keep == Keep::kNever, row.family.empty()) << row.id;
    for (std::string_view locale : {"en", "fr"}) {
      std::vector<std::string> parts = {"what", "why", "who"};
      if (timed) parts.push_back("from");
      for (const std::string& part : parts) {
        std::string key = "data_" + std::string(row.id) + "_" + part;
        EXPECT_NE(pages::Translate(locale, key), key) << locale << " lacks " << key;
      }
    }
  }
  // The code's durations are the table's.
  EXPECT_EQ(accounts::kSessionMaxAgeSeconds, RetentionSeconds("sessions"));
}

// `text` as the page's templates write it (apostrophes escaped).
std::string AsHtml(std::string text) {
  for (size_t at = text.find('\''); at != std::string::npos; at = text.find('\'', at + 6)) text.replace(at, 1, "&apos;");
  return text;
}

TEST(DataPolicyTest, TheAboutPageAndTheJsonPublishTheTable) {
  TestNode node;
  std::string about = node.Get("/about?lang=en");
  ASSERT_EQ(StatusOf(about), 200);
  std::string french = node.Get("/about?lang=fr");
  for (const DataRecordKind& row : kDataPolicy) {
    EXPECT_THAT(about, HasSubstr("id=\"data-" + std::string(row.id) + "\""));
    const std::string what = AsHtml(pages::Translate("en", "data_" + std::string(row.id) + "_what"));
    const std::string why = AsHtml(pages::Translate("fr", "data_" + std::string(row.id) + "_why"));
    EXPECT_NE(BodyOf(about).find(what), std::string::npos) << row.id;
    EXPECT_NE(BodyOf(french).find(why), std::string::npos) << row.id;
  }
  EXPECT_THAT(BodyOf(about), HasSubstr("30 days after receipt"));
  EXPECT_THAT(BodyOf(french), HasSubstr("30 jours après la réception"));

  std::string json = node.Get("/.well-known/data-policy");
  ASSERT_EQ(StatusOf(json), 200) << json;
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(json), {});
  ASSERT_TRUE(doc && doc->IsObject());
  const rapidjson::Value& records = (*doc)["records"];
  ASSERT_EQ(records.Size(), std::size(kDataPolicy));
  for (rapidjson::SizeType i = 0; i < records.Size(); ++i) {
    const DataRecordKind& row = kDataPolicy[i];
    EXPECT_EQ(std::string(records[i]["id"].GetString()), row.id);
    EXPECT_EQ(std::string(records[i]["keep"].GetString()), KeepName(row.keep));
    if (row.seconds > 0) {
      EXPECT_EQ(records[i]["seconds"].GetInt64(), row.seconds) << row.id;
    } else {
      EXPECT_FALSE(records[i].HasMember("seconds")) << row.id;
    }
  }
  EXPECT_THAT(BodyOf(node.Get("/.well-known/data-policy?lang=fr")), HasSubstr("Les adresses IP."));
}

TEST(DataPolicyTest, TheRetentionJobDeletesWhatIsDueAndKeepsTheRest) {
  testing::TempDir dir;
  Result<std::unique_ptr<storage::Store>> opened = storage::Store::Open({.path = dir.Sub("db")});
  ASSERT_TRUE(opened.has_value());
  storage::Store& store = **opened;
  const int64_t now = 100 * kDay;
  const int64_t month = 30 * kDay;
  storage::Batch batch;
  for (auto [id, at] : {std::pair{"https://x.example/old", now - month - 1}, std::pair{"https://x.example/new", now - month + 60}}) {
    batch.Put(storage::Family::kActivities, id, R"({"receivedAt":)" + std::to_string(at) + R"(,"activity":{}})");
  }
  for (auto [seq, at] : {std::pair{"1", now - month - 1}, std::pair{"2", now - 60}}) {
    batch.Put(storage::Family::kQueues, std::string(federation::kFailedDeliveries) + seq,
              R"({"sender":1,"inbox":"https://x.example/inbox","body":"{}","attempts":14,"created":)" +
                  std::to_string(at) + R"(,"lastError":"gone"})");
  }
  batch.Put(storage::Family::kQueues, "delivery/waiting", R"({"created":0})");
  ASSERT_TRUE(store.Write(batch).has_value());

  EXPECT_EQ(*federation::PruneReceivedActivities(store, now), 1u);
  EXPECT_FALSE(store.Get(storage::Family::kActivities, "https://x.example/old")->has_value());
  EXPECT_TRUE(store.Get(storage::Family::kActivities, "https://x.example/new")->has_value());
  EXPECT_EQ(*federation::PruneFailedDeliveries(store, now), 1u);
  EXPECT_FALSE(store.Get(storage::Family::kQueues, std::string(federation::kFailedDeliveries) + "1")->has_value());
  EXPECT_TRUE(store.Get(storage::Family::kQueues, std::string(federation::kFailedDeliveries) + "2")->has_value());
  EXPECT_TRUE(store.Get(storage::Family::kQueues, "delivery/waiting")->has_value());

  // Sessions: one idle too long, one too old in all, one live.
  accounts::SessionStore sessions(store);
  Result<std::string> idle = sessions.Start(7, now - accounts::kSessionIdleSeconds - 10);
  Result<std::string> old = sessions.Start(7, now - accounts::kSessionMaxAgeSeconds - 10);
  Result<std::string> live = sessions.Start(7, now - 60);
  ASSERT_TRUE(idle && old && live);
  EXPECT_EQ(*sessions.PruneExpired(now), 2u);
  EXPECT_TRUE(sessions.Find(*live, now)->has_value());
  size_t left = 0;
  ASSERT_TRUE(store.Scan(storage::Family::kSessions, "", [&](std::string_view, std::string_view) {
    ++left;
    return true;
  }).has_value());
  EXPECT_EQ(left, 2u);  // the live session's two records
}

}  // namespace
}  // namespace parvis
