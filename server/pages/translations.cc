#include "server/pages/translations.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <spdlog/spdlog.h>

#include "parvis/embedded.h"
#include "parvis/protocol/json.h"

namespace parvis::pages {
namespace {

std::map<std::string, std::string> Load(std::string_view locale) {
  std::map<std::string, std::string> strings;
  std::optional<std::string_view> file =
      embedded::FindWebFile("i18n/" + std::string(locale) + ".json");
  if (!file) return strings;
  Result<rapidjson::Document> doc = protocol::ParseJson(*file, {});
  if (!doc || !doc->IsObject()) {
    spdlog::error("web/i18n/{}.json does not parse", locale);
    return strings;
  }
  for (const auto& member : doc->GetObject()) {
    if (member.value.IsString()) strings[member.name.GetString()] = member.value.GetString();
  }
  return strings;
}

std::string Trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t");
  size_t end = text.find_last_not_of(" \t");
  return start == std::string_view::npos ? "" : std::string(text.substr(start, end - start + 1));
}

}  // namespace

std::string LocaleFromAcceptLanguage(std::string_view header) {
  struct Choice {
    double quality;
    size_t order;
    std::string locale;
  };
  std::vector<Choice> choices;
  size_t order = 0;
  while (!header.empty() && order < 32) {
    size_t comma = header.find(',');
    std::string part = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? "" : header.substr(comma + 1);
    ++order;
    std::string tag = Trim(part.substr(0, part.find(';')));
    double quality = 1.0;
    if (size_t q = part.find(";q="); q != std::string::npos) {
      quality = std::strtod(part.c_str() + q + 3, nullptr);
    }
    std::string primary = tag.substr(0, tag.find('-'));
    std::transform(primary.begin(), primary.end(), primary.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::string_view known : kLocales) {
      if (primary == known && quality > 0) choices.push_back({quality, order, primary});
    }
  }
  std::stable_sort(choices.begin(), choices.end(),
                   [](const Choice& a, const Choice& b) { return a.quality > b.quality; });
  return choices.empty() ? "en" : choices.front().locale;
}

const std::map<std::string, std::string>& Strings(std::string_view locale) {
  // Parsed once, on first use; read-only afterwards.
  static const std::map<std::string, std::string> english = Load("en");
  static const std::map<std::string, std::string> french = Load("fr");
  return locale == "fr" ? french : english;
}

std::string Translate(std::string_view locale, const std::string& key) {
  const auto& strings = Strings(locale);
  auto it = strings.find(key);
  return it == strings.end() ? key : it->second;
}

}  // namespace parvis::pages
