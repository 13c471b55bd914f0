// SanitizeHtml and HtmlText on arbitrary bytes: post content from other
// servers. Checks html_sanitizer.h's guarantees on every output: only
// allowlisted markup (never <script>, never an on* attribute), escaped text,
// valid UTF-8, bounded nesting, and a second sanitising changes nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/protocol/html_sanitizer.h"
#include "fuzz_checks.h"

namespace {

using parvis::fuzz::Fail;
using parvis::fuzz::HtmlSource;
using parvis::protocol::SanitizeOptions;

void CheckSanitized(std::string_view input, const SanitizeOptions& options) {
  auto once = parvis::protocol::SanitizeHtml(input, options);
  if (!once) Fail("SanitizeHtml failed under its size limit", once.error().message, input);
  std::string problem = parvis::fuzz::HtmlProblem(*once, HtmlSource::kSanitizer, options.max_depth);
  if (!problem.empty()) Fail(problem, *once, input);
  if (parvis::fuzz::Lower(*once).find("<script") != std::string::npos) Fail("<script", *once);
  // Escaping can make the output longer than the input was allowed to be.
  SanitizeOptions again = options;
  again.max_input_bytes = std::max(options.max_input_bytes, once->size());
  auto twice = parvis::protocol::SanitizeHtml(*once, again);
  if (!twice) Fail("SanitizeHtml failed on its own output", twice.error().message, *once);
  if (*twice != *once) Fail("not idempotent", *once, *twice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckSanitized(input, {});
  // A shallow limit reaches the depth cap without kilobytes of nesting.
  CheckSanitized(input, {.max_depth = 3});
  (void)parvis::protocol::HtmlText(input);
  // HtmlText reads a prefix of longer input, which may cut a character or a tag.
  (void)parvis::protocol::HtmlText(input, {.max_input_bytes = size / 2});
  return 0;
}
