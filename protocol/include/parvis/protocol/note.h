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

struct LocalNote {
  std::string id;
  std::string author;         // actor id
  std::string followers;      // the author's followers collection
  std::string content_html;   // already safe HTML
  std::string summary;        // content warning; empty: none
  std::string url;            // HTML page
  int64_t published = 0;
  Visibility visibility = Visibility::kPublic;
  std::vector<std::string> mentions;  // actor ids addressed directly
};

// Plain text as safe HTML: escaped, paragraphs on blank lines, <br> on newlines.
std::string PlainTextToHtml(std::string_view text);

std::string NoteDocument(const LocalNote& note);
// Create of the note, with the same addressing; the note embedded. Without
// `with_context` it is fit to embed in another document (a collection page).
std::string CreateNoteActivity(const LocalNote& note, std::string_view activity_id,
                               bool with_context = true);
// Delete of the note (a Tombstone), addressed as the note was.
std::string DeleteNoteActivity(const LocalNote& note, std::string_view activity_id);
std::string TombstoneDocument(std::string_view id, int64_t deleted);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_NOTE_H_
