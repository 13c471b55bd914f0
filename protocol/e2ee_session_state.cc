// Session <-> its stored JSON form (version 1):
// {"format":"parvis-e2ee-session","version":1,"role":"initiator"|"responder",
//  "received":bool,"ad":B64,"setup":{"identityKey","signedPrekeyId","oneTimePrekeyId"},
//  "rootKey":B64,"sendingRatchet":{"public":B64,"secret":B64},
//  "receivingRatchetKey":B64?,"sendingChain":B64?,"receivingChain":B64?,
//  "ns":N,"nr":N,"pn":N,"skipped":[{"ratchetKey":B64,"n":N,"key":B64}]}
// Absent optional members mean "none"; any other difference is corruption.
#include "e2ee_bytes.h"
#include "e2ee_json_fields.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AsView;
using internal::JsonWriter;
using internal::WriteBytes;

namespace {

constexpr std::string_view kFormat = "parvis-e2ee-session";
constexpr uint64_t kStateVersion = 1;

Error Corrupt(const Error& error) {
  return Error{ErrorCode::kCorruption, "session state: " + error.message};
}

Result<std::optional<Key32>> OptionalKey(const rapidjson::Value& object, const char* name) {
  if (!object.HasMember(name)) return std::optional<Key32>();
  auto key = internal::KeyMember(object, name, "session");
  if (!key) return std::unexpected(key.error());
  return std::optional<Key32>(*key);
}

}  // namespace

std::string Session::Serialize() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("format");
  internal::WriteString(writer, kFormat);
  writer.Key("version");
  writer.Uint64(kStateVersion);
  writer.Key("role");
  writer.String(initiator_ ? "initiator" : "responder");
  writer.Key("received");
  writer.Bool(received_);
  writer.Key("ad");
  WriteBytes(writer, AsView(associated_data_));
  writer.Key("setup");
  writer.StartObject();
  writer.Key("identityKey");
  WriteBytes(writer, AsView(setup_.identity_key));
  writer.Key("signedPrekeyId");
  writer.Uint(setup_.signed_prekey_id);
  writer.Key("oneTimePrekeyId");
  writer.Uint(setup_.one_time_prekey_id);
  writer.EndObject();
  writer.Key("rootKey");
  WriteBytes(writer, AsView(root_key_));
  writer.Key("sendingRatchet");
  writer.StartObject();
  writer.Key("public");
  WriteBytes(writer, AsView(sending_ratchet_.public_key));
  writer.Key("secret");
  WriteBytes(writer, AsView(sending_ratchet_.secret_key));
  writer.EndObject();
  if (receiving_ratchet_key_) {
    writer.Key("receivingRatchetKey");
    WriteBytes(writer, AsView(*receiving_ratchet_key_));
  }
  if (sending_chain_) {
    writer.Key("sendingChain");
    WriteBytes(writer, AsView(*sending_chain_));
  }
  if (receiving_chain_) {
    writer.Key("receivingChain");
    WriteBytes(writer, AsView(*receiving_chain_));
  }
  writer.Key("ns");
  writer.Uint(sent_count_);
  writer.Key("nr");
  writer.Uint(received_count_);
  writer.Key("pn");
  writer.Uint(previous_count_);
  writer.Key("skipped");
  writer.StartArray();
  for (const auto& key : skipped_) {
    writer.StartObject();
    writer.Key("ratchetKey");
    WriteBytes(writer, AsView(key.ratchet_key));
    writer.Key("n");
    writer.Uint(key.count);
    writer.Key("key");
    WriteBytes(writer, AsView(key.message_key));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Session> Session::Parse(std::string_view text) {
  // Long enough for 2,000 skipped keys of about 110 bytes each.
  auto document = internal::ParseObject(text, "session state");
  if (!document) return std::unexpected(Corrupt(document.error()));
  const rapidjson::Value& root = *document;
  const std::string where = "session";
  Session session;

  auto format = internal::StringMember(root, "format", where);
  if (!format) return std::unexpected(Corrupt(format.error()));
  if (*format != kFormat) return Fail(ErrorCode::kCorruption, "session state: unknown format");
  auto version = internal::UintMember(root, "version", where, 0, UINT64_MAX);
  if (!version) return std::unexpected(Corrupt(version.error()));
  if (*version != kStateVersion) {
    return Fail(ErrorCode::kCorruption,
                "session state: unsupported version " + std::to_string(*version));
  }
  auto role = internal::StringMember(root, "role", where);
  if (!role) return std::unexpected(Corrupt(role.error()));
  if (*role != "initiator" && *role != "responder") {
    return Fail(ErrorCode::kCorruption, "session state: unknown role");
  }
  session.initiator_ = *role == "initiator";
  auto received = internal::Member(root, "received", where);
  if (!received) return std::unexpected(Corrupt(received.error()));
  if (!(*received)->IsBool()) return Fail(ErrorCode::kCorruption, "session state: bad received");
  session.received_ = (*received)->GetBool();

  auto ad = internal::BytesMember(root, "ad", where, 64);
  if (!ad) return std::unexpected(Corrupt(ad.error()));
  session.associated_data_ = internal::ToArray<64>(*ad);

  auto setup = internal::ObjectMember(root, "setup", where);
  if (!setup) return std::unexpected(Corrupt(setup.error()));
  auto identity = internal::KeyMember(**setup, "identityKey", "session.setup");
  auto spk = internal::UintMember(**setup, "signedPrekeyId", "session.setup", 1, UINT32_MAX);
  auto opk = internal::UintMember(**setup, "oneTimePrekeyId", "session.setup", 0, UINT32_MAX);
  if (!identity) return std::unexpected(Corrupt(identity.error()));
  if (!spk) return std::unexpected(Corrupt(spk.error()));
  if (!opk) return std::unexpected(Corrupt(opk.error()));
  session.setup_ = SetupPart{*identity, static_cast<uint32_t>(*spk), static_cast<uint32_t>(*opk)};

  auto root_key = internal::KeyMember(root, "rootKey", where);
  if (!root_key) return std::unexpected(Corrupt(root_key.error()));
  session.root_key_ = *root_key;
  auto ratchet = internal::ObjectMember(root, "sendingRatchet", where);
  if (!ratchet) return std::unexpected(Corrupt(ratchet.error()));
  auto ratchet_public = internal::KeyMember(**ratchet, "public", "session.sendingRatchet");
  auto ratchet_secret = internal::KeyMember(**ratchet, "secret", "session.sendingRatchet");
  if (!ratchet_public) return std::unexpected(Corrupt(ratchet_public.error()));
  if (!ratchet_secret) return std::unexpected(Corrupt(ratchet_secret.error()));
  session.sending_ratchet_ = DhKeyPairFromSecret(*ratchet_secret);
  if (session.sending_ratchet_.public_key != *ratchet_public) {
    return Fail(ErrorCode::kCorruption, "session state: the ratchet key pair does not match");
  }

  auto receiving_key = OptionalKey(root, "receivingRatchetKey");
  auto sending_chain = OptionalKey(root, "sendingChain");
  auto receiving_chain = OptionalKey(root, "receivingChain");
  if (!receiving_key) return std::unexpected(Corrupt(receiving_key.error()));
  if (!sending_chain) return std::unexpected(Corrupt(sending_chain.error()));
  if (!receiving_chain) return std::unexpected(Corrupt(receiving_chain.error()));
  session.receiving_ratchet_key_ = *receiving_key;
  session.sending_chain_ = *sending_chain;
  session.receiving_chain_ = *receiving_chain;
  if (session.receiving_chain_ && !session.receiving_ratchet_key_) {
    return Fail(ErrorCode::kCorruption, "session state: a receiving chain without its key");
  }

  auto ns = internal::UintMember(root, "ns", where, 0, UINT32_MAX);
  auto nr = internal::UintMember(root, "nr", where, 0, UINT32_MAX);
  auto pn = internal::UintMember(root, "pn", where, 0, UINT32_MAX);
  if (!ns) return std::unexpected(Corrupt(ns.error()));
  if (!nr) return std::unexpected(Corrupt(nr.error()));
  if (!pn) return std::unexpected(Corrupt(pn.error()));
  session.sent_count_ = static_cast<uint32_t>(*ns);
  session.received_count_ = static_cast<uint32_t>(*nr);
  session.previous_count_ = static_cast<uint32_t>(*pn);

  auto skipped = internal::ArrayMember(root, "skipped", where, kMaxSkippedKeys);
  if (!skipped) return std::unexpected(Corrupt(skipped.error()));
  for (const auto& entry : (*skipped)->GetArray()) {
    const std::string at = "session.skipped[]";
    auto key = internal::KeyMember(entry, "ratchetKey", at);
    auto n = internal::UintMember(entry, "n", at, 0, UINT32_MAX);
    auto message_key = internal::KeyMember(entry, "key", at);
    if (!key) return std::unexpected(Corrupt(key.error()));
    if (!n) return std::unexpected(Corrupt(n.error()));
    if (!message_key) return std::unexpected(Corrupt(message_key.error()));
    session.skipped_.push_back(SkippedKey{*key, static_cast<uint32_t>(*n), *message_key});
  }
  return session;
}

}  // namespace parvis::protocol::e2ee
