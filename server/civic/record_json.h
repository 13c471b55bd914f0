// The stored records of server/civic (petitions, signers, consultations,
// proposals, votes) are small JSON objects of strings, integers and
// booleans: how they are written and read. Internal to server/civic.
#ifndef PARVIS_SERVER_CIVIC_RECORD_JSON_H_
#define PARVIS_SERVER_CIVIC_RECORD_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/result.h"

namespace parvis::civic {

// RecordWriter().Str("a", x).Int("b", y).Done() -> {"a":...,"b":...}
class RecordWriter {
 public:
  RecordWriter() : writer_(buffer_) { writer_.StartObject(); }
  RecordWriter& Str(const char* key, std::string_view value) {
    writer_.Key(key);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  RecordWriter& Int(const char* key, int64_t value) {
    writer_.Key(key);
    writer_.Int64(value);
    return *this;
  }
  RecordWriter& Uint(const char* key, uint64_t value) {
    writer_.Key(key);
    writer_.Uint64(value);
    return *this;
  }
  RecordWriter& Bool(const char* key, bool value) {
    writer_.Key(key);
    writer_.Bool(value);
    return *this;
  }
  std::string Done() {
    writer_.EndObject();
    return buffer_.GetString();
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// kCorruption "stored WHAT record is not JSON" unless `bytes` is an object.
inline Result<rapidjson::Document> ParseRecord(std::string_view bytes, const char* what) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {.max_bytes = 1 << 20});
  if (!doc || !doc->IsObject()) {
    return Fail(ErrorCode::kCorruption, std::string("stored ") + what + " record is not JSON");
  }
  return doc;
}

// Members of a record; absent or of another type: "", 0, false.
inline std::string RecordString(const rapidjson::Value& doc, const char* key) {
  return protocol::StringMember(doc, key).value_or("");
}
inline int64_t RecordInt(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}
inline uint64_t RecordUint(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}
inline bool RecordBool(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_RECORD_JSON_H_
