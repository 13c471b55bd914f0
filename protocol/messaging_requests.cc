#include "parvis/protocol/messaging_requests.h"

#include <set>

#include "e2ee_json_fields.h"

namespace parvis::protocol {
namespace {

namespace fields = e2ee::internal;

Error Invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

#define PARVIS_TRY(var, expr)   \
  auto var = (expr);            \
  if (!var) return std::unexpected(std::move(var).error())

}  // namespace

Result<PublishRequest> ReadPublishRequest(const rapidjson::Value& body) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  PublishRequest request;
  PARVIS_TRY(account_key, fields::KeyMember(body, "accountKey", "body"));
  request.account_key = *account_key;
  if (auto reset = body.FindMember("reset"); reset != body.MemberEnd()) {
    if (!reset->value.IsBool()) return std::unexpected(Invalid("body.reset must be true or false"));
    request.reset = reset->value.GetBool();
  }
  PARVIS_TRY(list, fields::ObjectMember(body, "deviceList", "body"));
  PARVIS_TRY(version, fields::UintMember(**list, "version", "body.deviceList", 1, UINT64_MAX));
  request.list.version = *version;
  PARVIS_TRY(signature, fields::SignatureMember(**list, "signature", "body.deviceList"));
  request.list.signature = *signature;
  PARVIS_TRY(devices, fields::ArrayMember(**list, "devices", "body.deviceList", e2ee::kMaxEntries));
  for (rapidjson::SizeType i = 0; i < (*devices)->Size(); ++i) {
    PARVIS_TRY(device, fields::DevicePublicValue((**devices)[i], "body.deviceList.devices[" + std::to_string(i) + "]"));
    request.list.devices.push_back(*std::move(device));
  }
  return request;
}

Result<PrekeyUpload> ReadPrekeyUpload(const rapidjson::Value& body) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  PrekeyUpload upload;
  PARVIS_TRY(device, fields::DeviceIdMember(body, "device", "body"));
  upload.device = *device;
  if (body.HasMember("signedPrekey")) {
    PARVIS_TRY(prekey, fields::PrekeyMember(body, "signedPrekey", "body"));
    upload.signed_prekey = *prekey;
  }
  if (body.HasMember("oneTimePrekeys")) {
    PARVIS_TRY(prekeys, fields::ArrayMember(body, "oneTimePrekeys", "body", kMaxPrekeysPerUpload));
    std::set<uint32_t> ids;
    for (rapidjson::SizeType i = 0; i < (*prekeys)->Size(); ++i) {
      const std::string where = "body.oneTimePrekeys[" + std::to_string(i) + "]";
      PARVIS_TRY(prekey, fields::PrekeyValue((**prekeys)[i], where));
      if (!ids.insert(prekey->id).second) return std::unexpected(Invalid(where + ".id repeats an earlier id"));
      upload.one_time_prekeys.push_back(*prekey);
    }
  }
  if (!upload.signed_prekey && upload.one_time_prekeys.empty()) {
    return std::unexpected(Invalid("the body holds neither signedPrekey nor oneTimePrekeys"));
  }
  return upload;
}

Result<OutgoingMessage> ReadOutgoingMessage(const rapidjson::Value& body, std::string_view sender) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  OutgoingMessage message;
  PARVIS_TRY(to, ReadStringList(body, "to", kMaxMessageRecipients));
  if (to->empty()) return std::unexpected(Invalid("body.to must name at least one recipient"));
  std::set<std::string> recipients(to->begin(), to->end());
  if (recipients.size() != to->size()) return std::unexpected(Invalid("body.to names a recipient twice"));
  for (const std::string& actor : *to) {
    if (!actor.starts_with("https://") && !actor.starts_with("http://")) {
      return std::unexpected(Invalid("body.to must hold actor ids (http or https URLs)"));
    }
  }
  message.to = *std::move(to);
  PARVIS_TRY(sender_device, fields::DeviceIdMember(body, "senderDevice", "body"));
  message.sender_device = *sender_device;
  PARVIS_TRY(entries, fields::ArrayMember(body, "entries", "body", kMaxMessageEntries));
  if ((*entries)->Empty()) return std::unexpected(Invalid("body.entries must not be empty"));
  std::set<std::pair<std::string, std::string>> seen;
  for (rapidjson::SizeType i = 0; i < (*entries)->Size(); ++i) {
    const rapidjson::Value& value = (**entries)[i];
    const std::string where = "body.entries[" + std::to_string(i) + "]";
    if (!value.IsObject()) return std::unexpected(Invalid(where + " must be an object"));
    OutgoingEntry entry;
    PARVIS_TRY(actor, fields::StringMember(value, "actor", where));
    if (*actor != sender && !recipients.contains(*actor)) {
      return std::unexpected(Invalid(where + ".actor is neither a recipient nor the sender"));
    }
    entry.actor = *actor;
    PARVIS_TRY(entry_device, fields::DeviceIdMember(value, "device", where));
    entry.device = *entry_device;
    if (entry.actor == sender && entry.device == message.sender_device) {
      return std::unexpected(Invalid(where + " is addressed to the sending device itself"));
    }
    if (!seen.emplace(entry.actor, entry.device).second) return std::unexpected(Invalid(where + " repeats a device"));
    PARVIS_TRY(bytes, fields::BytesMember(value, "body", where, 0, e2ee::kMaxWireMessageBytes));
    if (Result<e2ee::WireMessage> wire = e2ee::ParseWireMessage(*bytes); !wire) {
      return std::unexpected(Error{wire.error().code, where + ".body: " + wire.error().message});
    }
    entry.body = value["body"].GetString();
    message.entries.push_back(std::move(entry));
  }
  return message;
}

Result<std::vector<std::string>> ReadStringList(const rapidjson::Value& body, const char* member, size_t max) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  PARVIS_TRY(values, fields::ArrayMember(body, member, "body", max));
  std::vector<std::string> out;
  for (const rapidjson::Value& value : (*values)->GetArray()) {
    if (!value.IsString() || value.GetStringLength() == 0 || value.GetStringLength() > 2048) {
      return std::unexpected(Invalid(std::string("body.") + member + " must hold non-empty strings"));
    }
    out.emplace_back(value.GetString(), value.GetStringLength());
  }
  return out;
}

}  // namespace parvis::protocol
