#include "server/federation/instance_actor.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/multikey.h"

namespace parvis::federation {
namespace {

constexpr std::string_view kRecord = "instance_actor";
constexpr const char* kFields[] = {"rsa_public_pem", "rsa_private_pem", "ed25519_multibase",
                                   "ed25519_private_pem"};

std::string* Field(InstanceActorKeys& keys, int i) {
  std::string* fields[] = {&keys.rsa_public_pem, &keys.rsa_private_pem, &keys.ed25519_multibase,
                           &keys.ed25519_private_pem};
  return fields[i];
}

Result<InstanceActorKeys> Decode(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject()) {
    return Fail(ErrorCode::kCorruption, "the instance actor record does not decode");
  }
  InstanceActorKeys keys;
  for (int i = 0; i < 4; ++i) {
    auto it = doc->FindMember(kFields[i]);
    if (it == doc->MemberEnd() || !it->value.IsString()) {
      return Fail(ErrorCode::kCorruption, "the instance actor record lacks " +
                                              std::string(kFields[i]));
    }
    *Field(keys, i) = it->value.GetString();
  }
  return keys;
}

Result<InstanceActorKeys> Generate() {
  Result<protocol::PrivateKey> rsa = protocol::GenerateRsaKey(2048);
  if (!rsa) return std::unexpected(rsa.error());
  Result<protocol::PrivateKey> ed25519 = protocol::GenerateEd25519Key();
  if (!ed25519) return std::unexpected(ed25519.error());
  Result<std::string> made[] = {protocol::PublicKeyToPem(rsa->public_key()),
                                protocol::PrivateKeyToPem(*rsa),
                                protocol::EncodeMultikey(ed25519->public_key()),
                                protocol::PrivateKeyToPem(*ed25519)};
  InstanceActorKeys keys;
  for (int i = 0; i < 4; ++i) {
    if (!made[i]) return std::unexpected(made[i].error());
    *Field(keys, i) = std::move(*made[i]);
  }
  return keys;
}

}  // namespace

Result<InstanceActorKeys> LoadOrCreateInstanceKeys(storage::Store& store) {
  Result<std::optional<std::string>> stored = store.Get(storage::Family::kMeta, kRecord);
  if (!stored) return std::unexpected(stored.error());
  if (stored->has_value()) return Decode(**stored);

  Result<InstanceActorKeys> keys = Generate();
  if (!keys) return keys;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (int i = 0; i < 4; ++i) {
    writer.Key(kFields[i]);
    writer.String(Field(*keys, i)->c_str());
  }
  writer.EndObject();
  storage::Batch batch;
  batch.Put(storage::Family::kMeta, kRecord, std::string_view(buffer.GetString(), buffer.GetSize()));
  if (Status written = store.Write(batch); !written) return std::unexpected(written.error());
  return keys;
}

}  // namespace parvis::federation
