#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/e2ee.h"
#include "protocol/e2ee_test_support.h"

namespace parvis::protocol::e2ee {
namespace {

using testing::Counter;
using testing::FixedKey;

constexpr std::string_view kActor = "https://a.example/users/alice";

struct Account {
  SigningKeyPair key = SigningKeyPairFromSeed(FixedKey("account"));
  std::vector<DeviceSecrets> devices = {
      GenerateDevice(Counter("d1")), GenerateDevice(Counter("d2")), GenerateDevice(Counter("d3"))};
  std::vector<DevicePublic> Publics() const {
    std::vector<DevicePublic> out;
    for (const auto& device : devices) out.push_back(PublicOf(device));
    return out;
  }
};

TEST(E2eeBase64Url, EncodesWithoutPaddingAndDecodesStrictly) {
  EXPECT_EQ(EncodeBase64Url(""), "");
  EXPECT_EQ(EncodeBase64Url("\xfb\xff"), "-_8");
  EXPECT_EQ(*DecodeBase64Url("-_8"), "\xfb\xff");
  struct Case {
    std::string text;
    const char* why;
  };
  for (const Case& bad :
       {Case{"-_8=", "padding"}, Case{"+/8", "standard alphabet"},
        Case{"-_9", "non-zero trailing bits"}, Case{"A", "impossible length"},
        Case{"AA AA", "space"}, Case{"AA\nAA", "newline"}, Case{std::string("QUJD\0", 5), "NUL"}}) {
    EXPECT_FALSE(DecodeBase64Url(bad.text).has_value()) << bad.why;
  }
}

TEST(E2eeKdf, MatchesItsDefinitionAndSeparatesLabels) {
  const std::string key(32, 'k');
  EXPECT_EQ(Kdf(key, "chain-key", "", 32).size(), 32u);
  EXPECT_EQ(Kdf({}, "aead", "", 56).size(), 56u);
  EXPECT_NE(Kdf(key, "chain-key", "", 32), Kdf(key, "message-key", "", 32));
  // The 0x00 separator keeps label and input apart.
  EXPECT_NE(Kdf({}, "ab", "c", 32), Kdf({}, "a", "bc", 32));
  EXPECT_NE(Kdf({}, "x3dh", "", 32), Kdf(std::string(32, '\0'), "x3dh", "", 32));
}

TEST(E2eeKeys, KeyPairsAreDeterministicFromTheirRandomBytes) {
  EXPECT_EQ(SigningKeyPairFromSeed(FixedKey("s")).public_key,
            GenerateSigningKeyPair(testing::SequenceRandom({testing::FixedBytes("s")}).Source())
                .public_key);
  const DhKeyPair pair = DhKeyPairFromSecret(FixedKey("x"));
  EXPECT_EQ(DhKeyPairFromSecret(pair.secret_key).public_key, pair.public_key);
  const DhKeyPair other = DhKeyPairFromSecret(FixedKey("y"));
  EXPECT_EQ(*Dh(pair.secret_key, other.public_key), *Dh(other.secret_key, pair.public_key));
  EXPECT_FALSE(Dh(pair.secret_key, Key32{}).has_value());  // all-zero result
  const std::string id = GenerateDeviceId(Counter("id"));
  EXPECT_EQ(id.size(), 22u);
  EXPECT_TRUE(IsDeviceId(id));
  for (const char* bad : {"", "short", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA=",
                          "AAAAAAAAAAAAAAAAAAAAA+", "AAAAAAAAAAAAAAAAAAAAAB"}) {
    EXPECT_FALSE(IsDeviceId(bad)) << bad;
  }
}

TEST(E2eeDeviceList, SignedListVerifies) {
  Account account;
  auto list = SignDeviceList(kActor, 3, account.Publics(), account.key);
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_TRUE(std::is_sorted(list->devices.begin(), list->devices.end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));
  EXPECT_TRUE(VerifyDeviceList(kActor, account.key.public_key, *list, 1).has_value());
  EXPECT_TRUE(VerifyDeviceList(kActor, account.key.public_key, *list, 3).has_value());
  // The bytes do not depend on the order the caller gives.
  auto reversed = account.Publics();
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(DeviceListBytes(kActor, 3, reversed), DeviceListBytes(kActor, 3, account.Publics()));
}

TEST(E2eeDeviceList, BadListsAreRejected) {
  Account account;
  const DeviceList good = *SignDeviceList(kActor, 3, account.Publics(), account.key);
  const SigningKeyPair other_key = SigningKeyPairFromSeed(FixedKey("other"));
  struct Case {
    const char* name;
    std::function<void(DeviceList&, std::string&, Key32&, uint64_t&)> change;
  };
  const std::vector<Case> cases = {
      {"signature byte", [](DeviceList& l, auto&, auto&, auto&) { l.signature[10] ^= 1; }},
      {"other account key", [&](auto&, auto&, Key32& k, auto&) { k = other_key.public_key; }},
      {"other actor", [](auto&, std::string& a, auto&, auto&) { a += "x"; }},
      {"version changed", [](DeviceList& l, auto&, auto&, auto&) { l.version = 4; }},
      {"lower than seen", [](auto&, auto&, auto&, uint64_t& min) { min = 4; }},
      {"version 0", [](DeviceList& l, auto&, auto&, auto&) { l.version = 0; }},
      {"device added",
       [&](DeviceList& l, auto&, auto&, auto&) {
         l.devices.push_back(PublicOf(GenerateDevice(Counter("intruder"))));
         std::sort(l.devices.begin(), l.devices.end(),
                   [](const auto& a, const auto& b) { return a.id < b.id; });
       }},
      {"device removed", [](DeviceList& l, auto&, auto&, auto&) { l.devices.pop_back(); }},
      {"key swapped",
       [](DeviceList& l, auto&, auto&, auto&) {
         std::swap(l.devices[0].signing_key, l.devices[0].identity_key);
       }},
      {"unsorted",
       [](DeviceList& l, auto&, auto&, auto&) { std::swap(l.devices[0], l.devices[1]); }},
      {"duplicate", [](DeviceList& l, auto&, auto&, auto&) { l.devices[1] = l.devices[0]; }},
      {"bad id", [](DeviceList& l, auto&, auto&, auto&) { l.devices[0].id = "not-an-id"; }},
  };
  for (const auto& c : cases) {
    DeviceList list = good;
    std::string actor(kActor);
    Key32 key = account.key.public_key;
    uint64_t min_version = 3;
    c.change(list, actor, key, min_version);
    EXPECT_FALSE(VerifyDeviceList(actor, key, list, min_version).has_value()) << c.name;
  }
}

TEST(E2eeDeviceList, SigningRefusesBadInput) {
  Account account;
  EXPECT_FALSE(SignDeviceList(kActor, 0, account.Publics(), account.key).has_value());
  auto duplicate = account.Publics();
  duplicate.push_back(duplicate[0]);
  EXPECT_FALSE(SignDeviceList(kActor, 1, duplicate, account.key).has_value());
  std::vector<DevicePublic> many;
  for (int i = 0; i < 65; ++i)
    many.push_back(PublicOf(GenerateDevice(Counter("m" + std::to_string(i)))));
  auto too_many = SignDeviceList(kActor, 1, many, account.key);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code, ErrorCode::kLimitExceeded);
  many.pop_back();
  EXPECT_TRUE(SignDeviceList(kActor, 1, many, account.key).has_value());
  EXPECT_TRUE(SignDeviceList(kActor, 1, {}, account.key).has_value());
}

TEST(E2eePrekeys, SignaturesBindKindDeviceIdAndKey) {
  Account account;
  const DeviceSecrets& device = account.devices[0];
  const PrekeySecret prekey = GeneratePrekey(7, Counter("spk"));
  const SignedPrekey good = SignPrekey(PrekeyKind::kSigned, device, prekey);
  EXPECT_TRUE(VerifyPrekey(PrekeyKind::kSigned, PublicOf(device), good).has_value());
  struct Case {
    const char* name;
    std::function<void(PrekeyKind&, DevicePublic&, SignedPrekey&)> change;
  };
  const std::vector<Case> cases = {
      {"signature", [](auto&, auto&, SignedPrekey& p) { p.signature[0] ^= 1; }},
      {"kind", [](PrekeyKind& k, auto&, auto&) { k = PrekeyKind::kOneTime; }},
      {"id", [](auto&, auto&, SignedPrekey& p) { p.id = 8; }},
      {"id 0", [](auto&, auto&, SignedPrekey& p) { p.id = 0; }},
      {"key", [](auto&, auto&, SignedPrekey& p) { p.public_key[5] ^= 1; }},
      {"other device id", [&](auto&, DevicePublic& d, auto&) { d.id = account.devices[1].id; }},
      {"other signer", [&](auto&, DevicePublic& d,
                           auto&) { d.signing_key = account.devices[1].signing.public_key; }},
  };
  for (const auto& c : cases) {
    PrekeyKind kind = PrekeyKind::kSigned;
    DevicePublic public_device = PublicOf(device);
    SignedPrekey signed_prekey = good;
    c.change(kind, public_device, signed_prekey);
    EXPECT_FALSE(VerifyPrekey(kind, public_device, signed_prekey).has_value()) << c.name;
  }
}

TEST(E2eeSafetyNumber, IsSixtyDigitsAndSymmetric) {
  const Key32 a = SigningKeyPairFromSeed(FixedKey("a")).public_key;
  const Key32 b = SigningKeyPairFromSeed(FixedKey("b")).public_key;
  const std::string number = SafetyNumber("https://a/x", a, "https://b/y", b);
  EXPECT_EQ(number.size(), 60u);
  EXPECT_EQ(number.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(number, SafetyNumber("https://b/y", b, "https://a/x", a));
  EXPECT_NE(number, SafetyNumber("https://b/y", a, "https://a/x", b));
  EXPECT_EQ(SafetyDigits("https://a/x", a).size(), 30u);
}

}  // namespace
}  // namespace parvis::protocol::e2ee
