// What a node and a client read of encrypted messaging (docs/e2ee.md): the
// EncryptedMessage envelope, the key directory and the claim answer (JSON
// from other nodes), and the wire message, which is also decrypted against a
// fixed responder session (the conversation of tests/vectors/e2ee_v1.json,
// just after Bob accepted Alice's first message). Checks: what parses writes
// back to what parses the same, within the documented bounds; a wire message
// is rewritten byte for byte; a message that fails to decrypt leaves the
// session as it was, and one that decrypts gives no more bytes than it had.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_checks.h"
#include "parvis/protocol/e2ee.h"

namespace {

namespace e2ee = parvis::protocol::e2ee;
using parvis::fuzz::Fail;

// The vectors' fixed inputs: KDF(empty, "test-input", label, n)
// (tests/protocol/e2ee_test_support.h).
std::string Fixed(std::string_view label, size_t n = 32) {
  return e2ee::Kdf({}, "test-input", label, n);
}

e2ee::Key32 FixedKey(std::string_view label) {
  e2ee::Key32 out{};
  const std::string bytes = Fixed(label);
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// Hands out `draws` in order, then bytes derived from the draw's index.
e2ee::RandomSource Replay(std::vector<std::string> draws) {
  auto state = std::make_shared<std::pair<std::vector<std::string>, size_t>>(std::move(draws), 0);
  return [state](std::span<unsigned char> out) {
    const size_t index = state->second++;
    const std::string bytes = index < state->first.size()
                                  ? state->first[index]
                                  : Fixed("fuzz draw " + std::to_string(index), out.size());
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0;
    }
  };
}

struct Fixture {
  e2ee::Session bob;
  std::string bob_state;
};

const Fixture& TheFixture() {
  static const Fixture fixture = [] {
    const e2ee::DhKeyPair alice_identity = e2ee::DhKeyPairFromSecret(FixedKey("conversation DI_A"));
    const e2ee::DeviceSecrets bob =
        e2ee::GenerateDevice(Replay({Fixed("conversation bob id", 16), Fixed("conversation bob DS"),
                                     Fixed("conversation bob DI")}));
    const e2ee::PrekeySecret spk = e2ee::GeneratePrekey(7, Replay({Fixed("conversation SPK_B")}));
    const e2ee::PrekeySecret opk = e2ee::GeneratePrekey(12, Replay({Fixed("conversation OPK_B")}));
    e2ee::PrekeyBundle bundle{e2ee::PublicOf(bob),
                              e2ee::SignPrekey(e2ee::PrekeyKind::kSigned, bob, spk),
                              e2ee::SignPrekey(e2ee::PrekeyKind::kOneTime, bob, opk)};
    auto alice =
        e2ee::Session::Initiate(alice_identity, bundle, Replay({Fixed("conversation EK_A")}));
    if (!alice) Fail("fixture: initiate", alice.error().message);
    auto first = alice->Encrypt("first");
    if (!first) Fail("fixture: encrypt");
    auto accepted =
        e2ee::Session::Accept(bob, spk, opk, *first, Replay({Fixed("conversation bob ratchet 1")}));
    if (!accepted) Fail("fixture: accept", accepted.error().message);
    return Fixture{accepted->session, accepted->session.Serialize()};
  }();
  return fixture;
}

void CheckDecrypt(std::string_view wire) {
  const Fixture& fixture = TheFixture();
  e2ee::Session session = fixture.bob;
  auto plaintext = session.Decrypt(wire, Replay({}));
  if (!plaintext) {
    if (session.Serialize() != fixture.bob_state) Fail("failed decryption changed the session");
    return;
  }
  if (plaintext->size() >= wire.size()) Fail("plaintext longer than its message");
  auto restored = e2ee::Session::Parse(session.Serialize());
  if (!restored || restored->Serialize() != session.Serialize()) Fail("session state round trip");
}

void CheckWire(std::string_view input) {
  auto message = e2ee::ParseWireMessage(input);
  if (!message) return;
  if (input.size() > e2ee::kMaxWireMessageBytes) Fail("oversized wire message accepted");
  if (message->ciphertext.size() < 16) Fail("wire message without a tag");
  if (e2ee::WriteWireMessage(*message) != input) Fail("wire message not rewritten as read");
  CheckDecrypt(input);
}

void CheckEnvelope(std::string_view input) {
  auto envelope = e2ee::ParseEncryptedEnvelope(input);
  if (!envelope) return;
  if (envelope->messages.empty() || envelope->messages.size() > e2ee::kMaxEntries ||
      envelope->to.size() > e2ee::kMaxEntries) {
    Fail("envelope entry count out of bounds");
  }
  if (!e2ee::IsDeviceId(envelope->sender_device)) Fail("bad sender device accepted");
  for (const auto& entry : envelope->messages) {
    if (entry.body.empty() || entry.body.size() > e2ee::kMaxWireMessageBytes) Fail("body size");
    if (!e2ee::IsDeviceId(entry.device)) Fail("bad device accepted", entry.device);
    if (std::find(envelope->to.begin(), envelope->to.end(), entry.to) == envelope->to.end()) {
      Fail("entry for a non-recipient", entry.to);
    }
    CheckWire(entry.body);
  }
  const std::string written = e2ee::WriteEncryptedEnvelope(*envelope);
  auto again = e2ee::ParseEncryptedEnvelope(written);
  if (!again) Fail("written envelope does not parse", again.error().message, written);
  if (e2ee::WriteEncryptedEnvelope(*again) != written) Fail("envelope not a fixed point", written);
}

void CheckDirectory(std::string_view input) {
  auto directory = e2ee::ParseKeyDirectory(input);
  if (directory) {
    if (directory->devices.size() > e2ee::kMaxEntries) Fail("too many devices accepted");
    const std::string written = e2ee::WriteKeyDirectory(*directory);
    auto again = e2ee::ParseKeyDirectory(written);
    if (!again || e2ee::WriteKeyDirectory(*again) != written) Fail("directory round trip", written);
    (void)e2ee::VerifyKeyDirectory(*directory, 1);
  }
  auto claim = e2ee::ParseClaimAnswer(input);
  if (claim) {
    const std::string written = e2ee::WriteClaimAnswer(*claim);
    auto again = e2ee::ParseClaimAnswer(written);
    if (!again || e2ee::WriteClaimAnswer(*again) != written) Fail("claim round trip", written);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckWire(input);
  CheckEnvelope(input);
  CheckDirectory(input);
  return 0;
}
