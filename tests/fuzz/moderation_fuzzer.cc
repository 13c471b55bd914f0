// Flags and moderation decisions from other servers (protocol/moderation.h),
// on arbitrary JSON: checks what the header promises of what is accepted.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/moderation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using parvis::fuzz::Fail;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto doc = parvis::protocol::ParseJson(input, {.max_bytes = 1 << 20, .max_depth = 32});
  if (!doc) return 0;
  if (auto flag = parvis::protocol::ParseFlag(*doc)) {
    if (flag->id.empty() || flag->actor.empty()) Fail("a Flag without id or actor", input);
    if (flag->objects.empty() || flag->objects.size() > parvis::protocol::kMaxReportObjects) {
      Fail("a Flag with no or too many objects", input);
    }
    for (const auto& object : flag->objects) {
      if (!object.starts_with("http://") && !object.starts_with("https://")) Fail("an object that is no URL", input);
    }
    if (!parvis::fuzz::IsValidUtf8(flag->content)) Fail("comment not UTF-8", input);
    size_t characters = 0;
    for (char c : flag->content) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (characters > parvis::protocol::kMaxReportComment) Fail("comment too long", input);
  }
  auto decision = parvis::protocol::ParseDecision(*doc);
  if (decision && decision->has_value()) {
    const auto& d = **decision;
    if (d.id.empty() || d.actor.empty() || d.flag_id.empty()) Fail("a decision without id, actor or Flag", input);
    auto type = parvis::protocol::StringMember(*doc, "type");
    if ((d.action == parvis::protocol::ModerationAction::kDismiss) != (type == "Reject")) {
      Fail("a dismissal that is not a Reject, or the reverse", input);
    }
    if (!parvis::fuzz::IsValidUtf8(d.reason)) Fail("reason not UTF-8", input);
  }
  return 0;
}
