#include "server/pages/amplification_label.h"

#include <cmath>

#include "server/signals/signal_recorder.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

std::string Percent(double share) { return std::to_string(static_cast<int>(std::lround(share * 100))); }

std::string Fill(std::string text, const std::vector<std::pair<std::string_view, std::string>>& values) {
  for (const auto& [name, value] : values) {
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size())) {
      text.replace(at, name.size(), value);
    }
  }
  return text;
}

// One line per fired signal: what it measured, against what threshold.
std::string Describe(const Visitor& visitor, signals::Signal signal, const signals::Evidence& e) {
  const signals::Thresholds limits;
  switch (signal) {
    case signals::Signal::kBurst: {
      char typical[32];
      std::snprintf(typical, sizeof typical, "%.1f", e.typical);
      return Fill(T(visitor, "amplification_burst"),
                  {{"{peak}", std::to_string(e.peak)},
                   {"{minutes}", std::to_string(limits.burst_window_seconds / 60)},
                   {"{typical}", typical}});
    }
    case signals::Signal::kYoungAccounts:
      return Fill(T(visitor, "amplification_young"),
                  {{"{young}", std::to_string(e.young)},
                   {"{amplifiers}", std::to_string(e.amplifiers)},
                   {"{percent}", Percent(e.young_share)},
                   {"{days}", std::to_string(limits.young_seconds / 86400)}});
    case signals::Signal::kDomainConcentration: {
      char hhi[32];
      std::snprintf(hhi, sizeof hhi, "%.2f", e.hhi);
      return Fill(T(visitor, "amplification_domains"),
                  {{"{percent}", Percent(e.top_share)},
                   {"{remote}", std::to_string(e.remote)},
                   {"{domain}", e.top_domain},
                   {"{hhi}", hhi}});
    }
    case signals::Signal::kCoAmplification:
      return Fill(T(visitor, "amplification_coordinated"),
                  {{"{accounts}", std::to_string(e.co_amplifiers)},
                   {"{amplifiers}", std::to_string(e.amplifiers)},
                   {"{objects}", std::to_string(limits.co_objects)}});
    case signals::Signal::kIdenticalText:
      return Fill(T(visitor, "amplification_identical"), {{"{authors}", std::to_string(e.identical_authors)}});
  }
  return "";
}

}  // namespace

void SetAmplificationLabel(mustache::data& view, const Visitor& visitor, const storage::Store& store,
                           const std::string& object_id) {
  Result<std::optional<signals::Label>> label = signals::ReadLabel(store, object_id);
  if (!label || !label->has_value()) return;
  mustache::data lines{mustache::data::type::list};
  for (signals::Signal signal : (*label)->assessment.fired) {
    mustache::data line;
    line.set("text", Describe(visitor, signal, (*label)->assessment.evidence));
    lines.push_back(line);
  }
  view.set("amplification", T(visitor, "amplification_label"));
  view.set("amplification_signals", lines);
}

std::string AmplificationLabelJson(const storage::Store& store, const std::string& object_id) {
  Result<std::optional<signals::Label>> label = signals::ReadLabel(store, object_id);
  if (!label || !label->has_value()) return "";
  return signals::LabelJson(**label);
}

}  // namespace parvis::pages
