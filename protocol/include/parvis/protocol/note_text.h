// Plain text written on this node, as the HTML a note carries: paragraphs,
// line breaks, links for URLs, mentions (@name, @name@host) and hashtags,
// in the markup Mastodon uses so that every fediverse client renders them.
#ifndef PARVIS_PROTOCOL_NOTE_TEXT_H_
#define PARVIS_PROTOCOL_NOTE_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace parvis::protocol {

// Handles mentioned in `text`, as written without the '@' ("bob" or
// "bob@host.example"), first occurrence first, each once (without regard
// to case). At most `limit` are returned.
std::vector<std::string> FindMentions(std::string_view text, size_t limit = 20);

// Hashtags in `text` without the '#', first occurrence first, each once
// (without regard to case). A tag has letters, digits or '_' (UTF-8
// letters too), at least one of them not a digit, and at most 100 bytes.
std::vector<std::string> FindHashtags(std::string_view text, size_t limit = 20);

// A mention that resolved to an actor.
struct MentionLink {
  std::string actor_id;
  std::string url;      // profile page; the actor id when it has none
  std::string display;  // what the link shows after '@' ("bob" or "bob@host")
};

struct TextLinks {
  // Lower-case handle (as FindMentions returns it) -> its actor. Handles not
  // here stay plain text, as Mastodon leaves unknown mentions.
  std::map<std::string, MentionLink> mentions;
  std::string tag_base;  // "https://host/tags/": the hashtag link is tag_base + tag
};

// Characters (code points) in UTF-8 text: what length limits count.
size_t CountCharacters(std::string_view text);

// Escaped HTML: paragraphs on blank lines, <br> on single newlines, and
// links for http(s) URLs, known mentions and hashtags.
std::string RenderPlainText(std::string_view text, const TextLinks& links);

// The text of an HTML fragment a client sent (C2S `content`): tags dropped,
// <br> as a newline, paragraphs as blank lines, character references
// decoded. The result is plain text, to be rendered (escaped) again.
std::string HtmlToPlainText(std::string_view html);

// ASCII lower case (UTF-8 bytes above 0x7F are kept).
std::string LowerAscii(std::string_view text);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_NOTE_TEXT_H_
