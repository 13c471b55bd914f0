// The civic digest's formula (civic/timeline_ordering.h), table-driven:
// scores, the near-threshold window, ranking with ties, and the formula as
// published.
#include "server/civic/timeline_ordering.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <tuple>

namespace parvis::civic {
namespace {

DigestInputs Inputs(double follows, double group, double near, double changed, double age) {
  DigestInputs inputs;
  inputs[DigestInput::kFollowsAuthor] = follows;
  inputs[DigestInput::kViaGroup] = group;
  inputs[DigestInput::kPetitionNearThreshold] = near;
  inputs[DigestInput::kSignedPetitionChanged] = changed;
  inputs[DigestInput::kAgeHours] = age;
  return inputs;
}

TEST(TimelineOrderingTest, ScoreIsTheWeightedSumOfTheInputs) {
  struct Case {
    const char* what;
    DigestInputs inputs;
    double score;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"nothing, just published", Inputs(0, 0, 0, 0, 0), 0},
           {"followed author", Inputs(1, 0, 0, 0, 0), 2},
           {"via a followed group", Inputs(0, 1, 0, 0, 0), 1.5},
           {"petition near its threshold", Inputs(0, 0, 1, 0, 0), 3},
           {"signed petition changed", Inputs(0, 0, 0, 1, 0), 4},
           {"ten hours old", Inputs(0, 0, 0, 0, 10), -1},
           {"followed, one hour old", Inputs(1, 0, 0, 0, 1), 1.9},
           {"everything, a day old", Inputs(1, 1, 1, 1, 24), 2 + 1.5 + 3 + 4 - 2.4},
       }) {
    EXPECT_NEAR(DigestScore(c.inputs), c.score, 1e-9) << c.what;
  }
}

TEST(TimelineOrderingTest, NearThresholdIsTwoThirdsUpToTheThresholdWhileOpen) {
  struct Case {
    bool open;
    uint64_t count, threshold;
    bool near;
  };
  for (const Case& c : std::initializer_list<Case>{
           {true, 0, 10, false},
           {true, 65, 100, false},
           {true, 66, 100, true},
           {true, 2, 3, true},  // 0.667
           {true, 99, 100, true},
           {true, 100, 100, false},  // reached: successful, no longer "near"
           {true, 150, 100, false},
           {false, 80, 100, false},  // closed
           {true, 5, 0, false},      // no threshold
       }) {
    EXPECT_EQ(NearThreshold(c.open, c.count, c.threshold), c.near)
        << c.open << " " << c.count << "/" << c.threshold;
  }
}

TEST(TimelineOrderingTest, RankingIsByScoreThenNewerFirst) {
  struct Case {
    const char* what;
    std::vector<RankedItem> items;
    std::vector<size_t> order;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"empty", {}, {}},
           {"by score", {{1, 0.5}, {2, 2.0}, {3, 1.0}}, {1, 2, 0}},
           {"ties: newer first", {{5, 1.0}, {9, 1.0}, {7, 1.0}}, {1, 2, 0}},
           {"negative scores", {{1, -3.0}, {2, -0.5}, {3, -0.5}}, {2, 1, 0}},
       }) {
    EXPECT_EQ(RankDigest(c.items), c.order) << c.what;
  }
}

TEST(TimelineOrderingTest, TheFormulaIsWrittenFromTheConstants) {
  EXPECT_EQ(DigestFormula(),
            "score = 2·follows_author + 1.5·via_group + 3·petition_near_threshold + "
            "4·signed_petition_changed − 0.1·age_hours");
  for (const DigestTerm& term : kDigestTerms) {
    EXPECT_NE(DigestFormula().find(std::string(term.name)), std::string::npos) << term.name;
  }
  // Each term sits at the index of its input.
  for (size_t i = 0; i < kDigestTerms.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(kDigestTerms[i].input), i);
  }
}

TEST(TimelineOrderingTest, NamesAndNumbers) {
  for (auto [value, decimals, text] : std::initializer_list<std::tuple<double, int, const char*>>{
           {2.0, 4, "2"}, {1.5, 4, "1.5"}, {-0.1, 4, "-0.1"}, {0.66, 4, "0.66"},
           {1.23456, 2, "1.23"}, {-0.0001, 2, "0"}, {NAN, 2, "0"}}) {
    EXPECT_EQ(FormatNumber(value, decimals), text) << value;
  }
  EXPECT_EQ(ParseOrdering("digest"), Ordering::kDigest);
  EXPECT_EQ(ParseOrdering("chronological"), Ordering::kChronological);
  EXPECT_EQ(ParseOrdering("score"), std::nullopt);
  std::set<std::string> names;
  for (ReasonCode code : AllReasons()) names.insert(ReasonName(code));
  EXPECT_EQ(names.size(), kReasonCount);
}

}  // namespace
}  // namespace parvis::civic
