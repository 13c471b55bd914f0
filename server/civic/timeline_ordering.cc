#include "server/civic/timeline_ordering.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace parvis::civic {

const char* ReasonName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kOwnPost: return "own_post";
    case ReasonCode::kFollowsAuthor: return "follows_author";
    case ReasonCode::kBoostedBy: return "boosted_by";
    case ReasonCode::kViaGroup: return "via_group";
    case ReasonCode::kMentionsYou: return "mentions_you";
    case ReasonCode::kPetitionSigned: return "petition_signed";
    case ReasonCode::kDelivered: return "delivered";
    case ReasonCode::kLocalPublic: return "local_public";
    case ReasonCode::kFederatedPublic: return "federated_public";
    case ReasonCode::kCommercial: return "commercial";
    case ReasonCode::kRanked: return "ranked";
  }
  return "delivered";
}

const std::array<ReasonCode, kReasonCount>& AllReasons() {
  static const std::array<ReasonCode, kReasonCount> kAll = {
      ReasonCode::kOwnPost,     ReasonCode::kFollowsAuthor,   ReasonCode::kBoostedBy,
      ReasonCode::kViaGroup,    ReasonCode::kMentionsYou,     ReasonCode::kPetitionSigned,
      ReasonCode::kDelivered,   ReasonCode::kLocalPublic,     ReasonCode::kFederatedPublic,
      ReasonCode::kCommercial,  ReasonCode::kRanked,
  };
  return kAll;
}

const char* OrderingName(Ordering ordering) {
  return ordering == Ordering::kDigest ? "digest" : "chronological";
}

std::optional<Ordering> ParseOrdering(std::string_view name) {
  if (name == "chronological") return Ordering::kChronological;
  if (name == "digest") return Ordering::kDigest;
  return std::nullopt;
}

double DigestScore(const DigestInputs& inputs) {
  double score = 0;
  for (const DigestTerm& term : kDigestTerms) score += term.weight * inputs[term.input];
  return score;
}

bool NearThreshold(bool open, uint64_t count, uint64_t threshold) {
  if (!open || threshold == 0) return false;
  double ratio = static_cast<double>(count) / static_cast<double>(threshold);
  return ratio >= kNearThresholdLow && ratio < kNearThresholdHigh;
}

std::vector<size_t> RankDigest(const std::vector<RankedItem>& items) {
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (items[a].score != items[b].score) return items[a].score > items[b].score;
    return items[a].sequence > items[b].sequence;
  });
  return order;
}

std::string FormatNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string DigestFormula() {
  std::string formula = "score =";
  bool first = true;
  for (const DigestTerm& term : kDigestTerms) {
    bool negative = term.weight < 0;
    if (first) {
      formula += negative ? " −" : " ";
    } else {
      formula += negative ? " − " : " + ";
    }
    formula += FormatNumber(std::abs(term.weight)) + "·" + std::string(term.name);
    first = false;
  }
  return formula;
}

}  // namespace parvis::civic
