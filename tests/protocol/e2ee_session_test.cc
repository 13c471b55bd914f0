#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/e2ee.h"
#include "protocol/e2ee_test_support.h"

namespace parvis::protocol::e2ee {
namespace {

using testing::Counter;
using testing::Pair;

// Alice has started a session with Bob and Bob has accepted her first message.
struct Conversation {
  Pair pair;
  Session alice;
  Session bob;

  explicit Conversation(bool with_opk = true) {
    auto started = Session::Initiate(pair.alice.identity, pair.Bundle(with_opk), Counter("ek"));
    EXPECT_TRUE(started.has_value()) << started.error().message;
    alice = *started;
    auto first = alice.Encrypt("hello Bob");
    EXPECT_TRUE(first.has_value());
    auto accepted = Session::Accept(pair.bob, pair.bob_spk,
                                    with_opk ? std::optional(pair.bob_opk) : std::nullopt, *first,
                                    Counter("bob ratchet"));
    EXPECT_TRUE(accepted.has_value()) << accepted.error().message;
    EXPECT_EQ(accepted->plaintext, "hello Bob");
    bob = accepted->session;
  }
};

TEST(E2eeSession, RoundTripBothWaysWithAndWithoutOneTimePrekey) {
  for (bool with_opk : {true, false}) {
    Conversation c(with_opk);
    EXPECT_TRUE(c.alice.awaiting_reply());
    for (int round = 0; round < 4; ++round) {
      for (int i = 0; i < 3; ++i) {
        const std::string text = "a" + std::to_string(round) + std::to_string(i);
        auto wire = c.alice.Encrypt(text);
        ASSERT_TRUE(wire.has_value());
        auto plain = c.bob.Decrypt(*wire, Counter("b" + text));
        ASSERT_TRUE(plain.has_value()) << plain.error().message;
        EXPECT_EQ(*plain, text);
      }
      const std::string text = "b" + std::to_string(round);
      auto wire = c.bob.Encrypt(text);
      ASSERT_TRUE(wire.has_value());
      EXPECT_EQ(static_cast<unsigned char>((*wire)[1]), kTypeRatchet);
      auto plain = c.alice.Decrypt(*wire, Counter("a" + text));
      ASSERT_TRUE(plain.has_value()) << plain.error().message;
      EXPECT_EQ(*plain, text);
      EXPECT_FALSE(c.alice.awaiting_reply());
    }
    EXPECT_EQ(c.alice.remote_identity(), c.pair.bob.identity.public_key);
    EXPECT_EQ(c.bob.remote_identity(), c.pair.alice.identity.public_key);
  }
}

TEST(E2eeSession, InitiatorSendsSetUpMessagesUntilItHearsBack) {
  Conversation c;
  auto second = c.alice.Encrypt("still type 1");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(static_cast<unsigned char>((*second)[1]), kTypeSetup);
  ASSERT_TRUE(c.bob.Decrypt(*second).has_value());
  auto reply = c.bob.Encrypt("reply");
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(c.alice.Decrypt(*reply).has_value());
  auto third = c.alice.Encrypt("now type 2");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(static_cast<unsigned char>((*third)[1]), kTypeRatchet);
  EXPECT_TRUE(c.bob.Decrypt(*third).has_value());
}

TEST(E2eeSession, LostFirstMessageDoesNotBreakTheSession) {
  Pair pair;
  auto alice = Session::Initiate(pair.alice.identity, pair.Bundle(), Counter("ek"));
  ASSERT_TRUE(alice.has_value());
  ASSERT_TRUE(alice->Encrypt("lost").has_value());
  auto second = alice->Encrypt("arrives");
  ASSERT_TRUE(second.has_value());
  auto accepted = Session::Accept(pair.bob, pair.bob_spk, pair.bob_opk, *second);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
  EXPECT_EQ(accepted->plaintext, "arrives");
  EXPECT_EQ(accepted->session.skipped_key_count(), 1u);
}

TEST(E2eeSession, ReorderedAndLostMessagesDecrypt) {
  Conversation c;
  std::vector<std::string> wires;
  for (int i = 0; i < 6; ++i) wires.push_back(*c.alice.Encrypt("m" + std::to_string(i)));
  // Delivered 5, 1, 3, 0; 2 and 4 are lost.
  for (int i : {5, 1, 3, 0}) {
    auto plain = c.bob.Decrypt(wires[i]);
    ASSERT_TRUE(plain.has_value()) << i << ": " << plain.error().message;
    EXPECT_EQ(*plain, "m" + std::to_string(i));
  }
  EXPECT_EQ(c.bob.skipped_key_count(), 2u);
  // Across a ratchet step: Alice's old-chain message arrives after the new one.
  auto reply = c.bob.Encrypt("reply");
  ASSERT_TRUE(c.alice.Decrypt(*reply).has_value());
  auto new_chain = c.alice.Encrypt("new chain");
  ASSERT_TRUE(c.bob.Decrypt(*new_chain).has_value());
  auto late = c.bob.Decrypt(wires[2]);
  ASSERT_TRUE(late.has_value()) << late.error().message;
  EXPECT_EQ(*late, "m2");
}

TEST(E2eeSession, ReplayedMessageIsRejectedAndStateKept) {
  Conversation c;
  auto wire = c.alice.Encrypt("once");
  ASSERT_TRUE(c.bob.Decrypt(*wire).has_value());
  const std::string before = c.bob.Serialize();
  EXPECT_FALSE(c.bob.Decrypt(*wire).has_value());
  EXPECT_EQ(c.bob.Serialize(), before);
  // A skipped key is used once too.
  auto first = c.alice.Encrypt("first");
  auto second = c.alice.Encrypt("second");
  ASSERT_TRUE(c.bob.Decrypt(*second).has_value());
  ASSERT_TRUE(c.bob.Decrypt(*first).has_value());
  EXPECT_FALSE(c.bob.Decrypt(*first).has_value());
  EXPECT_FALSE(c.bob.Decrypt(*second).has_value());
}

TEST(E2eeSession, TamperedByteInEveryRegionIsRejected) {
  Conversation c;
  auto wire = c.alice.Encrypt("tamper with me");  // type 1: every region present
  ASSERT_TRUE(wire.has_value());
  ASSERT_EQ(static_cast<unsigned char>((*wire)[1]), kTypeSetup);
  struct Region {
    const char* name;
    size_t offset;
  };
  const size_t tag = wire->size() - 1;
  const std::vector<Region> regions = {
      {"version", 0},           {"type", 1},
      {"setup identity", 5},    {"setup spk id", 2 + 32 + 3},
      {"setup opk id", 2 + 39}, {"header ratchet key", 42 + 10},
      {"header pn", 42 + 35},   {"header n", 42 + 39},
      {"ciphertext", 82 + 3},   {"tag", tag},
  };
  const std::string before = c.bob.Serialize();
  for (const auto& region : regions) {
    for (unsigned char flip : {0x01, 0x80}) {
      std::string bad = *wire;
      bad[region.offset] = static_cast<char>(bad[region.offset] ^ flip);
      EXPECT_FALSE(c.bob.Decrypt(bad).has_value()) << region.name;
      EXPECT_EQ(c.bob.Serialize(), before) << region.name;
    }
  }
  EXPECT_TRUE(c.bob.Decrypt(*wire).has_value());
  // Type 2 too.
  auto reply = c.bob.Encrypt("reply");
  for (size_t offset :
       {size_t{0}, size_t{1}, size_t{5}, size_t{35}, size_t{41}, size_t{50}, reply->size() - 1}) {
    std::string bad = *reply;
    bad[offset] = static_cast<char>(bad[offset] ^ 0x04);
    EXPECT_FALSE(c.alice.Decrypt(bad).has_value()) << offset;
  }
  EXPECT_TRUE(c.alice.Decrypt(*reply).has_value());
}

TEST(E2eeSession, TruncatedExtendedAndOversizedMessagesAreRejected) {
  Conversation c;
  auto wire = c.alice.Encrypt("short");
  ASSERT_TRUE(wire.has_value());
  for (size_t length = 0; length < wire->size(); ++length) {
    EXPECT_FALSE(c.bob.Decrypt(wire->substr(0, length)).has_value()) << length;
  }
  EXPECT_FALSE(c.bob.Decrypt(*wire + std::string(1, '\0')).has_value());
  EXPECT_FALSE(c.bob.Decrypt(*wire + std::string(16, 'x')).has_value());
  std::string huge = *wire + std::string(kMaxWireMessageBytes, 'x');
  auto parsed = ParseWireMessage(huge);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::kLimitExceeded);
  EXPECT_TRUE(c.bob.Decrypt(*wire).has_value());
}

TEST(E2eeSession, UnknownVersionAndTypeAreRejected) {
  Conversation c;
  auto wire = *c.alice.Encrypt("x");
  for (unsigned char version : {0x00, 0x02, 0xFF}) {
    std::string bad = wire;
    bad[0] = static_cast<char>(version);
    auto parsed = ParseWireMessage(bad);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message.find("version"), std::string::npos);
  }
  for (unsigned char type : {0x00, 0x03, 0xFF}) {
    std::string bad = wire;
    bad[1] = static_cast<char>(type);
    auto parsed = ParseWireMessage(bad);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message.find("type"), std::string::npos);
  }
}

TEST(E2eeSession, WireMessageSizesFollowTheFormat) {
  Conversation c;
  auto setup = *c.alice.Encrypt("");
  EXPECT_EQ(setup.size(), 2u + 40u + 40u + 256u + 16u);
  auto parsed = ParseWireMessage(setup);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->setup.has_value());
  EXPECT_EQ(parsed->setup->signed_prekey_id, 7u);
  EXPECT_EQ(parsed->setup->one_time_prekey_id, 12u);
  EXPECT_EQ(WriteWireMessage(*parsed), setup);
  // 255 bytes pad to 256, 256 to 512.
  EXPECT_EQ(c.alice.Encrypt(std::string(255, 'x'))->size(), 82u + 256u + 16u);
  EXPECT_EQ(c.alice.Encrypt(std::string(256, 'x'))->size(), 82u + 512u + 16u);
  // The largest plaintext that fits 65,536 bytes once padded, and one more.
  auto fits = c.alice.Encrypt(std::string(65279, 'x'));
  ASSERT_TRUE(fits.has_value());
  EXPECT_LE(fits->size(), kMaxWireMessageBytes);
  auto too_long = c.alice.Encrypt(std::string(65280, 'x'));
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().code, ErrorCode::kLimitExceeded);
  auto plain = c.bob.Decrypt(*fits);
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  EXPECT_EQ(plain->size(), 65279u);
}

TEST(E2eeSession, MoreThanAThousandSkippedIsRejected) {
  Conversation c;
  std::vector<std::string> wires;
  for (int i = 0; i <= 1001; ++i) wires.push_back(*c.alice.Encrypt("m"));
  // Bob has read message 0 of this chain (the set-up one): message n skips n - 1.
  const std::string before = c.bob.Serialize();
  auto too_far = c.bob.Decrypt(wires[1001]);
  ASSERT_FALSE(too_far.has_value());
  EXPECT_EQ(too_far.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(c.bob.Serialize(), before);
  auto just_fits = c.bob.Decrypt(wires[1000]);
  ASSERT_TRUE(just_fits.has_value()) << just_fits.error().message;
  EXPECT_EQ(c.bob.skipped_key_count(), 1000u);
}

TEST(E2eeSession, AtMostTwoThousandSkippedKeysAreKeptOldestFirstOut) {
  Conversation c;
  // Three chains of Alice's, each skipping 900: 2,700 skipped, 2,000 kept.
  std::vector<std::string> oldest;
  for (int chain = 0; chain < 3; ++chain) {
    std::vector<std::string> wires;
    for (int i = 0; i <= 900; ++i) wires.push_back(*c.alice.Encrypt("m"));
    if (chain == 0) oldest = wires;
    ASSERT_TRUE(c.bob.Decrypt(wires.back()).has_value());
    auto reply = c.bob.Encrypt("r");
    ASSERT_TRUE(c.alice.Decrypt(*reply).has_value());
  }
  EXPECT_EQ(c.bob.skipped_key_count(), kMaxSkippedKeys);
  EXPECT_FALSE(c.bob.Decrypt(oldest[0]).has_value());
  EXPECT_TRUE(c.bob.Decrypt(oldest[899]).has_value());
}

TEST(E2eeSession, AcceptRefusesUnknownOrReusedPrekeys) {
  Pair pair;
  auto alice = Session::Initiate(pair.alice.identity, pair.Bundle(), Counter("ek"));
  auto first = *alice->Encrypt("hi");
  ASSERT_TRUE(Session::Accept(pair.bob, pair.bob_spk, pair.bob_opk, first).has_value());
  // Bob deleted OPK 12 once it decrypted: a second set-up naming it fails.
  auto again = Session::Accept(pair.bob, pair.bob_spk, std::nullopt, first);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  auto other_alice = Session::Initiate(pair.alice.identity, pair.Bundle(), Counter("ek2"));
  auto other = *other_alice->Encrypt("hi again");
  EXPECT_EQ(Session::Accept(pair.bob, pair.bob_spk, std::nullopt, other).error().code,
            ErrorCode::kNotFound);
  // The wrong signed prekey, or an OPK with another id.
  PrekeySecret wrong_spk = GeneratePrekey(8, Counter("wrong spk"));
  EXPECT_EQ(Session::Accept(pair.bob, wrong_spk, pair.bob_opk, first).error().code,
            ErrorCode::kNotFound);
  PrekeySecret wrong_opk = GeneratePrekey(13, Counter("wrong opk"));
  EXPECT_EQ(Session::Accept(pair.bob, pair.bob_spk, wrong_opk, first).error().code,
            ErrorCode::kNotFound);
  // Right id, wrong secret: does not authenticate.
  PrekeySecret fake_opk = GeneratePrekey(12, Counter("fake opk"));
  EXPECT_FALSE(Session::Accept(pair.bob, pair.bob_spk, fake_opk, first).has_value());
  // A ratchet message is not a set-up.
  Conversation c;
  auto reply = *c.bob.Encrypt("r");
  EXPECT_FALSE(Session::Accept(pair.bob, pair.bob_spk, std::nullopt, reply).has_value());
}

TEST(E2eeSession, InitiateRefusesBadPrekeySignatures) {
  Pair pair;
  PrekeyBundle bundle = pair.Bundle();
  bundle.signed_prekey.signature[3] ^= 1;
  EXPECT_FALSE(Session::Initiate(pair.alice.identity, bundle).has_value());
  bundle = pair.Bundle();
  bundle.one_time_prekey->signature[3] ^= 1;
  EXPECT_FALSE(Session::Initiate(pair.alice.identity, bundle).has_value());
  bundle = pair.Bundle();
  bundle.signed_prekey.id = 8;  // the signature covers the id
  EXPECT_FALSE(Session::Initiate(pair.alice.identity, bundle).has_value());
  bundle = pair.Bundle();
  std::swap(bundle.signed_prekey, *bundle.one_time_prekey);  // kinds are not interchangeable
  EXPECT_FALSE(Session::Initiate(pair.alice.identity, bundle).has_value());
  bundle = pair.Bundle();
  bundle.signed_prekey.public_key = Key32{};  // low-order key, even if it were signed
  EXPECT_FALSE(Session::Initiate(pair.alice.identity, bundle).has_value());
}

TEST(E2eeSession, SetUpMessageOfAnotherSessionIsNotDecryptedAsThisOne) {
  Conversation c;
  auto other = Session::Initiate(c.pair.alice.identity, c.pair.Bundle(false), Counter("ek2"));
  auto wire = *other->Encrypt("another session");
  auto result = c.bob.Decrypt(wire);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("another session"), std::string::npos);
  // The initiator never accepts set-up messages.
  auto setup = *c.alice.Encrypt("x");
  EXPECT_FALSE(c.alice.Decrypt(setup).has_value());
}

TEST(E2eeSession, SerializedStateResumesTheConversation) {
  Conversation c;
  auto skipped = *c.alice.Encrypt("skipped");
  ASSERT_TRUE(c.bob.Decrypt(*c.alice.Encrypt("after")).has_value());
  for (Session* session : {&c.alice, &c.bob}) {
    auto parsed = Session::Parse(session->Serialize());
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    EXPECT_EQ(parsed->Serialize(), session->Serialize());
    *session = *parsed;
  }
  EXPECT_EQ(*c.bob.Decrypt(skipped), "skipped");
  auto reply = c.bob.Encrypt("reply");
  EXPECT_EQ(*c.alice.Decrypt(*reply), "reply");
}

TEST(E2eeSession, MalformedStateIsRejected) {
  Conversation c;
  const std::string good = c.bob.Serialize();
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"empty", ""},
      {"not JSON", "session"},
      {"array", "[]"},
      {"truncated", good.substr(0, good.size() / 2)},
      {"other format", replace("parvis-e2ee-session", "parvis-e2ee-sessio")},
      {"newer version", replace("\"version\":1", "\"version\":2")},
      {"version as string", replace("\"version\":1", "\"version\":\"1\"")},
      {"unknown role", replace("\"responder\"", "\"observer\"")},
      {"received not bool", replace("\"received\":true", "\"received\":1")},
      {"short root key", replace("\"rootKey\":\"", "\"rootKey\":\"AA")},
      {"padded key", replace("\"rootKey\":\"", "\"rootKey\":\"=")},
      {"negative count", replace("\"ns\":0", "\"ns\":-1")},
      {"count too large", replace("\"ns\":0", "\"ns\":4294967296")},
      {"missing skipped", replace("\"skipped\":[]", "\"skipped_\":[]")},
      {"skipped not array", replace("\"skipped\":[]", "\"skipped\":{}")},
      {"bad skipped entry", replace("\"skipped\":[]", "\"skipped\":[{\"n\":1}]")},
      {"spk id 0", replace("\"signedPrekeyId\":7", "\"signedPrekeyId\":0")},
  };
  for (const auto& [name, text] : cases) {
    auto parsed = Session::Parse(text);
    ASSERT_FALSE(parsed.has_value()) << name;
    EXPECT_EQ(parsed.error().code, ErrorCode::kCorruption)
        << name << ": " << parsed.error().message;
  }
  EXPECT_TRUE(Session::Parse(good).has_value());
}

}  // namespace
}  // namespace parvis::protocol::e2ee
