// Amplification signals ("artificial virality" signage, docs/signals.md):
// the pure computation, no storage. Given what this node recorded of an
// object's amplifiers (likes, boosts, petition signatures), their accounts
// and their other amplifications, it says which signals fire and with what
// numbers. signal_recorder.h gathers the inputs from storage.
#ifndef PARVIS_SERVER_SIGNALS_AMPLIFICATION_H_
#define PARVIS_SERVER_SIGNALS_AMPLIFICATION_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace parvis::signals {

// The documented thresholds (docs/signals.md). Defaults are the node's;
// tests pass others.
struct Thresholds {
  // (a) burst: most amplifications in any window of this length...
  int64_t burst_window_seconds = 3600;
  // ...at least this many...
  uint64_t burst_min = 10;
  // ...and at least this many times the author's typical peak (the median
  // peak of their other recently amplified objects).
  double burst_factor = 5.0;
  // How many of the author's other objects make the typical peak.
  size_t typical_objects = 20;

  // (b) young accounts: created less than this long ago...
  int64_t young_seconds = 30 * 86400;
  // ...make at least this share of the amplifiers.
  double young_share = 0.5;

  // (c) domain concentration: the Herfindahl index of the remote
  // amplifiers' domains (sum of squared shares, 1/n for n equal domains to
  // 1 for a single one) at least this.
  double domain_hhi = 0.5;

  // (d) co-amplification: an amplifier is a repeat co-amplifier when, on at
  // least `co_objects` other objects, it amplified within `co_window_seconds`
  // of at least `co_partners` other amplifiers of this object...
  size_t co_objects = 3;
  size_t co_partners = 2;
  int64_t co_window_seconds = 3600;
  // ...and the signal fires when such accounts make this share of the amplifiers.
  double co_share = 0.5;

  // (b), (c) and (d) need at least this many amplifiers to say anything.
  uint64_t min_amplifiers = 10;

  // (e) identical texts: the same normalised text (at least
  // `text_min_characters` long) posted by at least this many distinct authors.
  uint64_t identical_authors = 5;
  size_t text_min_characters = 20;

  // The label is shown when at least this many of (a) to (d) fire, or (e).
  int min_signals = 2;
};

enum class Signal { kBurst, kYoungAccounts, kDomainConcentration, kCoAmplification, kIdenticalText };
inline constexpr std::array<Signal, 5> kAllSignals = {
    Signal::kBurst, Signal::kYoungAccounts, Signal::kDomainConcentration, Signal::kCoAmplification,
    Signal::kIdenticalText};
// "burst", "young_accounts", "domain_concentration", "co_amplification", "identical_text".
const char* SignalName(Signal signal);

// Kinds of amplification; the letter is the one stored in keys.
enum class Kind : char { kLike = 'L', kBoost = 'A', kSignature = 'S' };

// One current amplification of the object.
struct Amplification {
  std::string actor;     // actor id (local or remote)
  Kind kind = Kind::kBoost;
  int64_t at = 0;        // when this node recorded it
  // When the account was created (actor `published`, local creation
  // time); 0 when unknown, unreadable or in the future.
  int64_t created = 0;
};

// Another object an amplifier of this one amplified, and when.
struct OtherAmplification {
  std::string object;
  int64_t at = 0;
};

// What the computation starts from; the recorder fills it from storage.
struct Inputs {
  int64_t now = 0;
  std::string local_host;  // this node's host: its accounts do not count in (c)
  std::vector<Amplification> amplifications;
  // The peaks of the author's other recently amplified objects.
  std::vector<uint64_t> author_peaks;
  // Each amplifier's other amplifications (actor -> list), for (d).
  std::map<std::string, std::vector<OtherAmplification>> histories;
  // Distinct authors who posted this object's normalised text (with its
  // own author); 0 when the object has no fingerprinted text.
  uint64_t identical_authors = 0;
};

// The numbers behind the label, fired or not.
struct Evidence {
  uint64_t amplifiers = 0, likes = 0, boosts = 0, signatures = 0;
  uint64_t peak = 0;      // (a) most amplifications in one window
  double typical = 0;     // (a) median of author_peaks (0 when none)
  uint64_t young = 0;     // (b) amplifiers younger than young_seconds
  uint64_t unknown_age = 0;
  double young_share = 0;
  uint64_t remote = 0;    // (c) amplifiers on other hosts
  std::string top_domain;
  double top_share = 0;   // of the remote amplifiers
  double hhi = 0;
  uint64_t co_amplifiers = 0;  // (d)
  double co_share = 0;
  uint64_t identical_authors = 0;  // (e)
};

struct Assessment {
  Evidence evidence;
  std::vector<Signal> fired;  // in kAllSignals order
  bool labelled = false;
};

// Most timestamps inside any window [t, t + window) (window > 0).
uint64_t PeakInWindow(std::vector<int64_t> times, int64_t window);
// The median (mean of the two middle values for an even count); 0 when empty.
double Median(std::vector<uint64_t> values);
// The domain of an http(s) id: its host, lower case, without port; "" when none.
std::string HostOf(std::string_view id);
// How many amplifiers are repeat co-amplifiers (Thresholds, (d)).
uint64_t CountCoAmplifiers(const std::vector<Amplification>& amplifications,
                           const std::map<std::string, std::vector<OtherAmplification>>& histories,
                           const Thresholds& thresholds);

// Every signal's numbers, and which fire.
Assessment Assess(const Inputs& inputs, const Thresholds& thresholds = {});

// The text as compared for (e): HTML dropped, mentions and links dropped,
// lower case, letters and digits only, single spaces.
std::string NormaliseText(std::string_view html);
// Hex SHA-256 (16 bytes) of the normalised text; "" when it is shorter
// than `min_characters` characters.
std::string TextFingerprint(std::string_view html, size_t min_characters);

}  // namespace parvis::signals

#endif  // PARVIS_SERVER_SIGNALS_AMPLIFICATION_H_
