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

// Appeals and server blocks: filed, answered and open as counted by hand;
// a block lifted by an appeal is no longer in force after it.
TEST(TransparencyTest, AppealsAndServerBlocksAsComputedByHand) {
  testing::TestNode node;
  ReportStore store(node.node().store());
  const int64_t t0 = 1'790'000'000;
  auto decided = [&](ModerationAction action, int64_t at) { return Decision{.action = action, .decided = at}; };
  std::vector<Report> reports(5);
  // 1: a block, appealed in the period and granted in it: lifted.
  reports[0].decision = decided(ModerationAction::kBlockDomain, t0 + 10);
  reports[0].appeal = Appeal{.text = "a", .filed = t0 + 20, .upheld = false, .decided = t0 + 30};
  // 2: a block kept: in force.
  reports[1].decision = decided(ModerationAction::kBlockDomain, t0 + 40);
  // 3: a suspension appealed in the period, rejected after it: open at its end.
  reports[2].decision = decided(ModerationAction::kSuspendAccount, t0 + 50);
  reports[2].appeal = Appeal{.text = "b", .filed = t0 + 60, .upheld = true, .decided = t0 + 99999};
  // 4: a limit appealed and rejected in the period.
  reports[3].decision = decided(ModerationAction::kLimitAccount, t0 + 70);
  reports[3].appeal = Appeal{.text = "c", .filed = t0 + 80, .upheld = true, .decided = t0 + 90};
  // 5: a block decided after the period: not in force in it.
  reports[4].decision = decided(ModerationAction::kBlockDomain, t0 + 99999);
  storage::Batch batch;
  for (Report& report : reports) {
    Result<uint64_t> id = store.NextId();
    ASSERT_TRUE(id);
    report.id = *id;
    report.created = t0;
    store.Put(batch, report);
  }
  ASSERT_TRUE(node.node().store().Write(batch));
  Result<TransparencyReport> report = BuildTransparencyReport(store, t0, t0 + 1000);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->appeals_filed, 3u);
  EXPECT_EQ(report->appeals_granted, 1u);
  EXPECT_EQ(report->appeals_rejected, 1u);
  EXPECT_EQ(report->appeals_open_at_end, 1u);
  EXPECT_EQ(report->domain_blocks_in_force, 1u);
  // Before the appeal was granted (and before the second block), the first block was in force.
  Result<TransparencyReport> early = BuildTransparencyReport(store, t0, t0 + 25);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->domain_blocks_in_force, 1u);
  EXPECT_EQ(early->appeals_filed, 1u);
  EXPECT_EQ(early->appeals_open_at_end, 1u);
  std::string json = TransparencyJson(*report, {{"orderings", R"({"x":1})"}});
  EXPECT_THAT(json, ::testing::HasSubstr(R"("appeals":{"filed":3,"granted":1,"rejected":1,"openAtEnd":1})"));
  EXPECT_THAT(json, ::testing::HasSubstr(R"("domainBlocksInForce":1)"));
  EXPECT_THAT(json, ::testing::HasSubstr(R"("orderings":{"x":1})"));
}

}  // namespace
}  // namespace parvis::moderation
