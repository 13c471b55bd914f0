// The plain-text path of a note: FindMentions, FindHashtags, RenderPlainText
// and HtmlToPlainText on arbitrary text. Checks note_text.h's promises: found
// handles and tags occur in the text, once each (ASCII case aside), within
// the limit; tags are at most 100 bytes and not all digits; the HTML has only
// the markup of mentions, hashtags, links, paragraphs and breaks.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/note_text.h"
#include "fuzz_checks.h"

namespace {

using parvis::fuzz::Fail;

constexpr size_t kLimit = 20;

parvis::protocol::TextLinks Links() {
  parvis::protocol::TextLinks links;
  links.mentions["alice"] = {"https://here.example/users/alice", "https://here.example/@alice",
                             "alice"};
  links.mentions["bob@remote.example"] = {"https://remote.example/users/bob",
                                          "https://remote.example/@bob", "bob@remote.example"};
  links.tag_base = "https://here.example/tags/";
  return links;
}

void CheckFound(std::string_view text, const std::vector<std::string>& found, char sigil) {
  if (found.size() > kLimit) Fail("more than the limit", text);
  std::set<std::string> seen;
  for (const std::string& item : found) {
    if (item.empty()) Fail("empty handle or tag", text);
    if (!seen.insert(parvis::protocol::LowerAscii(item)).second) Fail("found twice", item, text);
    if (text.find(sigil + item) == std::string_view::npos) Fail("not in the text", item, text);
    if (sigil == '#') {
      if (item.size() > 100) Fail("tag longer than 100 bytes", item);
      if (item.find_first_not_of("0123456789") == std::string::npos) Fail("digits only", item);
    }
  }
}

void CheckRendered(std::string_view text, std::string_view html) {
  std::string problem = parvis::fuzz::HtmlProblem(html, parvis::fuzz::HtmlSource::kRenderer);
  if (!problem.empty()) Fail(problem, html, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const parvis::protocol::TextLinks links = Links();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckFound(input, parvis::protocol::FindMentions(input, kLimit), '@');
  CheckFound(input, parvis::protocol::FindHashtags(input, kLimit), '#');
  CheckRendered(input, parvis::protocol::RenderPlainText(input, links));
  // C2S content: HTML from a client, back to text, rendered again.
  std::string text = parvis::protocol::HtmlToPlainText(input);
  CheckRendered(text, parvis::protocol::RenderPlainText(text, links));
  return 0;
}
