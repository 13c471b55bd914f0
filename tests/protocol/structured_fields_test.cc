#include "parvis/protocol/structured_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace parvis::protocol::sf {
namespace {

struct RoundTrip {
  std::string input;
  std::string canonical;
};

constexpr char kTwoSignatures[] =
    R"(sig1=("@method" "@authority");created=1618884475;keyid="test-key-ecc-p256", )"
    R"(proxy_sig=("forwarded");alg="rsa-v1_5-sha256";expires=1618884540)";

TEST(StructuredFields, DictionariesRoundTripToTheirCanonicalForm) {
  const RoundTrip cases[] = {
      {kTwoSignatures, kTwoSignatures},
      {"a=?0, b, c;foo=bar", "a=?0, b, c;foo=bar"},
      {"a=1,b=2", "a=1, b=2"},
      {"a=1 ,\t b=2", "a=1, b=2"},
      {"  a=1  ", "a=1"},
      {"a=1, b=2, a=3", "a=3, b=2"},  // a repeated key keeps its place, takes the last value
      {"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
       "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"},
      {"a=:Zm9vYg:", "a=:Zm9vYg==:"},  // missing padding tolerated, written back
      {"sig-b21=();created=1618884473", "sig-b21=();created=1618884473"},
      {"a=( \"x\"  \"y\" )", "a=(\"x\" \"y\")"},
      {"a=b;x=?1;y=?0", "a=b;x;y=?0"},
      {"*key.1_-=*tok:/x", "*key.1_-=*tok:/x"},
      {"", ""},
  };
  for (const RoundTrip& c : cases) {
    auto parsed = ParseDictionary(c.input);
    ASSERT_TRUE(parsed.has_value()) << c.input << ": " << parsed.error().message;
    auto serialized = SerializeDictionary(*parsed);
    ASSERT_TRUE(serialized.has_value()) << c.input;
    EXPECT_EQ(*serialized, c.canonical) << c.input;
  }
}

TEST(StructuredFields, ItemsAndListsRoundTrip) {
  const RoundTrip items[] = {
      {"42", "42"},
      {"-999999999999999", "-999999999999999"},
      {"1.5", "1.5"},
      {"-0.25", "-0.25"},
      {"1.250", "1.25"},
      {"123456789012.123", "123456789012.123"},
      {"1.0", "1.0"},
      {R"("a\"b\\c")", R"("a\"b\\c")"},
      {"\"\"", "\"\""},
      {"?1", "?1"},
      {"?0;a", "?0;a"},
      {"foo123/456", "foo123/456"},
      {"::", "::"},
      {"text/html;charset=utf-8", "text/html;charset=utf-8"},
      {"\"x\"; a=1", "\"x\";a=1"},
  };
  for (const RoundTrip& c : items) {
    auto parsed = ParseItem(c.input);
    ASSERT_TRUE(parsed.has_value()) << c.input << ": " << parsed.error().message;
    auto serialized = SerializeItem(*parsed);
    ASSERT_TRUE(serialized.has_value()) << c.input;
    EXPECT_EQ(*serialized, c.canonical) << c.input;
  }
  const RoundTrip lists[] = {
      {"1, 2, (\"a\" \"b\");p", "1, 2, (\"a\" \"b\");p"},
      {"sugar, tea, rum", "sugar, tea, rum"},
      {"(), ()", "(), ()"},
      {"", ""},
  };
  for (const RoundTrip& c : lists) {
    auto parsed = ParseList(c.input);
    ASSERT_TRUE(parsed.has_value()) << c.input << ": " << parsed.error().message;
    auto serialized = SerializeList(*parsed);
    ASSERT_TRUE(serialized.has_value()) << c.input;
    EXPECT_EQ(*serialized, c.canonical) << c.input;
  }
}

TEST(StructuredFields, ParsedValuesHaveTheRightTypes) {
  auto dict = ParseDictionary(
      R"(sig=("@query-param";name="Pet" "date");created=1;keyid="k", b=:AAE=:, t=tok, d=2.5)");
  ASSERT_TRUE(dict.has_value()) << dict.error().message;
  const InnerList& sig = std::get<InnerList>(*FindMember(*dict, "sig"));
  ASSERT_EQ(sig.items.size(), 2u);
  EXPECT_EQ(std::get<std::string>(sig.items[0].value), "@query-param");
  EXPECT_EQ(std::get<std::string>(*FindParameter(sig.items[0].params, "name")), "Pet");
  EXPECT_EQ(std::get<int64_t>(*FindParameter(sig.params, "created")), 1);
  EXPECT_EQ(std::get<std::string>(*FindParameter(sig.params, "keyid")), "k");
  EXPECT_EQ(FindParameter(sig.params, "alg"), nullptr);
  EXPECT_EQ(std::get<ByteSequence>(std::get<Item>(*FindMember(*dict, "b")).value).bytes,
            std::string("\0\1", 2));
  EXPECT_EQ(std::get<Token>(std::get<Item>(*FindMember(*dict, "t")).value).value, "tok");
  EXPECT_EQ(std::get<double>(std::get<Item>(*FindMember(*dict, "d")).value), 2.5);
  EXPECT_EQ(FindMember(*dict, "missing"), nullptr);
}

struct Hostile {
  std::string name;
  std::string input;
  ErrorCode code;
};

TEST(StructuredFields, HostileDictionariesAreRefused) {
  const Hostile cases[] = {
      {"unterminated string", "a=\"abc", ErrorCode::kInvalidArgument},
      {"bad escape", "a=\"\\x\"", ErrorCode::kInvalidArgument},
      {"escape at end", "a=\"\\", ErrorCode::kInvalidArgument},
      {"non-ASCII", "a=\"\xc3\xa9\"", ErrorCode::kInvalidArgument},
      {"control character", std::string("a=\"\x01\""), ErrorCode::kInvalidArgument},
      {"NUL", std::string("a=1\0", 4), ErrorCode::kInvalidArgument},
      {"16-digit integer", "a=1234567890123456", ErrorCode::kInvalidArgument},
      {"huge integer", "a=" + std::string(400, '9'), ErrorCode::kInvalidArgument},
      {"4 fractional digits", "a=1.2345", ErrorCode::kInvalidArgument},
      {"decimal ends with dot", "a=1.", ErrorCode::kInvalidArgument},
      {"13 integer digits in a decimal", "a=1234567890123.5", ErrorCode::kInvalidArgument},
      {"lone minus", "a=-", ErrorCode::kInvalidArgument},
      {"unterminated inner list", "a=(\"x\"", ErrorCode::kInvalidArgument},
      {"no space in inner list", "a=(\"x\"\"y\")", ErrorCode::kInvalidArgument},
      {"nested inner list", "a=((\"x\"))", ErrorCode::kInvalidArgument},
      {"deep garbage", "a=" + std::string(5000, '('), ErrorCode::kInvalidArgument},
      {"trailing comma", "a=1,", ErrorCode::kInvalidArgument},
      {"double comma", "a=1,,b=2", ErrorCode::kInvalidArgument},
      {"missing comma", "a=1 b=2", ErrorCode::kInvalidArgument},
      {"empty key", "=1", ErrorCode::kInvalidArgument},
      {"upper-case key", "A=1", ErrorCode::kInvalidArgument},
      {"leading tab", "\ta=1", ErrorCode::kInvalidArgument},
      {"unterminated byte sequence", "a=:abc", ErrorCode::kInvalidArgument},
      {"byte sequence with bad character", "a=:ab$c:", ErrorCode::kInvalidArgument},
      {"byte sequence not base64", "a=:a:", ErrorCode::kInvalidArgument},
      {"boolean ?2", "a=?2", ErrorCode::kInvalidArgument},
      {"boolean at end", "a=?", ErrorCode::kInvalidArgument},
      {"value missing", "a=", ErrorCode::kInvalidArgument},
      {"parameter without key", "a=1;", ErrorCode::kInvalidArgument},
      {"date (RFC 9651) is not ours", "a=@1659578233", ErrorCode::kInvalidArgument},
      {"too long", "a=\"" + std::string(kMaxStructuredFieldBytes, 'x') + "\"",
       ErrorCode::kLimitExceeded},
  };
  for (const Hostile& c : cases) {
    auto parsed = ParseDictionary(c.input);
    ASSERT_FALSE(parsed.has_value()) << c.name;
    EXPECT_EQ(parsed.error().code, c.code) << c.name << ": " << parsed.error().message;
  }
}

TEST(StructuredFields, ErrorsNameTheOffset) {
  auto parsed = ParseDictionary("a=1, b=\"open");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "invalid structured field at byte 7: unterminated string");
}

TEST(StructuredFields, TooManyMembersIsALimit) {
  std::string many;
  for (size_t i = 0; i <= kMaxStructuredFieldMembers; ++i) many += "a" + std::to_string(i) + ", ";
  many += "z";
  auto parsed = ParseDictionary(many);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::kLimitExceeded);
  std::string parameters = "x";
  for (size_t i = 0; i <= kMaxStructuredFieldMembers; ++i) parameters += ";p" + std::to_string(i);
  auto item = ParseItem(parameters);
  ASSERT_FALSE(item.has_value());
  EXPECT_EQ(item.error().code, ErrorCode::kLimitExceeded);
}

TEST(StructuredFields, EmptyItemIsRefused) {
  EXPECT_FALSE(ParseItem("").has_value());
  EXPECT_FALSE(ParseItem("   ").has_value());
  EXPECT_FALSE(ParseItem("1 2").has_value());
}

TEST(StructuredFields, SerializerRefusesWhatCannotBeWritten) {
  const BareItem cases[] = {
      BareItem{int64_t{1'000'000'000'000'000}},
      BareItem{std::string("tab\there")},
      BareItem{std::string("caf\xc3\xa9")},
      BareItem{Token{""}},
      BareItem{Token{"1abc"}},
      BareItem{Token{"a b"}},
      BareItem{1e12},
  };
  for (const BareItem& value : cases) {
    auto serialized = SerializeBareItem(value);
    EXPECT_FALSE(serialized.has_value()) << (serialized ? *serialized : "");
  }
  Item bad_key{BareItem{int64_t{1}}, {{"Upper", BareItem{true}}}};
  EXPECT_FALSE(SerializeItem(bad_key).has_value());
  Dictionary bad_dict{{"", Item{BareItem{int64_t{1}}, {}}}};
  EXPECT_FALSE(SerializeDictionary(bad_dict).has_value());
}

TEST(StructuredFields, DecimalsAreRoundedToThreeDigits) {
  const std::pair<double, std::string> cases[] = {
      {1.23456, "1.235"}, {1234.56, "1234.56"}, {-0.1, "-0.1"}, {2.0, "2.0"}, {0.0004, "0.0"},
  };
  for (const auto& [value, text] : cases) {
    auto serialized = SerializeBareItem(BareItem{value});
    ASSERT_TRUE(serialized.has_value()) << value;
    EXPECT_EQ(*serialized, text) << value;
  }
}

}  // namespace
}  // namespace parvis::protocol::sf
