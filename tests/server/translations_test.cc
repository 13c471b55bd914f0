#include "server/pages/translations.h"

#include <gtest/gtest.h>

namespace parvis::pages {
namespace {

TEST(TranslationsTest, EveryEnglishStringHasAFrenchOneAndBack) {
  const auto& english = Strings("en");
  const auto& french = Strings("fr");
  ASSERT_GT(english.size(), 50u);
  for (const auto& [key, value] : english) {
    EXPECT_TRUE(french.contains(key)) << key;
    EXPECT_FALSE(value.empty()) << key;
  }
  for (const auto& [key, value] : french) EXPECT_TRUE(english.contains(key)) << key;
  EXPECT_EQ(Translate("fr", "login"), "Se connecter");
  EXPECT_EQ(Translate("de", "login"), "Log in");
  EXPECT_EQ(Translate("en", "no_such_key"), "no_such_key");
}

TEST(TranslationsTest, AcceptLanguagePicksByQualityThenOrder) {
  struct Case {
    const char* header;
    const char* locale;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "en"},
           {"fr", "fr"},
           {"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"},
           {"en-GB, fr;q=0.5", "en"},
           {"de-DE, fr;q=0.3, en;q=0.2", "fr"},
           {"en;q=0.1, fr;q=0.9", "fr"},
           {"FR-be", "fr"},
           {"fr;q=0, en", "en"},
           {"de, it", "en"},
           {"fr;q=abc", "en"},
           {";;;,,,", "en"},
       }) {
    EXPECT_EQ(LocaleFromAcceptLanguage(c.header), c.locale) << c.header;
  }
  // A hostile header is read in bounded time and falls back to English.
  EXPECT_EQ(LocaleFromAcceptLanguage(std::string(100000, ',')), "en");
}

}  // namespace
}  // namespace parvis::pages
