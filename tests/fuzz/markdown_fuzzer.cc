// RenderMarkdown on arbitrary text of a post's size. Checks markdown.h's
// promises: valid UTF-8, only the markup it lists (no raw '<' from the input,
// no <img>, only http(s)/mailto links), balanced, and HTML the sanitiser
// keeps as it is but for the rel and target attributes it forces on links
// (and the control characters it replaces).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/markdown.h"
#include "parvis/protocol/note_text.h"
#include "fuzz_checks.h"

namespace {

using parvis::fuzz::Fail;

// What a post may hold (markdown.h: the caller bounds the text).
constexpr size_t kMaxPostBytes = 5000;

parvis::protocol::TextLinks Links() {
  parvis::protocol::TextLinks links;
  links.mentions["alice"] = {"https://here.example/users/alice", "https://here.example/@alice",
                             "alice"};
  links.mentions["bob@remote.example"] = {"https://remote.example/users/bob",
                                          "https://remote.example/@bob", "bob@remote.example"};
  links.tag_base = "https://here.example/tags/";
  return links;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxPostBytes) return -1;  // not kept in the corpus
  static const parvis::protocol::TextLinks links = Links();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string html = parvis::protocol::RenderMarkdown(input, links);
  if (!parvis::fuzz::IsValidUtf8(html)) Fail("invalid UTF-8", html, input);
  // 8 lists with their items, a heading's <p><strong>, 8 inline elements, a mention.
  std::string problem =
      parvis::fuzz::HtmlProblem(html, parvis::fuzz::HtmlSource::kRenderer, 8 * 2 + 2 + 8 + 3);
  if (!problem.empty()) Fail(problem, html, input);
  auto sanitized = parvis::protocol::SanitizeHtml(html);
  if (!sanitized) Fail("SanitizeHtml failed", sanitized.error().message, html);
  // RenderMarkdown passes C0 controls through (markdown.h does not promise
  // otherwise); the sanitiser replaces them, as a parser would.
  if (parvis::fuzz::WithoutRelAndTarget(*sanitized) !=
      parvis::fuzz::WithoutRelAndTarget(parvis::fuzz::AsParserReads(html))) {
    Fail("the sanitiser changes rendered Markdown", html, *sanitized);
  }
  return 0;
}
