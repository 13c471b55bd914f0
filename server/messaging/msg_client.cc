#include "server/messaging/msg_client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/pages/web_forms.h"

namespace parvis::messaging {
namespace {

namespace e2ee = protocol::e2ee;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Prekeys uploaded at a time, and the level below which Read adds more.
constexpr uint32_t kPrekeyBatch = 20;
constexpr size_t kPrekeyLowWater = 10;
// Message ids remembered against replays.
constexpr size_t kSeenKept = 5000;
// One-time prekey secrets kept: claims that never led to a message leave
// theirs behind; the oldest go first.
constexpr size_t kPrekeySecretsKept = 400;
// The error code that says "this contact's account key changed".
constexpr ErrorCode kKeyChanged = ErrorCode::kUnsupported;

Error Fail(std::string message, ErrorCode code = ErrorCode::kInvalidArgument) {
  return Error{code, std::move(message)};
}

std::string Bytes(std::span<const unsigned char> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <size_t N>
std::optional<std::array<unsigned char, N>> ToArray(std::string_view bytes) {
  if (bytes.size() != N) return std::nullopt;
  std::array<unsigned char, N> out{};
  std::memcpy(out.data(), bytes.data(), N);
  return out;
}

void String(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ErrorOf(const HttpAnswer& answer) {
  Result<rapidjson::Document> doc = protocol::ParseJson(answer.body, {});
  std::string message = doc && doc->IsObject() ? protocol::StringMember(*doc, "error").value_or("") : "";
  if (message.empty()) message = answer.body.substr(0, 200);
  return "the node answered " + std::to_string(answer.status) + ": " + message;
}

}  // namespace

struct PeerPin {
  e2ee::Key32 account_key{};
  uint64_t version = 0;
  bool verified = false;
};

struct MessagingClient::State {
  std::string actor;
  e2ee::SigningKeyPair account;
  e2ee::DeviceSecrets device;
  e2ee::PrekeySecret signed_prekey;
  std::map<uint32_t, e2ee::PrekeySecret> one_time_prekeys;
  uint32_t next_prekey_id = 1;
  std::map<std::string, PeerPin> peers;
  std::map<std::string, std::map<std::string, std::string>> sessions;  // actor -> device -> state
  std::deque<std::string> seen;

  std::string Serialize() const;
  static Result<std::unique_ptr<State>> Parse(std::string_view text);
};

std::string MessagingClient::State::Serialize() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("version");
  writer.Uint(1);
  writer.Key("actor");
  String(writer, actor);
  writer.Key("accountSeed");
  String(writer, e2ee::EncodeBase64Url(Bytes(std::span(account.secret_key).first(32))));
  writer.Key("device");
  String(writer, device.id);
  writer.Key("signingSeed");
  String(writer, e2ee::EncodeBase64Url(Bytes(std::span(device.signing.secret_key).first(32))));
  writer.Key("identitySecret");
  String(writer, e2ee::EncodeBase64Url(Bytes(device.identity.secret_key)));
  auto prekey = [&](const e2ee::PrekeySecret& secret) {
    writer.StartObject();
    writer.Key("id");
    writer.Uint(secret.id);
    writer.Key("secret");
    String(writer, e2ee::EncodeBase64Url(Bytes(secret.pair.secret_key)));
    writer.EndObject();
  };
  writer.Key("signedPrekey");
  prekey(signed_prekey);
  writer.Key("oneTimePrekeys");
  writer.StartArray();
  for (const auto& [id, secret] : one_time_prekeys) prekey(secret);
  writer.EndArray();
  writer.Key("nextPrekeyId");
  writer.Uint(next_prekey_id);
  writer.Key("peers");
  writer.StartObject();
  for (const auto& [peer, pin] : peers) {
    String(writer, peer);
    writer.StartObject();
    writer.Key("accountKey");
    String(writer, e2ee::EncodeBase64Url(Bytes(pin.account_key)));
    writer.Key("version");
    writer.Uint64(pin.version);
    writer.Key("verified");
    writer.Bool(pin.verified);
    writer.EndObject();
  }
  writer.EndObject();
  writer.Key("sessions");
  writer.StartObject();
  for (const auto& [peer, devices] : sessions) {
    String(writer, peer);
    writer.StartObject();
    for (const auto& [id, session] : devices) {
      String(writer, id);
      String(writer, session);
    }
    writer.EndObject();
  }
  writer.EndObject();
  writer.Key("seen");
  writer.StartArray();
  for (const std::string& id : seen) String(writer, id);
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::unique_ptr<MessagingClient::State>> MessagingClient::State::Parse(std::string_view text) {
  Result<rapidjson::Document> doc = protocol::ParseJson(text, {.max_bytes = 64 << 20, .max_depth = 8});
  if (!doc || !doc->IsObject()) return std::unexpected(Fail("the state file is not JSON", ErrorCode::kCorruption));
  const rapidjson::Value& root = *doc;
  auto bad = [](std::string what) { return std::unexpected(Fail("the state file's " + what + " is malformed", ErrorCode::kCorruption)); };
  auto key32 = [](const rapidjson::Value& object, const char* name) -> std::optional<e2ee::Key32> {
    std::optional<std::string> text = protocol::StringMember(object, name);
    if (!text) return std::nullopt;
    Result<std::string> bytes = e2ee::DecodeBase64Url(*text);
    if (!bytes) return std::nullopt;
    return ToArray<32>(*bytes);
  };
  auto state = std::make_unique<State>();
  if (!root.HasMember("version") || !root["version"].IsUint() || root["version"].GetUint() != 1) return bad("version");
  state->actor = protocol::StringMember(root, "actor").value_or("");
  if (state->actor.empty()) return bad("actor");
  std::optional<e2ee::Key32> account_seed = key32(root, "accountSeed");
  std::optional<e2ee::Key32> signing_seed = key32(root, "signingSeed");
  std::optional<e2ee::Key32> identity = key32(root, "identitySecret");
  if (!account_seed || !signing_seed || !identity) return bad("keys");
  state->account = e2ee::SigningKeyPairFromSeed(*account_seed);
  state->device.id = protocol::StringMember(root, "device").value_or("");
  if (!e2ee::IsDeviceId(state->device.id)) return bad("device");
  state->device.signing = e2ee::SigningKeyPairFromSeed(*signing_seed);
  state->device.identity = e2ee::DhKeyPairFromSecret(*identity);
  auto prekey = [&](const rapidjson::Value& value) -> std::optional<e2ee::PrekeySecret> {
    if (!value.IsObject() || !value.HasMember("id") || !value["id"].IsUint()) return std::nullopt;
    std::optional<e2ee::Key32> secret = key32(value, "secret");
    if (!secret) return std::nullopt;
    return e2ee::PrekeySecret{value["id"].GetUint(), e2ee::DhKeyPairFromSecret(*secret)};
  };
  if (!root.HasMember("signedPrekey")) return bad("signedPrekey");
  std::optional<e2ee::PrekeySecret> signed_prekey = prekey(root["signedPrekey"]);
  if (!signed_prekey) return bad("signedPrekey");
  state->signed_prekey = *signed_prekey;
  if (!root.HasMember("oneTimePrekeys") || !root["oneTimePrekeys"].IsArray()) return bad("oneTimePrekeys");
  for (const rapidjson::Value& value : root["oneTimePrekeys"].GetArray()) {
    std::optional<e2ee::PrekeySecret> secret = prekey(value);
    if (!secret) return bad("oneTimePrekeys");
    state->one_time_prekeys[secret->id] = *secret;
  }
  if (!root.HasMember("nextPrekeyId") || !root["nextPrekeyId"].IsUint()) return bad("nextPrekeyId");
  state->next_prekey_id = root["nextPrekeyId"].GetUint();
  if (!root.HasMember("peers") || !root["peers"].IsObject()) return bad("peers");
  for (const auto& member : root["peers"].GetObject()) {
    std::optional<e2ee::Key32> key = key32(member.value, "accountKey");
    if (!key || !member.value.HasMember("version") || !member.value["version"].IsUint64() ||
        !member.value.HasMember("verified") || !member.value["verified"].IsBool()) {
      return bad("peers");
    }
    state->peers[member.name.GetString()] =
        PeerPin{*key, member.value["version"].GetUint64(), member.value["verified"].GetBool()};
  }
  if (!root.HasMember("sessions") || !root["sessions"].IsObject()) return bad("sessions");
  for (const auto& peer : root["sessions"].GetObject()) {
    if (!peer.value.IsObject()) return bad("sessions");
    for (const auto& device : peer.value.GetObject()) {
      if (!device.value.IsString()) return bad("sessions");
      state->sessions[peer.name.GetString()][device.name.GetString()] = device.value.GetString();
    }
  }
  if (!root.HasMember("seen") || !root["seen"].IsArray()) return bad("seen");
  for (const rapidjson::Value& id : root["seen"].GetArray()) {
    if (!id.IsString()) return bad("seen");
    state->seen.emplace_back(id.GetString());
  }
  return state;
}

namespace {

Status WriteStateFile(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".new";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(Fail("cannot write " + temporary + ": " + std::strerror(errno), ErrorCode::kIo));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      return std::unexpected(Fail("cannot write " + temporary, ErrorCode::kIo));
    }
    written += static_cast<size_t>(n);
  }
  // The ratchet must never step back: a lost write could reuse a message key.
  if (::fsync(fd) != 0 || ::close(fd) != 0) return std::unexpected(Fail("cannot sync " + temporary, ErrorCode::kIo));
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return std::unexpected(Fail("cannot replace " + path + ": " + std::strerror(errno), ErrorCode::kIo));
  }
  return Ok();
}

Result<rapidjson::Document> Call(const Transport& transport, std::string_view method, std::string_view target,
                                 std::string_view body, int expected = 200) {
  Result<HttpAnswer> answer = transport(method, target, body);
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != expected) {
    return std::unexpected(Fail(ErrorOf(*answer), answer->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable));
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(answer->body, {});
  if (!doc) return std::unexpected(Fail("the node's answer is not JSON: " + doc.error().message, ErrorCode::kUnavailable));
  return doc;
}

std::string DirectoryTarget(const std::string& actor) {
  return "/api/e2ee/directory?actor=" + pages::UrlEncode(actor);
}

}  // namespace

MessagingClient::MessagingClient(std::string state_file, Transport transport, std::unique_ptr<State> state)
    : state_file_(std::move(state_file)), transport_(std::move(transport)), state_(std::move(state)) {}
MessagingClient::~MessagingClient() = default;

const std::string& MessagingClient::actor() const { return state_->actor; }
const std::string& MessagingClient::device_id() const { return state_->device.id; }

namespace {

// The directory of `actor` as its node publishes it, unverified.
Result<e2ee::KeyDirectory> FetchDirectory(const Transport& transport, const std::string& actor) {
  Result<HttpAnswer> answer = transport("GET", DirectoryTarget(actor), "");
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    return std::unexpected(Fail(actor + ": " + ErrorOf(*answer), answer->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable));
  }
  Result<e2ee::KeyDirectory> directory = e2ee::ParseKeyDirectory(answer->body);
  if (!directory) return std::unexpected(Fail(actor + "'s key directory: " + directory.error().message));
  if (directory->owner != actor) return std::unexpected(Fail(actor + "'s key directory names another owner"));
  return directory;
}

// Signs and publishes `devices` as the account's list at `version`.
Status PublishList(const Transport& transport, const std::string& actor, const e2ee::SigningKeyPair& account,
                   uint64_t version, std::vector<e2ee::DevicePublic> devices, bool reset) {
  Result<e2ee::DeviceList> list = e2ee::SignDeviceList(actor, version, std::move(devices), account);
  if (!list) return std::unexpected(list.error());
  std::string body = e2ee::WritePublishRequest(account.public_key, *list);
  if (reset) body.insert(body.size() - 1, ",\"reset\":true");
  Result<rapidjson::Document> published = Call(transport, "POST", "/api/e2ee/publish", body);
  if (!published) return std::unexpected(published.error());
  return Ok();
}

}  // namespace

Result<std::unique_ptr<MessagingClient>> MessagingClient::Create(std::string state_file, Transport transport,
                                                                 std::string actor,
                                                                 std::optional<std::string> restore_passphrase,
                                                                 bool reset) {
  if (std::filesystem::exists(state_file)) {
    return std::unexpected(Fail(state_file + " exists: this device is set up already", ErrorCode::kAlreadyExists));
  }
  auto state = std::make_unique<State>();
  state->actor = actor;
  Result<e2ee::KeyDirectory> published = FetchDirectory(transport, actor);
  if (!published && published.error().code != ErrorCode::kNotFound) return std::unexpected(published.error());
  std::vector<e2ee::DevicePublic> devices;
  uint64_t version = 1;
  if (restore_passphrase) {
    Result<rapidjson::Document> backup = Call(transport, "GET", "/api/e2ee/backup", "");
    if (!backup) return std::unexpected(backup.error());
    Result<e2ee::BackupContent> content = e2ee::OpenBackup(protocol::WriteJson(*backup), *restore_passphrase);
    if (!content) return std::unexpected(Fail("the backup does not open: " + content.error().message));
    if (content->actor != actor) return std::unexpected(Fail("the backup belongs to " + content->actor));
    state->account = e2ee::SigningKeyPairFromSeed(*ToArray<32>(Bytes(std::span(content->account_key).first(32))));
    if (!published) return std::unexpected(Fail("the account has no published device list to join"));
    if (published->account_key != state->account.public_key) {
      return std::unexpected(Fail("the backup's account key is not the published one"));
    }
    if (Status valid = e2ee::VerifyKeyDirectory(*published, 1); !valid) return std::unexpected(valid.error());
    for (const e2ee::DirectoryDevice& device : published->devices) devices.push_back(device.keys);
    version = published->version + 1;
  } else {
    if (published && !reset) {
      return std::unexpected(Fail(actor + " already has an account key: restore it from the backup (--restore) or replace it (--reset)",
                                  ErrorCode::kAlreadyExists));
    }
    state->account = e2ee::GenerateSigningKeyPair();
  }
  state->device = e2ee::GenerateDevice();
  devices.push_back(e2ee::PublicOf(state->device));
  state->peers[actor] = PeerPin{state->account.public_key, version, true};
  state->signed_prekey = e2ee::GeneratePrekey(state->next_prekey_id++);
  auto client = std::unique_ptr<MessagingClient>(new MessagingClient(state_file, transport, std::move(state)));
  // Secrets first: a device whose state is lost must not be published.
  if (Status saved = WriteStateFile(client->state_file_, client->state_->Serialize()); !saved) {
    return std::unexpected(saved.error());
  }
  if (Status done = PublishList(transport, actor, client->state_->account, version, devices, reset && !restore_passphrase);
      !done) {
    std::filesystem::remove(client->state_file_);
    return std::unexpected(done.error());
  }
  // The signed prekey and a first batch of one-time prekeys.
  State& s = *client->state_;
  std::vector<e2ee::SignedPrekey> one_time;
  for (uint32_t i = 0; i < kPrekeyBatch; ++i) {
    e2ee::PrekeySecret secret = e2ee::GeneratePrekey(s.next_prekey_id++);
    one_time.push_back(e2ee::SignPrekey(e2ee::PrekeyKind::kOneTime, s.device, secret));
    s.one_time_prekeys[secret.id] = secret;
  }
  if (Status saved = WriteStateFile(client->state_file_, s.Serialize()); !saved) return std::unexpected(saved.error());
  Result<rapidjson::Document> uploaded = Call(
      transport, "POST", "/api/e2ee/prekeys",
      e2ee::WritePrekeyUpload(s.device.id, e2ee::SignPrekey(e2ee::PrekeyKind::kSigned, s.device, s.signed_prekey), one_time));
  if (!uploaded) return std::unexpected(uploaded.error());
  return client;
}

Result<std::unique_ptr<MessagingClient>> MessagingClient::Open(std::string state_file, Transport transport) {
  std::ifstream in(state_file, std::ios::binary);
  if (!in) {
    return std::unexpected(Fail(state_file + " does not exist: set this device up first (parvis msg keys --init)",
                                ErrorCode::kNotFound));
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<std::unique_ptr<State>> state = State::Parse(text.str());
  if (!state) return std::unexpected(state.error());
  return std::unique_ptr<MessagingClient>(new MessagingClient(std::move(state_file), std::move(transport), *std::move(state)));
}

namespace {

// `actor`'s directory, verified against the pinned key (pinning it the first
// time); a changed account key is refused.
Result<e2ee::KeyDirectory> TrustedDirectory(const Transport& transport, std::map<std::string, PeerPin>& peers,
                                            const std::string& actor, bool* first_seen = nullptr) {
  Result<e2ee::KeyDirectory> directory = FetchDirectory(transport, actor);
  if (!directory) return directory;
  auto pinned = peers.find(actor);
  if (pinned != peers.end() && pinned->second.account_key != directory->account_key) {
    return std::unexpected(Fail("the account key of " + actor +
                                    " changed since it was first seen: compare safety numbers (parvis msg verify), "
                                    "then accept it (--accept-new-key)",
                                kKeyChanged));
  }
  uint64_t min_version = pinned == peers.end() ? 1 : pinned->second.version;
  if (Status valid = e2ee::VerifyKeyDirectory(*directory, min_version); !valid) {
    return std::unexpected(Fail(actor + "'s key directory: " + valid.error().message));
  }
  if (pinned == peers.end()) {
    peers[actor] = PeerPin{directory->account_key, directory->version, false};
    if (first_seen) *first_seen = true;
  } else {
    pinned->second.version = directory->version;
  }
  return directory;
}

}  // namespace

Result<std::string> MessagingClient::Send(const std::vector<std::string>& to, std::string_view text) {
  State& s = *state_;
  std::vector<std::string> recipients;
  for (const std::string& actor : to) {
    if (actor != s.actor && std::find(recipients.begin(), recipients.end(), actor) == recipients.end()) {
      recipients.push_back(actor);
    }
  }
  if (recipients.empty()) return std::unexpected(Fail("name at least one recipient other than yourself"));
  e2ee::MessagePlaintext plaintext{.id = e2ee::GenerateMessageId(),
                                   .from = s.actor,
                                   .to = recipients,
                                   .sent = protocol::FormatRfc3339Utc(Now()),
                                   .content = std::string(text)};
  Result<std::string> encoded = e2ee::WriteMessagePlaintext(plaintext);
  if (!encoded) return std::unexpected(encoded.error());

  struct Entry {
    std::string actor, device, body;
  };
  std::vector<Entry> entries;
  std::vector<std::string> everyone = recipients;
  everyone.push_back(s.actor);
  for (const std::string& actor : everyone) {
    Result<e2ee::KeyDirectory> directory = TrustedDirectory(transport_, s.peers, actor);
    if (!directory) {
      if (actor == s.actor) return std::unexpected(directory.error());
      return std::unexpected(directory.error());
    }
    std::map<std::string, std::string>& sessions = s.sessions[actor];
    // Sessions with devices no longer listed are dropped (revoked devices).
    for (auto it = sessions.begin(); it != sessions.end();) {
      bool listed = std::any_of(directory->devices.begin(), directory->devices.end(),
                                [&](const e2ee::DirectoryDevice& device) { return device.keys.id == it->first; });
      it = listed ? std::next(it) : sessions.erase(it);
    }
    std::vector<std::string> missing;
    for (const e2ee::DirectoryDevice& device : directory->devices) {
      if (actor == s.actor && device.keys.id == s.device.id) continue;
      if (!sessions.contains(device.keys.id)) missing.push_back(device.keys.id);
    }
    if (!missing.empty()) {
      rapidjson::StringBuffer buffer;
      JsonWriter writer(buffer);
      writer.StartObject();
      writer.Key("actor");
      String(writer, actor);
      writer.Key("devices");
      writer.StartArray();
      for (const std::string& id : missing) String(writer, id);
      writer.EndArray();
      writer.EndObject();
      Result<HttpAnswer> answer = transport_("POST", "/api/e2ee/claim", std::string(buffer.GetString(), buffer.GetSize()));
      if (!answer) return std::unexpected(answer.error());
      if (answer->status != 200) return std::unexpected(Fail("claiming " + actor + "'s prekeys: " + ErrorOf(*answer)));
      Result<std::vector<e2ee::ClaimedDevice>> claimed = e2ee::ParseClaimAnswer(answer->body);
      if (!claimed) return std::unexpected(Fail("claiming " + actor + "'s prekeys: " + claimed.error().message));
      for (const e2ee::ClaimedDevice& bundle : *claimed) {
        auto device = std::find_if(directory->devices.begin(), directory->devices.end(),
                                   [&](const e2ee::DirectoryDevice& d) { return d.keys.id == bundle.id; });
        if (device == directory->devices.end()) continue;
        Result<e2ee::Session> session = e2ee::Session::Initiate(
            s.device.identity, e2ee::PrekeyBundle{device->keys, bundle.signed_prekey, bundle.one_time_prekey});
        if (!session) return std::unexpected(Fail("a session with " + actor + ": " + session.error().message));
        sessions[bundle.id] = session->Serialize();
      }
    }
    if (sessions.empty() && actor != s.actor) {
      return std::unexpected(Fail(actor + " has no device that can receive encrypted messages"));
    }
    for (auto& [device, serialized] : sessions) {
      Result<e2ee::Session> session = e2ee::Session::Parse(serialized);
      if (!session) return std::unexpected(session.error());
      Result<std::string> wire = session->Encrypt(*encoded);
      if (!wire) return std::unexpected(wire.error());
      serialized = session->Serialize();
      entries.push_back({actor, device, e2ee::EncodeBase64Url(*wire)});
    }
  }
  if (s.sessions[s.actor].empty()) s.sessions.erase(s.actor);
  // The advanced ratchets are saved before anything leaves.
  if (Status saved = WriteStateFile(state_file_, s.Serialize()); !saved) return std::unexpected(saved.error());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("to");
  writer.StartArray();
  for (const std::string& actor : recipients) String(writer, actor);
  writer.EndArray();
  writer.Key("senderDevice");
  String(writer, s.device.id);
  writer.Key("entries");
  writer.StartArray();
  for (const Entry& entry : entries) {
    writer.StartObject();
    writer.Key("actor");
    String(writer, entry.actor);
    writer.Key("device");
    String(writer, entry.device);
    writer.Key("body");
    String(writer, entry.body);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  Result<rapidjson::Document> sent =
      Call(transport_, "POST", "/api/e2ee/messages", std::string(buffer.GetString(), buffer.GetSize()), 201);
  if (!sent) return std::unexpected(sent.error());
  return plaintext.id;
}

Result<ReadOutcome> MessagingClient::Read() {
  State& s = *state_;
  Result<rapidjson::Document> waiting =
      Call(transport_, "GET", "/api/e2ee/messages?device=" + s.device.id, "");
  if (!waiting) return std::unexpected(waiting.error());
  if (!waiting->IsObject() || !waiting->HasMember("messages") || !(*waiting)["messages"].IsArray()) {
    return std::unexpected(Fail("the node's message list is malformed", ErrorCode::kUnavailable));
  }
  ReadOutcome outcome;
  std::vector<std::string> acknowledged;
  std::map<std::string, Result<e2ee::KeyDirectory>> directories;
  for (const rapidjson::Value& item : (*waiting)["messages"].GetArray()) {
    if (!item.IsObject()) continue;
    std::string id = protocol::StringMember(item, "id").value_or("");
    std::string from = protocol::StringMember(item, "from").value_or("");
    std::string sender_device = protocol::StringMember(item, "senderDevice").value_or("");
    std::string body = protocol::StringMember(item, "body").value_or("");
    if (id.empty()) continue;
    auto reject = [&](std::string reason) { outcome.rejected.push_back({from, std::move(reason)}); };
    auto directory = directories.find(from);
    if (directory == directories.end()) {
      directory = directories.emplace(from, TrustedDirectory(transport_, s.peers, from)).first;
    }
    if (!directory->second && directory->second.error().code == kKeyChanged) {
      outcome.held.push_back({from, directory->second.error().message});
      continue;
    }
    acknowledged.push_back(id);
    if (!directory->second) {
      reject(directory->second.error().message);
      continue;
    }
    const auto& devices = directory->second->devices;
    auto device = std::find_if(devices.begin(), devices.end(),
                               [&](const e2ee::DirectoryDevice& d) { return d.keys.id == sender_device; });
    if (device == devices.end()) {
      reject("the sending device is not in " + from + "'s device list");
      continue;
    }
    Result<std::string> bytes = e2ee::DecodeBase64Url(body);
    if (!bytes) {
      reject("the message is not base64url");
      continue;
    }
    Result<e2ee::WireMessage> wire = e2ee::ParseWireMessage(*bytes);
    if (!wire) {
      reject(wire.error().message);
      continue;
    }
    std::optional<std::string> stored;
    if (auto peer = s.sessions.find(from); peer != s.sessions.end()) {
      if (auto found = peer->second.find(sender_device); found != peer->second.end()) stored = found->second;
    }
    std::optional<e2ee::Session> session;
    if (stored) {
      Result<e2ee::Session> parsed = e2ee::Session::Parse(*stored);
      if (!parsed) return std::unexpected(parsed.error());
      session = *std::move(parsed);
    }
    Result<std::string> plaintext = std::unexpected(Fail("no session"));
    if (wire->setup && (!session || session->setup() != *wire->setup)) {
      if (wire->setup->identity_key != device->keys.identity_key) {
        reject("the set-up message's identity key is not the sending device's");
        continue;
      }
      if (wire->setup->signed_prekey_id != s.signed_prekey.id) {
        reject("the set-up message names an unknown signed prekey");
        continue;
      }
      std::optional<e2ee::PrekeySecret> one_time;
      if (wire->setup->one_time_prekey_id != 0) {
        auto found = s.one_time_prekeys.find(wire->setup->one_time_prekey_id);
        if (found == s.one_time_prekeys.end()) {
          reject("the set-up message names a one-time prekey that was used already");
          continue;
        }
        one_time = found->second;
      }
      Result<e2ee::Session::Accepted> accepted = e2ee::Session::Accept(s.device, s.signed_prekey, one_time, *bytes);
      if (!accepted) {
        reject(accepted.error().message);
        continue;
      }
      if (one_time) s.one_time_prekeys.erase(one_time->id);
      session = std::move(accepted->session);
      plaintext = std::move(accepted->plaintext);
    } else if (session) {
      if (session->remote_identity() != device->keys.identity_key) {
        reject("the session's device key is not the sending device's");
        continue;
      }
      plaintext = session->Decrypt(*bytes);
    } else {
      reject("no session with this device: a message before this one was lost");
      continue;
    }
    if (!plaintext) {
      reject(plaintext.error().message);
      continue;
    }
    s.sessions[from][sender_device] = session->Serialize();
    Result<e2ee::MessagePlaintext> message = e2ee::ParseMessagePlaintext(*plaintext);
    if (!message) {
      reject(message.error().message);
      continue;
    }
    if (message->from != from) {
      reject("the message says it is from " + message->from);
      continue;
    }
    if (std::find(s.seen.begin(), s.seen.end(), message->id) != s.seen.end()) {
      reject("message " + message->id + " was received before (a replay)");
      continue;
    }
    s.seen.push_back(message->id);
    while (s.seen.size() > kSeenKept) s.seen.pop_front();
    outcome.messages.push_back(ReceivedMessage{.id = message->id,
                                               .from = from,
                                               .sender_device = sender_device,
                                               .to = message->to,
                                               .sent = message->sent,
                                               .content = message->content});
  }
  // New one-time prekeys when few are left on the node (claims that led to
  // no message spend them too); their secrets are saved first.
  std::vector<e2ee::SignedPrekey> fresh;
  size_t on_node = s.one_time_prekeys.size();
  if (Result<e2ee::KeyDirectory> own = FetchDirectory(transport_, s.actor)) {
    for (const e2ee::DirectoryDevice& device : own->devices) {
      if (device.keys.id == s.device.id) on_node = device.one_time_prekeys;
    }
  }
  if (on_node < kPrekeyLowWater) {
    for (uint32_t i = 0; i < kPrekeyBatch; ++i) {
      e2ee::PrekeySecret secret = e2ee::GeneratePrekey(s.next_prekey_id++);
      fresh.push_back(e2ee::SignPrekey(e2ee::PrekeyKind::kOneTime, s.device, secret));
      s.one_time_prekeys[secret.id] = secret;
    }
    while (s.one_time_prekeys.size() > kPrekeySecretsKept) s.one_time_prekeys.erase(s.one_time_prekeys.begin());
  }
  if (Status saved = WriteStateFile(state_file_, s.Serialize()); !saved) return std::unexpected(saved.error());
  if (!acknowledged.empty()) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("device");
    String(writer, s.device.id);
    writer.Key("ids");
    writer.StartArray();
    for (const std::string& id : acknowledged) String(writer, id);
    writer.EndArray();
    writer.EndObject();
    Result<rapidjson::Document> done =
        Call(transport_, "POST", "/api/e2ee/messages/ack", std::string(buffer.GetString(), buffer.GetSize()));
    if (!done) return std::unexpected(done.error());
  }
  if (!fresh.empty()) {
    Result<rapidjson::Document> uploaded = Call(transport_, "POST", "/api/e2ee/prekeys",
                                                e2ee::WritePrekeyUpload(s.device.id, e2ee::SignPrekey(e2ee::PrekeyKind::kSigned, s.device, s.signed_prekey), fresh));
    if (!uploaded) return std::unexpected(uploaded.error());
  }
  return outcome;
}

Result<PeerKeys> MessagingClient::Peer(const std::string& actor) {
  State& s = *state_;
  bool first_seen = false;
  Result<e2ee::KeyDirectory> directory = TrustedDirectory(transport_, s.peers, actor, &first_seen);
  if (!directory && directory.error().code == kKeyChanged) {
    Result<e2ee::KeyDirectory> published = FetchDirectory(transport_, actor);
    if (!published) return std::unexpected(published.error());
    if (Status valid = e2ee::VerifyKeyDirectory(*published, 1); !valid) return std::unexpected(valid.error());
    return PeerKeys{.actor = actor,
                    .safety_number = e2ee::SafetyNumber(s.actor, s.account.public_key, actor, published->account_key),
                    .verified = false,
                    .key_changed = true};
  }
  if (!directory) return std::unexpected(directory.error());
  if (Status saved = WriteStateFile(state_file_, s.Serialize()); !saved) return std::unexpected(saved.error());
  return PeerKeys{.actor = actor,
                  .safety_number = e2ee::SafetyNumber(s.actor, s.account.public_key, actor, directory->account_key),
                  .verified = s.peers[actor].verified,
                  .first_seen = first_seen};
}

Status MessagingClient::MarkVerified(const std::string& actor) {
  auto pinned = state_->peers.find(actor);
  if (pinned == state_->peers.end()) return std::unexpected(Fail("no key is pinned for " + actor + " yet", ErrorCode::kNotFound));
  pinned->second.verified = true;
  return WriteStateFile(state_file_, state_->Serialize());
}

Status MessagingClient::AcceptNewKey(const std::string& actor) {
  State& s = *state_;
  if (actor == s.actor) return std::unexpected(Fail("your own account key is not accepted this way; restore it from the backup"));
  Result<e2ee::KeyDirectory> published = FetchDirectory(transport_, actor);
  if (!published) return std::unexpected(published.error());
  if (Status valid = e2ee::VerifyKeyDirectory(*published, 1); !valid) return std::unexpected(valid.error());
  s.peers[actor] = PeerPin{published->account_key, published->version, false};
  s.sessions.erase(actor);
  return WriteStateFile(state_file_, s.Serialize());
}

Result<std::vector<std::string>> MessagingClient::Devices() {
  Result<e2ee::KeyDirectory> directory = TrustedDirectory(transport_, state_->peers, state_->actor);
  if (!directory) return std::unexpected(directory.error());
  std::vector<std::string> out;
  for (const e2ee::DirectoryDevice& device : directory->devices) out.push_back(device.keys.id);
  return out;
}

Status MessagingClient::Revoke(const std::string& device_id) {
  State& s = *state_;
  if (device_id == s.device.id) return std::unexpected(Fail("a device cannot revoke itself; revoke it from another device"));
  Result<e2ee::KeyDirectory> directory = TrustedDirectory(transport_, s.peers, s.actor);
  if (!directory) return std::unexpected(directory.error());
  std::vector<e2ee::DevicePublic> kept;
  for (const e2ee::DirectoryDevice& device : directory->devices) {
    if (device.keys.id != device_id) kept.push_back(device.keys);
  }
  if (kept.size() == directory->devices.size()) return std::unexpected(Fail(device_id + " is not in the device list", ErrorCode::kNotFound));
  if (Status published = PublishList(transport_, s.actor, s.account, directory->version + 1, kept, false); !published) {
    return published;
  }
  s.peers[s.actor].version = directory->version + 1;
  if (auto own = s.sessions.find(s.actor); own != s.sessions.end()) own->second.erase(device_id);
  return WriteStateFile(state_file_, s.Serialize());
}

Status MessagingClient::StoreBackup(std::string_view passphrase) {
  e2ee::BackupContent content{.actor = state_->actor, .account_key = state_->account.secret_key};
  Result<std::string> backup = e2ee::CreateBackup(content, passphrase);
  if (!backup) return std::unexpected(backup.error());
  Result<rapidjson::Document> stored = Call(transport_, "PUT", "/api/e2ee/backup", *backup);
  if (!stored) return std::unexpected(stored.error());
  return Ok();
}

}  // namespace parvis::messaging
