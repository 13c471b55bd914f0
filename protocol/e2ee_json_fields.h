// Strict readers and a writer for the members of the JSON documents of
// docs/e2ee.md (not a public header). Every reader names the member in its
// error, as `where` gives it ("deviceList.devices[2].signingKey").
#ifndef PARVIS_PROTOCOL_E2EE_JSON_FIELDS_H_
#define PARVIS_PROTOCOL_E2EE_JSON_FIELDS_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee::internal {

// ParseJson with kMaxJsonBytes and a shallow depth; the top level must be an object.
Result<rapidjson::Document> ParseObject(std::string_view text, std::string_view what);

// The member `name` of object `object`; kInvalidArgument when absent.
Result<const rapidjson::Value*> Member(const rapidjson::Value& object, const char* name,
                                       const std::string& where);
Result<const rapidjson::Value*> ObjectMember(const rapidjson::Value& object, const char* name,
                                             const std::string& where);
// An array member of at most `max_size` elements (kLimitExceeded beyond).
Result<const rapidjson::Value*> ArrayMember(const rapidjson::Value& object, const char* name,
                                            const std::string& where, size_t max_size);
Result<std::string> StringMember(const rapidjson::Value& object, const char* name,
                                 const std::string& where);
// An unsigned integer member in [min, max].
Result<uint64_t> UintMember(const rapidjson::Value& object, const char* name,
                            const std::string& where, uint64_t min, uint64_t max);
// A base64url member decoding to exactly `size` bytes (size 0: any, up to
// `max_bytes` decoded, kLimitExceeded beyond).
Result<std::string> BytesMember(const rapidjson::Value& object, const char* name,
                                const std::string& where, size_t size, size_t max_bytes = 0);
Result<Key32> KeyMember(const rapidjson::Value& object, const char* name, const std::string& where);
Result<Signature> SignatureMember(const rapidjson::Value& object, const char* name,
                                  const std::string& where);
Result<std::string> DeviceIdMember(const rapidjson::Value& object, const char* name,
                                   const std::string& where);
// {"id","key","signature"}: the member `name`, or `value` itself (at `where`).
Result<SignedPrekey> PrekeyMember(const rapidjson::Value& object, const char* name,
                                  const std::string& where);
Result<SignedPrekey> PrekeyValue(const rapidjson::Value& value, const std::string& where);
// {"id","signingKey","identityKey"}: one device of a device list.
Result<DevicePublic> DevicePublicValue(const rapidjson::Value& object, const std::string& where);

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
void WriteString(JsonWriter& writer, std::string_view text);
void WriteBytes(JsonWriter& writer, std::string_view bytes);  // as base64url
void WritePrekey(JsonWriter& writer, const SignedPrekey& prekey);

}  // namespace parvis::protocol::e2ee::internal

#endif  // PARVIS_PROTOCOL_E2EE_JSON_FIELDS_H_
