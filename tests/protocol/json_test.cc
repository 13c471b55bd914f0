#include "parvis/protocol/json.h"

#include <string>

#include <gtest/gtest.h>

namespace parvis::protocol {
namespace {

std::string Nested(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

struct BadJson {
  std::string name;
  std::string text;
  ErrorCode code;
  std::string message;
};

TEST(ParseJson, RejectsBadInputWithClearErrors) {
  const JsonLimits limits{.max_bytes = 100, .max_depth = 4};
  const BadJson cases[] = {
      {"empty", "", ErrorCode::kInvalidArgument, "invalid JSON at byte 0: The document is empty."},
      {"truncated", "{\"a\":", ErrorCode::kInvalidArgument,
       "invalid JSON at byte 5: Invalid value."},
      {"trailing garbage", "{} x", ErrorCode::kInvalidArgument,
       "invalid JSON at byte 3: text after the root value"},
      {"two roots", "{}{}", ErrorCode::kInvalidArgument,
       "invalid JSON at byte 2: text after the root value"},
      {"too deep", Nested(5), ErrorCode::kLimitExceeded, "JSON nested deeper than 4 levels at byte 4"},
      {"too long", std::string(101, ' '), ErrorCode::kLimitExceeded,
       "JSON is 101 bytes, more than the limit of 100"},
      {"bad escape", "\"\\x\"", ErrorCode::kInvalidArgument,
       "invalid JSON at byte 1: Invalid escape character in string."},
      {"nul byte", std::string("{\"a\":\0}", 7), ErrorCode::kInvalidArgument,
       "invalid JSON at byte 5: Invalid value."},
  };
  for (const BadJson& bad : cases) {
    Result<rapidjson::Document> result = ParseJson(bad.text, limits);
    ASSERT_FALSE(result.has_value()) << bad.name;
    EXPECT_EQ(result.error().code, bad.code) << bad.name;
    EXPECT_EQ(result.error().message, bad.message) << bad.name;
  }
}

TEST(ParseJson, AcceptsUpToTheDepthLimit) {
  Result<rapidjson::Document> ok = ParseJson(Nested(4), {.max_bytes = 100, .max_depth = 4});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_TRUE(ok->IsArray());
}

TEST(ParseJson, DeepHostileInputDoesNotOverflowTheStack) {
  std::string hostile = Nested(1'000'000);
  Result<rapidjson::Document> result =
      ParseJson(hostile, {.max_bytes = hostile.size(), .max_depth = 64});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kLimitExceeded);
}

TEST(ParseJson, RoundTripsValues) {
  Result<rapidjson::Document> doc =
      ParseJson(" {\"type\":\"Note\",\"n\":[1,2.5,true,null],\"s\":\"\\u00e9\"} \n", {});
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  EXPECT_EQ(WriteJson(*doc), "{\"type\":\"Note\",\"n\":[1,2.5,true,null],\"s\":\"\xC3\xA9\"}");
}

}  // namespace
}  // namespace parvis::protocol

namespace parvis::protocol {
namespace {

// Numbers that made RapidJSON's full-precision reader read out of bounds
// (found by fuzzing): they parse, to the value they name.
TEST(ParseJsonNumbers, HostileDecimalsParseSafely) {
  for (const std::string& text : std::vector<std::string>
       {"0e40", "0.000000000000000000000000", "1.2345678901234567890123e-330",
        "0." + std::string(300, '0') + "1236517206", "-0.0e-999999", "123456789012345678901234.5"}) {
    Result<rapidjson::Document> doc = ParseJson(R"({"x":)" + text + "}", {});
    ASSERT_TRUE(doc.has_value()) << text;
    EXPECT_TRUE((*doc)["x"].IsNumber()) << text;
  }
  Result<rapidjson::Document> zero = ParseJson("[0e40, 0.0]", {});
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ((*zero)[0].GetDouble(), 0.0);
  // Ordinary decimals keep full precision, 17 digits included.
  Result<rapidjson::Document> exact = ParseJson("[0.1, 2.5e-3, 0.30000000000000004]", {});
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ((*exact)[0].GetDouble(), 0.1);
  EXPECT_EQ((*exact)[1].GetDouble(), 2.5e-3);
  EXPECT_EQ((*exact)[2].GetDouble(), 0.30000000000000004);
}

}  // namespace
}  // namespace parvis::protocol
