#include "server/annotations/annotation_store.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"

namespace parvis::annotations {
namespace {

using storage::Family;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

const std::string kReplyPrefix = "reply/";
const std::string kContextPrefix = "context/";
const std::string kContextIdPrefix = "context-id/";
const std::string kContextGonePrefix = "context-gone/";

void Str(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

int64_t IntOr(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::optional<RightOfReply> DecodeReply(std::string_view key, std::string_view value) {
  std::string_view rest = key.substr(kReplyPrefix.size());
  size_t split = rest.rfind('\n');
  Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
  if (split == std::string_view::npos || !doc || !doc->IsObject()) return std::nullopt;
  RightOfReply record;
  record.parent = std::string(rest.substr(0, split));
  record.author = std::string(rest.substr(split + 1));
  record.reply = protocol::StringMember(*doc, "reply").value_or("");
  record.at = IntOr(*doc, "at");
  auto local = doc->FindMember("local");
  record.local = local != doc->MemberEnd() && local->value.IsBool() && local->value.GetBool();
  if (record.reply.empty()) return std::nullopt;
  return record;
}

std::optional<ContextNote> DecodeNote(std::string_view value) {
  Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
  if (!doc || !doc->IsObject()) return std::nullopt;
  ContextNote note;
  for (auto [key, into] : {std::pair{"id", &note.id}, std::pair{"post", &note.post}, std::pair{"text", &note.text},
                           std::pair{"source", &note.source}, std::pair{"sender", &note.sender},
                           std::pair{"origin", &note.origin}, std::pair{"writer", &note.writer}}) {
    *into = protocol::StringMember(*doc, key).value_or("");
  }
  note.created = IntOr(*doc, "created");
  if (note.id.empty() || note.post.empty()) return std::nullopt;
  return note;
}

std::string ReplyKey(const std::string& parent, const std::string& author) {
  return kReplyPrefix + parent + "\n" + author;
}

std::string NoteKey(const std::string& post, const std::string& id) { return kContextPrefix + post + "\n" + id; }

}  // namespace

Result<std::optional<RightOfReply>> AnnotationStore::RightOfReplyBy(const std::string& parent,
                                                                    const std::string& author) const {
  std::string key = ReplyKey(parent, author);
  Result<std::optional<std::string>> value = store_.Get(Family::kAnnotations, key);
  if (!value) return std::unexpected(value.error());
  if (!value->has_value()) return std::optional<RightOfReply>();
  return DecodeReply(key, **value);
}

Result<std::vector<RightOfReply>> AnnotationStore::RightsOfReply(const std::string& parent) const {
  std::vector<RightOfReply> records;
  Status scanned = store_.Scan(Family::kAnnotations, kReplyPrefix + parent + "\n",
                               [&](std::string_view key, std::string_view value) {
                                 if (std::optional<RightOfReply> record = DecodeReply(key, value)) {
                                   records.push_back(std::move(*record));
                                 }
                                 return records.size() < kMaxPerPost;
                               });
  if (!scanned) return std::unexpected(scanned.error());
  return records;
}

void AnnotationStore::Put(storage::Batch& batch, const RightOfReply& record) {
  batch.Put(Family::kAnnotations, ReplyKey(record.parent, record.author), RightOfReplyJson(record));
}

Result<std::vector<ContextNote>> AnnotationStore::ContextNotes(const std::string& post) const {
  std::vector<ContextNote> notes;
  Status scanned = store_.Scan(Family::kAnnotations, kContextPrefix + post + "\n",
                               [&](std::string_view, std::string_view value) {
                                 if (std::optional<ContextNote> note = DecodeNote(value)) notes.push_back(std::move(*note));
                                 return notes.size() < kMaxPerPost;
                               });
  if (!scanned) return std::unexpected(scanned.error());
  std::stable_sort(notes.begin(), notes.end(),
                   [](const ContextNote& a, const ContextNote& b) { return a.created < b.created; });
  return notes;
}

Result<std::optional<ContextNote>> AnnotationStore::ContextNoteById(const std::string& id) const {
  Result<std::optional<std::string>> post = store_.Get(Family::kAnnotations, kContextIdPrefix + id);
  if (!post) return std::unexpected(post.error());
  if (!post->has_value()) return std::optional<ContextNote>();
  Result<std::optional<std::string>> value = store_.Get(Family::kAnnotations, NoteKey(**post, id));
  if (!value) return std::unexpected(value.error());
  if (!value->has_value()) return std::optional<ContextNote>();
  return DecodeNote(**value);
}

void AnnotationStore::Put(storage::Batch& batch, const ContextNote& note) {
  batch.Put(Family::kAnnotations, NoteKey(note.post, note.id), ContextNoteJson(note));
  batch.Put(Family::kAnnotations, kContextIdPrefix + note.id, note.post);
}

void AnnotationStore::Remove(storage::Batch& batch, const ContextNote& note) {
  batch.Delete(Family::kAnnotations, NoteKey(note.post, note.id));
  batch.Delete(Family::kAnnotations, kContextIdPrefix + note.id);
  MarkGone(batch, note.id);
}

void AnnotationStore::MarkGone(storage::Batch& batch, const std::string& id) {
  batch.Put(Family::kAnnotations, kContextGonePrefix + id, "");
}

Result<bool> AnnotationStore::IsGone(const std::string& id) const {
  Result<std::optional<std::string>> gone = store_.Get(Family::kAnnotations, kContextGonePrefix + id);
  if (!gone) return std::unexpected(gone.error());
  return gone->has_value();
}

std::string RightOfReplyJson(const RightOfReply& record) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Str(writer, "author", record.author);
  Str(writer, "reply", record.reply);
  writer.Key("at");
  writer.Int64(record.at);
  writer.Key("local");
  writer.Bool(record.local);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ContextNoteJson(const ContextNote& note) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Str(writer, "id", note.id);
  Str(writer, "post", note.post);
  Str(writer, "text", note.text);
  Str(writer, "source", note.source);
  Str(writer, "sender", note.sender);
  Str(writer, "origin", note.origin);
  Str(writer, "writer", note.writer);
  writer.Key("created");
  writer.Int64(note.created);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<uint64_t> CountContextNotes(const storage::Store& store, int64_t from, int64_t to) {
  uint64_t count = 0;
  Status scanned = store.Scan(Family::kAnnotations, kContextPrefix, [&](std::string_view, std::string_view value) {
    std::optional<ContextNote> note = DecodeNote(value);
    if (note && note->created >= from && note->created < to) ++count;
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return count;
}

Result<uint64_t> CountRightsOfReply(const storage::Store& store, int64_t from, int64_t to) {
  uint64_t count = 0;
  Status scanned = store.Scan(Family::kAnnotations, kReplyPrefix, [&](std::string_view key, std::string_view value) {
    std::optional<RightOfReply> record = DecodeReply(key, value);
    if (record && record->at >= from && record->at < to) ++count;
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return count;
}

}  // namespace parvis::annotations
