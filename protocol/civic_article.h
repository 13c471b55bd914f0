// Internal to protocol/: what the Articles of petitions and consultations
// share (the Parvis context, the members of an Article, its audience).
#ifndef PARVIS_PROTOCOL_CIVIC_ARTICLE_H_
#define PARVIS_PROTOCOL_CIVIC_ARTICLE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parvis::protocol {

using CivicWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteMember(CivicWriter& writer, const char* key, std::string_view value);
// "@context": the Parvis context (CivicContextJson).
void WriteCivicContext(CivicWriter& writer);
// Public, cc the organiser's followers.
void WriteCivicAudience(CivicWriter& writer, std::string_view followers);

struct CivicArticleHead {
  std::string_view id, organiser, followers, title, content;
  int64_t published = 0, updated = 0;
};
// @context, id, type Article, attributedTo, name, content, url (the id),
// published, updated (when set), to and cc.
void WriteCivicArticleHead(CivicWriter& writer, const CivicArticleHead& head);

// An Accept or Reject (`type`) by `actor` to `to`, embedding of `answered`
// only `keys` (as its sender wrote them: enough to recognise it). Writes the
// members up to and including "object"; the caller adds its own and closes.
void WriteCivicAnswerHead(CivicWriter& writer, std::string_view type, std::string_view id,
                          std::string_view actor, std::string_view to, const rapidjson::Value& answered,
                          std::initializer_list<const char*> keys);

// Member `key` as a whole number: 0 when absent; `ok` turns false when it is
// present but not a whole number.
uint64_t ReadUintMember(const rapidjson::Value& object, const char* key, bool& ok);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_CIVIC_ARTICLE_H_
