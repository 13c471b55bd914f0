#include "server/civic/petition_store.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"

namespace parvis::civic {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using protocol::PetitionState;

void Str(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void Int(Writer& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}
void Uint(Writer& w, const char* key, uint64_t value) {
  w.Key(key);
  w.Uint64(value);
}
void Bool(Writer& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}

std::string S(const rapidjson::Value& doc, const char* key) {
  return protocol::StringMember(doc, key).value_or("");
}
int64_t I(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}
uint64_t U(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}
bool B(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

Result<rapidjson::Document> Parse(std::string_view bytes, const char* what) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {.max_bytes = 1 << 20});
  if (!doc || !doc->IsObject()) {
    return Fail(ErrorCode::kCorruption, std::string("stored ") + what + " record is not JSON");
  }
  return doc;
}

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

const char* MySignatureStateName(MySignatureState state) {
  return kMineStates[static_cast<int>(state)];
}

std::string EncodePetition(const Petition& p) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Uint(w, "number", p.number);
  Uint(w, "account", p.account);
  Str(w, "organiser", p.organiser);
  Str(w, "organiserName", p.organiser_name);
  Str(w, "title", p.title);
  Str(w, "source", p.source);
  Str(w, "content", p.content);
  Str(w, "addressee", p.addressee);
  Uint(w, "threshold", p.threshold);
  Int(w, "deadline", p.deadline);
  Bool(w, "showsNames", p.shows_names);
  Str(w, "state", protocol::PetitionStateName(p.stored_state));
  Int(w, "published", p.published);
  Int(w, "updated", p.updated);
  Uint(w, "count", p.count);
  Uint(w, "entries", p.entries);
  Str(w, "head", p.head);
  Str(w, "answer", p.answer);
  Str(w, "answerSource", p.answer_source);
  Int(w, "answered", p.answered);
  Str(w, "secret", p.secret);
  Int(w, "notified", p.notified);
  w.EndObject();
  return buffer.GetString();
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
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "actor", s.actor);
  Uint(w, "index", s.index);
  Bool(w, "anonymous", s.anonymous);
  Str(w, "activity", s.activity);
  Int(w, "at", s.at);
  w.EndObject();
  return buffer.GetString();
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
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "petition", m.petition);
  Str(w, "organiser", organiser);
  Str(w, "state", MySignatureStateName(m.state));
  Bool(w, "anonymous", m.anonymous);
  Str(w, "activity", m.activity);
  Uint(w, "index", m.index);
  Str(w, "hash", m.hash);
  Str(w, "refusal", m.refusal);
  Int(w, "at", m.at);
  w.EndObject();
  return buffer.GetString();
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
