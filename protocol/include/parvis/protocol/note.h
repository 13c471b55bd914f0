// Notes written on this node, and the activities that carry them, in the
// shape Mastodon sends (addressing by visibility, Tombstones after Delete).
#ifndef PARVIS_PROTOCOL_NOTE_H_
#define PARVIS_PROTOCOL_NOTE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"

namespace parvis::protocol {

inline constexpr std::string_view kPublicCollection = "https://www.w3.org/ns/activitystreams#Public";

enum class Visibility { kPublic, kUnlisted, kFollowers, kDirect };

const char* VisibilityName(Visibility visibility);  // "public", "unlisted", ...
std::optional<Visibility> ParseVisibility(std::string_view name);

// A `tag` entry: a Mention (href: the actor) or a Hashtag (href: the tag page).
struct NoteTag {
  std::string type;  // "Mention" or "Hashtag"
  std::string href;
  std::string name;  // "@bob@host" or "#tag"
};

struct LocalNote {
  std::string id;
  std::string type = "Note";  // or "Article" (which has a `name`, its title)
  std::string name;
  std::string author;         // actor id
  std::string followers;      // the author's followers collection
  std::string content_html;   // already safe HTML
  std::string summary;        // content warning; empty: none
  std::string url;            // HTML page
  int64_t published = 0;
  Visibility visibility = Visibility::kPublic;
  int64_t updated = 0;        // 0: never edited
  std::string in_reply_to;    // the parent object's id; empty: not a reply
  std::vector<std::string> mentions;  // actor ids addressed directly
  std::vector<NoteTag> tags;
  // A right of reply (annotations.h): "rightOfReply": true, its term in @context.
  bool right_of_reply = false;
};

std::string NoteDocument(const LocalNote& note);
// The note without @context, to embed in another document.
std::string NoteValueJson(const LocalNote& note);
// Create of the note, with the same addressing; the note embedded. Without
// `with_context` it is fit to embed in another document (a collection page).
std::string CreateNoteActivity(const LocalNote& note, std::string_view activity_id,
                               bool with_context = true);
// Update of the note (after an edit), addressed as the note is.
std::string UpdateNoteActivity(const LocalNote& note, std::string_view activity_id);
// Delete of the note (a Tombstone), addressed as the note was.
std::string DeleteNoteActivity(const LocalNote& note, std::string_view activity_id);
std::string TombstoneDocument(std::string_view id, int64_t deleted);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_NOTE_H_
