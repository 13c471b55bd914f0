#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/json.h"
#include "protocol/e2ee_test_support.h"

namespace parvis::protocol::e2ee {
namespace {

using testing::Counter;
using testing::FixedKey;
using Doc = rapidjson::Document;

const std::string kOwner = "https://a.example/users/alice";

// `json` with `change` applied to its parsed form.
std::string Mutate(const std::string& json, const std::function<void(Doc&)>& change) {
  auto document = ParseJson(json, JsonLimits{.max_bytes = 1 << 24});
  EXPECT_TRUE(document.has_value());
  change(*document);
  return WriteJson(*document);
}

void SetString(rapidjson::Value& object, const char* name, const std::string& text, Doc& doc) {
  object.RemoveMember(name);
  object.AddMember(rapidjson::Value(name, doc.GetAllocator()),
                   rapidjson::Value(text.c_str(), doc.GetAllocator()), doc.GetAllocator());
}

void SetNumber(rapidjson::Value& object, const char* name, int64_t number, Doc& doc) {
  object.RemoveMember(name);
  object.AddMember(rapidjson::Value(name, doc.GetAllocator()), rapidjson::Value(number),
                   doc.GetAllocator());
}

struct MutationCase {
  const char* name;
  std::function<void(Doc&)> change;
  ErrorCode code = ErrorCode::kInvalidArgument;
};

std::string GoodDirectory(size_t device_count = 2) {
  const SigningKeyPair account = SigningKeyPairFromSeed(FixedKey("account"));
  std::vector<DeviceSecrets> secrets;
  std::vector<DevicePublic> publics;
  for (size_t i = 0; i < device_count; ++i) {
    secrets.push_back(GenerateDevice(Counter("device " + std::to_string(i))));
    publics.push_back(PublicOf(secrets.back()));
  }
  auto list = SignDeviceList(kOwner, 3, publics, account);
  EXPECT_TRUE(list.has_value());
  KeyDirectory directory;
  directory.id = kOwner + "/e2ee";
  directory.owner = kOwner;
  directory.account_key = account.public_key;
  directory.version = list->version;
  directory.signature = list->signature;
  for (const auto& device : list->devices) {
    const DeviceSecrets& secret = *std::find_if(secrets.begin(), secrets.end(),
                                                [&](const auto& s) { return s.id == device.id; });
    DirectoryDevice entry;
    entry.keys = device;
    entry.signed_prekey =
        SignPrekey(PrekeyKind::kSigned, secret, GeneratePrekey(7, Counter("spk")));
    entry.one_time_prekeys = 41;
    directory.devices.push_back(entry);
  }
  return WriteKeyDirectory(directory);
}

TEST(E2eeKeyDirectory, RoundTripsAndVerifies) {
  const std::string json = GoodDirectory();
  auto directory = ParseKeyDirectory(json);
  ASSERT_TRUE(directory.has_value()) << directory.error().message;
  EXPECT_EQ(directory->owner, kOwner);
  EXPECT_EQ(directory->devices.size(), 2u);
  EXPECT_EQ(directory->devices[0].one_time_prekeys, 41u);
  EXPECT_EQ(WriteKeyDirectory(*directory), json);
  EXPECT_TRUE(VerifyKeyDirectory(*directory, 3).has_value());
  EXPECT_FALSE(VerifyKeyDirectory(*directory, 4).has_value());
  // Unknown members are ignored (JSON-LD documents grow).
  auto extended = ParseKeyDirectory(
      Mutate(json, [](Doc& d) { SetString(d, "@context", "https://example/ns", d); }));
  EXPECT_TRUE(extended.has_value());
}

TEST(E2eeKeyDirectory, SignatureProblemsAreFoundByVerify) {
  const std::string json = GoodDirectory();
  const std::vector<std::pair<const char*, std::function<void(Doc&)>>> cases = {
      {"owner changed", [](Doc& d) { SetString(d, "owner", kOwner + "2", d); }},
      {"version changed", [](Doc& d) { SetNumber(d["deviceList"], "version", 4, d); }},
      {"identity key swapped",
       [](Doc& d) {
         auto& devices = d["deviceList"]["devices"];
         std::string key = devices[1]["identityKey"].GetString();
         SetString(devices[0], "identityKey", key, d);
       }},
      {"spk signature",
       [](Doc& d) {
         auto& spk = d["deviceList"]["devices"][0]["signedPrekey"];
         std::string sig = spk["signature"].GetString();
         sig[3] = sig[3] == 'A' ? 'B' : 'A';
         SetString(spk, "signature", sig, d);
       }},
      {"unsorted devices",
       [](Doc& d) {
         auto& devices = d["deviceList"]["devices"];
         devices[0].Swap(devices[1]);
       }},
  };
  for (const auto& [name, change] : cases) {
    auto directory = ParseKeyDirectory(Mutate(json, change));
    ASSERT_TRUE(directory.has_value()) << name << ": " << directory.error().message;
    EXPECT_FALSE(VerifyKeyDirectory(*directory, 1).has_value()) << name;
  }
}

TEST(E2eeKeyDirectory, MalformedDocumentsAreRejected) {
  const std::string json = GoodDirectory();
  auto device = [](Doc& d) -> rapidjson::Value& { return d["deviceList"]["devices"][0]; };
  const std::vector<MutationCase> cases = {
      {"missing type", [](Doc& d) { d.RemoveMember("type"); }},
      {"wrong type", [](Doc& d) { SetString(d, "type", "Person", d); }},
      {"missing owner", [](Doc& d) { d.RemoveMember("owner"); }},
      {"owner not string", [](Doc& d) { SetNumber(d, "owner", 1, d); }},
      {"missing accountKey", [](Doc& d) { d.RemoveMember("accountKey"); }},
      {"accountKey padded",
       [](Doc& d) {
         SetString(d, "accountKey", std::string(d["accountKey"].GetString()) + "=", d);
       }},
      {"accountKey standard base64",
       [](Doc& d) {
         SetString(d, "accountKey", "+" + std::string(d["accountKey"].GetString()).substr(1), d);
       }},
      {"accountKey 31 bytes", [](Doc& d) { SetString(d, "accountKey", std::string(42, 'A'), d); }},
      {"accountKey 33 bytes", [](Doc& d) { SetString(d, "accountKey", std::string(44, 'A'), d); }},
      {"missing deviceList", [](Doc& d) { d.RemoveMember("deviceList"); }},
      {"deviceList array", [](Doc& d) { d["deviceList"].SetArray(); }},
      {"version 0", [](Doc& d) { SetNumber(d["deviceList"], "version", 0, d); }},
      {"version negative", [](Doc& d) { SetNumber(d["deviceList"], "version", -1, d); }},
      {"version string", [](Doc& d) { SetString(d["deviceList"], "version", "3", d); }},
      {"devices not array", [](Doc& d) { SetString(d["deviceList"], "devices", "x", d); }},
      {"signature short", [](Doc& d) { SetString(d["deviceList"], "signature", "AAAA", d); }},
      {"device id short", [&](Doc& d) { SetString(device(d), "id", "AAAA", d); }},
      {"device id 23 chars", [&](Doc& d) { SetString(device(d), "id", std::string(23, 'A'), d); }},
      {"device missing signingKey", [&](Doc& d) { device(d).RemoveMember("signingKey"); }},
      {"identityKey bad char",
       [&](Doc& d) { SetString(device(d), "identityKey", std::string(42, 'A') + "*", d); }},
      {"spk id 0", [&](Doc& d) { SetNumber(device(d)["signedPrekey"], "id", 0, d); }},
      {"spk id too big",
       [&](Doc& d) { SetNumber(device(d)["signedPrekey"], "id", int64_t{1} << 32, d); }},
      {"spk missing key", [&](Doc& d) { device(d)["signedPrekey"].RemoveMember("key"); }},
      {"spk not object", [&](Doc& d) { SetString(device(d), "signedPrekey", "x", d); }},
      {"oneTimePrekeys negative", [&](Doc& d) { SetNumber(device(d), "oneTimePrekeys", -1, d); }},
      {"not an object", [](Doc& d) { d.SetArray(); }},
  };
  for (const auto& c : cases) {
    auto parsed = ParseKeyDirectory(Mutate(json, c.change));
    ASSERT_FALSE(parsed.has_value()) << c.name;
    EXPECT_EQ(parsed.error().code, c.code) << c.name << ": " << parsed.error().message;
  }
  for (const char* text : {"", "{", "null", "[]", "{\"type\":\"KeyDirectory\"}"}) {
    EXPECT_FALSE(ParseKeyDirectory(text).has_value()) << text;
  }
}

TEST(E2eeKeyDirectory, SixtyFourDevicesAtMost) {
  EXPECT_TRUE(ParseKeyDirectory(GoodDirectory(64)).has_value());
  const std::string json = Mutate(GoodDirectory(64), [](Doc& d) {
    auto& devices = d["deviceList"]["devices"];
    rapidjson::Value copy(devices[0], d.GetAllocator());
    devices.PushBack(copy, d.GetAllocator());
  });
  auto parsed = ParseKeyDirectory(json);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::kLimitExceeded);
}

TEST(E2eeClaimAnswer, BundleComesFromTheDirectoryAndTheClaim) {
  auto directory = ParseKeyDirectory(GoodDirectory());
  ASSERT_TRUE(directory.has_value());
  // GoodDirectory's devices are Counter("device N") with signed prekey 7 from Counter("spk").
  const DeviceSecrets device = GenerateDevice(Counter("device 0"));
  ClaimedDevice claimed{device.id,
                        SignPrekey(PrekeyKind::kSigned, device, GeneratePrekey(7, Counter("spk"))),
                        SignPrekey(PrekeyKind::kOneTime, device, GeneratePrekey(9, Counter("o")))};
  auto bundle = BundleFor(*directory, claimed);
  ASSERT_TRUE(bundle.has_value()) << bundle.error().message;
  EXPECT_EQ(bundle->device.identity_key, device.identity.public_key);
  EXPECT_TRUE(Session::Initiate(GenerateDhKeyPair(Counter("a")), *bundle).has_value());
  claimed.id = GenerateDeviceId(Counter("unknown"));
  auto missing = BundleFor(*directory, claimed);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(E2eeClaimAnswer, RoundTripsAndRejectsMalformed) {
  const DeviceSecrets bob = GenerateDevice(Counter("bob"));
  std::vector<ClaimedDevice> devices = {
      {bob.id, SignPrekey(PrekeyKind::kSigned, bob, GeneratePrekey(7, Counter("spk"))),
       SignPrekey(PrekeyKind::kOneTime, bob, GeneratePrekey(12, Counter("opk")))}};
  const DeviceSecrets other = GenerateDevice(Counter("other"));
  devices.push_back({other.id,
                     SignPrekey(PrekeyKind::kSigned, other, GeneratePrekey(3, Counter("s"))),
                     std::nullopt});
  const std::string json = WriteClaimAnswer(devices);
  auto parsed = ParseClaimAnswer(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_TRUE((*parsed)[0].one_time_prekey.has_value());
  EXPECT_FALSE((*parsed)[1].one_time_prekey.has_value());
  EXPECT_EQ(WriteClaimAnswer(*parsed), json);
  // A bundle from the answer starts a session.
  PrekeyBundle bundle{PublicOf(bob), (*parsed)[0].signed_prekey, (*parsed)[0].one_time_prekey};
  EXPECT_TRUE(Session::Initiate(GenerateDhKeyPair(Counter("a")), bundle).has_value());

  const std::vector<MutationCase> cases = {
      {"no devices", [](Doc& d) { d.RemoveMember("devices"); }},
      {"devices object", [](Doc& d) { d["devices"].SetObject(); }},
      {"missing signedPrekey", [](Doc& d) { d["devices"][0].RemoveMember("signedPrekey"); }},
      {"opk signature bad",
       [](Doc& d) { SetString(d["devices"][0]["oneTimePrekey"], "signature", "AA", d); }},
      {"duplicate device",
       [](Doc& d) {
         rapidjson::Value copy(d["devices"][0], d.GetAllocator());
         d["devices"].PushBack(copy, d.GetAllocator());
       }},
      {"65 devices",
       [](Doc& d) {
         for (int i = 0; i < 63; ++i) {
           rapidjson::Value copy(d["devices"][0], d.GetAllocator());
           d["devices"].PushBack(copy, d.GetAllocator());
         }
       },
       ErrorCode::kLimitExceeded},
  };
  for (const auto& c : cases) {
    auto bad = ParseClaimAnswer(Mutate(json, c.change));
    ASSERT_FALSE(bad.has_value()) << c.name;
    EXPECT_EQ(bad.error().code, c.code) << c.name << ": " << bad.error().message;
  }
}

EncryptedEnvelope GoodEnvelope(size_t entries = 2) {
  EncryptedEnvelope envelope;
  envelope.id = "https://a.example/e2ee/messages/8f3/envelope";
  envelope.attributed_to = kOwner;
  envelope.to = {"https://b.example/users/bob", "https://b.example/users/carol"};
  envelope.sender_device = GenerateDeviceId(Counter("sender"));
  for (size_t i = 0; i < entries; ++i) {
    envelope.messages.push_back(EnvelopeEntry{envelope.to[i % 2],
                                              GenerateDeviceId(Counter("d" + std::to_string(i))),
                                              std::string(100 + i, static_cast<char>(i))});
  }
  return envelope;
}

TEST(E2eeEnvelope, RoundTrips) {
  const std::string json = WriteEncryptedEnvelope(GoodEnvelope());
  auto parsed = ParseEncryptedEnvelope(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->messages.size(), 2u);
  EXPECT_EQ(parsed->messages[1].body, std::string(101, '\x01'));
  EXPECT_EQ(WriteEncryptedEnvelope(*parsed), json);
  EXPECT_TRUE(ParseEncryptedEnvelope(WriteEncryptedEnvelope(GoodEnvelope(64))).has_value());
  EncryptedEnvelope largest = GoodEnvelope(1);
  largest.messages[0].body = std::string(kMaxWireMessageBytes, 'x');
  EXPECT_TRUE(ParseEncryptedEnvelope(WriteEncryptedEnvelope(largest)).has_value());
}

TEST(E2eeEnvelope, MalformedEnvelopesAreRejected) {
  const std::string json = WriteEncryptedEnvelope(GoodEnvelope());
  auto entry = [](Doc& d) -> rapidjson::Value& { return d["messages"][0]; };
  const std::vector<MutationCase> cases = {
      {"missing type", [](Doc& d) { d.RemoveMember("type"); }},
      {"wrong type", [](Doc& d) { SetString(d, "type", "Note", d); }},
      {"missing id", [](Doc& d) { d.RemoveMember("id"); }},
      {"empty id", [](Doc& d) { SetString(d, "id", "", d); }},
      {"missing attributedTo", [](Doc& d) { d.RemoveMember("attributedTo"); }},
      {"to a string", [](Doc& d) { SetString(d, "to", "https://b.example/users/bob", d); }},
      {"to empty", [](Doc& d) { d["to"].Clear(); }},
      {"to holds a number", [](Doc& d) { d["to"].PushBack(1, d.GetAllocator()); }},
      {"missing senderDevice", [](Doc& d) { d.RemoveMember("senderDevice"); }},
      {"senderDevice bad",
       [](Doc& d) { SetString(d, "senderDevice", "q5f0mJ0x9zYb2d0rUqS1A=", d); }},
      {"messages missing", [](Doc& d) { d.RemoveMember("messages"); }},
      {"messages empty", [](Doc& d) { d["messages"].Clear(); }},
      {"messages object", [](Doc& d) { d["messages"].SetObject(); }},
      {"entry not object", [](Doc& d) { d["messages"][0].SetString("x"); }},
      {"entry to missing", [&](Doc& d) { entry(d).RemoveMember("to"); }},
      {"entry to not recipient",
       [&](Doc& d) { SetString(entry(d), "to", "https://c.example/users/eve", d); }},
      {"entry device missing", [&](Doc& d) { entry(d).RemoveMember("device"); }},
      {"entry device too long",
       [&](Doc& d) { SetString(entry(d), "device", std::string(24, 'A'), d); }},
      {"entry body missing", [&](Doc& d) { entry(d).RemoveMember("body"); }},
      {"entry body number", [&](Doc& d) { SetNumber(entry(d), "body", 5, d); }},
      {"entry body padded", [&](Doc& d) { SetString(entry(d), "body", "AAAA=", d); }},
      {"entry body standard base64", [&](Doc& d) { SetString(entry(d), "body", "AA+/", d); }},
      {"entry body empty", [&](Doc& d) { SetString(entry(d), "body", "", d); }},
      {"entry repeated",
       [](Doc& d) {
         rapidjson::Value copy(d["messages"][0], d.GetAllocator());
         d["messages"].PushBack(copy, d.GetAllocator());
       }},
      {"body over 65536 bytes",
       [&](Doc& d) {
         SetString(entry(d), "body", EncodeBase64Url(std::string(kMaxWireMessageBytes + 1, 'x')),
                   d);
       },
       ErrorCode::kLimitExceeded},
      {"65 entries",
       [](Doc& d) {
         for (int i = 0; i < 63; ++i) {
           rapidjson::Value copy(d["messages"][1], d.GetAllocator());
           d["messages"].PushBack(copy, d.GetAllocator());
         }
       },
       ErrorCode::kLimitExceeded},
      {"65 recipients",
       [](Doc& d) {
         for (int i = 0; i < 63; ++i) {
           const std::string actor = "https://x.example/u/" + std::to_string(i);
           d["to"].PushBack(rapidjson::Value(actor.c_str(), d.GetAllocator()), d.GetAllocator());
         }
       },
       ErrorCode::kLimitExceeded},
  };
  for (const auto& c : cases) {
    auto parsed = ParseEncryptedEnvelope(Mutate(json, c.change));
    ASSERT_FALSE(parsed.has_value()) << c.name;
    EXPECT_EQ(parsed.error().code, c.code) << c.name << ": " << parsed.error().message;
  }
  auto huge = ParseEncryptedEnvelope(std::string(kMaxJsonBytes + 1, ' '));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code, ErrorCode::kLimitExceeded);
}

TEST(E2eeRequests, PublishAndPrekeyUploadHaveTheDocumentedShape) {
  const SigningKeyPair account = SigningKeyPairFromSeed(FixedKey("account"));
  const DeviceSecrets device = GenerateDevice(Counter("dev"));
  auto list = SignDeviceList(kOwner, 1, {PublicOf(device)}, account);
  auto publish = ParseJson(WritePublishRequest(account.public_key, *list), JsonLimits{});
  ASSERT_TRUE(publish.has_value());
  EXPECT_TRUE((*publish)["accountKey"].IsString());
  EXPECT_EQ((*publish)["deviceList"]["version"].GetUint64(), 1u);
  EXPECT_EQ((*publish)["deviceList"]["devices"][0]["id"].GetString(), device.id);
  const SignedPrekey spk = SignPrekey(PrekeyKind::kSigned, device, GeneratePrekey(1, Counter("s")));
  const SignedPrekey opk =
      SignPrekey(PrekeyKind::kOneTime, device, GeneratePrekey(2, Counter("o")));
  auto upload = ParseJson(WritePrekeyUpload(device.id, spk, {opk}), JsonLimits{});
  ASSERT_TRUE(upload.has_value());
  EXPECT_EQ((*upload)["device"].GetString(), device.id);
  EXPECT_EQ((*upload)["signedPrekey"]["id"].GetUint(), 1u);
  EXPECT_EQ((*upload)["oneTimePrekeys"][0]["id"].GetUint(), 2u);
}

}  // namespace
}  // namespace parvis::protocol::e2ee
