#include "server/messaging/messaging_service.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/messaging_requests.h"
#include "parvis/protocol/note_text.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_commands.h"
#include "server/federation/request_signer.h"

namespace parvis::messaging {
namespace {

namespace e2ee = protocol::e2ee;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

MessagingError Failure(int status, std::string message) { return MessagingError{status, std::move(message)}; }

MessagingError FromError(const Error& error) {
  return Failure(http::StatusForErrorCode(error.code), error.message);
}

void String(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// "https://host:port" of an absolute URL; empty if it is not one.
std::string Origin(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

// A one-time prekey as stored: id (4 bytes, big-endian) || key (32) || signature (64).
std::string EncodePrekey(const e2ee::SignedPrekey& prekey) {
  std::string out(4 + 32 + 64, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((prekey.id >> (24 - 8 * i)) & 0xff);
  std::memcpy(out.data() + 4, prekey.public_key.data(), 32);
  std::memcpy(out.data() + 36, prekey.signature.data(), 64);
  return out;
}

std::optional<e2ee::SignedPrekey> DecodePrekey(std::string_view bytes) {
  if (bytes.size() != 100) return std::nullopt;
  e2ee::SignedPrekey prekey;
  for (int i = 0; i < 4; ++i) prekey.id = (prekey.id << 8) | static_cast<unsigned char>(bytes[i]);
  std::memcpy(prekey.public_key.data(), bytes.data() + 4, 32);
  std::memcpy(prekey.signature.data(), bytes.data() + 36, 64);
  return prekey;
}

const e2ee::DirectoryDevice* FindDevice(const e2ee::KeyDirectory& directory, std::string_view id) {
  for (const e2ee::DirectoryDevice& device : directory.devices) {
    if (device.keys.id == id) return &device;
  }
  return nullptr;
}

std::string ReplayKey(std::string_view activity_id) {
  return "e2ee/" + protocol::EncodeHex(protocol::Sha256(activity_id));
}

}  // namespace

MessagingService::MessagingService(MessagingContext context)
    : context_(std::move(context)), messages_(*context_.store) {}

Result<std::optional<accounts::Account>> MessagingService::LocalAccount(std::string_view actor) const {
  const std::string prefix = context_.config->base_url + "/users/";
  if (!actor.starts_with(prefix)) return std::optional<accounts::Account>();
  std::string name(actor.substr(prefix.size()));
  if (!accounts::ValidateAccountName(name)) return std::optional<accounts::Account>();
  return context_.accounts->FindByName(name);
}

namespace {

// The stored directory of `account`, parsed; nullopt when none.
Result<std::optional<e2ee::KeyDirectory>> LoadDirectory(const MessageStore& messages,
                                                        storage::AccountId account) {
  Result<std::optional<std::string>> stored = messages.Directory(account);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return std::optional<e2ee::KeyDirectory>();
  Result<e2ee::KeyDirectory> parsed = e2ee::ParseKeyDirectory(**stored);
  if (!parsed) return std::unexpected(Error{ErrorCode::kCorruption, "stored key directory: " + parsed.error().message});
  return std::optional<e2ee::KeyDirectory>(*std::move(parsed));
}

}  // namespace

Outcome<std::string> MessagingService::DirectoryDocument(const accounts::Account& owner) const {
  Result<std::optional<e2ee::KeyDirectory>> directory = LoadDirectory(messages_, owner.id);
  if (!directory) return std::unexpected(FromError(directory.error()));
  if (!directory->has_value()) {
    return std::unexpected(Failure(404, "this account has not set up encrypted messages"));
  }
  for (e2ee::DirectoryDevice& device : (*directory)->devices) {
    Result<size_t> count = messages_.CountPrekeys(owner.id, device.keys.id);
    if (!count) return std::unexpected(FromError(count.error()));
    device.one_time_prekeys = *count;
  }
  return e2ee::WriteKeyDirectory(**directory);
}

Outcome<std::string> MessagingService::Publish(const accounts::Account& account, const rapidjson::Value& body) {
  Result<protocol::PublishRequest> request = protocol::ReadPublishRequest(body);
  if (!request) return std::unexpected(FromError(request.error()));
  federation::ActorUrls urls(context_.config->base_url);
  const std::string actor = urls.Actor(account.name);
  std::lock_guard lock(mutex_);
  Result<std::optional<e2ee::KeyDirectory>> stored = LoadDirectory(messages_, account.id);
  if (!stored) return std::unexpected(FromError(stored.error()));
  const bool same_key = stored->has_value() && (*stored)->account_key == request->account_key;
  if (stored->has_value() && !same_key && !request->reset) {
    return std::unexpected(Failure(409, "the account key differs from the published one; send \"reset\": true to replace it"));
  }
  const uint64_t min_version = same_key ? (*stored)->version + 1 : 1;
  if (same_key && request->list.version < min_version) {
    return std::unexpected(Failure(409, "the device list's version must be above " +
                                            std::to_string((*stored)->version)));
  }
  if (Status verified = e2ee::VerifyDeviceList(actor, request->account_key, request->list, min_version);
      !verified) {
    return std::unexpected(Failure(400, verified.error().message));
  }
  e2ee::KeyDirectory directory;
  directory.id = urls.E2eeKeys(account.name);
  directory.owner = actor;
  directory.account_key = request->account_key;
  directory.version = request->list.version;
  directory.signature = request->list.signature;
  storage::Batch batch;
  for (const e2ee::DevicePublic& device : request->list.devices) {
    e2ee::DirectoryDevice entry{.keys = device};
    const e2ee::DirectoryDevice* old = same_key ? FindDevice(**stored, device.id) : nullptr;
    // A device keeps its prekeys only while its keys stay the same.
    if (old && old->keys.signing_key == device.signing_key && old->keys.identity_key == device.identity_key) {
      entry.signed_prekey = old->signed_prekey;
    } else if (old) {
      messages_.ForgetDevice(batch, account.id, device.id);
    }
    directory.devices.push_back(std::move(entry));
  }
  if (stored->has_value()) {
    for (const e2ee::DirectoryDevice& old : (*stored)->devices) {
      if (!FindDevice(directory, old.keys.id)) messages_.ForgetDevice(batch, account.id, old.keys.id);
    }
  }
  messages_.PutDirectory(batch, account.id, e2ee::WriteKeyDirectory(directory));
  if (Status written = context_.store->Write(batch); !written) return std::unexpected(FromError(written.error()));
  return "{\"version\":" + std::to_string(directory.version) + ",\"devices\":" +
         std::to_string(directory.devices.size()) + "}";
}

Outcome<std::string> MessagingService::UploadPrekeys(const accounts::Account& account,
                                                     const rapidjson::Value& body) {
  Result<protocol::PrekeyUpload> upload = protocol::ReadPrekeyUpload(body);
  if (!upload) return std::unexpected(FromError(upload.error()));
  std::lock_guard lock(mutex_);
  Result<std::optional<e2ee::KeyDirectory>> directory = LoadDirectory(messages_, account.id);
  if (!directory) return std::unexpected(FromError(directory.error()));
  if (!directory->has_value()) return std::unexpected(Failure(404, "publish a device list first"));
  e2ee::DirectoryDevice* device = nullptr;
  for (e2ee::DirectoryDevice& entry : (*directory)->devices) {
    if (entry.keys.id == upload->device) device = &entry;
  }
  if (!device) return std::unexpected(Failure(404, "the device is not in the account's device list"));
  if (upload->signed_prekey) {
    if (Status valid = e2ee::VerifyPrekey(e2ee::PrekeyKind::kSigned, device->keys, *upload->signed_prekey);
        !valid) {
      return std::unexpected(Failure(400, "signedPrekey: " + valid.error().message));
    }
    device->signed_prekey = upload->signed_prekey;
  }
  for (size_t i = 0; i < upload->one_time_prekeys.size(); ++i) {
    if (Status valid = e2ee::VerifyPrekey(e2ee::PrekeyKind::kOneTime, device->keys, upload->one_time_prekeys[i]);
        !valid) {
      return std::unexpected(Failure(400, "oneTimePrekeys[" + std::to_string(i) + "]: " + valid.error().message));
    }
  }
  Result<size_t> waiting = messages_.CountPrekeys(account.id, device->keys.id);
  if (!waiting) return std::unexpected(FromError(waiting.error()));
  if (*waiting + upload->one_time_prekeys.size() > kMaxWaitingPrekeys) {
    return std::unexpected(Failure(422, "at most " + std::to_string(kMaxWaitingPrekeys) +
                                            " one-time prekeys may wait per device; " +
                                            std::to_string(*waiting) + " wait already"));
  }
  storage::Batch batch;
  for (const e2ee::SignedPrekey& prekey : upload->one_time_prekeys) {
    messages_.PutPrekey(batch, account.id, device->keys.id, prekey.id, EncodePrekey(prekey));
  }
  messages_.PutDirectory(batch, account.id, e2ee::WriteKeyDirectory(**directory));
  if (Status written = context_.store->Write(batch); !written) return std::unexpected(FromError(written.error()));
  Result<size_t> now_waiting = messages_.CountPrekeys(account.id, device->keys.id);
  if (!now_waiting) return std::unexpected(FromError(now_waiting.error()));
  return "{\"oneTimePrekeys\":" + std::to_string(*now_waiting) + "}";
}

Outcome<std::string> MessagingService::Claim(const accounts::Account& owner,
                                             const std::vector<std::string>& devices) {
  std::lock_guard lock(mutex_);
  Result<std::optional<e2ee::KeyDirectory>> directory = LoadDirectory(messages_, owner.id);
  if (!directory) return std::unexpected(FromError(directory.error()));
  if (!directory->has_value()) {
    return std::unexpected(Failure(404, "this account has not set up encrypted messages"));
  }
  storage::Batch batch;
  std::vector<e2ee::ClaimedDevice> claimed;
  std::set<std::string> seen;
  for (const std::string& id : devices) {
    if (!seen.insert(id).second) continue;
    const e2ee::DirectoryDevice* device = FindDevice(**directory, id);
    if (!device || !device->signed_prekey) continue;
    e2ee::ClaimedDevice entry{.id = id, .signed_prekey = *device->signed_prekey};
    Result<std::optional<std::string>> taken = messages_.TakePrekey(batch, owner.id, id);
    if (!taken) return std::unexpected(FromError(taken.error()));
    if (taken->has_value()) {
      entry.one_time_prekey = DecodePrekey(**taken);
      if (!entry.one_time_prekey) return std::unexpected(Failure(500, "a stored one-time prekey is malformed"));
    }
    claimed.push_back(std::move(entry));
  }
  if (batch.size() != 0) {
    if (Status written = context_.store->Write(batch); !written) return std::unexpected(FromError(written.error()));
  }
  return e2ee::WriteClaimAnswer(claimed);
}

boost::asio::awaitable<Outcome<std::string>> MessagingService::RemoteDirectoryUrl(std::string actor) {
  Result<rapidjson::Document> document = co_await context_.directory->FetchDocument(actor);
  if (!document) {
    co_return std::unexpected(Failure(502, "cannot fetch " + actor + ": " + document.error().message));
  }
  std::optional<std::string> url = protocol::StringMember(*document, "e2eeKeys");
  if (!url) co_return std::unexpected(Failure(404, actor + " does not offer encrypted messages"));
  if (Origin(*url) != Origin(actor) || Origin(*url).empty()) {
    co_return std::unexpected(Failure(502, actor + " names a key directory on another server"));
  }
  co_return *url;
}

boost::asio::awaitable<Outcome<std::string>> MessagingService::DirectoryOf(std::string actor) {
  if (Origin(actor).empty() && actor.find('@') != std::string::npos) {
    // A handle (acct:name@host, @name@host, name@host): this node's own
    // accounts directly, others by WebFinger.
    std::string handle = actor.starts_with("acct:") ? actor.substr(5) : actor;
    if (handle.starts_with("@")) handle.erase(0, 1);
    const size_t at = handle.find('@');
    if (at != std::string::npos && protocol::LowerAscii(handle.substr(at + 1)) == protocol::LowerAscii(context_.config->host)) {
      actor = federation::ActorUrls(context_.config->base_url).Actor(handle.substr(0, at));
    } else {
      Result<std::string> found =
          co_await federation::LookupAccount(*context_.client, actor, context_.config->allow_private_addresses);
      if (!found) co_return std::unexpected(Failure(404, "cannot find " + actor + ": " + found.error().message));
      actor = *std::move(found);
    }
  }
  Result<std::optional<accounts::Account>> local = LocalAccount(actor);
  if (!local) co_return std::unexpected(FromError(local.error()));
  if (local->has_value()) co_return DirectoryDocument(**local);
  if (Origin(actor).empty()) co_return std::unexpected(Failure(400, "actor must be an actor id (URL)"));
  if (Origin(actor) == context_.config->base_url) co_return std::unexpected(Failure(404, "no such account here"));
  Outcome<std::string> url = co_await RemoteDirectoryUrl(actor);
  if (!url) co_return std::unexpected(url.error());
  Result<rapidjson::Document> document = co_await context_.directory->FetchDocument(*url);
  if (!document) co_return std::unexpected(Failure(502, "cannot fetch " + *url + ": " + document.error().message));
  Result<e2ee::KeyDirectory> directory = e2ee::ParseKeyDirectory(protocol::WriteJson(*document));
  if (!directory) co_return std::unexpected(Failure(502, *url + ": " + directory.error().message));
  if (directory->owner != actor) co_return std::unexpected(Failure(502, *url + " belongs to another actor"));
  co_return e2ee::WriteKeyDirectory(*directory);
}

boost::asio::awaitable<Outcome<std::string>> MessagingService::ClaimFrom(accounts::Account caller,
                                                                         std::string actor,
                                                                         std::vector<std::string> devices) {
  Result<std::optional<accounts::Account>> local = LocalAccount(actor);
  if (!local) co_return std::unexpected(FromError(local.error()));
  if (local->has_value()) co_return Claim(**local, devices);
  if (Origin(actor).empty()) co_return std::unexpected(Failure(400, "actor must be an actor id (URL)"));
  if (Origin(actor) == context_.config->base_url) co_return std::unexpected(Failure(404, "no such account here"));
  Outcome<std::string> url = co_await RemoteDirectoryUrl(actor);
  if (!url) co_return std::unexpected(url.error());
  Result<accounts::PrivateKeyPems> pems = context_.accounts->PrivateKeys(caller);
  if (!pems) co_return std::unexpected(FromError(pems.error()));
  Result<protocol::PrivateKey> key = protocol::ParsePrivateKeyPem(pems->rsa);
  if (!key) co_return std::unexpected(FromError(key.error()));
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("devices");
  writer.StartArray();
  for (const std::string& id : devices) String(writer, id);
  writer.EndArray();
  // Two claims in one second must not carry the same signature: each
  // signature is good for one claim only.
  writer.Key("nonce");
  String(writer, protocol::RandomHex(16));
  writer.EndObject();
  federation::ActorUrls urls(context_.config->base_url);
  http::ClientRequest request{.method = "POST",
                              .url = *url + "/claim",
                              .headers = {{"Content-Type", "application/json"},
                                          {"Accept", "application/json"}},
                              .body = std::string(buffer.GetString(), buffer.GetSize())};
  request.sign = federation::CavageSigner(*std::move(key), urls.RsaKey(caller.name), context_.now);
  Result<http::ClientResponse> response = co_await context_.client->Fetch(std::move(request));
  if (!response) co_return std::unexpected(Failure(502, "cannot reach " + *url + ": " + response.error().message));
  if (response->status != 200) {
    co_return std::unexpected(Failure(502, *url + "/claim answered " + std::to_string(response->status) +
                                               ": " + response->body.substr(0, 200)));
  }
  Result<std::vector<e2ee::ClaimedDevice>> claimed = e2ee::ParseClaimAnswer(response->body);
  if (!claimed) co_return std::unexpected(Failure(502, *url + "/claim: " + claimed.error().message));
  co_return e2ee::WriteClaimAnswer(*claimed);
}

Outcome<size_t> MessagingService::FileLocally(
    storage::Batch& batch, const std::string& from, const std::string& sender_device,
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& entries) {
  std::map<std::string, std::pair<accounts::Account, e2ee::KeyDirectory>> recipients;
  size_t filed = 0;
  for (const auto& [actor, device_and_body] : entries) {
    auto found = recipients.find(actor);
    if (found == recipients.end()) {
      Result<std::optional<accounts::Account>> account = LocalAccount(actor);
      if (!account) return std::unexpected(FromError(account.error()));
      if (!account->has_value()) return std::unexpected(Failure(422, actor + " is not an account of this node"));
      Result<std::optional<e2ee::KeyDirectory>> directory = LoadDirectory(messages_, (*account)->id);
      if (!directory) return std::unexpected(FromError(directory.error()));
      if (!directory->has_value()) {
        return std::unexpected(Failure(422, actor + " has not set up encrypted messages"));
      }
      found = recipients.emplace(actor, std::pair(**account, **directory)).first;
    }
    const auto& [account, directory] = found->second;
    if (!FindDevice(directory, device_and_body.first)) {
      return std::unexpected(Failure(422, "device " + device_and_body.first + " is not in the device list of " + actor));
    }
    WaitingMessage message{.from = from,
                           .sender_device = sender_device,
                           .body = device_and_body.second,
                           .received = context_.now()};
    if (Status put = messages_.PutMessage(batch, account.id, device_and_body.first, message); !put) {
      return std::unexpected(FromError(put.error()));
    }
    ++filed;
  }
  return filed;
}

boost::asio::awaitable<Outcome<std::string>> MessagingService::Send(accounts::Account sender,
                                                                    std::string body_json) {
  Result<rapidjson::Document> body = protocol::ParseJson(body_json, {});
  if (!body) co_return std::unexpected(FromError(body.error()));
  federation::ActorUrls urls(context_.config->base_url);
  const std::string actor = urls.Actor(sender.name);
  Result<protocol::OutgoingMessage> message = protocol::ReadOutgoingMessage(*body, actor);
  if (!message) co_return std::unexpected(FromError(message.error()));
  Result<std::optional<e2ee::KeyDirectory>> own = LoadDirectory(messages_, sender.id);
  if (!own) co_return std::unexpected(FromError(own.error()));
  if (!own->has_value() || !FindDevice(**own, message->sender_device)) {
    co_return std::unexpected(Failure(403, "senderDevice is not in your published device list"));
  }
  // Entries for this node's accounts, and per remote node.
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> local;
  std::map<std::string, std::vector<const protocol::OutgoingEntry*>> remote;
  for (const protocol::OutgoingEntry& entry : message->entries) {
    if (Origin(entry.actor) == context_.config->base_url) {
      local.push_back({entry.actor, {entry.device, entry.body}});
    } else {
      remote[Origin(entry.actor)].push_back(&entry);
    }
  }
  storage::Batch batch;
  Outcome<size_t> filed = FileLocally(batch, actor, message->sender_device, local);
  if (!filed) co_return std::unexpected(filed.error());

  const std::string activity_id = context_.config->base_url + "/e2ee/messages/" + protocol::RandomHex(16);
  size_t deliveries = 0;
  for (const auto& [origin, entries] : remote) {
    // One delivery per inbox: the shared inbox when the recipients have one.
    std::map<std::string, e2ee::EncryptedEnvelope> by_inbox;
    for (const protocol::OutgoingEntry* entry : entries) {
      Result<protocol::RemoteActor> recipient = co_await context_.directory->Get(entry->actor, false);
      if (!recipient) {
        co_return std::unexpected(Failure(502, "cannot reach " + entry->actor + ": " + recipient.error().message));
      }
      const std::string& inbox = recipient->shared_inbox.empty() ? recipient->inbox : recipient->shared_inbox;
      e2ee::EncryptedEnvelope& envelope = by_inbox[inbox];
      if (std::find(envelope.to.begin(), envelope.to.end(), entry->actor) == envelope.to.end()) {
        envelope.to.push_back(entry->actor);
      }
      Result<std::string> bytes = e2ee::DecodeBase64Url(entry->body);
      if (!bytes) co_return std::unexpected(Failure(400, "an entry's body is not base64url"));
      envelope.messages.push_back({.to = entry->actor, .device = entry->device, .body = *std::move(bytes)});
    }
    for (auto& [inbox, envelope] : by_inbox) {
      const std::string id = activity_id + "/" + std::to_string(deliveries);
      envelope.id = id + "/envelope";
      envelope.attributed_to = actor;
      envelope.sender_device = message->sender_device;
      rapidjson::StringBuffer buffer;
      JsonWriter writer(buffer);
      writer.StartObject();
      writer.Key("@context");
      writer.StartArray();
      writer.String("https://www.w3.org/ns/activitystreams");
      writer.StartObject();
      for (const char* term : {"EncryptedMessage", "senderDevice", "messages", "device", "body"}) {
        writer.Key(term);
        String(writer, std::string("parvis:") + term);
      }
      writer.Key("parvis");
      writer.String("https://parvis.org/ns#");
      writer.EndObject();
      writer.EndArray();
      writer.Key("id");
      String(writer, id);
      writer.Key("type");
      writer.String("Create");
      writer.Key("actor");
      String(writer, actor);
      writer.Key("to");
      writer.StartArray();
      for (const std::string& to : envelope.to) String(writer, to);
      writer.EndArray();
      writer.Key("object");
      std::string object = e2ee::WriteEncryptedEnvelope(envelope);
      writer.RawValue(object.data(), object.size(), rapidjson::kObjectType);
      writer.EndObject();
      if (Status queued = context_.deliveries->Enqueue(batch, sender.id, inbox,
                                                       std::string(buffer.GetString(), buffer.GetSize()));
          !queued) {
        co_return std::unexpected(FromError(queued.error()));
      }
      ++deliveries;
    }
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(FromError(written.error()));
  if (deliveries != 0) context_.deliveries->Wake();
  co_return "{\"id\":\"" + activity_id + "\",\"local\":" + std::to_string(*filed) +
      ",\"deliveries\":" + std::to_string(deliveries) + "}";
}

Outcome<std::string> MessagingService::Waiting(const accounts::Account& account, const std::string& device) const {
  Result<std::optional<e2ee::KeyDirectory>> directory = LoadDirectory(messages_, account.id);
  if (!directory) return std::unexpected(FromError(directory.error()));
  if (!directory->has_value() || !FindDevice(**directory, device)) {
    return std::unexpected(Failure(404, "the device is not in your device list"));
  }
  Result<std::vector<WaitingMessage>> waiting = messages_.Waiting(account.id, device, kMessagesPerFetch);
  if (!waiting) return std::unexpected(FromError(waiting.error()));
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("messages");
  writer.StartArray();
  for (const WaitingMessage& message : *waiting) {
    writer.StartObject();
    writer.Key("id");
    String(writer, message.id);
    writer.Key("from");
    String(writer, message.from);
    writer.Key("senderDevice");
    String(writer, message.sender_device);
    writer.Key("body");
    String(writer, message.body);
    writer.Key("received");
    writer.Int64(message.received);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Outcome<std::string> MessagingService::Acknowledge(const accounts::Account& account, const rapidjson::Value& body) {
  std::optional<std::string> device = body.IsObject() ? protocol::StringMember(body, "device") : std::nullopt;
  if (!device) return std::unexpected(Failure(400, "body.device must be a string"));
  Result<std::vector<std::string>> ids = protocol::ReadStringList(body, "ids", kMessagesPerFetch);
  if (!ids) return std::unexpected(FromError(ids.error()));
  Result<std::optional<e2ee::KeyDirectory>> directory = LoadDirectory(messages_, account.id);
  if (!directory) return std::unexpected(FromError(directory.error()));
  if (!directory->has_value() || !FindDevice(**directory, *device)) {
    return std::unexpected(Failure(404, "the device is not in your device list"));
  }
  storage::Batch batch;
  for (const std::string& id : *ids) {
    if (!messages_.Acknowledge(batch, account.id, *device, id)) {
      return std::unexpected(Failure(400, "\"" + id.substr(0, 64) + "\" is not a message id"));
    }
  }
  if (Status written = context_.store->Write(batch); !written) return std::unexpected(FromError(written.error()));
  return "{\"acknowledged\":" + std::to_string(ids->size()) + "}";
}

Outcome<std::string> MessagingService::PutBackup(const accounts::Account& account, const rapidjson::Value& body) {
  if (!body.IsObject() || !protocol::StringMember(body, "ciphertext")) {
    return std::unexpected(Failure(400, "a backup is a JSON object with a \"ciphertext\" (docs/e2ee.md section 10)"));
  }
  std::string json = protocol::WriteJson(body);
  if (json.size() > kMaxBackupBytes) {
    return std::unexpected(Failure(413, "a backup is at most " + std::to_string(kMaxBackupBytes) + " bytes"));
  }
  storage::Batch batch;
  messages_.PutBackup(batch, account.id, json);
  if (Status written = context_.store->Write(batch); !written) return std::unexpected(FromError(written.error()));
  return "{\"stored\":true}";
}

Outcome<std::string> MessagingService::Backup(const accounts::Account& account) const {
  Result<std::optional<std::string>> backup = messages_.Backup(account.id);
  if (!backup) return std::unexpected(FromError(backup.error()));
  if (!backup->has_value()) return std::unexpected(Failure(404, "no key backup is stored"));
  return **backup;
}

Result<uint64_t> MessagingService::Prune() {
  return messages_.DeleteArrivedBefore(context_.now() - kMessageLifetimeSeconds);
}

std::optional<http::Response> MessagingService::Take(const rapidjson::Value& activity,
                                                     const protocol::ActivityEnvelope& envelope,
                                                     storage::Batch& batch) {
  if (envelope.type != "Create" || !activity.IsObject()) return std::nullopt;
  auto object = activity.FindMember("object");
  if (object == activity.MemberEnd() || !object->value.IsObject() ||
      protocol::StringMember(object->value, "type") != "EncryptedMessage") {
    return std::nullopt;
  }
  Result<e2ee::EncryptedEnvelope> parsed = e2ee::ParseEncryptedEnvelope(protocol::WriteJson(object->value));
  if (!parsed) return http::Response::JsonError(422, parsed.error().message);
  if (parsed->attributed_to != envelope.actor) {
    return http::Response::JsonError(422, "the envelope's attributedTo is not the activity's actor");
  }
  const std::string replay_key = ReplayKey(envelope.id);
  Result<std::optional<std::string>> seen = context_.store->Get(storage::Family::kReplay, replay_key);
  if (!seen) return http::Response::JsonError(503, "storage unavailable");
  if (seen->has_value()) return http::Response::Text(202, "");
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> entries;
  for (const e2ee::EnvelopeEntry& entry : parsed->messages) {
    entries.push_back({entry.to, {entry.device, e2ee::EncodeBase64Url(entry.body)}});
  }
  Outcome<size_t> filed = FileLocally(batch, envelope.actor, parsed->sender_device, entries);
  if (!filed) return http::Response::JsonError(filed.error().status, filed.error().message);
  batch.Put(storage::Family::kReplay, replay_key,
            storage::EncodeUint64(static_cast<uint64_t>(context_.now() + kMessageLifetimeSeconds)));
  return http::Response::Text(202, "");
}

}  // namespace parvis::messaging
