// Transparent timelines (docs/timelines.md): why each item of a timeline is
// shown, and the orderings a reader may choose, with their formulas.
//
// Chronological (newest first) is the default of every timeline. The civic
// digest orders the most recent kDigestWindow items of the home timeline by
//   score = sum over the terms below of weight * input,
// ties broken chronologically (newer first). The weights live only in
// kDigestTerms: the ranking, the public page /timelines and its JSON all read
// them from there.
//
// Pure code: no storage, no I/O. The pages compute the inputs from the
// node's records (server/pages/timeline_reader.h).
#ifndef PARVIS_SERVER_CIVIC_TIMELINE_ORDERING_H_
#define PARVIS_SERVER_CIVIC_TIMELINE_ORDERING_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parvis::civic {

// Why an item is in a timeline. Each has a stable code, used in the JSON
// ("reason") and as the translation key "why_" + code.
enum class ReasonCode {
  kOwnPost,          // the reader wrote it
  kFollowsAuthor,    // the reader follows its author
  kBoostedBy,        // `actor` boosted it (someone the reader follows)
  kViaGroup,         // group `actor` announced it (a group the reader follows)
  kMentionsYou,      // it mentions the reader or is addressed to them
  kPetitionSigned,   // it is petition `petition`, which the reader signed
  kDelivered,        // it reached the reader's inbox for no other reason listed
  kLocalPublic,      // public, written on this node (local timeline)
  kFederatedPublic,  // public, and it reached this node (federated timeline)
  kCommercial,       // public, by a commercial author (commercial stream)
  kRanked,           // placed by the civic digest, with its inputs and score
};
inline constexpr size_t kReasonCount = 11;
// "own_post", "follows_author", ...
const char* ReasonName(ReasonCode code);
const std::array<ReasonCode, kReasonCount>& AllReasons();

struct Reason {
  ReasonCode code;
  std::string actor;     // kFollowsAuthor, kBoostedBy: an actor; kViaGroup: the group
  std::string petition;  // kPetitionSigned
};

// The orderings of timelines.
enum class Ordering { kChronological, kDigest };
// "chronological", "digest".
const char* OrderingName(Ordering ordering);
std::optional<Ordering> ParseOrdering(std::string_view name);

// The inputs of the civic digest, in the order of kDigestTerms.
enum class DigestInput {
  kFollowsAuthor,          // 1 if the reader follows the author, else 0
  kViaGroup,               // 1 if a group the reader follows announced it, else 0
  kPetitionNearThreshold,  // 1 if it is an open petition with count/threshold in
                           // [kNearThresholdLow, kNearThresholdHigh), else 0
  kSignedPetitionChanged,  // 1 if the reader signed this petition and it was
                           // updated after their signature, else 0
  kAgeHours,               // hours since it was published (0 if in the future)
};
inline constexpr size_t kDigestInputCount = 5;

struct DigestTerm {
  DigestInput input;
  std::string_view name;  // the input's name in the JSON and the formula
  double weight;
};

// The formula's constants, in one place.
inline constexpr std::array<DigestTerm, kDigestInputCount> kDigestTerms = {{
    {DigestInput::kFollowsAuthor, "follows_author", 2.0},
    {DigestInput::kViaGroup, "via_group", 1.5},
    {DigestInput::kPetitionNearThreshold, "petition_near_threshold", 3.0},
    {DigestInput::kSignedPetitionChanged, "signed_petition_changed", 4.0},
    {DigestInput::kAgeHours, "age_hours", -0.1},
}};
// How many of the newest home items the digest ranks.
inline constexpr size_t kDigestWindow = 200;
// A petition is near its threshold when low <= count/threshold < high.
inline constexpr double kNearThresholdLow = 0.66;
inline constexpr double kNearThresholdHigh = 1.0;

struct DigestInputs {
  std::array<double, kDigestInputCount> values{};
  double& operator[](DigestInput input) { return values[static_cast<size_t>(input)]; }
  double operator[](DigestInput input) const { return values[static_cast<size_t>(input)]; }
};

// sum of weight * input over kDigestTerms.
double DigestScore(const DigestInputs& inputs);

// Whether a petition with these numbers counts as near its threshold.
bool NearThreshold(bool open, uint64_t count, uint64_t threshold);

// One item to rank: its place in the timeline (larger is newer) and score.
struct RankedItem {
  uint64_t sequence = 0;
  double score = 0;
};
// Indexes into `items`, best first: higher score first, then newer first.
std::vector<size_t> RankDigest(const std::vector<RankedItem>& items);

// "score = 2·follows_author + 1.5·via_group + ... − 0.1·age_hours", built
// from kDigestTerms.
std::string DigestFormula();
// A weight or an input as the formula and the pages write it: at most
// `decimals` decimals, trailing zeros dropped ("2", "1.5", "0.1").
std::string FormatNumber(double value, int decimals = 4);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_TIMELINE_ORDERING_H_
