// Shared pieces of the e2ee tests: a RandomSource that replays fixed byte
// strings, hex, and a deterministic pair of devices (Alice and Bob).
#ifndef PARVIS_TESTS_PROTOCOL_E2EE_TEST_SUPPORT_H_
#define PARVIS_TESTS_PROTOCOL_E2EE_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/hex.h"

namespace parvis::protocol::e2ee::testing {

// Fixed "random" bytes for `label`: KDF(empty, "test-input", label, n).
inline std::string FixedBytes(std::string_view label, size_t n = 32) {
  return Kdf({}, "test-input", label, n);
}

inline Key32 FixedKey(std::string_view label) {
  Key32 out{};
  const std::string bytes = FixedBytes(label);
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

template <size_t N>
std::string View(const std::array<unsigned char, N>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), N);
}

template <size_t N>
std::string Hex(const std::array<unsigned char, N>& bytes) {
  return EncodeHex(View(bytes));
}

inline std::string Unhex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) ADD_FAILURE() << "odd hex length";
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) ADD_FAILURE() << "bad hex " << hex;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

template <size_t N>
std::array<unsigned char, N> UnhexArray(std::string_view hex) {
  std::array<unsigned char, N> out{};
  const std::string bytes = Unhex(hex);
  EXPECT_EQ(bytes.size(), N) << hex;
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

// Replays `draws` in order; each draw must ask for exactly the next string's
// length. Records every draw so tests can show what was consumed.
class SequenceRandom {
 public:
  explicit SequenceRandom(std::vector<std::string> draws)
      : state_(std::make_shared<State>(State{std::move(draws), 0})) {}

  RandomSource Source() const {
    auto state = state_;
    return [state](std::span<unsigned char> out) {
      if (state->next >= state->draws.size()) {
        ADD_FAILURE() << "SequenceRandom: draw " << state->next << " of " << out.size()
                      << " bytes beyond the list";
        std::fill(out.begin(), out.end(), 0);
        return;
      }
      const std::string& bytes = state->draws[state->next++];
      EXPECT_EQ(bytes.size(), out.size()) << "SequenceRandom: draw size";
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0;
      }
    };
  }

  size_t used() const { return state_->next; }

 private:
  struct State {
    std::vector<std::string> draws;
    size_t next;
  };
  std::shared_ptr<State> state_;
};

// Draws the same fixed bytes every time; for tests that do not replay.
inline RandomSource Counter(std::string_view label) {
  auto count = std::make_shared<int>(0);
  std::string prefix(label);
  return [count, prefix](std::span<unsigned char> out) {
    const std::string bytes = FixedBytes(prefix + std::to_string((*count)++), out.size());
    std::copy(bytes.begin(), bytes.end(), out.begin());
  };
}

// Two parties with one device each; Bob has signed prekey 7 and one-time
// prekey 12.
struct Pair {
  std::string alice_actor = "https://a.example/users/alice";
  std::string bob_actor = "https://b.example/users/bob";
  SigningKeyPair alice_account = SigningKeyPairFromSeed(FixedKey("alice account"));
  SigningKeyPair bob_account = SigningKeyPairFromSeed(FixedKey("bob account"));
  DeviceSecrets alice = GenerateDevice(Counter("alice device"));
  DeviceSecrets bob = GenerateDevice(Counter("bob device"));
  PrekeySecret bob_spk = GeneratePrekey(7, Counter("bob spk"));
  PrekeySecret bob_opk = GeneratePrekey(12, Counter("bob opk"));

  PrekeyBundle Bundle(bool with_opk = true) const {
    PrekeyBundle bundle;
    bundle.device = PublicOf(bob);
    bundle.signed_prekey = SignPrekey(PrekeyKind::kSigned, bob, bob_spk);
    if (with_opk) bundle.one_time_prekey = SignPrekey(PrekeyKind::kOneTime, bob, bob_opk);
    return bundle;
  }
};

}  // namespace parvis::protocol::e2ee::testing

#endif  // PARVIS_TESTS_PROTOCOL_E2EE_TEST_SUPPORT_H_
