#include "server/civic/petition_store.h"

#include "server/civic/record_json.h"

namespace parvis::civic {
namespace {

using protocol::PetitionState;

// Short names for the record readers of record_json.h.
constexpr auto S = RecordString;
constexpr auto I = RecordInt;
constexpr auto U = RecordUint;
constexpr auto B = RecordBool;
constexpr auto Parse = ParseRecord;

constexpr const char* kMineStates[] = {"pending", "signed", "refused", "withdrawing", "withdrawn"};

}  // namespace

std::string PetitionKey(uint64_t number) { return "p/" + storage::EncodeUint64(number); }
std::string LogKey(uint64_t number, uint64_t index) {
  return "l/" + storage::EncodeUint64(number) + storage::EncodeUint64(index);
}
std::string SignerPrefix(uint64_t number) { return "s/" + storage::EncodeUint64(number); }
std::string SignerKey(uint64_t number, std::string_view signer) {
  return SignerPrefix(number) + std::string(signer);
}
std::string MineKey(storage::AccountId account, std::string_view petition_id) {
  return "m/" + storage::EncodeAccountId(account) + std::string(petition_id);
}
std::string DirtyKey(uint64_t number) { return "d/" + storage::EncodeUint64(number); }
std::string MovedKey(uint64_t number, std::string_view signer) {
  return "t/" + storage::EncodeUint64(number) + std::string(signer);
}

const char* MySignatureStateName(MySignatureState state) {
  return kMineStates[static_cast<int>(state)];
}

std::string EncodePetition(const Petition& p) {
  return RecordWriter()
      .Uint("number", p.number)
      .Uint("account", p.account)
      .Str("organiser", p.organiser)
      .Str("organiserName", p.organiser_name)
      .Str("title", p.title)
      .Str("source", p.source)
      .Str("content", p.content)
      .Str("addressee", p.addressee)
      .Uint("threshold", p.threshold)
      .Int("deadline", p.deadline)
      .Bool("showsNames", p.shows_names)
      .Str("state", protocol::PetitionStateName(p.stored_state))
      .Int("published", p.published)
      .Int("updated", p.updated)
      .Uint("count", p.count)
      .Uint("entries", p.entries)
      .Str("head", p.head)
      .Str("answer", p.answer)
      .Str("answerSource", p.answer_source)
      .Int("answered", p.answered)
      .Str("secret", p.secret)
      .Int("notified", p.notified)
      .Done();
}

Result<Petition> DecodePetition(std::string_view bytes) {
  Result<rapidjson::Document> doc = Parse(bytes, "petition");
  if (!doc) return std::unexpected(doc.error());
  Petition p;
  p.number = U(*doc, "number");
  p.account = U(*doc, "account");
  p.organiser = S(*doc, "organiser");
  p.organiser_name = S(*doc, "organiserName");
  p.title = S(*doc, "title");
  p.source = S(*doc, "source");
  p.content = S(*doc, "content");
  p.addressee = S(*doc, "addressee");
  p.threshold = U(*doc, "threshold");
  p.deadline = I(*doc, "deadline");
  p.shows_names = B(*doc, "showsNames");
  std::optional<PetitionState> state = protocol::ParsePetitionState(S(*doc, "state"));
  if (!state) return Fail(ErrorCode::kCorruption, "stored petition has no state");
  p.stored_state = *state;
  p.published = I(*doc, "published");
  p.updated = I(*doc, "updated");
  p.count = U(*doc, "count");
  p.entries = U(*doc, "entries");
  p.head = S(*doc, "head");
  p.answer = S(*doc, "answer");
  p.answer_source = S(*doc, "answerSource");
  p.answered = I(*doc, "answered");
  p.secret = S(*doc, "secret");
  p.notified = static_cast<int>(I(*doc, "notified"));
  return p;
}

std::string EncodeSigner(const SignerRecord& s) {
  return RecordWriter()
      .Str("actor", s.actor)
      .Uint("index", s.index)
      .Bool("anonymous", s.anonymous)
      .Str("activity", s.activity)
      .Int("at", s.at)
      .Done();
}

Result<SignerRecord> DecodeSigner(std::string_view bytes) {
  Result<rapidjson::Document> doc = Parse(bytes, "signer");
  if (!doc) return std::unexpected(doc.error());
  return SignerRecord{.actor = S(*doc, "actor"),
                      .index = U(*doc, "index"),
                      .anonymous = B(*doc, "anonymous"),
                      .activity = S(*doc, "activity"),
                      .at = I(*doc, "at")};
}

std::string EncodeMine(const MySignature& m, std::string_view organiser) {
  return RecordWriter()
      .Str("petition", m.petition)
      .Str("organiser", organiser)
      .Str("state", MySignatureStateName(m.state))
      .Bool("anonymous", m.anonymous)
      .Str("activity", m.activity)
      .Uint("index", m.index)
      .Str("hash", m.hash)
      .Str("refusal", m.refusal)
      .Int("at", m.at)
      .Done();
}

Result<MySignature> DecodeMine(std::string_view bytes, std::string* organiser) {
  Result<rapidjson::Document> doc = Parse(bytes, "signature");
  if (!doc) return std::unexpected(doc.error());
  MySignature m;
  m.petition = S(*doc, "petition");
  std::string state = S(*doc, "state");
  bool known = false;
  for (int i = 0; i < 5; ++i) {
    if (state == kMineStates[i]) {
      m.state = static_cast<MySignatureState>(i);
      known = true;
    }
  }
  if (!known) return Fail(ErrorCode::kCorruption, "stored signature has no state");
  m.anonymous = B(*doc, "anonymous");
  m.activity = S(*doc, "activity");
  m.index = U(*doc, "index");
  m.hash = S(*doc, "hash");
  m.refusal = S(*doc, "refusal");
  m.at = I(*doc, "at");
  if (organiser != nullptr) *organiser = S(*doc, "organiser");
  return m;
}

}  // namespace parvis::civic
