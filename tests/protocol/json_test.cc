#include "parvis/protocol/json.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

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

TEST(WrittenJsonSize, CountsWhatWriteJsonWrites) {
  for (std::string_view text : {"{}", "[]", "\"\"", "0", "-1.25e-7",
                                " {\"type\":\"Note\",\"n\":[1,2.5,true,null],\"s\":\"\\u00e9\\n\\u0001\"} ",
                                "{\"content\":\"<p>caf\\u00e9 \\\"quoted\\\" \\/ tab\\t</p>\",\"a\":[[[]],{}]}"}) {
    Result<rapidjson::Document> doc = ParseJson(text, {});
    ASSERT_TRUE(doc.has_value()) << text;
    EXPECT_EQ(WrittenJsonSize(*doc), WriteJson(*doc).size()) << text;
  }
}

}  // namespace
}  // namespace parvis::protocol

namespace parvis::protocol {
namespace {

enum class Kind { kInt64, kUint64, kDouble };

struct NumberCase {
  std::string text;
  Kind kind;
  double value;  // for kDouble (compared bit for bit, so the sign of a zero counts)
  int64_t integer = 0;  // for kInt64 / kUint64 (as uint64_t)
};

// What each number reads as: integers that fit 64 bits stay integers, every
// other number is the nearest double.
TEST(ParseJsonNumbers, ReadsTheNearestValue) {
  constexpr double kMax = std::numeric_limits<double>::max();
  constexpr double kTiny = std::numeric_limits<double>::denorm_min();
  const NumberCase cases[] = {
      {"0", Kind::kUint64, 0, 0},
      {"-0", Kind::kInt64, 0, 0},  // an integer zero, as RapidJSON reads it
      {"-0.0", Kind::kDouble, -0.0},
      {"-0e5", Kind::kDouble, -0.0},
      {"0e40", Kind::kDouble, 0.0},
      {"-0.0e-999999", Kind::kDouble, -0.0},
      {"0.000000000000000000000000", Kind::kDouble, 0.0},
      {"9223372036854775807", Kind::kUint64, 0, INT64_MAX},
      {"-9223372036854775808", Kind::kInt64, 0, INT64_MIN},
      {"18446744073709551615", Kind::kUint64, 0, -1},  // UINT64_MAX
      // Beyond 64 bits: the nearest double.
      {"18446744073709551616", Kind::kDouble, 18446744073709551616.0},
      {"-9223372036854775809", Kind::kDouble, -9223372036854775808.0},
      {"123456789012345678901234567890", Kind::kDouble, 1.2345678901234568e29},
      // 17, 19, 20 and 40 significant digits.
      {"0.30000000000000004", Kind::kDouble, 0.30000000000000004},
      {"0.1000000000000000055", Kind::kDouble, 0.1},
      {"1.0000000000000002220", Kind::kDouble, 1.0000000000000002},
      {"3.141592653589793238462643383279502884197", Kind::kDouble, 3.141592653589793},
      // Halfway between two doubles: to even; a digit past the 20th decides.
      {"9007199254740993.0", Kind::kDouble, 9007199254740992.0},
      {"9007199254740993.0000000000000000001", Kind::kDouble, 9007199254740994.0},
      {"123456789012345678901234.5", Kind::kDouble, 1.2345678901234568e23},
      // The ends of the range.
      {"1.7976931348623157e308", Kind::kDouble, kMax},
      {"1.7976931348623158e308", Kind::kDouble, kMax},  // rounds down to it
      {"0.0000001e315", Kind::kDouble, 1e308},
      {"4.9406564584124654e-324", Kind::kDouble, kTiny},
      {"3e-324", Kind::kDouble, kTiny},
      {"0." + std::string(300, '0') + "1236517206", Kind::kDouble, 1.236517206e-301},
      // Underflow: below half the smallest subnormal, a zero of the same sign.
      {"2e-324", Kind::kDouble, 0.0},
      {"1e-400", Kind::kDouble, 0.0},
      {"-1e-400", Kind::kDouble, -0.0},
      {"1.2345678901234567890123e-330", Kind::kDouble, 0.0},
      {"0." + std::string(400, '0') + "6148914691236517206", Kind::kDouble, 0.0},
  };
  for (const NumberCase& c : cases) {
    Result<rapidjson::Document> doc = ParseJson(R"({"x":)" + c.text + "}", {});
    ASSERT_TRUE(doc.has_value()) << c.text << ": " << doc.error().message;
    const rapidjson::Value& x = (*doc)["x"];
    switch (c.kind) {
      case Kind::kInt64:
        EXPECT_TRUE(x.IsInt64() && !x.IsDouble()) << c.text;
        EXPECT_EQ(x.GetInt64(), c.integer) << c.text;
        break;
      case Kind::kUint64:
        EXPECT_TRUE(x.IsUint64() && !x.IsDouble()) << c.text;
        EXPECT_EQ(x.GetUint64(), static_cast<uint64_t>(c.integer)) << c.text;
        break;
      case Kind::kDouble:
        ASSERT_TRUE(x.IsDouble()) << c.text;
        EXPECT_EQ(std::bit_cast<uint64_t>(x.GetDouble()), std::bit_cast<uint64_t>(c.value))
            << c.text << " read as " << x.GetDouble();
        break;
    }
    // What is written reads back to the same.
    std::string written = WriteJson(*doc);
    Result<rapidjson::Document> again = ParseJson(written, {});
    ASSERT_TRUE(again.has_value()) << written;
    EXPECT_EQ(WriteJson(*again), written) << c.text;
  }
}

// Above the largest double there is no value to hold: a parse error, where
// the first such number starts (fuzzing found "10e308" read as infinity,
// then written as cut-off JSON).
TEST(ParseJsonNumbers, RejectsNumbersBeyondTheDoubleRange) {
  const std::string kBeyond = "invalid JSON at byte 5: number beyond the range of a double (about 1.8e308)";
  // RapidJSON's own check counts digits; it catches some before the conversion.
  const std::string kTooBig = "invalid JSON at byte 5: Number too big to be stored in double.";
  const std::pair<std::string, std::string> cases[] = {
      {"10e308", kBeyond},
      {"0.3e309", kBeyond},
      {"-0.3e309", kBeyond},
      {"1.7976931348623159e308", kBeyond},
      {"179769313486231590000" + std::string(288, '0'), kBeyond},
      {"1e309", kTooBig},
      {"-1e400", kTooBig},
      {"1e99999999999", kTooBig},
      {"1" + std::string(400, '0'), kTooBig},
  };
  for (const auto& [text, message] : cases) {
    Result<rapidjson::Document> doc = ParseJson(R"({"x":)" + text + ",\"y\":1}", {});
    ASSERT_FALSE(doc.has_value()) << text;
    EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(doc.error().message, message) << text;
  }
}

// Any finite double WriteJson writes reads back bit for bit (the old
// normal-precision detour read 411 of 2000 back as another double).
TEST(ParseJsonNumbers, WrittenDoublesReadBackExactly) {
  std::mt19937_64 random(20261122);
  rapidjson::Document array(rapidjson::kArrayType);
  std::vector<double> values;
  while (values.size() < 5000) {
    double value = std::bit_cast<double>(random());
    if (!std::isfinite(value)) continue;
    values.push_back(value);
    array.PushBack(value, array.GetAllocator());
  }
  Result<rapidjson::Document> read = ParseJson(WriteJson(array), {.max_bytes = 1 << 20});
  ASSERT_TRUE(read.has_value()) << read.error().message;
  ASSERT_EQ(read->Size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(std::bit_cast<uint64_t>((*read)[i].GetDouble()), std::bit_cast<uint64_t>(values[i]))
        << values[i];
  }
}

}  // namespace
}  // namespace parvis::protocol
