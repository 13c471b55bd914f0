// Context notes and marked replies from other servers (protocol/annotations.h),
// on arbitrary JSON: checks what the header promises of what is accepted.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.h"
#include "parvis/protocol/annotations.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/note_text.h"

namespace {

bool IsHttpUrl(const std::string& text) {
  return (text.starts_with("http://") || text.starts_with("https://")) &&
         text.size() <= parvis::protocol::kMaxAnnotationUrl;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using parvis::fuzz::Fail;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto doc = parvis::protocol::ParseJson(input, {.max_bytes = 1 << 20, .max_depth = 32});
  if (!doc) return 0;
  auto note = parvis::protocol::ParseContextNote(*doc);
  if (note && note->has_value()) {
    const auto& n = **note;
    for (const std::string* url : {&n.id, &n.activity_id, &n.actor, &n.post}) {
      if (!IsHttpUrl(*url)) Fail("an id that is no http(s) URL", input);
    }
    if (!n.source.empty() && !IsHttpUrl(n.source)) Fail("a source that is no http(s) URL", input);
    if (!parvis::fuzz::IsValidUtf8(n.text)) Fail("text not UTF-8", input);
    size_t characters = parvis::protocol::CountCharacters(n.text);
    if (characters == 0 || characters > parvis::protocol::kMaxContextNoteText) Fail("text empty or too long", input);
    // What was accepted goes out again and reads back the same.
    auto again = parvis::protocol::ParseJson(parvis::protocol::ContextNoteActivity(n), {});
    if (!again) Fail("a context note written back is not JSON", input);
    auto reread = parvis::protocol::ParseContextNote(*again);
    if (!reread || !reread->has_value() || (*reread)->post != n.post || (*reread)->actor != n.actor) {
      Fail("a context note written back does not read the same", input);
    }
  }
  (void)parvis::protocol::MarksRightOfReply(*doc);
  auto hrefs = parvis::protocol::MentionHrefs(*doc);
  if (hrefs.size() > 100) Fail("too many mentions read", input);
  return 0;
}
