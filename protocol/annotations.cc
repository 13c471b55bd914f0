#include "parvis/protocol/annotations.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void Context(Writer& writer) {
  writer.Key("@context");
  writer.StartArray();
  writer.String("https://www.w3.org/ns/activitystreams");
  writer.RawValue(kAnnotationTerms.data(), kAnnotationTerms.size(), rapidjson::kObjectType);
  writer.EndArray();
}

void PublicAudience(Writer& writer) {
  writer.Key("to");
  writer.StartArray();
  writer.String(kPublicCollection.data(), static_cast<rapidjson::SizeType>(kPublicCollection.size()));
  writer.EndArray();
}

bool IsHttpUrl(std::string_view text) {
  return (text.starts_with("https://") || text.starts_with("http://")) && text.size() <= kMaxAnnotationUrl &&
         text.find_first_of(" \t\r\n\"<>") == std::string_view::npos;
}

// The member `key` or its compacted spelling "parvis:" + key.
const rapidjson::Value* Term(const rapidjson::Value& object, const std::string& key) {
  for (const std::string& name : {key, "parvis:" + key}) {
    auto it = object.FindMember(name.c_str());
    if (it != object.MemberEnd()) return &it->value;
  }
  return nullptr;
}

std::string IdOf(const rapidjson::Value* value) {
  if (value == nullptr) return "";
  if (value->IsString()) return std::string(value->GetString(), value->GetStringLength());
  if (value->IsObject()) return StringMember(*value, "id").value_or("");
  return "";
}

}  // namespace

bool MarksRightOfReply(const rapidjson::Value& object) {
  if (!object.IsObject()) return false;
  const rapidjson::Value* mark = Term(object, "rightOfReply");
  return mark != nullptr && mark->IsBool() && mark->GetBool();
}

std::vector<std::string> MentionHrefs(const rapidjson::Value& object) {
  std::vector<std::string> hrefs;
  if (!object.IsObject()) return hrefs;
  auto tags = object.FindMember("tag");
  if (tags == object.MemberEnd()) return hrefs;
  auto visit = [&](const rapidjson::Value& tag) {
    if (!tag.IsObject() || StringMember(tag, "type") != "Mention" || hrefs.size() >= 100) return;
    if (std::optional<std::string> href = StringMember(tag, "href")) hrefs.push_back(*href);
  };
  if (tags->value.IsArray()) {
    for (const auto& tag : tags->value.GetArray()) visit(tag);
  } else {
    visit(tags->value);
  }
  return hrefs;
}

bool NamesPerson(const std::vector<std::string>& mention_hrefs, std::string_view text,
                 std::string_view post_host, const NamedPerson& person) {
  for (const std::string& href : mention_hrefs) {
    if (!person.actor.empty() && href == person.actor) return true;
  }
  if (person.username.empty()) return false;
  std::string name = LowerAscii(person.username);
  std::string full = name + "@" + LowerAscii(person.host);
  bool same_host = LowerAscii(post_host) == LowerAscii(person.host);
  for (const std::string& handle : FindMentions(text, 100)) {
    std::string lower = LowerAscii(handle);
    if (lower == full || (same_host && lower == name)) return true;
  }
  return false;
}

std::string ContextNoteActivity(const ContextNoteDocument& note) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Context(writer);
  Str(writer, "id", note.activity_id);
  Str(writer, "type", "Create");
  Str(writer, "actor", note.actor);
  std::string published = FormatRfc3339Utc(note.published);
  Str(writer, "published", published);
  PublicAudience(writer);
  writer.Key("object");
  writer.StartObject();
  Str(writer, "id", note.id);
  Str(writer, "type", "Note");
  Str(writer, "attributedTo", note.actor);
  Str(writer, "contextFor", note.post);
  // Readers that know nothing of contextFor still read a plain note.
  Str(writer, "content", RenderPlainText(note.text, {}));
  if (!note.source.empty()) Str(writer, "contextSource", note.source);
  Str(writer, "published", published);
  PublicAudience(writer);
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string DeleteContextNoteActivity(std::string_view activity_id, std::string_view actor,
                                      std::string_view note_id) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Context(writer);
  Str(writer, "id", activity_id);
  Str(writer, "type", "Delete");
  Str(writer, "actor", actor);
  PublicAudience(writer);
  writer.Key("object");
  writer.StartObject();
  Str(writer, "id", note_id);
  Str(writer, "type", "Tombstone");
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status ValidateContextNote(std::string_view text, std::string_view source) {
  size_t length = CountCharacters(text);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "a context note needs a text");
  }
  if (length > kMaxContextNoteText) {
    return Fail(ErrorCode::kInvalidArgument, "the context note is " + std::to_string(length) +
                                                 " characters long; at most " +
                                                 std::to_string(kMaxContextNoteText) + " are allowed");
  }
  if (!source.empty() && !IsHttpUrl(source)) {
    return Fail(ErrorCode::kInvalidArgument, "the source must be an http(s) URL");
  }
  return Ok();
}

Result<std::optional<ContextNoteDocument>> ParseContextNote(const rapidjson::Value& activity) {
  if (!activity.IsObject() || StringMember(activity, "type") != "Create") {
    return std::optional<ContextNoteDocument>();
  }
  auto object = activity.FindMember("object");
  if (object == activity.MemberEnd() || !object->value.IsObject()) return std::optional<ContextNoteDocument>();
  const rapidjson::Value& note = object->value;
  const rapidjson::Value* context_for = Term(note, "contextFor");
  if (context_for == nullptr) return std::optional<ContextNoteDocument>();
  ContextNoteDocument parsed;
  parsed.activity_id = StringMember(activity, "id").value_or("");
  auto actor = activity.FindMember("actor");
  parsed.actor = actor == activity.MemberEnd() ? "" : IdOf(&actor->value);
  parsed.id = StringMember(note, "id").value_or("");
  parsed.post = IdOf(context_for);
  for (const std::string* url : {&parsed.activity_id, &parsed.actor, &parsed.id, &parsed.post}) {
    if (!IsHttpUrl(*url)) {
      return Fail(ErrorCode::kInvalidArgument, "a context note needs http(s) ids for the activity, actor, note and post");
    }
  }
  auto author = note.FindMember("attributedTo");
  if (author != note.MemberEnd() && IdOf(&author->value) != parsed.actor) {
    return Fail(ErrorCode::kInvalidArgument, "a context note is attributed to the actor that sends it");
  }
  if (StringMember(note, "type") != "Note") return Fail(ErrorCode::kInvalidArgument, "a context note is a Note");
  auto content = note.FindMember("content");
  if (content == note.MemberEnd() || !content->value.IsString()) {
    return Fail(ErrorCode::kInvalidArgument, "a context note needs a text");
  }
  parsed.text = HtmlText(std::string_view(content->value.GetString(), content->value.GetStringLength()));
  parsed.source = IdOf(Term(note, "contextSource"));
  if (Status valid = ValidateContextNote(parsed.text, parsed.source); !valid) return std::unexpected(valid.error());
  if (std::optional<std::string> published = StringMember(note, "published")) {
    Result<int64_t> when = ParseRfc3339(*published);
    if (when) parsed.published = *when;
  }
  return std::optional<ContextNoteDocument>(std::move(parsed));
}

}  // namespace parvis::protocol
