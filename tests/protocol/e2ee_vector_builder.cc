#include "protocol/e2ee_vector_builder.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <filesystem>
#include <map>
#include <optional>

#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/json.h"
#include "protocol/e2ee_test_support.h"

namespace parvis::protocol::e2ee::testing {
namespace {

// A JSON object under construction.
class Obj {
 public:
  Obj(rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc)
      : value_(value), alloc_(alloc) {
    if (!value_.IsObject()) value_.SetObject();
  }
  Obj& Str(const char* key, std::string_view text) {
    value_.AddMember(
        rapidjson::Value(key, alloc_),
        rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc_),
        alloc_);
    return *this;
  }
  Obj& HexOf(const char* key, std::string_view bytes) { return Str(key, EncodeHex(bytes)); }
  template <size_t N>
  Obj& HexOf(const char* key, const std::array<unsigned char, N>& bytes) {
    return Str(key, Hex(bytes));
  }
  Obj& Num(const char* key, uint64_t number) {
    value_.AddMember(rapidjson::Value(key, alloc_), rapidjson::Value(number), alloc_);
    return *this;
  }
  Obj& Null(const char* key) {
    value_.AddMember(rapidjson::Value(key, alloc_), rapidjson::Value(), alloc_);
    return *this;
  }
  Obj Child(const char* key) {
    value_.AddMember(rapidjson::Value(key, alloc_), rapidjson::Value(rapidjson::kObjectType),
                     alloc_);
    return Obj(value_[key], alloc_);
  }
  rapidjson::Value& Array(const char* key) {
    value_.AddMember(rapidjson::Value(key, alloc_), rapidjson::Value(rapidjson::kArrayType),
                     alloc_);
    return value_[key];
  }
  Obj Push(rapidjson::Value& array) {
    array.PushBack(rapidjson::Value(rapidjson::kObjectType), alloc_);
    return Obj(array[array.Size() - 1], alloc_);
  }
  Obj& HexList(const char* key, const std::vector<std::string>& list) {
    rapidjson::Value& array = Array(key);
    for (const auto& bytes : list) {
      const std::string hex = EncodeHex(bytes);
      array.PushBack(rapidjson::Value(hex.c_str(), alloc_), alloc_);
    }
    return *this;
  }
  Obj& StrList(const char* key, const std::vector<std::string>& list) {
    rapidjson::Value& array = Array(key);
    for (const auto& text : list) array.PushBack(rapidjson::Value(text.c_str(), alloc_), alloc_);
    return *this;
  }

 private:
  rapidjson::Value& value_;
  rapidjson::Document::AllocatorType& alloc_;
};

// The ratchet state of `session` in hex, from its serialised form: what a
// second implementation compares when a wire message differs.
void AddState(Obj& step, const Session& session) {
  auto document = ParseJson(session.Serialize(), JsonLimits{});
  ASSERT_TRUE(document.has_value());
  Obj state = step.Child("stateAfter");
  auto key = [&](const char* from, const char* to) {
    if (!document->HasMember(from)) {
      state.Null(to);
      return;
    }
    state.HexOf(to, *DecodeBase64Url((*document)[from].GetString()));
  };
  key("rootKey", "rootKey");
  state.HexOf("sendingRatchetPublic",
              *DecodeBase64Url((*document)["sendingRatchet"]["public"].GetString()));
  key("receivingRatchetKey", "receivingRatchetKey");
  key("sendingChain", "sendingChain");
  key("receivingChain", "receivingChain");
  state.Num("ns", (*document)["ns"].GetUint64());
  state.Num("nr", (*document)["nr"].GetUint64());
  state.Num("pn", (*document)["pn"].GetUint64());
  state.Num("skippedKeys", session.skipped_key_count());
}

void AddKdf(Obj root) {
  Obj section = root.Child("kdf");
  section.Str("description",
              "KDF(key, label, input, n) = crypto_generichash(n, \"Parvis-E2EE-v1/\" || label || "
              "0x00 || input, key); key empty means unkeyed (section 2)");
  rapidjson::Value& cases = section.Array("cases");
  struct Case {
    std::string key, label, input;
    size_t n;
  };
  const std::vector<Case> list = {
      {"", "x3dh", std::string(32, '\xFF') + FixedBytes("kdf dh", 96), 32},
      {FixedBytes("kdf root key"), "root", FixedBytes("kdf dh out"), 64},
      {FixedBytes("kdf chain key"), "message-key", "", 32},
      {FixedBytes("kdf chain key"), "chain-key", "", 32},
      {FixedBytes("kdf message key"), "aead", "", 56},
      {"", "fingerprint", FixedBytes("kdf fingerprint input", 40), 30},
  };
  for (const auto& item : list) {
    section.Push(cases)
        .HexOf("key", item.key)
        .Str("label", item.label)
        .HexOf("input", item.input)
        .Num("n", item.n)
        .HexOf("output", Kdf(item.key, item.label, item.input, item.n));
  }
}

void AddKeysAndSignatures(Obj root) {
  Obj section = root.Child("deviceList");
  section.Str("description",
              "Account key from its seed (crypto_sign_seed_keypair); each device from three "
              "draws: id (16 bytes, shown as base64url), signing seed (32), identity secret (32, "
              "public = crypto_scalarmult_base). device_list_bytes sorts devices by id text and "
              "uses lp(id text) (section 3). The signature is crypto_sign_detached.");
  const std::string actor = "https://a.example/users/alice";
  const Key32 account_seed = FixedKey("vector account seed");
  const SigningKeyPair account = SigningKeyPairFromSeed(account_seed);
  section.Str("actor", actor).Num("version", 3);
  section.HexOf("accountKeySeed", account_seed)
      .HexOf("accountKeyPublic", account.public_key)
      .HexOf("accountKeySecret", account.secret_key);
  rapidjson::Value& devices = section.Array("devices");
  std::vector<DevicePublic> publics;
  for (int i = 0; i < 3; ++i) {
    const std::vector<std::string> draws = {FixedBytes("vector device id " + std::to_string(i), 16),
                                            FixedBytes("vector device ds " + std::to_string(i)),
                                            FixedBytes("vector device di " + std::to_string(i))};
    SequenceRandom random(draws);
    const DeviceSecrets device = GenerateDevice(random.Source());
    publics.push_back(PublicOf(device));
    section.Push(devices)
        .HexList("random", draws)
        .Str("id", device.id)
        .HexOf("signingKey", device.signing.public_key)
        .HexOf("identityKey", device.identity.public_key);
  }
  auto list = SignDeviceList(actor, 3, publics, account);
  ASSERT_TRUE(list.has_value());
  section.HexOf("bytes", DeviceListBytes(actor, 3, publics)).HexOf("signature", list->signature);
  section.Str("publishRequest", WritePublishRequest(account.public_key, *list));

  Obj prekeys = root.Child("prekeys");
  prekeys.Str("description",
              "prekey_bytes = \"Parvis-E2EE-v1/\" || kind || 0x00 || lp(device id text) || "
              "u32(prekey id) || public; signed with the device signing key (section 3)");
  const std::vector<std::string> device_draws = {FixedBytes("vector prekey device id", 16),
                                                 FixedBytes("vector prekey device ds"),
                                                 FixedBytes("vector prekey device di")};
  SequenceRandom device_random(device_draws);
  const DeviceSecrets device = GenerateDevice(device_random.Source());
  prekeys.Str("deviceId", device.id)
      .HexOf("deviceSigningSeed", device_draws[1])
      .HexOf("deviceSigningPublic", device.signing.public_key);
  rapidjson::Value& cases = prekeys.Array("cases");
  for (auto [kind, id] :
       {std::pair{PrekeyKind::kSigned, 7u}, std::pair{PrekeyKind::kOneTime, 41u}}) {
    const std::string secret = FixedBytes("vector prekey " + std::to_string(id));
    const PrekeySecret prekey = GeneratePrekey(id, SequenceRandom({secret}).Source());
    const SignedPrekey signed_prekey = SignPrekey(kind, device, prekey);
    prekeys.Push(cases)
        .Str("kind", kind == PrekeyKind::kSigned ? "signed-prekey" : "one-time-prekey")
        .Num("id", id)
        .HexOf("secret", secret)
        .HexOf("public", prekey.pair.public_key)
        .HexOf("bytes", PrekeyBytes(kind, device.id, id, prekey.pair.public_key))
        .HexOf("signature", signed_prekey.signature);
  }
}

void AddX3dh(Obj root) {
  Obj section = root.Child("x3dh");
  section.Str("description",
              "SK = KDF(empty, \"x3dh\", 32 x 0xFF || DH1 || DH2 || DH3 [|| DH4], 32); AD = DI_A "
              "public || DI_B public (section 4). Public keys are crypto_scalarmult_base of the "
              "secrets.");
  rapidjson::Value& cases = section.Array("cases");
  for (bool with_opk : {true, false}) {
    const DhKeyPair di_a = DhKeyPairFromSecret(FixedKey("x3dh DI_A"));
    const DhKeyPair ek_a = DhKeyPairFromSecret(FixedKey("x3dh EK_A"));
    const DhKeyPair di_b = DhKeyPairFromSecret(FixedKey("x3dh DI_B"));
    const DhKeyPair spk_b = DhKeyPairFromSecret(FixedKey("x3dh SPK_B"));
    const DhKeyPair opk_b = DhKeyPairFromSecret(FixedKey("x3dh OPK_B"));
    auto result =
        X3dhRespond(di_b, spk_b, with_opk ? &opk_b : nullptr, di_a.public_key, ek_a.public_key);
    ASSERT_TRUE(result.has_value());
    Obj item = section.Push(cases);
    item.Str("name", with_opk ? "with one-time prekey" : "without one-time prekey");
    item.HexOf("initiatorIdentitySecret", di_a.secret_key)
        .HexOf("initiatorIdentityPublic", di_a.public_key)
        .HexOf("ephemeralSecret", ek_a.secret_key)
        .HexOf("ephemeralPublic", ek_a.public_key)
        .HexOf("responderIdentitySecret", di_b.secret_key)
        .HexOf("responderIdentityPublic", di_b.public_key)
        .HexOf("signedPrekeySecret", spk_b.secret_key)
        .HexOf("signedPrekeyPublic", spk_b.public_key);
    if (with_opk) {
      item.HexOf("oneTimePrekeySecret", opk_b.secret_key)
          .HexOf("oneTimePrekeyPublic", opk_b.public_key);
    } else {
      item.Null("oneTimePrekeySecret").Null("oneTimePrekeyPublic");
    }
    std::vector<std::string> dhs = {View(*Dh(di_a.secret_key, spk_b.public_key)),
                                    View(*Dh(ek_a.secret_key, di_b.public_key)),
                                    View(*Dh(ek_a.secret_key, spk_b.public_key))};
    if (with_opk) dhs.push_back(View(*Dh(ek_a.secret_key, opk_b.public_key)));
    item.HexList("dh", dhs).HexOf("sk", result->shared_key).HexOf("ad", result->associated_data);
  }
}

void AddConversation(Obj root) {
  Obj section = root.Child("conversation");
  section.Str("description",
              "Alice's device sets up a session with Bob's (with his one-time prekey) and they "
              "exchange A1, A2 (set-up messages, type 1), B1 (Bob's DH ratchet step), A3, A4; A4 "
              "is delivered before A3. Replay the steps in order; each 'random' list is what that "
              "step draws (section 5). 'plaintext' is the section 6 JSON before sodium_pad; "
              "'wire' the whole wire message. 'stateAfter' is the party's ratchet state after the "
              "step, for debugging.");
  const DhKeyPair alice_identity = DhKeyPairFromSecret(FixedKey("conversation DI_A"));
  const std::vector<std::string> bob_draws = {FixedBytes("conversation bob id", 16),
                                              FixedBytes("conversation bob DS"),
                                              FixedBytes("conversation bob DI")};
  const DeviceSecrets bob = GenerateDevice(SequenceRandom(bob_draws).Source());
  const std::string spk_secret = FixedBytes("conversation SPK_B");
  const std::string opk_secret = FixedBytes("conversation OPK_B");
  const PrekeySecret spk = GeneratePrekey(7, SequenceRandom({spk_secret}).Source());
  const PrekeySecret opk = GeneratePrekey(12, SequenceRandom({opk_secret}).Source());
  PrekeyBundle bundle{PublicOf(bob), SignPrekey(PrekeyKind::kSigned, bob, spk),
                      SignPrekey(PrekeyKind::kOneTime, bob, opk)};

  const std::string alice_actor = "https://a.example/users/alice";
  const std::string bob_actor = "https://b.example/users/bob";
  const std::string alice_device =
      GenerateDeviceId(SequenceRandom({FixedBytes("conversation alice id", 16)}).Source());
  section.Child("alice")
      .Str("actor", alice_actor)
      .Str("deviceId", alice_device)
      .HexOf("identitySecret", alice_identity.secret_key)
      .HexOf("identityPublic", alice_identity.public_key);
  Obj bob_json = section.Child("bob");
  bob_json.Str("actor", bob_actor)
      .HexList("deviceRandom", bob_draws)
      .Str("deviceId", bob.id)
      .HexOf("signingPublic", bob.signing.public_key)
      .HexOf("identitySecret", bob.identity.secret_key)
      .HexOf("identityPublic", bob.identity.public_key);
  bob_json.Child("signedPrekey")
      .Num("id", 7)
      .HexOf("secret", spk_secret)
      .HexOf("public", spk.pair.public_key)
      .HexOf("signature", bundle.signed_prekey.signature);
  bob_json.Child("oneTimePrekey")
      .Num("id", 12)
      .HexOf("secret", opk_secret)
      .HexOf("public", opk.pair.public_key)
      .HexOf("signature", bundle.one_time_prekey->signature);

  rapidjson::Value& steps = section.Array("steps");
  std::map<std::string, std::string> wires;
  auto plaintext_of = [&](const std::string& name, bool from_alice) {
    MessagePlaintext message;
    message.id = GenerateMessageId(SequenceRandom({FixedBytes("message id " + name, 16)}).Source());
    message.from = from_alice ? alice_actor : bob_actor;
    message.to = {from_alice ? bob_actor : alice_actor};
    message.sent = "2026-11-22T20:0" + std::to_string(wires.size()) + ":00Z";
    message.content = "Message " + name + (name == "B1" ? ": bonjour, ça va ?" : ": hello");
    return *WriteMessagePlaintext(message);
  };

  const std::vector<std::string> ek = {FixedBytes("conversation EK_A")};
  auto alice = Session::Initiate(alice_identity, bundle, SequenceRandom(ek).Source());
  ASSERT_TRUE(alice.has_value());
  Obj initiate = section.Push(steps);
  initiate.Str("party", "alice").Str("action", "initiate").HexList("random", ek);
  AddState(initiate, *alice);

  std::optional<Session> bob_session;
  auto encrypt = [&](Session& session, const char* party, const std::string& name) {
    const std::string plaintext = plaintext_of(name, std::string(party) == "alice");
    auto wire = session.Encrypt(plaintext);
    ASSERT_TRUE(wire.has_value());
    wires[name] = *wire;
    Obj step = section.Push(steps);
    step.Str("party", party)
        .Str("action", "encrypt")
        .Str("message", name)
        .Str("plaintext", plaintext)
        .HexOf("paddedPlaintext", PadPlaintext(plaintext))
        .HexOf("wire", *wire);
    AddState(step, session);
  };
  auto decrypt = [&](Session& session, const char* party, const std::string& name,
                     const std::vector<std::string>& draws) {
    auto plaintext = session.Decrypt(wires[name], SequenceRandom(draws).Source());
    ASSERT_TRUE(plaintext.has_value()) << plaintext.error().message;
    Obj step = section.Push(steps);
    step.Str("party", party)
        .Str("action", "decrypt")
        .Str("message", name)
        .HexList("random", draws)
        .Str("plaintext", *plaintext);
    AddState(step, session);
  };

  encrypt(*alice, "alice", "A1");
  encrypt(*alice, "alice", "A2");
  {
    const std::vector<std::string> draws = {FixedBytes("conversation bob ratchet 1")};
    auto accepted = Session::Accept(bob, spk, opk, wires["A1"], SequenceRandom(draws).Source());
    ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
    bob_session = accepted->session;
    Obj step = section.Push(steps);
    step.Str("party", "bob")
        .Str("action", "accept")
        .Str("message", "A1")
        .HexList("random", draws)
        .Str("plaintext", accepted->plaintext);
    AddState(step, *bob_session);
  }
  decrypt(*bob_session, "bob", "A2", {});
  encrypt(*bob_session, "bob", "B1");
  decrypt(*alice, "alice", "B1", {FixedBytes("conversation alice ratchet 1")});
  encrypt(*alice, "alice", "A3");
  encrypt(*alice, "alice", "A4");
  decrypt(*bob_session, "bob", "A4", {FixedBytes("conversation bob ratchet 2")});
  decrypt(*bob_session, "bob", "A3", {});
}

void AddSafetyNumber(Obj root) {
  Obj section = root.Child("safetyNumber");
  section.Str("description",
              "fingerprint = KDF(empty, \"fingerprint\", lp(actor) || AK public, 30); 6 groups of "
              "5 bytes, each a 40-bit big-endian integer mod 100000 as 5 digits; the two 30-digit "
              "strings sorted and concatenated (section 8)");
  const std::string alice = "https://a.example/users/alice";
  const std::string bob = "https://b.example/users/bob";
  const Key32 ak_a = SigningKeyPairFromSeed(FixedKey("safety alice")).public_key;
  const Key32 ak_b = SigningKeyPairFromSeed(FixedKey("safety bob")).public_key;
  section.Child("a")
      .Str("actor", alice)
      .HexOf("accountKey", ak_a)
      .Str("digits", SafetyDigits(alice, ak_a));
  section.Child("b")
      .Str("actor", bob)
      .HexOf("accountKey", ak_b)
      .Str("digits", SafetyDigits(bob, ak_b));
  section.Str("safetyNumber", SafetyNumber(alice, ak_a, bob, ak_b));
}

void AddPadding(Obj root) {
  Obj section = root.Child("padding");
  section.Str("description", "sodium_pad with block size 256 (ISO/IEC 7816-4: 0x80 then zeros)");
  rapidjson::Value& cases = section.Array("cases");
  for (size_t length : {0, 1, 200, 255, 256, 300}) {
    const std::string input(length, 'p');
    section.Push(cases).HexOf("input", input).HexOf("padded", PadPlaintext(input));
  }
}

void AddPlaintext(Obj root) {
  Obj section = root.Child("plaintext");
  section.Str("description", "The section 6 JSON as written: members in this order, compact");
  MessagePlaintext message;
  message.id = GenerateMessageId(SequenceRandom({FixedBytes("plaintext id", 16)}).Source());
  message.from = "https://a.example/users/alice";
  message.to = {"https://b.example/users/bob", "https://c.example/users/chloé"};
  message.sent = "2026-11-22T20:00:00Z";
  message.content = "Réunion du bureau jeudi à 18 h.\nOrdre du jour : \"budget\".";
  section.HexOf("idBytes", FixedBytes("plaintext id", 16))
      .Str("id", message.id)
      .Str("from", message.from)
      .StrList("to", message.to)
      .Str("sent", message.sent)
      .Str("content", message.content)
      .Str("json", *WriteMessagePlaintext(message));
}

void AddBackup(Obj root) {
  Obj section = root.Child("backup");
  section.Str("description",
              "key = crypto_pwhash(32, passphrase, salt, opslimit, memlimit, ARGON2ID13); "
              "ciphertext = XChaCha20-Poly1305(key, nonce, plaintext, ad = "
              "\"Parvis-E2EE-v1/backup\"); random = salt (16) then nonce (24) (section 10)");
  const SigningKeyPair account = SigningKeyPairFromSeed(FixedKey("backup account"));
  const BackupContent content{"https://a.example/users/alice", account.secret_key};
  const std::vector<std::string> draws = {FixedBytes("backup salt", 16),
                                          FixedBytes("backup nonce", 24)};
  const std::string passphrase = "correct horse battery staple";
  auto document =
      CreateBackup(content, passphrase, BackupOptions{2, 67108864}, SequenceRandom(draws).Source());
  ASSERT_TRUE(document.has_value());
  section.Str("actor", content.actor)
      .HexOf("accountKeySecret", content.account_key)
      .Str("passphrase", passphrase)
      .Num("opslimit", 2)
      .Num("memlimit", 67108864)
      .HexList("random", draws)
      .Str("plaintext", "{\"actor\":\"" + content.actor + "\",\"accountKey\":\"" +
                            EncodeBase64Url(View(content.account_key)) + "\"}")
      .Str("document", *document);
}

}  // namespace

std::string BuildE2eeVectors() {
  rapidjson::Document document(rapidjson::kObjectType);
  Obj root(document, document.GetAllocator());
  root.Str("name", "Parvis E2EE version 1 test vectors");
  root.Str("specification", "docs/e2ee.md");
  root.Str("encoding",
           "Binary values are lower-case hex; texts (actor ids, device ids, JSON documents, "
           "plaintexts, passphrases) are UTF-8 strings. A 'random' list gives, in order, the "
           "bytes each randombytes_buf call of that operation returns.");
  root.Str("producedBy",
           "tests/protocol/e2ee_vector_builder.cc (PARVIS_WRITE_E2EE_VECTORS=path "
           "parvis_protocol_tests --gtest_filter=E2eeVectors.Write)");
  root.Str("independentCheck",
           "tests/vectors/check_e2ee_v1.py FILE: a Python implementation written from "
           "docs/e2ee.md alone (hashlib, the cryptography package, libargon2) that recomputes "
           "every value here");
  AddKdf(root);
  AddKeysAndSignatures(root);
  AddX3dh(root);
  AddConversation(root);
  AddSafetyNumber(root);
  AddPadding(root);
  AddPlaintext(root);
  AddBackup(root);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  document.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string E2eeVectorsPath() {
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "vectors" / "e2ee_v1.json")
      .string();
}

}  // namespace parvis::protocol::e2ee::testing
