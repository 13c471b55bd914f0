// Markdown written on this node, as the HTML a note carries: the same
// markup as RenderPlainText (note_text.h) for paragraphs, line breaks, URL
// links, mentions and hashtags, plus the Markdown a fediverse client shows.
#ifndef PARVIS_PROTOCOL_MARKDOWN_H_
#define PARVIS_PROTOCOL_MARKDOWN_H_

#include <string>
#include <string_view>

#include "parvis/protocol/note_text.h"

namespace parvis::protocol {

// GitHub-flavoured Markdown (cmark-gfm: autolink, strikethrough; no tables,
// no images, no raw HTML) with @mentions and #hashtags linked as
// RenderPlainText does (same markup, same TextLinks).
//
// What the result holds, and nothing else:
// - <p>, <br> (on every newline, as in a chat message), <em>, <strong>,
//   <del> (~~only double tildes~~), <code>, <pre><code>, <blockquote>,
//   <ul>, <ol start>, <li>;
// - <a href rel target> for links to http:, https: and mailto: URLs only
//   (links to anything else show their text); an image shows as a link to
//   its URL with its description as text, never as <img>;
// - the mention and hashtag links of RenderPlainText, in text that is not
//   inside a link or code;
// - headings as <p><strong>…</strong></p> and thematic breaks as <p>—</p>,
//   since Mastodon shows neither;
// - raw HTML as escaped text ("<b>" shows as "&lt;b&gt;"), with its words
//   still linked like any text.
// Bare e-mail addresses are not linked (as in RenderPlainText), so that
// "@bob@host" stays a mention. Block quotes and lists nested deeper than 8,
// and emphasis and links nested deeper than 8, keep their content but lose
// their markup. Invalid UTF-8 becomes U+FFFD. Text in which Markdown sees
// nothing gives what RenderPlainText gives, but for whitespace at the ends
// of lines and character references ("&amp;" is read as "&").
//
// `text` must be bounded by the caller (a post: at most 5000 characters).
// cmark-gfm 0.29 is super-linear on some shapes; at 5000 bytes the worst we
// found (deep quotes with lazy lines, '@' chains, "![[]()" runs) take tens
// of milliseconds. Safe to call from several threads: parses are serialised,
// as cmark-gfm 0.29 keeps extension state in a global table while parsing
// (any other user of cmark-gfm with extensions in this process shares that).
std::string RenderMarkdown(std::string_view text, const TextLinks& links);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_MARKDOWN_H_
