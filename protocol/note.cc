#include "parvis/protocol/note.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value Text(std::string_view text, Allocator& allocator) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

rapidjson::Value List(const std::vector<std::string>& items, Allocator& allocator) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& item : items) list.PushBack(Text(item, allocator), allocator);
  return list;
}

// Mastodon's addressing for each visibility.
std::pair<std::vector<std::string>, std::vector<std::string>> Audience(const LocalNote& note) {
  std::string everyone(kPublicCollection);
  switch (note.visibility) {
    case Visibility::kPublic: {
      std::vector<std::string> cc = {note.followers};
      cc.insert(cc.end(), note.mentions.begin(), note.mentions.end());
      return {{everyone}, cc};
    }
    case Visibility::kUnlisted: {
      std::vector<std::string> cc = {everyone};
      cc.insert(cc.end(), note.mentions.begin(), note.mentions.end());
      return {{note.followers}, cc};
    }
    case Visibility::kFollowers:
      return {{note.followers}, note.mentions};
    case Visibility::kDirect:
      return {note.mentions, {}};
  }
  return {{}, {}};
}

// ActivityStreams does not define `sensitive`: Mastodon's extension term,
// without which JSON-LD readers (Fedify) drop it.
rapidjson::Value Context(Allocator& allocator, bool right_of_reply = false) {
  rapidjson::Value context(rapidjson::kArrayType);
  context.PushBack("https://www.w3.org/ns/activitystreams", allocator);
  rapidjson::Value terms(rapidjson::kObjectType);
  terms.AddMember("sensitive", "as:sensitive", allocator);
  terms.AddMember("Hashtag", "as:Hashtag", allocator);
  if (right_of_reply) {
    terms.AddMember("parvis", "https://parvis.org/ns#", allocator);
    terms.AddMember("rightOfReply", "parvis:rightOfReply", allocator);
  }
  context.PushBack(terms, allocator);
  return context;
}

rapidjson::Value NoteValue(const LocalNote& note, Allocator& allocator) {
  auto [to, cc] = Audience(note);
  rapidjson::Value object(rapidjson::kObjectType);
  object.AddMember("id", Text(note.id, allocator), allocator);
  object.AddMember("type", Text(note.type, allocator), allocator);
  if (!note.name.empty()) object.AddMember("name", Text(note.name, allocator), allocator);
  object.AddMember("attributedTo", Text(note.author, allocator), allocator);
  if (note.in_reply_to.empty()) {
    object.AddMember("inReplyTo", rapidjson::Value(rapidjson::kNullType), allocator);
  } else {
    object.AddMember("inReplyTo", Text(note.in_reply_to, allocator), allocator);
  }
  object.AddMember("content", Text(note.content_html, allocator), allocator);
  if (!note.summary.empty()) {
    object.AddMember("summary", Text(note.summary, allocator), allocator);
    object.AddMember("sensitive", true, allocator);
  } else {
    object.AddMember("summary", rapidjson::Value(rapidjson::kNullType), allocator);
    object.AddMember("sensitive", false, allocator);
  }
  object.AddMember("url", Text(note.url, allocator), allocator);
  object.AddMember("replies", Text(note.id + "/replies", allocator), allocator);
  object.AddMember("likes", Text(note.id + "/likes", allocator), allocator);
  object.AddMember("shares", Text(note.id + "/shares", allocator), allocator);
  object.AddMember("published", Text(FormatRfc3339Utc(note.published), allocator), allocator);
  if (note.updated != 0) {
    object.AddMember("updated", Text(FormatRfc3339Utc(note.updated), allocator), allocator);
  }
  object.AddMember("to", List(to, allocator), allocator);
  object.AddMember("cc", List(cc, allocator), allocator);
  rapidjson::Value tags(rapidjson::kArrayType);
  for (const NoteTag& tag : note.tags) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("type", Text(tag.type, allocator), allocator);
    entry.AddMember("href", Text(tag.href, allocator), allocator);
    entry.AddMember("name", Text(tag.name, allocator), allocator);
    tags.PushBack(entry, allocator);
  }
  object.AddMember("tag", tags, allocator);
  if (note.right_of_reply) object.AddMember("rightOfReply", true, allocator);
  return object;
}

std::string Wrap(std::string_view type, std::string_view id, const LocalNote& note,
                 bool tombstone, bool with_context) {
  rapidjson::Document doc(rapidjson::kObjectType);
  Allocator& allocator = doc.GetAllocator();
  auto [to, cc] = Audience(note);
  if (with_context) doc.AddMember("@context", Context(allocator, note.right_of_reply), allocator);
  doc.AddMember("id", Text(id, allocator), allocator);
  doc.AddMember("type", Text(type, allocator), allocator);
  doc.AddMember("actor", Text(note.author, allocator), allocator);
  int64_t when = type == "Update" ? note.updated : note.published;
  doc.AddMember("published", Text(FormatRfc3339Utc(when), allocator), allocator);
  doc.AddMember("to", List(to, allocator), allocator);
  doc.AddMember("cc", List(cc, allocator), allocator);
  if (tombstone) {
    rapidjson::Value object(rapidjson::kObjectType);
    object.AddMember("id", Text(note.id, allocator), allocator);
    object.AddMember("type", "Tombstone", allocator);
    doc.AddMember("object", object, allocator);
  } else {
    doc.AddMember("object", NoteValue(note, allocator), allocator);
  }
  return WriteJson(doc);
}

}  // namespace

const char* VisibilityName(Visibility visibility) {
  switch (visibility) {
    case Visibility::kPublic: return "public";
    case Visibility::kUnlisted: return "unlisted";
    case Visibility::kFollowers: return "followers";
    case Visibility::kDirect: return "direct";
  }
  return "public";
}

std::optional<Visibility> ParseVisibility(std::string_view name) {
  for (Visibility v : {Visibility::kPublic, Visibility::kUnlisted, Visibility::kFollowers,
                       Visibility::kDirect}) {
    if (name == VisibilityName(v)) return v;
  }
  return std::nullopt;
}

std::string NoteDocument(const LocalNote& note) {
  rapidjson::Document doc(rapidjson::kObjectType);
  Allocator& allocator = doc.GetAllocator();
  rapidjson::Value object = NoteValue(note, allocator);
  doc.AddMember("@context", Context(allocator, note.right_of_reply), allocator);
  for (auto& member : object.GetObject()) {
    doc.AddMember(member.name, member.value, allocator);
  }
  return WriteJson(doc);
}

std::string NoteValueJson(const LocalNote& note) {
  rapidjson::Document doc;
  rapidjson::Value value = NoteValue(note, doc.GetAllocator());
  return WriteJson(value);
}

std::string CreateNoteActivity(const LocalNote& note, std::string_view activity_id,
                               bool with_context) {
  return Wrap("Create", activity_id, note, false, with_context);
}

std::string UpdateNoteActivity(const LocalNote& note, std::string_view activity_id) {
  return Wrap("Update", activity_id, note, false, true);
}

std::string DeleteNoteActivity(const LocalNote& note, std::string_view activity_id) {
  return Wrap("Delete", activity_id, note, true, true);
}

std::string TombstoneDocument(std::string_view id, int64_t deleted) {
  rapidjson::Document doc(rapidjson::kObjectType);
  Allocator& allocator = doc.GetAllocator();
  doc.AddMember("@context", "https://www.w3.org/ns/activitystreams", allocator);
  doc.AddMember("id", Text(id, allocator), allocator);
  doc.AddMember("type", "Tombstone", allocator);
  doc.AddMember("deleted", Text(FormatRfc3339Utc(deleted), allocator), allocator);
  return WriteJson(doc);
}

}  // namespace parvis::protocol
