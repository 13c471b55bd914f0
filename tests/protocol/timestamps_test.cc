#include "parvis/protocol/timestamps.h"

#include <gtest/gtest.h>

#include <string>

namespace parvis::protocol {
namespace {

struct Known {
  std::string http;
  std::string rfc3339;
  int64_t unix_seconds;
};

TEST(Timestamps, KnownDatesConvertBothWays) {
  const Known cases[] = {
      {"Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00Z", 0},
      {"Sun, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z", 784111777},
      {"Sun, 05 Jan 2014 21:31:40 GMT", "2014-01-05T21:31:40Z", 1388957500},
      {"Tue, 20 Apr 2021 02:07:55 GMT", "2021-04-20T02:07:55Z", 1618884475},
      {"Tue, 29 Feb 2000 12:00:00 GMT", "2000-02-29T12:00:00Z", 951825600},
      {"Wed, 31 Dec 1969 23:59:59 GMT", "1969-12-31T23:59:59Z", -1},
      {"Fri, 31 Dec 9999 23:59:59 GMT", "9999-12-31T23:59:59Z", 253402300799},
  };
  for (const Known& c : cases) {
    EXPECT_EQ(FormatHttpDate(c.unix_seconds), c.http);
    EXPECT_EQ(FormatRfc3339Utc(c.unix_seconds), c.rfc3339);
    auto http = ParseHttpDate(c.http);
    ASSERT_TRUE(http.has_value()) << c.http << ": " << http.error().message;
    EXPECT_EQ(*http, c.unix_seconds) << c.http;
    auto rfc3339 = ParseRfc3339(c.rfc3339);
    ASSERT_TRUE(rfc3339.has_value()) << c.rfc3339;
    EXPECT_EQ(*rfc3339, c.unix_seconds) << c.rfc3339;
  }
}

TEST(ParseHttpDate, RefusesEverythingButImfFixdate) {
  const std::string cases[] = {
      "",
      "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
      "Sun Nov  6 08:49:37 1994",        // asctime
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 06 Nov 1994 08:49:37 +0000",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 GMT ",
      "Sun, 31 Feb 1994 08:49:37 GMT",
      "Sun, 29 Feb 1900 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06 Nov 1994 08:49:60 GMT",
      "Sun, 00 Nov 1994 08:49:37 GMT",
      "Sun, 06 Foo 1994 08:49:37 GMT",
      "Xyz, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 19a4 08:49:37 GMT",
      "Sun, 06 Nov 1994 08-49-37 GMT",
      std::string("Sun, 06 Nov 1994 08:49:37 GM\0", 29),
  };
  for (const std::string& text : cases) {
    auto parsed = ParseHttpDate(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
  }
}

TEST(ParseRfc3339, HandlesFractionsAndOffsets) {
  const std::pair<std::string, int64_t> good[] = {
      {"2025-03-14T17:20:01Z", 1741972801},        {"2025-03-14T17:20:01.123Z", 1741972801},
      {"2025-03-14T17:20:01.123456Z", 1741972801}, {"2025-03-14T18:20:01+01:00", 1741972801},
      {"2025-03-14T15:20:01-02:00", 1741972801},   {"2025-03-14t17:20:01z", 1741972801},
  };
  for (const auto& [text, expected] : good) {
    auto parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(*parsed, expected) << text;
  }
  for (const std::string bad :
       {"", "2025-03-14", "2025-03-14T17:20:01", "2025-03-14 17:20:01Z", "2025-13-14T17:20:01Z",
        "2025-03-14T17:20:01.Z", "2025-03-14T17:20:01+0100", "2025-03-14T17:20:01+24:00",
        "2025-03-14T17:20:01ZZ"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace parvis::protocol
