#include "parvis/protocol/data_integrity.h"

#include <string_view>
#include <vector>

#include "parvis/protocol/base58.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/json_canonicalization.h"
#include "parvis/protocol/signature_algorithm.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

constexpr std::string_view kProofType = "DataIntegrityProof";
constexpr std::string_view kCryptosuite = "eddsa-jcs-2022";

rapidjson::Value String(std::string_view text, rapidjson::Document::AllocatorType& allocator) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

std::string StringMember(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// SHA-256(JCS(proof config)) || SHA-256(JCS(document)): vc-di-eddsa §3.3.4.
Result<std::string> HashData(const rapidjson::Value& proof_config,
                             const rapidjson::Value& unsecured_document) {
  auto canonical_config = CanonicalizeJson(proof_config);
  if (!canonical_config) return canonical_config;
  auto canonical_document = CanonicalizeJson(unsecured_document);
  if (!canonical_document) return canonical_document;
  return Sha256(*canonical_config) + Sha256(*canonical_document);
}

// `doc` without its `proof` member (a deep copy).
rapidjson::Document Unsecured(const rapidjson::Value& doc) {
  rapidjson::Document copy;
  copy.CopyFrom(doc, copy.GetAllocator());
  copy.RemoveMember("proof");
  return copy;
}

// An @context value as a list, so prefixes can be compared.
std::vector<const rapidjson::Value*> ContextEntries(const rapidjson::Value& context) {
  std::vector<const rapidjson::Value*> entries;
  if (context.IsArray()) {
    for (const auto& entry : context.GetArray()) entries.push_back(&entry);
  } else {
    entries.push_back(&context);
  }
  return entries;
}

}  // namespace

Status AddEddsaJcsProof(rapidjson::Document& document, const PrivateKey& key,
                        const DataIntegrityProofOptions& options) {
  if (!document.IsObject())
    return Fail(ErrorCode::kInvalidArgument, "document is not a JSON object");
  if (document.HasMember("proof")) {
    return Fail(ErrorCode::kInvalidArgument, "document already has a proof");
  }
  if (key.type() != KeyType::kEd25519) {
    return Fail(ErrorCode::kInvalidArgument, "eddsa-jcs-2022 needs an Ed25519 key");
  }
  if (options.verification_method.empty() || options.proof_purpose.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "proof needs a verification method and a purpose");
  }
  rapidjson::Document proof(rapidjson::kObjectType);
  auto& allocator = proof.GetAllocator();
  proof.AddMember("type", String(kProofType, allocator), allocator);
  proof.AddMember("cryptosuite", String(kCryptosuite, allocator), allocator);
  proof.AddMember("verificationMethod", String(options.verification_method, allocator), allocator);
  proof.AddMember("proofPurpose", String(options.proof_purpose, allocator), allocator);
  proof.AddMember("created", String(FormatRfc3339Utc(options.created_unix), allocator), allocator);

  // The configuration that is hashed carries the document's @context too.
  rapidjson::Document config;
  config.CopyFrom(proof, config.GetAllocator());
  if (const auto context = document.FindMember("@context"); context != document.MemberEnd()) {
    rapidjson::Value copy(context->value, config.GetAllocator());
    config.AddMember("@context", copy, config.GetAllocator());
  }
  auto hash = HashData(config, document);
  if (!hash) return std::unexpected(hash.error());
  auto signature = SignBytes(key, SignatureAlgorithm::kEd25519, *hash);
  if (!signature) return std::unexpected(signature.error());
  proof.AddMember("proofValue", String(EncodeMultibaseBase58Btc(*signature), allocator), allocator);

  rapidjson::Value copy(proof, document.GetAllocator());
  document.AddMember("proof", copy, document.GetAllocator());
  return Ok();
}

Result<DataIntegrityProofInfo> InspectDataIntegrityProof(const rapidjson::Value& document) {
  if (!document.IsObject())
    return Fail(ErrorCode::kInvalidArgument, "document is not a JSON object");
  const auto proof = document.FindMember("proof");
  if (proof == document.MemberEnd()) return Fail(ErrorCode::kNotFound, "document has no proof");
  if (proof->value.IsArray()) {
    return Fail(ErrorCode::kUnsupported, "proof sets (several proofs) are not supported");
  }
  if (!proof->value.IsObject())
    return Fail(ErrorCode::kInvalidArgument, "proof is not a JSON object");
  const rapidjson::Value& p = proof->value;
  DataIntegrityProofInfo info;
  info.type = StringMember(p, "type");
  info.cryptosuite = StringMember(p, "cryptosuite");
  info.verification_method = StringMember(p, "verificationMethod");
  info.proof_purpose = StringMember(p, "proofPurpose");
  info.created = StringMember(p, "created");
  if (info.type.empty() || info.verification_method.empty() || info.proof_purpose.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "proof lacks a string type, verificationMethod or proofPurpose");
  }
  if (p.HasMember("created")) {
    auto created = ParseRfc3339(info.created);
    if (!created)
      return Fail(ErrorCode::kInvalidArgument, "proof created: " + created.error().message);
    info.created_unix = *created;
  }
  return info;
}

Status VerifyEddsaJcsProof(const rapidjson::Value& document, const PublicKey& key) {
  auto info = InspectDataIntegrityProof(document);
  if (!info) return std::unexpected(info.error());
  if (info->type != kProofType || info->cryptosuite != kCryptosuite) {
    return Fail(ErrorCode::kUnsupported, "proof is " + info->type + "/" + info->cryptosuite +
                                             ", not DataIntegrityProof/eddsa-jcs-2022");
  }
  if (key.type() != KeyType::kEd25519) {
    return Fail(ErrorCode::kInvalidArgument, "eddsa-jcs-2022 needs an Ed25519 key");
  }
  const rapidjson::Value& proof = document["proof"];
  const auto proof_value = proof.FindMember("proofValue");
  if (proof_value == proof.MemberEnd() || !proof_value->value.IsString()) {
    return Fail(ErrorCode::kInvalidArgument, "proof has no string proofValue");
  }
  auto signature = DecodeMultibaseBase58Btc(
      std::string_view(proof_value->value.GetString(), proof_value->value.GetStringLength()));
  if (!signature) {
    return Fail(ErrorCode::kInvalidArgument, "proofValue: " + signature.error().message);
  }

  rapidjson::Document unsecured = Unsecured(document);
  rapidjson::Document config;
  config.CopyFrom(proof, config.GetAllocator());
  config.RemoveMember("proofValue");
  // vc-di-eddsa §3.3.2: a proof @context must open the document's @context,
  // and then replaces it.
  if (const auto proof_context = config.FindMember("@context");
      proof_context != config.MemberEnd()) {
    const auto doc_context = unsecured.FindMember("@context");
    const auto wanted = ContextEntries(proof_context->value);
    const auto actual = doc_context == unsecured.MemberEnd()
                            ? std::vector<const rapidjson::Value*>{}
                            : ContextEntries(doc_context->value);
    bool prefix = wanted.size() <= actual.size();
    for (size_t i = 0; prefix && i < wanted.size(); ++i) prefix = *wanted[i] == *actual[i];
    if (!prefix) {
      return Fail(ErrorCode::kInvalidArgument,
                  "proof @context does not open the document's @context");
    }
    rapidjson::Value copy(proof_context->value, unsecured.GetAllocator());
    unsecured.RemoveMember("@context");
    unsecured.AddMember("@context", copy, unsecured.GetAllocator());
  } else if (const auto doc_context = unsecured.FindMember("@context");
             doc_context != unsecured.MemberEnd()) {
    rapidjson::Value copy(doc_context->value, config.GetAllocator());
    config.AddMember("@context", copy, config.GetAllocator());
  }
  auto hash = HashData(config, unsecured);
  if (!hash) return std::unexpected(hash.error());
  if (auto st = VerifyBytes(key, SignatureAlgorithm::kEd25519, *hash, *signature); !st) {
    return Fail(ErrorCode::kInvalidArgument, "eddsa-jcs-2022 proof does not verify");
  }
  return Ok();
}

}  // namespace parvis::protocol
