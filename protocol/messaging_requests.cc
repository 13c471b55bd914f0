#include "parvis/protocol/messaging_requests.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "parvis/protocol/json.h"

namespace parvis::protocol {
namespace {

Error Invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

Result<std::string> Text(const rapidjson::Value& object, const char* member, const std::string& where) {
  auto it = object.FindMember(member);
  if (it == object.MemberEnd() || !it->value.IsString()) {
    return std::unexpected(Invalid(where + "." + member + " must be a string"));
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

template <size_t N>
Result<std::array<unsigned char, N>> Bytes(const rapidjson::Value& object, const char* member,
                                           const std::string& where) {
  Result<std::string> text = Text(object, member, where);
  if (!text) return std::unexpected(text.error());
  Result<std::string> bytes = e2ee::DecodeBase64Url(*text);
  if (!bytes || bytes->size() != N) {
    return std::unexpected(Invalid(where + "." + member + " must be " + std::to_string(N) +
                                   " bytes in base64url without padding"));
  }
  std::array<unsigned char, N> out{};
  std::memcpy(out.data(), bytes->data(), N);
  return out;
}

Result<uint64_t> Whole(const rapidjson::Value& object, const char* member, const std::string& where,
                       uint64_t low, uint64_t high) {
  auto it = object.FindMember(member);
  if (it == object.MemberEnd() || !it->value.IsUint64() || it->value.GetUint64() < low ||
      it->value.GetUint64() > high) {
    return std::unexpected(Invalid(where + "." + member + " must be a whole number from " +
                                   std::to_string(low) + " to " + std::to_string(high)));
  }
  return it->value.GetUint64();
}

Result<std::string> DeviceId(const rapidjson::Value& object, const char* member, const std::string& where) {
  Result<std::string> id = Text(object, member, where);
  if (!id) return id;
  if (!e2ee::IsDeviceId(*id)) {
    return std::unexpected(Invalid(where + "." + member + " must be a device id (16 bytes, base64url)"));
  }
  return id;
}

Result<e2ee::SignedPrekey> Prekey(const rapidjson::Value& value, const std::string& where) {
  if (!value.IsObject()) return std::unexpected(Invalid(where + " must be an object"));
  e2ee::SignedPrekey prekey;
  Result<uint64_t> id = Whole(value, "id", where, 1, UINT32_MAX);
  if (!id) return std::unexpected(id.error());
  prekey.id = static_cast<uint32_t>(*id);
  Result<e2ee::Key32> key = Bytes<32>(value, "key", where);
  if (!key) return std::unexpected(key.error());
  prekey.public_key = *key;
  Result<e2ee::Signature> signature = Bytes<64>(value, "signature", where);
  if (!signature) return std::unexpected(signature.error());
  prekey.signature = *signature;
  return prekey;
}

const rapidjson::Value* Array(const rapidjson::Value& object, const char* member) {
  auto it = object.FindMember(member);
  if (it == object.MemberEnd() || !it->value.IsArray()) return nullptr;
  return &it->value;
}

}  // namespace

Result<PublishRequest> ReadPublishRequest(const rapidjson::Value& body) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  PublishRequest request;
  Result<e2ee::Key32> account_key = Bytes<32>(body, "accountKey", "body");
  if (!account_key) return std::unexpected(account_key.error());
  request.account_key = *account_key;
  if (auto reset = body.FindMember("reset"); reset != body.MemberEnd()) {
    if (!reset->value.IsBool()) return std::unexpected(Invalid("body.reset must be true or false"));
    request.reset = reset->value.GetBool();
  }
  auto list = body.FindMember("deviceList");
  if (list == body.MemberEnd() || !list->value.IsObject()) {
    return std::unexpected(Invalid("body.deviceList must be an object"));
  }
  Result<uint64_t> version = Whole(list->value, "version", "deviceList", 1, UINT64_MAX);
  if (!version) return std::unexpected(version.error());
  request.list.version = *version;
  Result<e2ee::Signature> signature = Bytes<64>(list->value, "signature", "deviceList");
  if (!signature) return std::unexpected(signature.error());
  request.list.signature = *signature;
  const rapidjson::Value* devices = Array(list->value, "devices");
  if (!devices) return std::unexpected(Invalid("deviceList.devices must be an array"));
  if (devices->Size() > e2ee::kMaxEntries) {
    return std::unexpected(Error{ErrorCode::kLimitExceeded,
                                 "deviceList.devices holds more than " + std::to_string(e2ee::kMaxEntries)});
  }
  for (rapidjson::SizeType i = 0; i < devices->Size(); ++i) {
    const rapidjson::Value& device = (*devices)[i];
    const std::string where = "deviceList.devices[" + std::to_string(i) + "]";
    if (!device.IsObject()) return std::unexpected(Invalid(where + " must be an object"));
    e2ee::DevicePublic entry;
    Result<std::string> id = DeviceId(device, "id", where);
    if (!id) return std::unexpected(id.error());
    entry.id = *id;
    Result<e2ee::Key32> signing = Bytes<32>(device, "signingKey", where);
    if (!signing) return std::unexpected(signing.error());
    entry.signing_key = *signing;
    Result<e2ee::Key32> identity = Bytes<32>(device, "identityKey", where);
    if (!identity) return std::unexpected(identity.error());
    entry.identity_key = *identity;
    request.list.devices.push_back(std::move(entry));
  }
  return request;
}

Result<PrekeyUpload> ReadPrekeyUpload(const rapidjson::Value& body) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  PrekeyUpload upload;
  Result<std::string> device = DeviceId(body, "device", "body");
  if (!device) return std::unexpected(device.error());
  upload.device = *device;
  if (auto signed_prekey = body.FindMember("signedPrekey"); signed_prekey != body.MemberEnd()) {
    Result<e2ee::SignedPrekey> prekey = Prekey(signed_prekey->value, "signedPrekey");
    if (!prekey) return std::unexpected(prekey.error());
    upload.signed_prekey = *prekey;
  }
  if (body.HasMember("oneTimePrekeys")) {
    const rapidjson::Value* prekeys = Array(body, "oneTimePrekeys");
    if (!prekeys) return std::unexpected(Invalid("body.oneTimePrekeys must be an array"));
    if (prekeys->Size() > kMaxPrekeysPerUpload) {
      return std::unexpected(Error{ErrorCode::kLimitExceeded, "body.oneTimePrekeys holds more than " +
                                                                  std::to_string(kMaxPrekeysPerUpload)});
    }
    std::set<uint32_t> ids;
    for (rapidjson::SizeType i = 0; i < prekeys->Size(); ++i) {
      Result<e2ee::SignedPrekey> prekey = Prekey((*prekeys)[i], "oneTimePrekeys[" + std::to_string(i) + "]");
      if (!prekey) return std::unexpected(prekey.error());
      if (!ids.insert(prekey->id).second) {
        return std::unexpected(Invalid("oneTimePrekeys[" + std::to_string(i) + "].id repeats an earlier id"));
      }
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
  Result<std::vector<std::string>> to = ReadStringList(body, "to", kMaxMessageRecipients);
  if (!to) return std::unexpected(to.error());
  if (to->empty()) return std::unexpected(Invalid("body.to must name at least one recipient"));
  std::set<std::string> recipients(to->begin(), to->end());
  if (recipients.size() != to->size()) return std::unexpected(Invalid("body.to names a recipient twice"));
  for (const std::string& actor : *to) {
    if (!actor.starts_with("https://") && !actor.starts_with("http://")) {
      return std::unexpected(Invalid("body.to must hold actor ids (http or https URLs)"));
    }
  }
  message.to = *std::move(to);
  Result<std::string> device = DeviceId(body, "senderDevice", "body");
  if (!device) return std::unexpected(device.error());
  message.sender_device = *device;
  const rapidjson::Value* entries = Array(body, "entries");
  if (!entries || entries->Empty()) return std::unexpected(Invalid("body.entries must be a non-empty array"));
  if (entries->Size() > kMaxMessageEntries) {
    return std::unexpected(Error{ErrorCode::kLimitExceeded,
                                 "body.entries holds more than " + std::to_string(kMaxMessageEntries)});
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const rapidjson::Value& value = (*entries)[i];
    const std::string where = "entries[" + std::to_string(i) + "]";
    if (!value.IsObject()) return std::unexpected(Invalid(where + " must be an object"));
    OutgoingEntry entry;
    Result<std::string> actor = Text(value, "actor", where);
    if (!actor) return std::unexpected(actor.error());
    if (*actor != sender && !recipients.contains(*actor)) {
      return std::unexpected(Invalid(where + ".actor is neither a recipient nor the sender"));
    }
    entry.actor = *actor;
    Result<std::string> entry_device = DeviceId(value, "device", where);
    if (!entry_device) return std::unexpected(entry_device.error());
    entry.device = *entry_device;
    if (entry.actor == sender && entry.device == message.sender_device) {
      return std::unexpected(Invalid(where + " is addressed to the sending device itself"));
    }
    if (!seen.emplace(entry.actor, entry.device).second) {
      return std::unexpected(Invalid(where + " repeats a device"));
    }
    Result<std::string> text = Text(value, "body", where);
    if (!text) return std::unexpected(text.error());
    if (text->size() > e2ee::kMaxWireMessageBytes / 3 * 4 + 4) {
      return std::unexpected(Error{ErrorCode::kLimitExceeded, where + ".body is longer than a wire message may be"});
    }
    Result<std::string> bytes = e2ee::DecodeBase64Url(*text);
    if (!bytes) return std::unexpected(Invalid(where + ".body must be base64url without padding"));
    if (Result<e2ee::WireMessage> wire = e2ee::ParseWireMessage(*bytes); !wire) {
      return std::unexpected(Error{wire.error().code, where + ".body: " + wire.error().message});
    }
    entry.body = *std::move(text);
    message.entries.push_back(std::move(entry));
  }
  return message;
}

Result<std::vector<std::string>> ReadStringList(const rapidjson::Value& body, const char* member, size_t max) {
  if (!body.IsObject()) return std::unexpected(Invalid("the body must be a JSON object"));
  const rapidjson::Value* values = Array(body, member);
  if (!values) return std::unexpected(Invalid(std::string("body.") + member + " must be an array of strings"));
  if (values->Size() > max) {
    return std::unexpected(Error{ErrorCode::kLimitExceeded,
                                 std::string("body.") + member + " holds more than " + std::to_string(max)});
  }
  std::vector<std::string> out;
  for (const rapidjson::Value& value : values->GetArray()) {
    if (!value.IsString() || value.GetStringLength() == 0 || value.GetStringLength() > 2048) {
      return std::unexpected(Invalid(std::string("body.") + member + " must hold non-empty strings"));
    }
    out.emplace_back(value.GetString(), value.GetStringLength());
  }
  return out;
}

}  // namespace parvis::protocol
