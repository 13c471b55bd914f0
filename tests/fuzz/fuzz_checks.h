// What the fuzz targets check (mostly on HTML that the protocol layer
// produces), and how they report a broken promise.
#ifndef PARVIS_TESTS_FUZZ_FUZZ_CHECKS_H_
#define PARVIS_TESTS_FUZZ_FUZZ_CHECKS_H_

#include <string>
#include <string_view>

namespace parvis::fuzz {

// Where the HTML comes from decides which link attributes it may carry.
enum class HtmlSource {
  // SanitizeHtml: every <a> has the forced rel and target="_blank"; text has
  // & < > " ' escaped; no control characters; valid UTF-8.
  kSanitizer,
  // RenderMarkdown and RenderPlainText: rel="nofollow noopener noreferrer"
  // or rel="tag", target optional; text has & < > escaped.
  kRenderer,
};

// The first broken promise in `html`, or "" when there is none. Checked for
// every source: each '<' opens a tag of the sanitizer's allowlist (so no
// <script>, no <img>), each attribute is allowlisted for its element (so no
// on* handler, no style, no src) and quoted without markup, every href is
// http:, https: or mailto:, tags are balanced and nested at most
// `max_depth` deep, and every '&' starts a character reference.
std::string HtmlProblem(std::string_view html, HtmlSource source, unsigned max_depth = 64);

// `html` without the rel and target attributes of its tags (which the
// sanitizer rewrites on every link).
std::string WithoutRelAndTarget(std::string_view html);

bool IsValidUtf8(std::string_view text);

// Valid UTF-8 `text` as an HTML parser reads it back (and so as SanitizeHtml
// writes it): CR as LF; C0 controls but tab, LF, FF and CR, DEL, C1 controls
// and noncharacters as U+FFFD.
std::string AsParserReads(std::string_view text);

// ASCII-lower-cased copy.
std::string Lower(std::string_view text);

// Prints what went wrong and the strings involved, then aborts: libFuzzer
// catches the abort and saves the input as a crash artifact.
[[noreturn]] void Fail(std::string_view what, std::string_view detail = {},
                       std::string_view more = {});

}  // namespace parvis::fuzz

#endif  // PARVIS_TESTS_FUZZ_FUZZ_CHECKS_H_
