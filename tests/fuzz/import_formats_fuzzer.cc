// The files a person uploads to import (protocol/import_formats.h): the first
// byte picks the parser (one of the five CSV lists, an id collection, an
// outbox), the rest is its input. Checks what the header promises of every
// entry kept.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/import_formats.h"

namespace {

using parvis::fuzz::Fail;
using parvis::protocol::ImportList;

void CheckList(ImportList list, const parvis::protocol::ImportListFile& file, std::string_view input) {
  std::set<std::string> seen;
  for (const auto& entry : file.entries) {
    if (!seen.insert(entry.value).second) Fail("duplicate entry kept", input);
    if (entry.value.empty()) Fail("empty entry", input);
    switch (list) {
      case ImportList::kFollowing:
      case ImportList::kBlocks:
      case ImportList::kMutes: {
        size_t at = entry.value.find('@');
        if (at == std::string::npos || at == 0 || entry.value.find('@', at + 1) != std::string::npos) {
          Fail("address without exactly one @", input);
        }
        std::string host = entry.value.substr(at + 1);
        if (parvis::fuzz::Lower(host) != host) Fail("host not lower-case", input);
        break;
      }
      case ImportList::kDomainBlocks:
        if (parvis::fuzz::Lower(entry.value) != entry.value) Fail("domain not lower-case", input);
        break;
      case ImportList::kBookmarks:
        if (!entry.value.starts_with("http://") && !entry.value.starts_with("https://")) {
          Fail("bookmark not http(s)", input);
        }
        break;
    }
    for (char c : entry.value) {
      if (static_cast<unsigned char>(c) <= ' ') Fail("control or space in a value", input);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  unsigned choice = data[0] % 7;
  if (choice < 5) {
    auto list = static_cast<ImportList>(choice);
    auto file = parvis::protocol::ParseImportList(list, input);
    if (file) CheckList(list, *file, input);
    return 0;
  }
  if (choice == 5) {
    auto file = parvis::protocol::ParseIdCollection(input);
    if (file) CheckList(ImportList::kBookmarks, *file, input);
    return 0;
  }
  auto history = parvis::protocol::ParseOutbox(input, "", "");
  if (!history) return 0;
  int64_t previous = INT64_MIN;
  std::set<std::string> seen;
  for (const auto& post : history->posts) {
    if (post.published < previous) Fail("posts not oldest first", input);
    previous = post.published;
    if (post.visibility == parvis::protocol::Visibility::kDirect) Fail("a direct post kept", input);
    if (!seen.insert(post.original_id).second) Fail("a post kept twice", input);
    auto again = parvis::protocol::SanitizeHtml(post.content_html, {.max_input_bytes = 4 << 20});
    if (!again || *again != post.content_html) Fail("content not sanitised", input);
    if (std::string problem = parvis::fuzz::HtmlProblem(post.content_html, parvis::fuzz::HtmlSource::kSanitizer);
        !problem.empty()) {
      Fail(problem, input);
    }
  }
  return 0;
}
