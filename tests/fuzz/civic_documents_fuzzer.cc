// What other nodes send about petitions and consultations: a petition or
// consultation Article (an Update), a signature log page's entries, an
// Accept carrying a receipt. ParseJson with the server's limits, then the
// readers. Checks: a petition or consultation that reads writes back to a
// document that reads the same; a log entry that reads writes back to the
// same JSON and its hash is stable; a log of the entries read replays
// without crashing, and entries that verify keep verifying once re-read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/consultation.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "fuzz_checks.h"

namespace {

using parvis::fuzz::Fail;
namespace protocol = parvis::protocol;

constexpr protocol::JsonLimits kLimits = {.max_bytes = 1 << 20, .max_depth = 64};

void CheckPetition(const rapidjson::Value& document) {
  auto petition = protocol::ReadPetitionArticle(document);
  if (!petition) return;
  std::string written = protocol::PetitionArticleJson(*petition);
  auto reparsed = protocol::ParseJson(written, {.max_bytes = 1 << 30, .max_depth = 64});
  if (!reparsed) Fail("written petition does not parse", reparsed.error().message, written);
  auto again = protocol::ReadPetitionArticle(*reparsed);
  if (!again) Fail("written petition does not read", again.error().message, written);
  if (again->count != petition->count || again->threshold != petition->threshold ||
      again->state != petition->state || again->head != petition->head) {
    Fail("petition changes when written and read", written);
  }
}

void CheckConsultation(const rapidjson::Value& document) {
  auto consultation = protocol::ReadConsultationArticle(document);
  if (!consultation) return;
  std::string written = protocol::ConsultationArticleJson(*consultation);
  auto reparsed = protocol::ParseJson(written, {.max_bytes = 1 << 30, .max_depth = 64});
  if (!reparsed) Fail("written consultation does not parse", reparsed.error().message, written);
  auto again = protocol::ReadConsultationArticle(*reparsed);
  if (!again) Fail("written consultation does not read", again.error().message, written);
  if (again->proposals.size() != consultation->proposals.size() || again->open != consultation->open) {
    Fail("consultation changes when written and read", written);
  }
}

void CheckEntries(const rapidjson::Value& document) {
  // A bare entry, or a log page's orderedItems.
  std::vector<const rapidjson::Value*> items;
  if (document.IsObject() && document.HasMember("orderedItems") && document["orderedItems"].IsArray()) {
    for (const auto& item : document["orderedItems"].GetArray()) items.push_back(&item);
  } else {
    items.push_back(&document);
  }
  std::vector<protocol::SignatureEntry> entries;
  for (const rapidjson::Value* item : items) {
    auto entry = protocol::ReadSignatureEntry(*item);
    if (!entry) continue;
    std::string written = protocol::SignatureEntryJson(*entry);
    auto reparsed = protocol::ParseJson(written, {.max_bytes = 1 << 30, .max_depth = 64});
    if (!reparsed) Fail("written entry does not parse", reparsed.error().message, written);
    auto again = protocol::ReadSignatureEntry(*reparsed);
    if (!again) Fail("written entry does not read", again.error().message, written);
    if (protocol::SignatureEntryJson(*again) != written) Fail("entry changes when written and read", written);
    protocol::SignatureEntry sealed = *entry;
    protocol::SealSignatureEntry(sealed);
    protocol::SignatureEntry resealed = sealed;
    protocol::SealSignatureEntry(resealed);
    if (sealed.hash != resealed.hash) Fail("entry hash is not stable", written);
    entries.push_back(*entry);
  }
  std::string petition = "https://fuzz.example/petitions/1";
  auto tally = protocol::VerifySignatureLog(petition, entries);
  if (tally && tally->entries != entries.size()) Fail("a verified log's length is not its entries'");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto document = protocol::ParseJson(input, kLimits);
  if (!document) return 0;
  CheckPetition(*document);
  CheckConsultation(*document);
  CheckEntries(*document);
  (void)protocol::ReadSignatureReceipt(*document);
  if (document->IsObject() && document->HasMember("object")) {
    CheckPetition((*document)["object"]);
    CheckConsultation((*document)["object"]);
  }
  return 0;
}
