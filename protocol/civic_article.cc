#include "civic_article.h"

#include "parvis/protocol/note.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {

void WriteMember(CivicWriter& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteCivicContext(CivicWriter& writer) {
  std::string_view context = CivicContextJson();
  writer.Key("@context");
  writer.RawValue(context.data(), context.size(), rapidjson::kArrayType);
}

void WriteCivicAudience(CivicWriter& writer, std::string_view followers) {
  writer.Key("to");
  writer.StartArray();
  writer.String(kPublicCollection.data(), static_cast<rapidjson::SizeType>(kPublicCollection.size()));
  writer.EndArray();
  writer.Key("cc");
  writer.StartArray();
  writer.String(followers.data(), static_cast<rapidjson::SizeType>(followers.size()));
  writer.EndArray();
}

void WriteCivicArticleHead(CivicWriter& writer, const CivicArticleHead& head) {
  WriteCivicContext(writer);
  WriteMember(writer, "id", head.id);
  WriteMember(writer, "type", "Article");
  WriteMember(writer, "attributedTo", head.organiser);
  WriteMember(writer, "name", head.title);
  WriteMember(writer, "content", head.content);
  WriteMember(writer, "url", head.id);
  WriteMember(writer, "published", FormatRfc3339Utc(head.published));
  if (head.updated != 0) WriteMember(writer, "updated", FormatRfc3339Utc(head.updated));
  WriteCivicAudience(writer, head.followers);
}

void WriteCivicAnswerHead(CivicWriter& writer, std::string_view type, std::string_view id,
                          std::string_view actor, std::string_view to, const rapidjson::Value& answered,
                          std::initializer_list<const char*> keys) {
  WriteCivicContext(writer);
  WriteMember(writer, "id", id);
  WriteMember(writer, "type", type);
  WriteMember(writer, "actor", actor);
  writer.Key("to");
  writer.StartArray();
  writer.String(to.data(), static_cast<rapidjson::SizeType>(to.size()));
  writer.EndArray();
  writer.Key("object");
  writer.StartObject();
  for (const char* key : keys) {
    auto it = answered.IsObject() ? answered.FindMember(key) : answered.MemberEnd();
    if (it == answered.MemberEnd()) continue;
    writer.Key(key);
    it->value.Accept(writer);
  }
  writer.EndObject();
}

uint64_t ReadUintMember(const rapidjson::Value& object, const char* key, bool& ok) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return 0;
  if (!it->value.IsUint64()) {
    ok = false;
    return 0;
  }
  return it->value.GetUint64();
}

}  // namespace parvis::protocol
