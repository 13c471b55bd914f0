// The words of the pages, in French and English (web/i18n/*.json, compiled
// into the binary), and the choice of language: the account's setting, else
// the browser's Accept-Language, else English.
#ifndef PARVIS_SERVER_PAGES_TRANSLATIONS_H_
#define PARVIS_SERVER_PAGES_TRANSLATIONS_H_

#include <map>
#include <string>
#include <string_view>

namespace parvis::pages {

inline constexpr std::string_view kLocales[] = {"en", "fr"};

// "fr" or "en" for an Accept-Language header ("fr-FR,fr;q=0.9,en;q=0.8"),
// by quality then order; English when nothing matches.
std::string LocaleFromAcceptLanguage(std::string_view header);

// The strings of `locale` (English for an unknown one). Every key of the
// English file exists in every other (tested), so a lookup never misses.
const std::map<std::string, std::string>& Strings(std::string_view locale);

// One string, or the key itself if absent (visible, never a crash).
std::string Translate(std::string_view locale, const std::string& key);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_TRANSLATIONS_H_
