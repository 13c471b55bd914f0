// Data keys and sealed values: round trips, layout, and every kind of tampering.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "parvis/storage.h"

namespace parvis::storage {
namespace {

using namespace std::string_literals;

constexpr size_t kVersionBytes = 1;
constexpr size_t kNonceBytes = 24;
constexpr size_t kTagBytes = 16;
constexpr size_t kOverhead = kVersionBytes + kNonceBytes + kTagBytes;

TEST(DataKeyTest, GenerateGivesDistinctFullKeys) {
  const DataKey a = DataKey::Generate();
  const DataKey b = DataKey::Generate();
  EXPECT_EQ(a.bytes().size(), DataKey::kSize);
  EXPECT_NE(a.bytes(), b.bytes());
  EXPECT_NE(a.bytes(), std::string(DataKey::kSize, '\0'));
}

TEST(DataKeyTest, FromBytesNeedsExactlyThirtyTwoBytes) {
  const std::vector<std::pair<size_t, bool>> cases = {
      {0, false}, {1, false}, {31, false}, {32, true}, {33, false}, {64, false},
  };
  for (const auto& [size, ok] : cases) {
    SCOPED_TRACE(size);
    const Result<DataKey> key = DataKey::FromBytes(std::string(size, '\x07'));
    ASSERT_EQ(key.has_value(), ok);
    if (ok) {
      EXPECT_EQ(key->bytes(), std::string(size, '\x07'));
    } else {
      EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(DataKeyTest, CopiesAreEqual) {
  const DataKey a = DataKey::Generate();
  DataKey b = a;
  EXPECT_EQ(a.bytes(), b.bytes());
  const DataKey c = DataKey::Generate();
  b = c;
  EXPECT_EQ(b.bytes(), c.bytes());
}

struct RoundTripCase {
  const char* name;
  Family family;
  std::string key;
  std::string plaintext;
};

TEST(SealedValueTest, RoundTrips) {
  const std::vector<RoundTripCase> cases = {
      {"empty plaintext", Family::kAccountPrivate, "k", ""},
      {"text", Family::kAccountPrivate, "\x00\x00\x00\x00\x00\x00\x00\x01email"s, "a@example.org"},
      {"empty key", Family::kAccountPrivate, "", "value"},
      {"binary key and value", Family::kObjects, "\x00\xff\x00"s, "\x00\x01\x02\xff"s},
      {"1 MiB", Family::kQueues, "big", std::string(1 << 20, 'z')},
  };
  const DataKey key = DataKey::Generate();
  for (const RoundTripCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string sealed = SealValue(key, c.family, c.key, c.plaintext);
    EXPECT_EQ(sealed.size(), c.plaintext.size() + kOverhead);
    EXPECT_EQ(sealed[0], '\x01');
    const Result<std::string> opened = OpenSealedValue(key, c.family, c.key, sealed);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_EQ(*opened, c.plaintext);
  }
}

TEST(SealedValueTest, NoncesAreFreshEachTime) {
  const DataKey key = DataKey::Generate();
  const std::string a = SealValue(key, Family::kAccountPrivate, "k", "same");
  const std::string b = SealValue(key, Family::kAccountPrivate, "k", "same");
  EXPECT_NE(a.substr(kVersionBytes, kNonceBytes), b.substr(kVersionBytes, kNonceBytes));
  EXPECT_NE(a, b);
}

TEST(SealedValueTest, PlaintextDoesNotAppearInTheSealedValue) {
  const DataKey key = DataKey::Generate();
  const std::string secret = "a secret long enough to be noticed if copied through";
  const std::string sealed = SealValue(key, Family::kAccountPrivate, "k", secret);
  EXPECT_EQ(sealed.find(secret), std::string::npos);
}

// Everything that must fail to open, as a change to a good sealed value or to
// the place and key it is opened with.
struct TamperCase {
  const char* name;
  std::function<void(std::string& sealed)> change_value;
  Family family = Family::kAccountPrivate;
  std::string key = "\x00\x00\x00\x00\x00\x00\x00\x2a/email"s;
  bool wrong_data_key = false;
};

TEST(SealedValueTest, EveryTamperingIsCorruption) {
  const std::string plaintext = "someone@example.org";
  const size_t ciphertext_at = kVersionBytes + kNonceBytes;
  const size_t tag_at = ciphertext_at + plaintext.size();
  auto flip = [](size_t at) { return [at](std::string& s) { s[at] ^= 0x01; }; };
  auto nothing = [](std::string&) {};
  const std::vector<TamperCase> cases = {
      {"version byte 0x02", [](std::string& s) { s[0] = 0x02; }},
      {"version byte 0x00", [](std::string& s) { s[0] = 0x00; }},
      {"first nonce byte", flip(kVersionBytes)},
      {"last nonce byte", flip(kVersionBytes + kNonceBytes - 1)},
      {"first ciphertext byte", flip(ciphertext_at)},
      {"last ciphertext byte", flip(tag_at - 1)},
      {"first tag byte", flip(tag_at)},
      {"last tag byte", flip(tag_at + kTagBytes - 1)},
      {"truncated to nothing", [](std::string& s) { s.clear(); }},
      {"truncated to the version", [](std::string& s) { s.resize(1); }},
      {"truncated below the minimum", [](std::string& s) { s.resize(kOverhead - 1); }},
      {"last byte dropped", [](std::string& s) { s.pop_back(); }},
      {"byte appended", [](std::string& s) { s.push_back('\0'); }},
      {"tag removed", [&](std::string& s) { s.resize(tag_at); }},
      {"moved to another key", nothing, Family::kAccountPrivate,
       "\x00\x00\x00\x00\x00\x00\x00\x2b/email"s},
      {"moved to a longer key", nothing, Family::kAccountPrivate,
       "\x00\x00\x00\x00\x00\x00\x00\x2a/email\x00"s},
      {"moved to another family", nothing, Family::kAccounts},
      {"opened with another data key", nothing, Family::kAccountPrivate,
       "\x00\x00\x00\x00\x00\x00\x00\x2a/email"s, true},
  };
  const DataKey data_key = DataKey::Generate();
  const DataKey other_key = DataKey::Generate();
  const std::string good_key = "\x00\x00\x00\x00\x00\x00\x00\x2a/email"s;
  const std::string good = SealValue(data_key, Family::kAccountPrivate, good_key, plaintext);
  ASSERT_TRUE(OpenSealedValue(data_key, Family::kAccountPrivate, good_key, good).has_value());
  for (const TamperCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string sealed = good;
    c.change_value(sealed);
    const Result<std::string> opened =
        OpenSealedValue(c.wrong_data_key ? other_key : data_key, c.family, c.key, sealed);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, ErrorCode::kCorruption);
    EXPECT_FALSE(opened.error().message.empty());
  }
}

TEST(SealedValueTest, FamilyAndKeyCannotBeShuffledAcrossTheSeparator) {
  // "accounts" + "\0" + "x" must differ from any other (family, key) split.
  const DataKey key = DataKey::Generate();
  const std::string sealed = SealValue(key, Family::kAccounts, "x", "v");
  const std::vector<std::pair<Family, std::string>> others = {
      {Family::kAccountNames, "x"},
      {Family::kAccounts, "\x00x"s},
      {Family::kAccounts, "x\x00"s},
      {Family::kAccounts, ""},
  };
  for (const auto& [family, k] : others) {
    EXPECT_FALSE(OpenSealedValue(key, family, k, sealed).has_value()) << FamilyName(family);
  }
}

}  // namespace
}  // namespace parvis::storage
