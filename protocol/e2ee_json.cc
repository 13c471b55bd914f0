// The JSON documents of docs/e2ee.md §7 and §11: key directory, publish and
// prekey upload requests, claim answer, EncryptedMessage envelope.
#include <set>

#include "e2ee_bytes.h"
#include "e2ee_json_fields.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AsView;
using internal::JsonWriter;
using internal::WriteBytes;
using internal::WriteString;

namespace {

#define PARVIS_E2EE_TRY(var, expr) \
  auto var = (expr);               \
  if (!var) return std::unexpected(std::move(var).error())

std::string Indexed(const std::string& where, const char* name, size_t index) {
  return where + "." + name + "[" + std::to_string(index) + "]";
}

std::string Text(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

void WriteDevicePublic(JsonWriter& writer, const DevicePublic& device) {
  writer.Key("id");
  WriteString(writer, device.id);
  writer.Key("signingKey");
  WriteBytes(writer, AsView(device.signing_key));
  writer.Key("identityKey");
  WriteBytes(writer, AsView(device.identity_key));
}

// A non-empty array of non-empty strings, at most kMaxEntries.
Result<std::vector<std::string>> ReadActors(const rapidjson::Value& object, const char* name,
                                            const std::string& where) {
  PARVIS_E2EE_TRY(array, internal::ArrayMember(object, name, where, kMaxEntries));
  std::vector<std::string> out;
  for (const auto& actor : (*array)->GetArray()) {
    if (!actor.IsString() || actor.GetStringLength() == 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  where + "." + name + " holds something other than an actor id");
    }
    out.emplace_back(actor.GetString(), actor.GetStringLength());
  }
  if (out.empty()) return Fail(ErrorCode::kInvalidArgument, where + "." + name + " is empty");
  return out;
}

}  // namespace

Result<KeyDirectory> ParseKeyDirectory(std::string_view json) {
  PARVIS_E2EE_TRY(document, internal::ParseObject(json, "the key directory"));
  const std::string where = "directory";
  KeyDirectory directory;
  PARVIS_E2EE_TRY(type, internal::StringMember(*document, "type", where));
  if (*type != "KeyDirectory") {
    return Fail(ErrorCode::kInvalidArgument, "directory.type is not \"KeyDirectory\"");
  }
  PARVIS_E2EE_TRY(id, internal::StringMember(*document, "id", where));
  PARVIS_E2EE_TRY(owner, internal::StringMember(*document, "owner", where));
  PARVIS_E2EE_TRY(account_key, internal::KeyMember(*document, "accountKey", where));
  directory.id = *id;
  directory.owner = *owner;
  directory.account_key = *account_key;
  const std::string list_where = where + ".deviceList";
  PARVIS_E2EE_TRY(list, internal::ObjectMember(*document, "deviceList", where));
  PARVIS_E2EE_TRY(version, internal::UintMember(**list, "version", list_where, 1, UINT64_MAX));
  PARVIS_E2EE_TRY(signature, internal::SignatureMember(**list, "signature", list_where));
  PARVIS_E2EE_TRY(devices, internal::ArrayMember(**list, "devices", list_where, kMaxEntries));
  directory.version = *version;
  directory.signature = *signature;
  size_t index = 0;
  for (const auto& entry : (*devices)->GetArray()) {
    const std::string at = Indexed(list_where, "devices", index++);
    DirectoryDevice device;
    PARVIS_E2EE_TRY(keys, internal::DevicePublicValue(entry, at));
    device.keys = *keys;
    if (entry.HasMember("signedPrekey")) {
      PARVIS_E2EE_TRY(prekey, internal::PrekeyMember(entry, "signedPrekey", at));
      device.signed_prekey = *prekey;
    }
    if (entry.HasMember("oneTimePrekeys")) {
      PARVIS_E2EE_TRY(count, internal::UintMember(entry, "oneTimePrekeys", at, 0, UINT32_MAX));
      device.one_time_prekeys = *count;
    }
    directory.devices.push_back(std::move(device));
  }
  return directory;
}

std::string WriteKeyDirectory(const KeyDirectory& directory) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("id");
  WriteString(writer, directory.id);
  writer.Key("type");
  writer.String("KeyDirectory");
  writer.Key("owner");
  WriteString(writer, directory.owner);
  writer.Key("accountKey");
  WriteBytes(writer, AsView(directory.account_key));
  writer.Key("deviceList");
  writer.StartObject();
  writer.Key("version");
  writer.Uint64(directory.version);
  writer.Key("devices");
  writer.StartArray();
  for (const auto& device : directory.devices) {
    writer.StartObject();
    WriteDevicePublic(writer, device.keys);
    if (device.signed_prekey) {
      writer.Key("signedPrekey");
      internal::WritePrekey(writer, *device.signed_prekey);
    }
    writer.Key("oneTimePrekeys");
    writer.Uint64(device.one_time_prekeys);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("signature");
  WriteBytes(writer, AsView(directory.signature));
  writer.EndObject();
  writer.EndObject();
  return Text(buffer);
}

DeviceList DeviceListOf(const KeyDirectory& directory) {
  DeviceList list;
  list.version = directory.version;
  list.signature = directory.signature;
  for (const auto& device : directory.devices) list.devices.push_back(device.keys);
  return list;
}

Status VerifyKeyDirectory(const KeyDirectory& directory, uint64_t min_version) {
  if (auto status = VerifyDeviceList(directory.owner, directory.account_key,
                                     DeviceListOf(directory), min_version);
      !status) {
    return status;
  }
  for (const auto& device : directory.devices) {
    if (!device.signed_prekey) continue;
    if (auto status = VerifyPrekey(PrekeyKind::kSigned, device.keys, *device.signed_prekey);
        !status) {
      return status;
    }
  }
  return Ok();
}

std::string WritePublishRequest(const Key32& account_key, const DeviceList& list) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("accountKey");
  WriteBytes(writer, AsView(account_key));
  writer.Key("deviceList");
  writer.StartObject();
  writer.Key("version");
  writer.Uint64(list.version);
  writer.Key("devices");
  writer.StartArray();
  for (const auto& device : list.devices) {
    writer.StartObject();
    WriteDevicePublic(writer, device);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("signature");
  WriteBytes(writer, AsView(list.signature));
  writer.EndObject();
  writer.EndObject();
  return Text(buffer);
}

std::string WritePrekeyUpload(std::string_view device_id, const SignedPrekey& signed_prekey,
                              const std::vector<SignedPrekey>& one_time_prekeys) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("device");
  WriteString(writer, device_id);
  writer.Key("signedPrekey");
  internal::WritePrekey(writer, signed_prekey);
  writer.Key("oneTimePrekeys");
  writer.StartArray();
  for (const auto& prekey : one_time_prekeys) internal::WritePrekey(writer, prekey);
  writer.EndArray();
  writer.EndObject();
  return Text(buffer);
}

Result<std::vector<ClaimedDevice>> ParseClaimAnswer(std::string_view json) {
  PARVIS_E2EE_TRY(document, internal::ParseObject(json, "the claim answer"));
  const std::string where = "claim";
  PARVIS_E2EE_TRY(devices, internal::ArrayMember(*document, "devices", where, kMaxEntries));
  std::vector<ClaimedDevice> out;
  std::set<std::string> seen;
  size_t index = 0;
  for (const auto& entry : (*devices)->GetArray()) {
    const std::string at = Indexed(where, "devices", index++);
    ClaimedDevice device;
    PARVIS_E2EE_TRY(id, internal::DeviceIdMember(entry, "id", at));
    if (!seen.insert(*id).second) {
      return Fail(ErrorCode::kInvalidArgument, at + ".id repeats device " + *id);
    }
    device.id = *id;
    PARVIS_E2EE_TRY(signed_prekey, internal::PrekeyMember(entry, "signedPrekey", at));
    device.signed_prekey = *signed_prekey;
    if (entry.HasMember("oneTimePrekey")) {
      PARVIS_E2EE_TRY(one_time, internal::PrekeyMember(entry, "oneTimePrekey", at));
      device.one_time_prekey = *one_time;
    }
    out.push_back(std::move(device));
  }
  return out;
}

std::string WriteClaimAnswer(const std::vector<ClaimedDevice>& devices) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("devices");
  writer.StartArray();
  for (const auto& device : devices) {
    writer.StartObject();
    writer.Key("id");
    WriteString(writer, device.id);
    writer.Key("signedPrekey");
    internal::WritePrekey(writer, device.signed_prekey);
    if (device.one_time_prekey) {
      writer.Key("oneTimePrekey");
      internal::WritePrekey(writer, *device.one_time_prekey);
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return Text(buffer);
}

Result<PrekeyBundle> BundleFor(const KeyDirectory& directory, const ClaimedDevice& claimed) {
  for (const auto& device : directory.devices) {
    if (device.keys.id == claimed.id) {
      return PrekeyBundle{device.keys, claimed.signed_prekey, claimed.one_time_prekey};
    }
  }
  return Fail(ErrorCode::kNotFound,
              "device " + claimed.id + " is not in the key directory of " + directory.owner);
}

Result<EncryptedEnvelope> ParseEncryptedEnvelope(std::string_view json) {
  PARVIS_E2EE_TRY(document, internal::ParseObject(json, "the envelope"));
  const std::string where = "envelope";
  EncryptedEnvelope envelope;
  PARVIS_E2EE_TRY(type, internal::StringMember(*document, "type", where));
  if (*type != "EncryptedMessage") {
    return Fail(ErrorCode::kInvalidArgument, "envelope.type is not \"EncryptedMessage\"");
  }
  PARVIS_E2EE_TRY(id, internal::StringMember(*document, "id", where));
  PARVIS_E2EE_TRY(attributed_to, internal::StringMember(*document, "attributedTo", where));
  PARVIS_E2EE_TRY(to, ReadActors(*document, "to", where));
  PARVIS_E2EE_TRY(sender_device, internal::DeviceIdMember(*document, "senderDevice", where));
  PARVIS_E2EE_TRY(messages, internal::ArrayMember(*document, "messages", where, kMaxEntries));
  if (id->empty() || attributed_to->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "envelope.id or envelope.attributedTo is empty");
  }
  envelope.id = *id;
  envelope.attributed_to = *attributed_to;
  envelope.to = *to;
  envelope.sender_device = *sender_device;
  const std::set<std::string> recipients(to->begin(), to->end());
  std::set<std::pair<std::string, std::string>> seen;
  size_t index = 0;
  for (const auto& entry : (*messages)->GetArray()) {
    const std::string at = Indexed(where, "messages", index++);
    EnvelopeEntry out;
    PARVIS_E2EE_TRY(entry_to, internal::StringMember(entry, "to", at));
    if (recipients.count(*entry_to) == 0) {
      return Fail(ErrorCode::kInvalidArgument, at + ".to is not among envelope.to");
    }
    PARVIS_E2EE_TRY(device, internal::DeviceIdMember(entry, "device", at));
    if (!seen.emplace(*entry_to, *device).second) {
      return Fail(ErrorCode::kInvalidArgument, at + " repeats a device");
    }
    PARVIS_E2EE_TRY(body, internal::BytesMember(entry, "body", at, 0, kMaxWireMessageBytes));
    if (body->size() > kMaxWireMessageBytes) {
      return Fail(ErrorCode::kLimitExceeded, at + ".body is over 65536 bytes");
    }
    if (body->empty()) return Fail(ErrorCode::kInvalidArgument, at + ".body is empty");
    out.to = *entry_to;
    out.device = *device;
    out.body = std::move(*body);
    envelope.messages.push_back(std::move(out));
  }
  if (envelope.messages.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "envelope.messages is empty");
  }
  return envelope;
}

std::string WriteEncryptedEnvelope(const EncryptedEnvelope& envelope) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("id");
  WriteString(writer, envelope.id);
  writer.Key("type");
  writer.String("EncryptedMessage");
  writer.Key("attributedTo");
  WriteString(writer, envelope.attributed_to);
  writer.Key("to");
  writer.StartArray();
  for (const auto& actor : envelope.to) WriteString(writer, actor);
  writer.EndArray();
  writer.Key("senderDevice");
  WriteString(writer, envelope.sender_device);
  writer.Key("messages");
  writer.StartArray();
  for (const auto& entry : envelope.messages) {
    writer.StartObject();
    writer.Key("to");
    WriteString(writer, entry.to);
    writer.Key("device");
    WriteString(writer, entry.device);
    writer.Key("body");
    WriteBytes(writer, entry.body);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return Text(buffer);
}

#undef PARVIS_E2EE_TRY

}  // namespace parvis::protocol::e2ee
