#include "parvis/protocol/json_canonicalization.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace parvis::protocol {
namespace {

rapidjson::Document Parse(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::string Canonical(std::string_view text) {
  auto out = CanonicalizeJson(Parse(text));
  EXPECT_TRUE(out.has_value()) << text << ": " << (out ? "" : out.error().message);
  return out.value_or("");
}

struct NumberCase {
  uint64_t bits;
  std::string text;
};

// RFC 8785 Appendix B (IEEE 754 bit patterns and their ECMAScript form).
TEST(FormatJsonNumber, MatchesRfc8785AppendixB) {
  const NumberCase cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const NumberCase& c : cases) {
    auto text = FormatJsonNumber(std::bit_cast<double>(c.bits));
    ASSERT_TRUE(text.has_value()) << std::hex << c.bits;
    EXPECT_EQ(*text, c.text) << std::hex << c.bits;
  }
}

TEST(FormatJsonNumber, ValuesFoundInActivityPubDocuments) {
  const std::pair<double, std::string> cases[] = {
      {1, "1"},
      {-1, "-1"},
      {100, "100"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000"},
      {0.5, "0.5"},
      {-0.3, "-0.3"},
      {1e-6, "0.000001"},
      {1e-7, "1e-7"},
      {1.23e-7, "1.23e-7"},
      {1741972801, "1741972801"},
      {0.1 + 0.2, "0.30000000000000004"},
      {4.5, "4.5"},
      {1920, "1920"},
      {-0.25, "-0.25"},
  };
  for (const auto& [value, text] : cases) {
    auto out = FormatJsonNumber(value);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(*out, text) << value;
  }
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    auto out = FormatJsonNumber(bad);
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(CanonicalizeJson, Rfc8785Section3_2_2Example) {
  EXPECT_EQ(Canonical(R"({
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    })"),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalizeJson, SortsMembersByUtf16CodeUnits) {
  // RFC 8785 §3.2.3: U+1F600 (a surrogate pair, D83D) sorts before U+FB33.
  EXPECT_EQ(Canonical(R"({
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    })"),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
            "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
            "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
            "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalizeJson, EdgeCases) {
  const std::pair<std::string, std::string> cases[] = {
      {"{}", "{}"},
      {"[]", "[]"},
      {" [ 1 , [ ] , { } ] ", "[1,[],{}]"},
      {R"({"b":{"d":1,"c":2},"a":[{"z":0,"y":1}]})", R"({"a":[{"y":1,"z":0}],"b":{"c":2,"d":1}})"},
      {R"({"aa":1,"a":2,"b":3,"A":4})", R"({"A":4,"a":2,"aa":1,"b":3})"},
      {"9223372036854775807", "9223372036854776000"},
      {"18446744073709551615", "18446744073709552000"},
      {"-9223372036854775808", "-9223372036854776000"},
      {"9007199254740993", "9007199254740992"},  // rounded as JSON.parse does
      {"-0", "0"},
      {"-0.0", "0"},
      {"1.0", "1"},
      {"1e2", "100"},
      {"0.000001", "0.000001"},
      {R"("\u001f\u0000\b\f\t")", R"("\u001f\u0000\b\f\t")"},
      {R"("\u007f \u2028 / <>&")", "\"\x7f \xe2\x80\xa8 / <>&\""},
      {R"("\ud83d\ude00")", "\"\xf0\x9f\x98\x80\""},
      {R"("caf\u00e9")", "\"caf\xc3\xa9\""},
      {"true", "true"},
      {"null", "null"},
  };
  for (const auto& [input, output] : cases) EXPECT_EQ(Canonical(input), output) << input;
}

TEST(CanonicalizeJson, RefusesWhatHasNoCanonicalForm) {
  // Duplicate names: RapidJSON keeps both.
  auto duplicate = CanonicalizeJson(Parse(R"({"a":1,"b":2,"a":3})"));
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().message, "JSON object has the member name \"a\" twice");

  // Invalid UTF-8 that a non-validating parser let through.
  const std::string bad_utf8[] = {
      "\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3", "\xe2\x82",
  };
  for (const std::string& bytes : bad_utf8) {
    rapidjson::Document doc(rapidjson::kObjectType);
    rapidjson::Value value(bytes.data(), static_cast<rapidjson::SizeType>(bytes.size()),
                           doc.GetAllocator());
    doc.AddMember("k", value, doc.GetAllocator());
    auto in_value = CanonicalizeJson(doc);
    ASSERT_FALSE(in_value.has_value());
    EXPECT_EQ(in_value.error().message, "JSON string is not valid UTF-8");

    rapidjson::Document key_doc(rapidjson::kObjectType);
    rapidjson::Value key(bytes.data(), static_cast<rapidjson::SizeType>(bytes.size()),
                         key_doc.GetAllocator());
    key_doc.AddMember(key, rapidjson::Value(1), key_doc.GetAllocator());
    EXPECT_FALSE(CanonicalizeJson(key_doc).has_value());
  }

  // Deep nesting built by hand (a parser with limits would refuse it first).
  rapidjson::Document deep(rapidjson::kArrayType);
  rapidjson::Value* cursor = &deep;
  for (unsigned i = 0; i < kMaxCanonicalJsonDepth + 5; ++i) {
    cursor->PushBack(rapidjson::Value(rapidjson::kArrayType), deep.GetAllocator());
    cursor = &(*cursor)[0];
  }
  auto too_deep = CanonicalizeJson(deep);
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_EQ(too_deep.error().code, ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace parvis::protocol
