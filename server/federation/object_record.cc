#include "server/federation/object_record.h"

#include <algorithm>

#include "parvis/protocol/json.h"

namespace parvis::federation {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value Text(std::string_view text, Allocator& allocator) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

std::string StringOr(const rapidjson::Value& doc, const char* name) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool IsPublicAddress(const rapidjson::Value& value) {
  if (!value.IsString()) return false;
  std::string_view address(value.GetString(), value.GetStringLength());
  return address == protocol::kPublicCollection || address == "as:Public" || address == "Public";
}

}  // namespace

std::string EncodeLocalRecord(const StoredObject& object) {
  const protocol::LocalNote& note = object.note;
  rapidjson::Document doc(rapidjson::kObjectType);
  Allocator& allocator = doc.GetAllocator();
  doc.AddMember("local", true, allocator);
  doc.AddMember("account", object.account, allocator);
  doc.AddMember("author", Text(note.author, allocator), allocator);
  doc.AddMember("type", Text(note.type, allocator), allocator);
  doc.AddMember("name", Text(note.name, allocator), allocator);
  doc.AddMember("visibility", rapidjson::StringRef(protocol::VisibilityName(note.visibility)),
                allocator);
  doc.AddMember("content", Text(note.content_html, allocator), allocator);
  doc.AddMember("source", Text(object.source, allocator), allocator);
  doc.AddMember("summary", Text(note.summary, allocator), allocator);
  doc.AddMember("published", note.published, allocator);
  doc.AddMember("updated", note.updated, allocator);
  doc.AddMember("inReplyTo", Text(note.in_reply_to, allocator), allocator);
  rapidjson::Value mentions(rapidjson::kArrayType);
  for (const std::string& actor : note.mentions) mentions.PushBack(Text(actor, allocator), allocator);
  doc.AddMember("mentions", mentions, allocator);
  rapidjson::Value tags(rapidjson::kArrayType);
  for (const protocol::NoteTag& tag : note.tags) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("type", Text(tag.type, allocator), allocator);
    entry.AddMember("href", Text(tag.href, allocator), allocator);
    entry.AddMember("name", Text(tag.name, allocator), allocator);
    tags.PushBack(entry, allocator);
  }
  doc.AddMember("tags", tags, allocator);
  doc.AddMember("outbox", Text(object.outbox_key, allocator), allocator);
  doc.AddMember("deleted", object.deleted, allocator);
  if (!object.imported_from.empty()) {
    doc.AddMember("importedFrom", Text(object.imported_from, allocator), allocator);
  }
  if (object.note.right_of_reply) doc.AddMember("rightOfReply", true, allocator);
  return protocol::WriteJson(doc);
}

std::string EncodeRemoteRecord(const std::string& author, const rapidjson::Value& object,
                               int64_t deleted) {
  rapidjson::Document doc(rapidjson::kObjectType);
  Allocator& allocator = doc.GetAllocator();
  doc.AddMember("local", false, allocator);
  doc.AddMember("author", Text(author, allocator), allocator);
  doc.AddMember("object", rapidjson::Value(object, allocator), allocator);
  doc.AddMember("deleted", deleted, allocator);
  return protocol::WriteJson(doc);
}

Result<StoredObject> DecodeObjectRecord(const std::string& id, std::string_view bytes) {
  Result<rapidjson::Document> parsed = protocol::ParseJson(bytes, {.max_bytes = 64 << 20});
  auto corrupt = [&] {
    return Fail(ErrorCode::kCorruption, "stored object " + id + " does not decode");
  };
  if (!parsed || !parsed->IsObject()) return corrupt();
  const rapidjson::Document& d = *parsed;
  auto has = [&](const char* name) { return d.HasMember(name); };
  if (!has("local") || !d["local"].IsBool() || !has("deleted") || !d["deleted"].IsInt64() ||
      !has("author") || !d["author"].IsString()) {
    return corrupt();
  }
  StoredObject object;
  object.local = d["local"].GetBool();
  object.deleted = d["deleted"].GetInt64();
  object.author = d["author"].GetString();
  if (!object.local) {
    if (has("object")) object.object.CopyFrom(d["object"], object.object.GetAllocator());
    return object;
  }
  if (!has("account") || !d["account"].IsUint64() || !has("visibility") ||
      !d["visibility"].IsString() || !has("content") || !d["content"].IsString() ||
      !has("summary") || !d["summary"].IsString() || !has("published") ||
      !d["published"].IsInt64() || !has("outbox") || !d["outbox"].IsString()) {
    return corrupt();
  }
  std::optional<protocol::Visibility> visibility =
      protocol::ParseVisibility(d["visibility"].GetString());
  if (!visibility) return corrupt();
  object.account = d["account"].GetUint64();
  protocol::LocalNote& note = object.note;
  note.id = id;
  note.type = StringOr(d, "type");
  if (note.type.empty()) note.type = "Note";
  note.name = StringOr(d, "name");
  note.author = object.author;
  note.followers = object.author + "/followers";
  note.content_html = d["content"].GetString();
  note.summary = d["summary"].GetString();
  note.url = id;
  note.published = d["published"].GetInt64();
  note.updated = has("updated") && d["updated"].IsInt64() ? d["updated"].GetInt64() : 0;
  note.visibility = *visibility;
  note.in_reply_to = StringOr(d, "inReplyTo");
  if (has("mentions") && d["mentions"].IsArray()) {
    for (const auto& actor : d["mentions"].GetArray()) {
      if (actor.IsString()) note.mentions.emplace_back(actor.GetString(), actor.GetStringLength());
    }
  }
  if (has("tags") && d["tags"].IsArray()) {
    for (const auto& tag : d["tags"].GetArray()) {
      if (!tag.IsObject()) continue;
      note.tags.push_back({StringOr(tag, "type"), StringOr(tag, "href"), StringOr(tag, "name")});
    }
  }
  object.source = StringOr(d, "source");
  object.imported_from = StringOr(d, "importedFrom");
  note.right_of_reply = has("rightOfReply") && d["rightOfReply"].IsBool() && d["rightOfReply"].GetBool();
  object.outbox_key.assign(d["outbox"].GetString(), d["outbox"].GetStringLength());
  return object;
}

bool IsPublicObject(const rapidjson::Value& object) {
  if (!object.IsObject()) return false;
  for (const char* field : {"to", "cc"}) {
    auto it = object.FindMember(field);
    if (it == object.MemberEnd()) continue;
    if (IsPublicAddress(it->value)) return true;
    if (it->value.IsArray()) {
      for (const auto& address : it->value.GetArray()) {
        if (IsPublicAddress(address)) return true;
      }
    }
  }
  return false;
}

bool MayRead(const protocol::LocalNote& note, std::string_view actor, bool is_follower) {
  bool mentioned = !actor.empty() &&
                   std::find(note.mentions.begin(), note.mentions.end(), actor) != note.mentions.end();
  switch (note.visibility) {
    case protocol::Visibility::kPublic:
    case protocol::Visibility::kUnlisted:
      return true;
    case protocol::Visibility::kFollowers:
      return (!actor.empty() && is_follower) || mentioned || actor == note.author;
    case protocol::Visibility::kDirect:
      return mentioned || (!actor.empty() && actor == note.author);
  }
  return false;
}

}  // namespace parvis::federation
