#include "server/signals/amplification.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/note_text.h"

namespace parvis::signals {

const char* SignalName(Signal signal) {
  switch (signal) {
    case Signal::kBurst:
      return "burst";
    case Signal::kYoungAccounts:
      return "young_accounts";
    case Signal::kDomainConcentration:
      return "domain_concentration";
    case Signal::kCoAmplification:
      return "co_amplification";
    case Signal::kIdenticalText:
      return "identical_text";
  }
  return "";
}

uint64_t PeakInWindow(std::vector<int64_t> times, int64_t window) {
  std::sort(times.begin(), times.end());
  uint64_t peak = 0;
  size_t first = 0;
  for (size_t last = 0; last < times.size(); ++last) {
    while (times[last] - times[first] >= window) ++first;
    peak = std::max<uint64_t>(peak, last - first + 1);
  }
  return peak;
}

double Median(std::vector<uint64_t> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return static_cast<double>(values[middle]);
  return (static_cast<double>(values[middle - 1]) + static_cast<double>(values[middle])) / 2;
}

std::string HostOf(std::string_view id) {
  size_t scheme = id.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = id.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  // user@host forms are not ids we store, but never count them as a host.
  if (rest.find('@') != std::string_view::npos) rest = rest.substr(rest.find('@') + 1);
  // The domain, without a port: one server on many ports is one domain.
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) rest = rest.substr(0, colon);
  return protocol::LowerAscii(rest);
}

uint64_t CountCoAmplifiers(const std::vector<Amplification>& amplifications,
                           const std::map<std::string, std::vector<OtherAmplification>>& histories,
                           const Thresholds& thresholds) {
  struct Entry {
    const std::string* actor;
    int64_t at;
  };
  std::set<std::string> amplifiers;
  for (const Amplification& amplification : amplifications) amplifiers.insert(amplification.actor);
  // Other object -> who of this object's amplifiers amplified it, and when.
  std::unordered_map<std::string, std::vector<Entry>> together;
  for (const auto& [actor, history] : histories) {
    auto member = amplifiers.find(actor);
    if (member == amplifiers.end()) continue;
    for (const OtherAmplification& other : history) together[other.object].push_back({&*member, other.at});
  }
  std::unordered_map<std::string, size_t> shared_objects;  // actor -> objects amplified with partners
  for (const auto& [object, entries] : together) {
    if (entries.size() < thresholds.co_partners + 1) continue;
    std::set<std::string> counted;  // an actor counts an object once
    for (const Entry& entry : entries) {
      if (counted.contains(*entry.actor)) continue;
      std::set<std::string> partners;
      for (const Entry& other : entries) {
        if (other.actor == entry.actor || *other.actor == *entry.actor) continue;
        int64_t apart = other.at > entry.at ? other.at - entry.at : entry.at - other.at;
        if (apart <= thresholds.co_window_seconds) partners.insert(*other.actor);
      }
      if (partners.size() >= thresholds.co_partners) {
        counted.insert(*entry.actor);
        ++shared_objects[*entry.actor];
      }
    }
  }
  uint64_t count = 0;
  for (const auto& [actor, objects] : shared_objects) {
    if (objects >= thresholds.co_objects) ++count;
  }
  return count;
}

Assessment Assess(const Inputs& inputs, const Thresholds& thresholds) {
  Assessment result;
  Evidence& e = result.evidence;
  // One actor counts once per kind; the recorder keeps one record per
  // (actor, kind), and the signals count accounts, not reactions.
  std::set<std::string> actors;
  std::vector<int64_t> times;
  for (const Amplification& amplification : inputs.amplifications) {
    times.push_back(amplification.at);
    switch (amplification.kind) {
      case Kind::kLike:
        ++e.likes;
        break;
      case Kind::kBoost:
        ++e.boosts;
        break;
      case Kind::kSignature:
        ++e.signatures;
        break;
    }
    if (!actors.insert(amplification.actor).second) continue;
    // An unknown creation date, or one in the future, says nothing of age.
    if (amplification.created <= 0 || amplification.created > inputs.now) {
      ++e.unknown_age;
    } else if (inputs.now - amplification.created < thresholds.young_seconds) {
      ++e.young;
    }
  }
  e.amplifiers = actors.size();

  // (a) a burst against the author's usual level.
  e.peak = PeakInWindow(times, thresholds.burst_window_seconds);
  e.typical = Median(inputs.author_peaks);
  bool burst = e.peak >= thresholds.burst_min &&
               static_cast<double>(e.peak) >= thresholds.burst_factor * e.typical;

  const bool enough = e.amplifiers >= thresholds.min_amplifiers && e.amplifiers > 0;
  // (b) young accounts, of all amplifiers (unknown ages count as not young).
  if (e.amplifiers > 0) e.young_share = static_cast<double>(e.young) / static_cast<double>(e.amplifiers);
  bool young = enough && e.young_share >= thresholds.young_share;

  // (c) concentration of the remote amplifiers on few domains.
  std::map<std::string, uint64_t> domains;
  for (const std::string& actor : actors) {
    std::string host = HostOf(actor);
    if (host.empty() || host == inputs.local_host) continue;
    ++domains[host];
  }
  for (const auto& [host, count] : domains) {
    e.remote += count;
    if (e.top_domain.empty() || count > domains[e.top_domain]) e.top_domain = host;
  }
  if (e.remote > 0) {
    for (const auto& [host, count] : domains) {
      double share = static_cast<double>(count) / static_cast<double>(e.remote);
      e.hhi += share * share;
    }
    e.top_share = static_cast<double>(domains[e.top_domain]) / static_cast<double>(e.remote);
  }
  bool concentrated = e.remote >= thresholds.min_amplifiers && e.hhi >= thresholds.domain_hhi;

  // (d) the same accounts amplifying together again and again.
  e.co_amplifiers = CountCoAmplifiers(inputs.amplifications, inputs.histories, thresholds);
  if (e.amplifiers > 0) e.co_share = static_cast<double>(e.co_amplifiers) / static_cast<double>(e.amplifiers);
  bool coordinated = enough && e.co_share >= thresholds.co_share;

  // (e) the same text from many accounts.
  e.identical_authors = inputs.identical_authors;
  bool identical = e.identical_authors >= thresholds.identical_authors;

  int amplification_signals = 0;
  for (auto [signal, fired] : {std::pair{Signal::kBurst, burst}, std::pair{Signal::kYoungAccounts, young},
                               std::pair{Signal::kDomainConcentration, concentrated},
                               std::pair{Signal::kCoAmplification, coordinated},
                               std::pair{Signal::kIdenticalText, identical}}) {
    if (!fired) continue;
    result.fired.push_back(signal);
    if (signal != Signal::kIdenticalText) ++amplification_signals;
  }
  result.labelled = identical || amplification_signals >= thresholds.min_signals;
  return result;
}

std::string NormaliseText(std::string_view html) {
  std::string text = protocol::HtmlToPlainText(html);
  std::string normal;
  normal.reserve(text.size());
  size_t i = 0;
  auto word_end = [&](size_t from) {
    size_t end = from;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    return end;
  };
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      if (!normal.empty() && normal.back() != ' ') normal += ' ';
      ++i;
      continue;
    }
    // Mentions and links differ between copies of one campaign text.
    std::string_view rest = std::string_view(text).substr(i);
    bool word_start = i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1]));
    if (word_start && (c == '@' || rest.starts_with("http://") || rest.starts_with("https://"))) {
      i = word_end(i);
      continue;
    }
    if (c >= 0x80) {
      normal += static_cast<char>(c);  // UTF-8 letters are kept as written
    } else if (std::isalnum(c)) {
      normal += static_cast<char>(std::tolower(c));
    }
    ++i;
  }
  while (!normal.empty() && normal.back() == ' ') normal.pop_back();
  return normal;
}

std::string TextFingerprint(std::string_view html, size_t min_characters) {
  std::string normal = NormaliseText(html);
  if (protocol::CountCharacters(normal) < min_characters) return "";
  return protocol::EncodeHex(protocol::Sha256(normal).substr(0, 16));
}

}  // namespace parvis::signals
