#include <gtest/gtest.h>

#include <string>

#include "parvis/protocol/base58.h"
#include "parvis/protocol/base64.h"
#include "parvis/protocol/hex.h"

namespace parvis::protocol {
namespace {

struct Encoding {
  std::string bytes;
  std::string text;
};

TEST(Base64, EncodesAndDecodesRfc4648Vectors) {
  const Encoding cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
      {std::string("\xfb\xff", 2), "+/8="},
  };
  for (const Encoding& c : cases) {
    EXPECT_EQ(EncodeBase64(c.bytes), c.text);
    auto decoded = DecodeBase64(c.text);
    ASSERT_TRUE(decoded.has_value()) << c.text << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, c.bytes) << c.text;
  }
}

TEST(Base64, RejectsGarbage) {
  const std::string cases[] = {
      "Zg",        // padding missing
      "Zg=",       // padding short
      "Zg===",     // padding long
      "Z",         // one character
      "Zm9v\n",    // whitespace
      " Zm9v",     // leading space
      "Zm9v!",     // outside the alphabet
      "-_8=",      // URL-safe alphabet
      "Zg==Zg==",  // data after padding
      std::string("Zm\0v", 4),
  };
  for (const std::string& text : cases) {
    auto decoded = DecodeBase64(text);
    ASSERT_FALSE(decoded.has_value()) << "accepted " << text;
    EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument) << text;
  }
}

TEST(Base64, MissingPaddingIsAcceptedOnlyWhenAsked) {
  auto decoded = DecodeBase64AllowingMissingPadding("Zm9vYg");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, "foob");
  EXPECT_FALSE(DecodeBase64("Zm9vYg").has_value());
  EXPECT_FALSE(DecodeBase64AllowingMissingPadding("Zm9vY").has_value());
}

TEST(Base64, OversizedInputIsRefused) {
  auto decoded = DecodeBase64(std::string(kMaxBase64Chars + 4, 'A'));
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, ErrorCode::kLimitExceeded);
}

TEST(Base58Btc, EncodesAndDecodesKnownVectors) {
  const Encoding cases[] = {
      {"", ""},
      {std::string("\0", 1), "1"},
      {std::string("\0\0\x01", 3), "112"},
      {"hello world", "StV1DL6CwTryKyV"},
      {"Hello World!", "2NEpo7TZRRrLZSi2U"},
      {"The quick brown fox jumps over the lazy dog.",
       "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
      {std::string("\x00\x00\x28\x7f\xb4\xcd", 6), "11233QC4"},
      {"\xff\xff\xff\xff", "7YXq9G"},
  };
  for (const Encoding& c : cases) {
    EXPECT_EQ(EncodeBase58Btc(c.bytes), c.text);
    auto decoded = DecodeBase58Btc(c.text);
    ASSERT_TRUE(decoded.has_value()) << c.text;
    EXPECT_EQ(*decoded, c.bytes) << c.text;
  }
}

TEST(Base58Btc, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  auto decoded = DecodeBase58Btc(EncodeBase58Btc(bytes));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, bytes);
}

TEST(Base58Btc, RejectsCharactersOutsideTheAlphabet) {
  for (const std::string text : {"0", "O", "I", "l", "abc def", "abc\n", "+", "z\xc3\xa9"}) {
    auto decoded = DecodeBase58Btc(text);
    ASSERT_FALSE(decoded.has_value()) << text;
    EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument) << text;
  }
  auto oversized = DecodeBase58Btc(std::string(kMaxBase58Chars + 1, '2'));
  ASSERT_FALSE(oversized.has_value());
  EXPECT_EQ(oversized.error().code, ErrorCode::kLimitExceeded);
}

TEST(Multibase, OnlyBase58BtcIsUnderstood) {
  EXPECT_EQ(EncodeMultibaseBase58Btc("hello world"), "zStV1DL6CwTryKyV");
  auto decoded = DecodeMultibaseBase58Btc("zStV1DL6CwTryKyV");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, "hello world");

  struct Bad {
    std::string text;
    ErrorCode code;
  };
  const Bad cases[] = {
      {"", ErrorCode::kInvalidArgument},
      {"maGVsbG8=", ErrorCode::kUnsupported},    // base64 multibase
      {"f68656c6c6f", ErrorCode::kUnsupported},  // base16
      {"z0", ErrorCode::kInvalidArgument},
  };
  for (const Bad& bad : cases) {
    auto result = DecodeMultibaseBase58Btc(bad.text);
    ASSERT_FALSE(result.has_value()) << bad.text;
    EXPECT_EQ(result.error().code, bad.code) << bad.text;
  }
}

}  // namespace
}  // namespace parvis::protocol

TEST(Hex, DecodesWhatEncodeHexWrites) {
  const std::string bytes("\x00\x01\xfe\xff", 4);
  EXPECT_EQ(parvis::protocol::EncodeHex(bytes), "0001feff");
  EXPECT_EQ(parvis::protocol::DecodeHex("0001feff"), bytes);
  EXPECT_EQ(parvis::protocol::DecodeHex("0001FEFF"), bytes);
  EXPECT_EQ(parvis::protocol::DecodeHex(""), std::string());
}

TEST(Hex, RefusesMalformedText) {
  for (const char* text : {"0", "abc", "zz", "00 1", "0x00", "00\n"}) {
    EXPECT_FALSE(parvis::protocol::DecodeHex(text).has_value()) << text;
  }
}
