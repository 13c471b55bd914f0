// tests/vectors/e2ee_v1.json: the fixed reference that the C++ and the
// JavaScript implementations both reproduce. Rewrite it (only when the
// protocol changes on purpose), from the repository's root, with
//   PARVIS_WRITE_E2EE_VECTORS=tests/vectors/e2ee_v1.json
//   build/tests/parvis_protocol_tests --gtest_filter=E2eeVectors.Write
// (the variable set for that one command).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/json.h"
#include "protocol/e2ee_test_support.h"
#include "protocol/e2ee_vector_builder.h"

namespace parvis::protocol::e2ee {
namespace {

using testing::BuildE2eeVectors;
using testing::E2eeVectorsPath;
using testing::Hex;
using testing::SequenceRandom;
using testing::Unhex;
using testing::UnhexArray;

std::string ReadVectorsFile() {
  std::ifstream in(E2eeVectorsPath(), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string S(const rapidjson::Value& object, const char* name) {
  if (!object.HasMember(name) || !object[name].IsString()) {
    ADD_FAILURE() << "vectors: missing string " << name;
    return {};
  }
  return std::string(object[name].GetString(), object[name].GetStringLength());
}

std::vector<std::string> HexList(const rapidjson::Value& object, const char* name) {
  std::vector<std::string> out;
  for (const auto& item : object[name].GetArray()) out.push_back(Unhex(item.GetString()));
  return out;
}

rapidjson::Document LoadVectors() {
  auto document = ParseJson(ReadVectorsFile(), JsonLimits{.max_bytes = 1 << 22});
  EXPECT_TRUE(document.has_value()) << E2eeVectorsPath();
  return document ? std::move(*document) : rapidjson::Document();
}

TEST(E2eeVectors, Write) {
  const char* path = std::getenv("PARVIS_WRITE_E2EE_VECTORS");
  if (path == nullptr) GTEST_SKIP() << "set PARVIS_WRITE_E2EE_VECTORS to the output path";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << BuildE2eeVectors();
  ASSERT_TRUE(out.good()) << path;
}

TEST(E2eeVectors, CommittedFileIsReproducedByteForByte) {
  const std::string committed = ReadVectorsFile();
  ASSERT_FALSE(committed.empty()) << E2eeVectorsPath();
  EXPECT_TRUE(committed == BuildE2eeVectors())
      << "the C++ code no longer reproduces " << E2eeVectorsPath();
}

// What a second implementation does: recompute every output from the inputs
// the file names.
TEST(E2eeVectors, ReplayKdf) {
  auto vectors = LoadVectors();
  for (const auto& item : vectors["kdf"]["cases"].GetArray()) {
    EXPECT_EQ(EncodeHex(Kdf(Unhex(S(item, "key")), S(item, "label"), Unhex(S(item, "input")),
                            item["n"].GetUint())),
              S(item, "output"))
        << S(item, "label");
  }
}

TEST(E2eeVectors, ReplayDeviceListAndPrekeys) {
  auto vectors = LoadVectors();
  const auto& list_json = vectors["deviceList"];
  const std::string actor = S(list_json, "actor");
  const SigningKeyPair account =
      SigningKeyPairFromSeed(UnhexArray<32>(S(list_json, "accountKeySeed")));
  EXPECT_EQ(Hex(account.public_key), S(list_json, "accountKeyPublic"));
  EXPECT_EQ(Hex(account.secret_key), S(list_json, "accountKeySecret"));
  std::vector<DevicePublic> devices;
  for (const auto& item : list_json["devices"].GetArray()) {
    const DeviceSecrets device = GenerateDevice(SequenceRandom(HexList(item, "random")).Source());
    EXPECT_EQ(device.id, S(item, "id"));
    EXPECT_EQ(Hex(device.signing.public_key), S(item, "signingKey"));
    EXPECT_EQ(Hex(device.identity.public_key), S(item, "identityKey"));
    devices.push_back(PublicOf(device));
  }
  const uint64_t version = list_json["version"].GetUint64();
  EXPECT_EQ(EncodeHex(DeviceListBytes(actor, version, devices)), S(list_json, "bytes"));
  auto list = SignDeviceList(actor, version, devices, account);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(Hex(list->signature), S(list_json, "signature"));
  EXPECT_TRUE(VerifyDeviceList(actor, account.public_key, *list, version).has_value());
  EXPECT_EQ(WritePublishRequest(account.public_key, *list), S(list_json, "publishRequest"));

  const auto& prekeys = vectors["prekeys"];
  DeviceSecrets device;
  device.id = S(prekeys, "deviceId");
  device.signing = SigningKeyPairFromSeed(UnhexArray<32>(S(prekeys, "deviceSigningSeed")));
  EXPECT_EQ(Hex(device.signing.public_key), S(prekeys, "deviceSigningPublic"));
  for (const auto& item : prekeys["cases"].GetArray()) {
    const PrekeyKind kind =
        S(item, "kind") == "signed-prekey" ? PrekeyKind::kSigned : PrekeyKind::kOneTime;
    const PrekeySecret prekey =
        GeneratePrekey(item["id"].GetUint(), SequenceRandom({Unhex(S(item, "secret"))}).Source());
    EXPECT_EQ(Hex(prekey.pair.public_key), S(item, "public"));
    EXPECT_EQ(EncodeHex(PrekeyBytes(kind, device.id, prekey.id, prekey.pair.public_key)),
              S(item, "bytes"));
    const SignedPrekey signed_prekey = SignPrekey(kind, device, prekey);
    EXPECT_EQ(Hex(signed_prekey.signature), S(item, "signature"));
    EXPECT_TRUE(VerifyPrekey(kind, PublicOf(device), signed_prekey).has_value());
  }
}

TEST(E2eeVectors, ReplayX3dh) {
  auto vectors = LoadVectors();
  for (const auto& item : vectors["x3dh"]["cases"].GetArray()) {
    const DhKeyPair di_a = DhKeyPairFromSecret(UnhexArray<32>(S(item, "initiatorIdentitySecret")));
    const DhKeyPair ek_a = DhKeyPairFromSecret(UnhexArray<32>(S(item, "ephemeralSecret")));
    const DhKeyPair di_b = DhKeyPairFromSecret(UnhexArray<32>(S(item, "responderIdentitySecret")));
    const DhKeyPair spk = DhKeyPairFromSecret(UnhexArray<32>(S(item, "signedPrekeySecret")));
    EXPECT_EQ(Hex(di_a.public_key), S(item, "initiatorIdentityPublic"));
    EXPECT_EQ(Hex(ek_a.public_key), S(item, "ephemeralPublic"));
    EXPECT_EQ(Hex(di_b.public_key), S(item, "responderIdentityPublic"));
    EXPECT_EQ(Hex(spk.public_key), S(item, "signedPrekeyPublic"));
    std::optional<DhKeyPair> opk;
    if (item["oneTimePrekeySecret"].IsString()) {
      opk = DhKeyPairFromSecret(UnhexArray<32>(S(item, "oneTimePrekeySecret")));
      EXPECT_EQ(Hex(opk->public_key), S(item, "oneTimePrekeyPublic"));
    }
    auto result = X3dhRespond(di_b, spk, opk ? &*opk : nullptr, di_a.public_key, ek_a.public_key);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(Hex(result->shared_key), S(item, "sk")) << S(item, "name");
    EXPECT_EQ(Hex(result->associated_data), S(item, "ad"));
    // The initiator's side, from the same DH outputs in the same order.
    std::string input(32, '\xFF');
    for (const auto& dh : HexList(item, "dh")) input += dh;
    EXPECT_EQ(EncodeHex(Kdf({}, "x3dh", input, 32)), S(item, "sk"));
    EXPECT_EQ(Hex(*Dh(di_a.secret_key, spk.public_key)), item["dh"][0].GetString());
  }
}

TEST(E2eeVectors, ReplayConversation) {
  auto vectors = LoadVectors();
  const auto& conversation = vectors["conversation"];
  const DhKeyPair alice_identity =
      DhKeyPairFromSecret(UnhexArray<32>(S(conversation["alice"], "identitySecret")));
  const auto& bob_json = conversation["bob"];
  const DeviceSecrets bob =
      GenerateDevice(SequenceRandom(HexList(bob_json, "deviceRandom")).Source());
  EXPECT_EQ(bob.id, S(bob_json, "deviceId"));
  EXPECT_EQ(Hex(bob.identity.public_key), S(bob_json, "identityPublic"));
  auto prekey = [&](const char* name) {
    const auto& json = bob_json[name];
    return GeneratePrekey(json["id"].GetUint(),
                          SequenceRandom({Unhex(S(json, "secret"))}).Source());
  };
  const PrekeySecret spk = prekey("signedPrekey");
  const PrekeySecret opk = prekey("oneTimePrekey");
  PrekeyBundle bundle{PublicOf(bob), SignPrekey(PrekeyKind::kSigned, bob, spk),
                      SignPrekey(PrekeyKind::kOneTime, bob, opk)};
  EXPECT_EQ(Hex(bundle.signed_prekey.signature), S(bob_json["signedPrekey"], "signature"));
  EXPECT_EQ(Hex(bundle.one_time_prekey->signature), S(bob_json["oneTimePrekey"], "signature"));

  std::map<std::string, Session> sessions;
  std::map<std::string, std::string> wires;
  int steps = 0;
  for (const auto& step : conversation["steps"].GetArray()) {
    const std::string party = S(step, "party");
    const std::string action = S(step, "action");
    SCOPED_TRACE(party + " " + action + " " +
                 (step.HasMember("message") ? S(step, "message") : ""));
    if (action == "initiate") {
      auto session = Session::Initiate(alice_identity, bundle,
                                       SequenceRandom(HexList(step, "random")).Source());
      ASSERT_TRUE(session.has_value());
      sessions[party] = *session;
    } else if (action == "encrypt") {
      auto wire = sessions[party].Encrypt(S(step, "plaintext"));
      ASSERT_TRUE(wire.has_value());
      EXPECT_EQ(EncodeHex(*wire), S(step, "wire"));
      EXPECT_EQ(EncodeHex(PadPlaintext(S(step, "plaintext"))), S(step, "paddedPlaintext"));
      wires[S(step, "message")] = *wire;
    } else if (action == "accept") {
      auto accepted = Session::Accept(bob, spk, opk, wires[S(step, "message")],
                                      SequenceRandom(HexList(step, "random")).Source());
      ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
      EXPECT_EQ(accepted->plaintext, S(step, "plaintext"));
      sessions[party] = accepted->session;
    } else if (action == "decrypt") {
      SequenceRandom random(HexList(step, "random"));
      auto plaintext = sessions[party].Decrypt(wires[S(step, "message")], random.Source());
      ASSERT_TRUE(plaintext.has_value()) << plaintext.error().message;
      EXPECT_EQ(*plaintext, S(step, "plaintext"));
      EXPECT_EQ(random.used(), step["random"].Size());
    } else {
      ADD_FAILURE() << "unknown action " << action;
    }
    ++steps;
  }
  EXPECT_EQ(steps, 11);
}

TEST(E2eeVectors, ReplaySafetyNumberPaddingPlaintextBackup) {
  auto vectors = LoadVectors();
  const auto& safety = vectors["safetyNumber"];
  const Key32 ak_a = UnhexArray<32>(S(safety["a"], "accountKey"));
  const Key32 ak_b = UnhexArray<32>(S(safety["b"], "accountKey"));
  EXPECT_EQ(SafetyDigits(S(safety["a"], "actor"), ak_a), S(safety["a"], "digits"));
  EXPECT_EQ(SafetyDigits(S(safety["b"], "actor"), ak_b), S(safety["b"], "digits"));
  EXPECT_EQ(SafetyNumber(S(safety["b"], "actor"), ak_b, S(safety["a"], "actor"), ak_a),
            S(safety, "safetyNumber"));

  for (const auto& item : vectors["padding"]["cases"].GetArray()) {
    const std::string input = Unhex(S(item, "input"));
    EXPECT_EQ(EncodeHex(PadPlaintext(input)), S(item, "padded"));
    EXPECT_EQ(*UnpadPlaintext(Unhex(S(item, "padded"))), input);
  }

  const auto& plain = vectors["plaintext"];
  MessagePlaintext message;
  message.id = GenerateMessageId(SequenceRandom({Unhex(S(plain, "idBytes"))}).Source());
  EXPECT_EQ(message.id, S(plain, "id"));
  message.from = S(plain, "from");
  for (const auto& actor : plain["to"].GetArray()) message.to.push_back(actor.GetString());
  message.sent = S(plain, "sent");
  message.content = S(plain, "content");
  EXPECT_EQ(*WriteMessagePlaintext(message), S(plain, "json"));
  auto parsed = ParseMessagePlaintext(S(plain, "json"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->content, message.content);

  const auto& backup = vectors["backup"];
  BackupContent content{S(backup, "actor"), UnhexArray<64>(S(backup, "accountKeySecret"))};
  auto document =
      CreateBackup(content, S(backup, "passphrase"),
                   BackupOptions{backup["opslimit"].GetUint64(), backup["memlimit"].GetUint64()},
                   SequenceRandom(HexList(backup, "random")).Source());
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(*document, S(backup, "document"));
  auto opened = OpenBackup(S(backup, "document"), S(backup, "passphrase"));
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(opened->actor, content.actor);
  EXPECT_EQ(opened->account_key, content.account_key);
}

}  // namespace
}  // namespace parvis::protocol::e2ee
