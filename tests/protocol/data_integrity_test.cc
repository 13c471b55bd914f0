#include "parvis/protocol/data_integrity.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "parvis/protocol/json.h"
#include "parvis/protocol/multikey.h"
#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

constexpr char kNote[] = "activities/fedify-create-note.json";

PublicKey FedifyKey() {
  const rapidjson::Document actor = testing::LoadFixtureJson("activities/actor-fedify-person.json");
  auto key = DecodeMultikey(testing::Str(actor["assertionMethod"][0], "publicKeyMultibase"));
  EXPECT_TRUE(key.has_value());
  return *key;
}

rapidjson::Document Note() { return testing::LoadFixtureJson(kNote); }

TEST(VerifyEddsaJcsProof, AcceptsTheRealFedifyProof) {
  const rapidjson::Document note = Note();
  auto status = VerifyEddsaJcsProof(note, FedifyKey());
  EXPECT_TRUE(status.has_value()) << status.error().message;

  // Also through the house JSON parser, as the inbox will read it.
  auto parsed = ParseJson(testing::ReadFixture(kNote), JsonLimits{});
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(VerifyEddsaJcsProof(*parsed, FedifyKey()).has_value());

  auto info = InspectDataIntegrityProof(note);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, "DataIntegrityProof");
  EXPECT_EQ(info->cryptosuite, "eddsa-jcs-2022");
  EXPECT_EQ(info->verification_method, "https://fedify.example/users/ines#key-2");
  EXPECT_EQ(info->proof_purpose, "assertionMethod");
  EXPECT_EQ(info->created, "2025-03-14T17:20:01Z");
  EXPECT_EQ(info->created_unix, 1741972801);
}

struct Tamper {
  std::string name;
  std::function<void(rapidjson::Document&)> change;
  ErrorCode code;
};

void SetString(rapidjson::Value& object, const char* name, const char* value,
               rapidjson::Document& doc) {
  object[name].SetString(value, doc.GetAllocator());
}

TEST(VerifyEddsaJcsProof, RejectsEveryTampering) {
  const Tamper cases[] = {
      {"content edited",
       [](rapidjson::Document& d) { SetString(d["object"], "content", "<p>Autre chose</p>", d); },
       ErrorCode::kInvalidArgument},
      {"member added", [](rapidjson::Document& d) { d.AddMember("extra", 1, d.GetAllocator()); },
       ErrorCode::kInvalidArgument},
      {"@context removed", [](rapidjson::Document& d) { d.RemoveMember("@context"); },
       ErrorCode::kInvalidArgument},
      {"proof created edited",
       [](rapidjson::Document& d) { SetString(d["proof"], "created", "2025-03-14T17:20:02Z", d); },
       ErrorCode::kInvalidArgument},
      {"proof verificationMethod edited",
       [](rapidjson::Document& d) {
         SetString(d["proof"], "verificationMethod", "https://fedify.example/users/ines#key-3", d);
       },
       ErrorCode::kInvalidArgument},
      {"proofValue changed",
       [](rapidjson::Document& d) {
         std::string value = d["proof"]["proofValue"].GetString();
         value[10] = value[10] == 'a' ? 'b' : 'a';
         d["proof"]["proofValue"].SetString(value.c_str(), d.GetAllocator());
       },
       ErrorCode::kInvalidArgument},
      {"proofValue not base58",
       [](rapidjson::Document& d) { SetString(d["proof"], "proofValue", "z0OIl", d); },
       ErrorCode::kInvalidArgument},
      {"proofValue not multibase base58",
       [](rapidjson::Document& d) { SetString(d["proof"], "proofValue", "uAAAA", d); },
       ErrorCode::kInvalidArgument},
      {"proofValue too short",
       [](rapidjson::Document& d) { SetString(d["proof"], "proofValue", "z2", d); },
       ErrorCode::kInvalidArgument},
      {"proofValue missing", [](rapidjson::Document& d) { d["proof"].RemoveMember("proofValue"); },
       ErrorCode::kInvalidArgument},
      {"proofValue a number", [](rapidjson::Document& d) { d["proof"]["proofValue"].SetInt(5); },
       ErrorCode::kInvalidArgument},
      {"other cryptosuite",
       [](rapidjson::Document& d) { SetString(d["proof"], "cryptosuite", "eddsa-rdfc-2022", d); },
       ErrorCode::kUnsupported},
      {"other proof type",
       [](rapidjson::Document& d) { SetString(d["proof"], "type", "Ed25519Signature2020", d); },
       ErrorCode::kUnsupported},
      {"proof set",
       [](rapidjson::Document& d) {
         rapidjson::Value set(rapidjson::kArrayType);
         rapidjson::Value proof(d["proof"], d.GetAllocator());
         set.PushBack(proof, d.GetAllocator());
         d["proof"] = set;
       },
       ErrorCode::kUnsupported},
      {"proof removed", [](rapidjson::Document& d) { d.RemoveMember("proof"); },
       ErrorCode::kNotFound},
      {"proof a string", [](rapidjson::Document& d) { d["proof"].SetString("x"); },
       ErrorCode::kInvalidArgument},
      {"proof without purpose",
       [](rapidjson::Document& d) { d["proof"].RemoveMember("proofPurpose"); },
       ErrorCode::kInvalidArgument},
      {"proof created garbage",
       [](rapidjson::Document& d) { SetString(d["proof"], "created", "yesterday", d); },
       ErrorCode::kInvalidArgument},
      {"proof @context not a prefix",
       [](rapidjson::Document& d) {
         d["proof"].AddMember("@context", "https://w3id.org/security/data-integrity/v1",
                              d.GetAllocator());
       },
       ErrorCode::kInvalidArgument},
  };
  for (const Tamper& t : cases) {
    rapidjson::Document note = Note();
    t.change(note);
    auto status = VerifyEddsaJcsProof(note, FedifyKey());
    ASSERT_FALSE(status.has_value()) << t.name;
    EXPECT_EQ(status.error().code, t.code) << t.name << ": " << status.error().message;
  }
}

TEST(VerifyEddsaJcsProof, MemberOrderAndWhitespaceDoNotMatter) {
  // JCS sorts members: the same document rebuilt in reverse order verifies.
  const rapidjson::Document note = Note();
  rapidjson::Document reversed(rapidjson::kObjectType);
  for (auto it = note.MemberEnd(); it != note.MemberBegin();) {
    --it;
    rapidjson::Value name(it->name, reversed.GetAllocator());
    rapidjson::Value value(it->value, reversed.GetAllocator());
    reversed.AddMember(name, value, reversed.GetAllocator());
  }
  EXPECT_TRUE(VerifyEddsaJcsProof(reversed, FedifyKey()).has_value());
}

TEST(VerifyEddsaJcsProof, WrongKeysFail) {
  const rapidjson::Document note = Note();
  auto other = GenerateEd25519Key();
  auto wrong = VerifyEddsaJcsProof(note, other->public_key());
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().message, "eddsa-jcs-2022 proof does not verify");
  auto rsa = ParsePublicKeyPem(
      testing::Str(testing::LoadFixtureJson("activities/actor-fedify-person.json")["publicKey"],
                   "publicKeyPem"));
  auto wrong_type = VerifyEddsaJcsProof(note, *rsa);
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kInvalidArgument);
}

TEST(AddEddsaJcsProof, CreatedProofsVerifyAfterARoundTripThroughText) {
  auto key = GenerateEd25519Key();
  ASSERT_TRUE(key.has_value());
  rapidjson::Document note = Note();
  note.RemoveMember("proof");
  const DataIntegrityProofOptions options{
      .verification_method = "https://parvis.example/users/camille#ed25519-key",
      .created_unix = 1741972801};
  auto added = AddEddsaJcsProof(note, *key, options);
  ASSERT_TRUE(added.has_value()) << added.error().message;
  EXPECT_EQ(testing::Str(note["proof"], "created"), "2025-03-14T17:20:01Z");
  EXPECT_EQ(testing::Str(note["proof"], "proofPurpose"), "assertionMethod");
  EXPECT_EQ(testing::Str(note["proof"], "proofValue").front(), 'z');
  EXPECT_FALSE(note["proof"].HasMember("@context"));
  EXPECT_TRUE(VerifyEddsaJcsProof(note, key->public_key()).has_value());

  auto reparsed = ParseJson(WriteJson(note), JsonLimits{});
  ASSERT_TRUE(reparsed.has_value());
  EXPECT_TRUE(VerifyEddsaJcsProof(*reparsed, key->public_key()).has_value());
  reparsed->AddMember("tampered", true, reparsed->GetAllocator());
  EXPECT_FALSE(VerifyEddsaJcsProof(*reparsed, key->public_key()).has_value());

  // A proof that repeats the document's @context hashes the same.
  rapidjson::Value context(note["@context"], note.GetAllocator());
  note["proof"].AddMember("@context", context, note.GetAllocator());
  EXPECT_TRUE(VerifyEddsaJcsProof(note, key->public_key()).has_value());

  // Signing is deterministic (Ed25519), so the same inputs give the same proof.
  rapidjson::Document again = Note();
  again.RemoveMember("proof");
  ASSERT_TRUE(AddEddsaJcsProof(again, *key, options).has_value());
  EXPECT_EQ(testing::Str(again["proof"], "proofValue"), testing::Str(note["proof"], "proofValue"));
}

TEST(AddEddsaJcsProof, WorksWithoutAContext) {
  auto key = GenerateEd25519Key();
  auto doc = ParseJson(R"({"type":"Note","content":"x","n":[1.5,2]})", JsonLimits{});
  ASSERT_TRUE(doc.has_value());
  ASSERT_TRUE(
      AddEddsaJcsProof(*doc, *key, {.verification_method = "https://a.example/k"}).has_value());
  EXPECT_TRUE(VerifyEddsaJcsProof(*doc, key->public_key()).has_value());
}

TEST(AddEddsaJcsProof, RefusesBadInput) {
  auto ed = GenerateEd25519Key();
  auto rsa = ParsePrivateKeyPem(testing::Str(
      testing::SignatureVectors()["rfc9421"]["keys"]["test-key-rsa"], "privateKeyPem"));
  const DataIntegrityProofOptions options{.verification_method = "https://a.example/k"};

  rapidjson::Document signed_note = Note();
  EXPECT_EQ(AddEddsaJcsProof(signed_note, *ed, options).error().message,
            "document already has a proof");
  rapidjson::Document array(rapidjson::kArrayType);
  EXPECT_FALSE(AddEddsaJcsProof(array, *ed, options).has_value());
  rapidjson::Document note = Note();
  note.RemoveMember("proof");
  EXPECT_FALSE(AddEddsaJcsProof(note, *rsa, options).has_value());
  EXPECT_FALSE(AddEddsaJcsProof(note, *ed, {.verification_method = ""}).has_value());
  rapidjson::Document duplicate;
  duplicate.Parse(R"({"a":1,"a":2})");
  EXPECT_FALSE(AddEddsaJcsProof(duplicate, *ed, options).has_value());
  EXPECT_FALSE(note.HasMember("proof"));
}

}  // namespace
}  // namespace parvis::protocol
