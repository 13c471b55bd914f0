// Untrusted HTML made safe to show: post content from other servers
// (Mastodon, Misskey, Lemmy, Pleroma, GoToSocial...) and our own rendered
// Markdown, reduced to an allowlist in the spirit of Mastodon's sanitizer.
//
// What survives SanitizeHtml:
//   elements    p br span a del s pre code em strong b i u sub sup small
//               ul ol li blockquote; h1-h6 become <p><strong>...</strong></p>
//   attributes  a[href]   only http:, https: and mailto: (after decoding,
//                         trimming and removing tabs and newlines, as a
//                         browser reads it); relative and protocol-relative
//                         ("//host") links lose their <a> and keep their text
//               a[class] span[class] p[class]
//                         only h-card u-url mention hashtag invisible
//                         ellipsis quote-inline
//               a[rel]    only "tag"; every <a> gets
//                         rel="[tag ]nofollow noopener noreferrer ugc" target="_blank"
//               span[translate="no"|"yes"], ol[start], li[value] (integers)
//   Everything else loses its tags and keeps its text; block elements (div,
//   table cells, sections...) leave a newline so words do not run together.
//   script style title textarea iframe noembed noframes noscript template
//   object applet embed select svg math, and head content, are dropped with
//   their content; comments, doctypes, CDATA and processing instructions too.
//
// Guarantees, for any input bytes: the result is valid UTF-8 (invalid
// sequences become U+FFFD, NUL bytes are removed, and so are the controls
// and noncharacters a parser would replace: U+FFFD); no element is nested
// deeper than `max_depth`; & < > " ' are escaped in text and attribute
// values; sanitising the result again returns it unchanged (given a
// max_input_bytes that admits it: escaping can lengthen it). Time and memory
// are linear in the input; nothing recurses on the input's nesting.
#ifndef PARVIS_PROTOCOL_HTML_SANITIZER_H_
#define PARVIS_PROTOCOL_HTML_SANITIZER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::protocol {

struct SanitizeOptions {
  // Longer input: SanitizeHtml fails with kLimitExceeded (no post comes near
  // this; truncating would cut a link or a tag in half), HtmlText reads only
  // this many bytes.
  size_t max_input_bytes = 512 << 10;
  // Elements nested deeper lose their tags; their text is kept.
  unsigned max_depth = 64;
};

// Safe HTML (a fragment: no html, head or body) from untrusted HTML. Fails
// only with kLimitExceeded when `html` is longer than
// options.max_input_bytes.
Result<std::string> SanitizeHtml(std::string_view html, const SanitizeOptions& options = {});

// The visible text of untrusted HTML, for previews, summaries and search:
// no tags, character references decoded, whitespace collapsed as a browser
// shows it (kept inside <pre>), a newline for <br> and around paragraphs,
// list items and other blocks; leading and trailing whitespace trimmed.
// What SanitizeHtml drops with its content (scripts, styles...) is not text.
// The result is plain text: escape it before putting it in HTML.
std::string HtmlText(std::string_view html, const SanitizeOptions& options = {});

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_HTML_SANITIZER_H_
