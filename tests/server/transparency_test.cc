// The transparency report's figures against values counted by hand, from
// reports written with known times into a real store.
#include "server/moderation/transparency.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_node.h"

namespace parvis::moderation {
namespace {

using protocol::ModerationAction;
using protocol::ReportCategory;

TEST(TransparencyTest, CountsAndDelaysAsComputedByHand) {
  testing::TestNode node;
  ReportStore store(node.node().store());
  const int64_t t0 = 1'790'000'000;
  struct Made {
    ReportCategory category;
    ReportOrigin origin;
    int64_t created;
    std::optional<std::pair<ModerationAction, int64_t>> decided;  // action, delay
    bool forwarded = false;
    bool answered = false;
  } made[] = {
      {ReportCategory::kSpam, ReportOrigin::kLocal, t0, std::pair{ModerationAction::kRemoveObject, 60}, true, true},
      {ReportCategory::kSpam, ReportOrigin::kRemote, t0 + 1000, std::pair{ModerationAction::kDismiss, 120}},
      {ReportCategory::kHate, ReportOrigin::kRemote, t0 + 2000, std::pair{ModerationAction::kRemoveObject, 600}},
      {ReportCategory::kHarassment, ReportOrigin::kLocal, t0 + 3000, std::pair{ModerationAction::kDismiss, 3600}, true},
      {ReportCategory::kOther, ReportOrigin::kLocal, t0 + 4000, std::nullopt},
      // Outside the period: before it, and after it.
      {ReportCategory::kSpam, ReportOrigin::kLocal, t0 - 10, std::nullopt},
      {ReportCategory::kSpam, ReportOrigin::kLocal, t0 + 100000, std::nullopt},
  };
  storage::Batch batch;
  for (const Made& m : made) {
    Result<uint64_t> id = store.NextId();
    ASSERT_TRUE(id);
    Report report{.id = *id, .origin = m.origin, .category = m.category, .created = m.created};
    if (m.decided) report.decision = Decision{.action = m.decided->first, .decided = m.created + m.decided->second};
    if (m.forwarded) report.flag_out = "https://x.example/flags/" + std::to_string(*id);
    if (m.answered) report.outcome = Decision{.action = ModerationAction::kRemoveObject, .decided = m.created + 5};
    store.Put(batch, report);
  }
  ASSERT_TRUE(node.node().store().Write(batch));

  Result<TransparencyReport> report = BuildTransparencyReport(store, t0, t0 + 50000);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->received_total, 5u);
  EXPECT_EQ(report->received[ReportCategory::kSpam][0], 1u);
  EXPECT_EQ(report->received[ReportCategory::kSpam][1], 1u);
  EXPECT_EQ(report->received[ReportCategory::kHate][1], 1u);
  EXPECT_EQ(report->received[ReportCategory::kOther][0], 1u);
  EXPECT_EQ(report->forwarded, 2u);
  EXPECT_EQ(report->outcomes_received, 1u);
  EXPECT_EQ(report->decided, 4u);
  EXPECT_EQ(report->actions[ModerationAction::kRemoveObject], 2u);
  EXPECT_EQ(report->actions[ModerationAction::kDismiss], 2u);
  // Delays 60, 120, 600, 3600: nearest rank, the 2nd for the median, the 4th for the 90th.
  EXPECT_EQ(report->median_seconds, 120);
  EXPECT_EQ(report->p90_seconds, 3600);
  // The one before the period is still open at its end, and so is the undecided one.
  EXPECT_EQ(report->open_at_end, 2u);

  // A period that ends before the last decision: it is not counted, and its report is open then.
  Result<TransparencyReport> early = BuildTransparencyReport(store, t0, t0 + 3000);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->received_total, 3u);
  EXPECT_EQ(early->decided, 3u);
  EXPECT_EQ(early->median_seconds, 120);
  EXPECT_EQ(early->p90_seconds, 600);
  EXPECT_EQ(early->open_at_end, 1u);
  EXPECT_THAT(TransparencyJson(*early), ::testing::HasSubstr(R"("medianSecondsToDecision":120,"p90SecondsToDecision":600)"));
}

}  // namespace
}  // namespace parvis::moderation
