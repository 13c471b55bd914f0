// Flags and moderation decisions between servers (protocol/moderation.h):
// Mastodon's Flag from the fixtures, Parvis's own round trip, and malformed
// input refused by name.
#include "parvis/protocol/moderation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_files.h"
#include "parvis/protocol/json.h"

namespace parvis::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

rapidjson::Document Parse(const std::string& text) {
  Result<rapidjson::Document> doc = ParseJson(text, {});
  EXPECT_TRUE(doc) << text;
  return doc ? std::move(*doc) : rapidjson::Document();
}

TEST(ModerationProtocolTest, ReadsMastodonsFlag) {
  rapidjson::Document activity = testing::LoadFixtureJson("activities/mastodon-flag.json");
  Result<FlagDocument> flag = ParseFlag(activity);
  ASSERT_TRUE(flag) << flag.error().message;
  EXPECT_EQ(flag->actor, "https://mastodon.example/actor");
  EXPECT_THAT(flag->objects, ElementsAre("https://parvis.example/users/promo_bot",
                                         "https://parvis.example/users/promo_bot/notes/01JPBB7X8Y9Z0A1B2C3D4E5F6G"));
  EXPECT_EQ(flag->content, "Spam répété sous le mot-clé #quartier");
  EXPECT_EQ(flag->category, std::nullopt);
}

TEST(ModerationProtocolTest, FlagsAndDecisionsRoundTrip) {
  FlagDocument flag{.id = "https://a.example/flags/1",
                    .actor = "https://a.example/actor",
                    .objects = {"https://b.example/users/bob", "https://b.example/users/bob/statuses/1"},
                    .content = "comment",
                    .category = ReportCategory::kDisinformation};
  rapidjson::Document sent = Parse(FlagActivity(flag, "https://b.example/users/bob"));
  Result<FlagDocument> back = ParseFlag(sent);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->objects, flag.objects);
  EXPECT_EQ(back->category, ReportCategory::kDisinformation);
  for (ModerationAction action : {ModerationAction::kDismiss, ModerationAction::kRemoveObject,
                                  ModerationAction::kSuspendAccount}) {
    ModerationDecision decision{.id = "https://b.example/decisions/1",
                                .actor = "https://b.example/actor",
                                .flag_id = flag.id,
                                .action = action,
                                .reason = "why",
                                .decided = 1790000000};
    std::string text = DecisionActivity(decision, flag.actor);
    EXPECT_THAT(text, HasSubstr(action == ModerationAction::kDismiss ? "\"type\":\"Reject\"" : "\"type\":\"Accept\""));
    rapidjson::Document doc = Parse(text);
    Result<std::optional<ModerationDecision>> read = ParseDecision(doc);
    ASSERT_TRUE(read && read->has_value());
    EXPECT_EQ((*read)->action, action);
    EXPECT_EQ((*read)->flag_id, flag.id);
    EXPECT_EQ((*read)->decided, 1790000000);
  }
  for (ReportCategory category : kAllReportCategories) {
    EXPECT_EQ(ParseReportCategory(ReportCategoryName(category)), category);
  }
}

TEST(ModerationProtocolTest, RefusesMalformedFlagsAndDecisions) {
  std::string many;
  for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + "\"https://b.example/" + std::to_string(i) + "\"";
  for (const std::string& bad : std::vector<std::string>{
           R"({"type":"Flag","actor":"https://a.example/actor","object":"https://b.example/u"})",
           R"({"id":"https://a.example/f","type":"Flag","object":"https://b.example/u"})",
           R"({"id":"https://a.example/f","type":"Flag","actor":"https://a.example/actor"})",
           R"({"id":"https://a.example/f","type":"Flag","actor":"https://a.example/actor","object":["javascript:x",3]})",
           R"({"id":"https://a.example/f","type":"Flag","actor":"https://a.example/actor","object":[)" + many + "]}",
           R"({"id":"https://a.example/f","type":"Like","actor":"https://a.example/actor","object":"https://b.example/u"})",
       }) {
    EXPECT_FALSE(ParseFlag(Parse(bad))) << bad;
  }
  // A long comment is cut, markup removed.
  rapidjson::Document long_comment = Parse(R"({"id":"https://a.example/f","type":"Flag","actor":"https://a.example/actor",)"
                                           R"("object":"https://b.example/u","content":"<p>)" +
                                           std::string(3000, 'x') + R"(</p>"})");
  Result<FlagDocument> cut = ParseFlag(long_comment);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->content.size(), kMaxReportComment);
  // Not a decision at all, and malformed ones.
  EXPECT_EQ(*ParseDecision(Parse(R"({"type":"Accept","object":"x"})")), std::nullopt);
  for (const char* bad : {
           R"({"id":"https://b/d","type":"Accept","actor":"https://b/actor","object":"https://a/f","moderationDecision":{"moderationAction":"dismiss","decided":"2026-01-01T00:00:00Z"}})",
           R"({"id":"https://b/d","type":"Reject","actor":"https://b/actor","object":"https://a/f","moderationDecision":{"moderationAction":"remove-object","decided":"2026-01-01T00:00:00Z"}})",
           R"({"id":"https://b/d","type":"Accept","actor":"https://b/actor","object":"https://a/f","moderationDecision":{"moderationAction":"nuke","decided":"2026-01-01T00:00:00Z"}})",
           R"({"id":"https://b/d","type":"Accept","actor":"https://b/actor","object":"https://a/f","moderationDecision":{"moderationAction":"remove-object","decided":"yesterday"}})",
           R"({"type":"Accept","actor":"https://b/actor","object":"https://a/f","moderationDecision":{}})",
           R"({"id":"https://b/d","type":"Accept","actor":"https://b/actor","object":"https://a/f","moderationDecision":"x"})",
       }) {
    EXPECT_FALSE(ParseDecision(Parse(bad))) << bad;
  }
}

}  // namespace
}  // namespace parvis::protocol
