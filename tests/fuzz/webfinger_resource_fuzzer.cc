// ParseWebFingerResource on arbitrary bytes: the `resource` query parameter
// of /.well-known/webfinger. Checks discovery.h's promises on what it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parvis/protocol/discovery.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using parvis::fuzz::Fail;
  using parvis::protocol::WebFingerResource;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto resource = parvis::protocol::ParseWebFingerResource(input);
  if (!resource) return 0;
  if (input.size() > parvis::protocol::kMaxWebFingerResource) Fail("oversized accepted", input);
  if (resource->kind == WebFingerResource::Kind::kAccount) {
    if (resource->name.empty() || resource->host.empty()) Fail("empty name or host", input);
    if (parvis::fuzz::Lower(resource->host) != resource->host) Fail("host not lower-case", input);
  } else if (resource->url.empty()) {
    Fail("empty URL", input);
  }
  return 0;
}
