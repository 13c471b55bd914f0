// What Parvis attaches to posts besides replies (docs/protocol.md):
//
//   - a right of reply: an ordinary reply (a Note with inReplyTo) that also
//     carries "rightOfReply": true, written by a person the parent names or
//     mentions; a receiver shows it above other replies only after checking
//     that the parent it knows names its author (NamesPerson);
//   - a context note: a Note from a node's instance actor with "contextFor",
//     the post it is about, and optionally "contextSource", a URL; created
//     with Create, removed with Delete of its id.
#ifndef PARVIS_PROTOCOL_ANNOTATIONS_H_
#define PARVIS_PROTOCOL_ANNOTATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::protocol {

// The terms, as the inline @context entry that defines them.
inline constexpr std::string_view kAnnotationTerms =
    R"j({"parvis":"https://parvis.org/ns#","rightOfReply":"parvis:rightOfReply","contextFor":{"@id":"parvis:contextFor","@type":"@id"},"contextSource":{"@id":"parvis:contextSource","@type":"@id"}})j";

// Longest context note, in characters (code points) of plain text.
inline constexpr size_t kMaxContextNoteText = 1000;
// Longest post id or source URL a context note may name.
inline constexpr size_t kMaxAnnotationUrl = 2048;

// Whether a received object marks itself a right of reply: "rightOfReply"
// (or the compacted "parvis:rightOfReply") is the boolean true.
bool MarksRightOfReply(const rapidjson::Value& object);

// The hrefs of the object's Mention tags (a single tag or an array).
std::vector<std::string> MentionHrefs(const rapidjson::Value& object);

// A person a post may name.
struct NamedPerson {
  std::string actor;     // actor id
  std::string username;  // preferredUsername
  std::string host;      // the actor's authority ("b.example", "127.0.0.1:8080")
};

// Whether a post names `person`: one of `mention_hrefs` is its actor, or
// `text` (plain) holds its handle "@username@host", or "@username" alone
// when the post lives on the person's own host (`post_host`). Without
// regard to case.
bool NamesPerson(const std::vector<std::string>& mention_hrefs, std::string_view text,
                 std::string_view post_host, const NamedPerson& person);

struct ContextNoteDocument {
  std::string id;           // the note's id
  std::string activity_id;  // the Create's id
  std::string actor;        // the writing node's instance actor
  std::string post;         // contextFor
  std::string text;         // plain text, 1 to kMaxContextNoteText characters
  std::string source;       // contextSource; empty: none
  int64_t published = 0;
};

// Create of the note, public, from `note.actor`.
std::string ContextNoteActivity(const ContextNoteDocument& note);
// Delete of the note `note_id` by `actor`.
std::string DeleteContextNoteActivity(std::string_view activity_id, std::string_view actor,
                                      std::string_view note_id);

// nullopt when `activity` is not a Create of an object carrying
// "contextFor"; kInvalidArgument (naming what) when it is one but malformed:
// ids not http(s) URLs or longer than kMaxAnnotationUrl, attributedTo other
// than the actor, no text or more than kMaxContextNoteText characters, a
// source that is not an http(s) URL.
Result<std::optional<ContextNoteDocument>> ParseContextNote(const rapidjson::Value& activity);

// Checks text a local moderator writes: 1 to kMaxContextNoteText
// characters, and a source that is empty or an http(s) URL.
Status ValidateContextNote(std::string_view text, std::string_view source);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_ANNOTATIONS_H_
