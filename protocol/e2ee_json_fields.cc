// Strict JSON member readers and writer helpers for the e2ee documents.
#include "e2ee_json_fields.h"

#include "e2ee_bytes.h"
#include "parvis/protocol/json.h"

namespace parvis::protocol::e2ee::internal {

namespace {

std::string Path(const std::string& where, const char* name) {
  return where.empty() ? std::string(name) : where + "." + name;
}

}  // namespace

Result<rapidjson::Document> ParseObject(std::string_view text, std::string_view what) {
  // The deepest document here (a directory) nests 5 levels.
  auto document = ParseJson(text, JsonLimits{.max_bytes = kMaxJsonBytes, .max_depth = 8});
  if (!document) return std::unexpected(document.error());
  if (!document->IsObject()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " is not a JSON object");
  }
  return document;
}

Result<const rapidjson::Value*> Member(const rapidjson::Value& object, const char* name,
                                       const std::string& where) {
  if (!object.IsObject()) return Fail(ErrorCode::kInvalidArgument, where + " is not an object");
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + " is missing");
  }
  return &it->value;
}

Result<const rapidjson::Value*> ObjectMember(const rapidjson::Value& object, const char* name,
                                             const std::string& where) {
  auto value = Member(object, name, where);
  if (!value) return value;
  if (!(*value)->IsObject()) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + " is not an object");
  }
  return value;
}

Result<const rapidjson::Value*> ArrayMember(const rapidjson::Value& object, const char* name,
                                            const std::string& where, size_t max_size) {
  auto value = Member(object, name, where);
  if (!value) return value;
  if (!(*value)->IsArray()) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + " is not an array");
  }
  if ((*value)->Size() > max_size) {
    return Fail(ErrorCode::kLimitExceeded,
                Path(where, name) + " has more than " + std::to_string(max_size) + " elements");
  }
  return value;
}

Result<std::string> StringMember(const rapidjson::Value& object, const char* name,
                                 const std::string& where) {
  auto value = Member(object, name, where);
  if (!value) return std::unexpected(value.error());
  if (!(*value)->IsString()) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + " is not a string");
  }
  return std::string((*value)->GetString(), (*value)->GetStringLength());
}

Result<uint64_t> UintMember(const rapidjson::Value& object, const char* name,
                            const std::string& where, uint64_t min, uint64_t max) {
  auto value = Member(object, name, where);
  if (!value) return std::unexpected(value.error());
  if (!(*value)->IsUint64()) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + " is not a non-negative integer");
  }
  const uint64_t number = (*value)->GetUint64();
  if (number < min || number > max) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + " is out of range");
  }
  return number;
}

Result<std::string> BytesMember(const rapidjson::Value& object, const char* name,
                                const std::string& where, size_t size, size_t max_bytes) {
  auto text = StringMember(object, name, where);
  if (!text) return text;
  // Refuse before decoding what could only decode to too many bytes.
  const size_t limit = size != 0 ? size : max_bytes;
  if (limit != 0 && text->size() > (limit * 4 + 2) / 3) {
    return Fail(size != 0 ? ErrorCode::kInvalidArgument : ErrorCode::kLimitExceeded,
                Path(where, name) + " is too long");
  }
  auto bytes = DecodeBase64Url(*text);
  if (!bytes) {
    return Fail(ErrorCode::kInvalidArgument, Path(where, name) + ": " + bytes.error().message);
  }
  if (size != 0 && bytes->size() != size) {
    return Fail(ErrorCode::kInvalidArgument,
                Path(where, name) + " is not " + std::to_string(size) + " bytes");
  }
  return bytes;
}

Result<Key32> KeyMember(const rapidjson::Value& object, const char* name,
                        const std::string& where) {
  auto bytes = BytesMember(object, name, where, 32);
  if (!bytes) return std::unexpected(bytes.error());
  return ToArray<32>(*bytes);
}

Result<Signature> SignatureMember(const rapidjson::Value& object, const char* name,
                                  const std::string& where) {
  auto bytes = BytesMember(object, name, where, 64);
  if (!bytes) return std::unexpected(bytes.error());
  return ToArray<64>(*bytes);
}

Result<std::string> DeviceIdMember(const rapidjson::Value& object, const char* name,
                                   const std::string& where) {
  auto id = StringMember(object, name, where);
  if (!id) return id;
  if (!IsDeviceId(*id)) {
    return Fail(ErrorCode::kInvalidArgument,
                Path(where, name) + " is not a device id (22 characters of base64url)");
  }
  return id;
}

Result<SignedPrekey> PrekeyMember(const rapidjson::Value& object, const char* name,
                                  const std::string& where) {
  auto value = ObjectMember(object, name, where);
  if (!value) return std::unexpected(value.error());
  return PrekeyValue(**value, Path(where, name));
}

Result<SignedPrekey> PrekeyValue(const rapidjson::Value& value, const std::string& where) {
  if (!value.IsObject()) return Fail(ErrorCode::kInvalidArgument, where + " must be an object");
  SignedPrekey prekey;
  auto id = UintMember(value, "id", where, 1, UINT32_MAX);
  if (!id) return std::unexpected(id.error());
  prekey.id = static_cast<uint32_t>(*id);
  auto key = KeyMember(value, "key", where);
  if (!key) return std::unexpected(key.error());
  prekey.public_key = *key;
  auto signature = SignatureMember(value, "signature", where);
  if (!signature) return std::unexpected(signature.error());
  prekey.signature = *signature;
  return prekey;
}

Result<DevicePublic> DevicePublicValue(const rapidjson::Value& object, const std::string& where) {
  if (!object.IsObject()) return Fail(ErrorCode::kInvalidArgument, where + " must be an object");
  auto id = DeviceIdMember(object, "id", where);
  if (!id) return std::unexpected(id.error());
  auto signing = KeyMember(object, "signingKey", where);
  if (!signing) return std::unexpected(signing.error());
  auto identity = KeyMember(object, "identityKey", where);
  if (!identity) return std::unexpected(identity.error());
  return DevicePublic{*id, *signing, *identity};
}

void WriteString(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void WriteBytes(JsonWriter& writer, std::string_view bytes) {
  WriteString(writer, EncodeBase64Url(bytes));
}

void WritePrekey(JsonWriter& writer, const SignedPrekey& prekey) {
  writer.StartObject();
  writer.Key("id");
  writer.Uint(prekey.id);
  writer.Key("key");
  WriteBytes(writer, AsView(prekey.public_key));
  writer.Key("signature");
  WriteBytes(writer, AsView(prekey.signature));
  writer.EndObject();
}

}  // namespace parvis::protocol::e2ee::internal
