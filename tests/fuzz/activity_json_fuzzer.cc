// An inbox POST body or a fetched actor document: ParseJson with the
// server's limits, then what the inbox reads from it (ReadActivityEnvelope,
// on the activity and on an embedded object; ParseRemoteActor; the
// Data Integrity proof and its JCS canonical form). Checks: what parses
// re-serializes to JSON that parses to the same; a parsed actor survives its
// storage form; the canonical form is a fixed point.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/protocol/activity_envelope.h"
#include "parvis/protocol/data_integrity.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/json_canonicalization.h"
#include "parvis/protocol/remote_actor.h"
#include "fuzz_checks.h"

namespace {

using parvis::fuzz::Fail;
using parvis::protocol::JsonLimits;

// The server's defaults (config: limits.json_depth; the body limit is above
// any input libFuzzer makes).
constexpr JsonLimits kLimits = {.max_bytes = 1 << 20, .max_depth = 64};

void CheckActor(const rapidjson::Value& document) {
  auto actor = parvis::protocol::ParseRemoteActor(document);
  if (!actor) return;
  if (actor->id.empty() || actor->inbox.empty()) Fail("actor without id or inbox");
  for (const auto& key : actor->keys) {
    if (parvis::protocol::FindKey(*actor, key.id) == nullptr) Fail("listed key not found", key.id);
  }
  std::string stored = parvis::protocol::EncodeRemoteActor(*actor);
  auto decoded = parvis::protocol::DecodeRemoteActor(stored);
  if (!decoded) Fail("stored actor does not decode", decoded.error().message, stored);
  if (parvis::protocol::EncodeRemoteActor(*decoded) != stored) Fail("stored actor changes", stored);
}

void CheckCanonical(const rapidjson::Value& document) {
  auto canonical = parvis::protocol::CanonicalizeJson(document);
  if (!canonical) return;
  auto reparsed = parvis::protocol::ParseJson(*canonical, {.max_bytes = 1 << 30, .max_depth = 64});
  if (!reparsed) Fail("canonical JSON does not parse", reparsed.error().message, *canonical);
  auto again = parvis::protocol::CanonicalizeJson(*reparsed);
  if (!again || *again != *canonical) Fail("canonical JSON changes", *canonical);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto document = parvis::protocol::ParseJson(input, kLimits);
  if (!document) return 0;

  std::string written = parvis::protocol::WriteJson(*document);
  auto reparsed = parvis::protocol::ParseJson(written, {.max_bytes = 1 << 30, .max_depth = 64});
  if (!reparsed) Fail("written JSON does not parse", reparsed.error().message, written);
  if (parvis::protocol::WriteJson(*reparsed) != written) Fail("written JSON changes", written);

  (void)parvis::protocol::ReadActivityEnvelope(*document);
  if (document->IsObject()) {
    auto object = document->FindMember("object");
    if (object != document->MemberEnd()) {
      (void)parvis::protocol::ReadActivityEnvelope(object->value);
      CheckActor(object->value);  // Update(Person) carries the actor
    }
  }
  (void)parvis::protocol::FirstId(*document);
  CheckActor(*document);
  (void)parvis::protocol::InspectDataIntegrityProof(*document);
  CheckCanonical(*document);
  return 0;
}
