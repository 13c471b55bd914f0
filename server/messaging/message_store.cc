#include "server/messaging/message_store.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"

namespace parvis::messaging {
namespace {

using storage::AccountKey;
using storage::Family;

std::string PrekeyPrefix(const std::string& device) { return "o/" + device + "/"; }
std::string MessagePrefix(const std::string& device) { return "m/" + device + "/"; }

// The first key after every key that starts with `prefix` ('/'-terminated).
std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::string EncodeUint32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::string MessageJson(const WaitingMessage& message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("from");
  writer.String(message.from.c_str(), static_cast<rapidjson::SizeType>(message.from.size()));
  writer.Key("senderDevice");
  writer.String(message.sender_device.c_str(),
                static_cast<rapidjson::SizeType>(message.sender_device.size()));
  writer.Key("body");
  writer.String(message.body.c_str(), static_cast<rapidjson::SizeType>(message.body.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<std::optional<std::string>> MessageStore::Directory(storage::AccountId account) const {
  return store_.Get(Family::kMessages, AccountKey(account, "d"));
}

void MessageStore::PutDirectory(storage::Batch& batch, storage::AccountId account,
                                const std::string& json) const {
  batch.Put(Family::kMessages, AccountKey(account, "d"), json);
}

Result<size_t> MessageStore::CountPrekeys(storage::AccountId account, const std::string& device) const {
  size_t count = 0;
  Status scanned = store_.Scan(Family::kMessages, AccountKey(account, PrekeyPrefix(device)),
                               [&](std::string_view, std::string_view) {
                                 ++count;
                                 return true;
                               });
  if (!scanned) return std::unexpected(scanned.error());
  return count;
}

void MessageStore::PutPrekey(storage::Batch& batch, storage::AccountId account, const std::string& device,
                             uint32_t prekey_id, const std::string& json) const {
  batch.Put(Family::kMessages, AccountKey(account, PrekeyPrefix(device) + EncodeUint32(prekey_id)), json);
}

Result<std::optional<std::string>> MessageStore::TakePrekey(storage::Batch& batch,
                                                            storage::AccountId account,
                                                            const std::string& device) const {
  std::optional<std::string> taken;
  Status scanned = store_.Scan(Family::kMessages, AccountKey(account, PrekeyPrefix(device)),
                               [&](std::string_view key, std::string_view value) {
                                 batch.Delete(Family::kMessages, key);
                                 taken = std::string(value);
                                 return false;
                               });
  if (!scanned) return std::unexpected(scanned.error());
  return taken;
}

Status MessageStore::PutMessage(storage::Batch& batch, storage::AccountId account,
                                const std::string& device, const WaitingMessage& message) const {
  Result<uint64_t> sequence = store_.NextSequence("e2ee-message");
  if (!sequence) return std::unexpected(sequence.error());
  Result<storage::DataKey> key = store_.GetDataKey(account);
  if (!key) return std::unexpected(key.error());
  std::string record_key = AccountKey(
      account, MessagePrefix(device) + storage::EncodeUint64(static_cast<uint64_t>(message.received)) +
                   storage::EncodeUint64(*sequence));
  batch.PutSealed(*key, Family::kMessages, record_key, MessageJson(message));
  return Ok();
}

Result<std::vector<WaitingMessage>> MessageStore::Waiting(storage::AccountId account,
                                                          const std::string& device, size_t limit) const {
  Result<storage::DataKey> data_key = store_.GetDataKey(account);
  if (!data_key) return std::unexpected(data_key.error());
  const std::string prefix = AccountKey(account, MessagePrefix(device));
  std::vector<WaitingMessage> out;
  std::optional<Error> failure;
  Status scanned = store_.Scan(Family::kMessages, prefix, [&](std::string_view key, std::string_view value) {
    std::string_view suffix = key.substr(prefix.size());
    if (suffix.size() != 16) return true;
    Result<std::string> opened = storage::OpenSealedValue(*data_key, Family::kMessages, key, value);
    if (!opened) {
      failure = opened.error();
      return false;
    }
    Result<rapidjson::Document> record = protocol::ParseJson(*opened, {});
    if (!record || !record->IsObject()) {
      failure = Error{ErrorCode::kCorruption, "a waiting message record does not parse"};
      return false;
    }
    WaitingMessage message;
    message.id = protocol::EncodeHex(suffix);
    message.from = protocol::StringMember(*record, "from").value_or("");
    message.sender_device = protocol::StringMember(*record, "senderDevice").value_or("");
    message.body = protocol::StringMember(*record, "body").value_or("");
    message.received = static_cast<int64_t>(storage::DecodeUint64(suffix));
    out.push_back(std::move(message));
    return out.size() < limit;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return out;
}

bool MessageStore::Acknowledge(storage::Batch& batch, storage::AccountId account,
                               const std::string& device, std::string_view id) const {
  std::optional<std::string> suffix = protocol::DecodeHex(id);
  if (!suffix || suffix->size() != 16) return false;
  batch.Delete(Family::kMessages, AccountKey(account, MessagePrefix(device) + *suffix));
  return true;
}

void MessageStore::ForgetDevice(storage::Batch& batch, storage::AccountId account,
                                const std::string& device) const {
  for (const std::string& prefix : {PrekeyPrefix(device), MessagePrefix(device)}) {
    batch.DeleteRange(Family::kMessages, AccountKey(account, prefix), AccountKey(account, PrefixEnd(prefix)));
  }
}

Result<std::optional<std::string>> MessageStore::Backup(storage::AccountId account) const {
  return store_.Get(Family::kMessages, AccountKey(account, "b"));
}

void MessageStore::PutBackup(storage::Batch& batch, storage::AccountId account,
                             const std::string& json) const {
  batch.Put(Family::kMessages, AccountKey(account, "b"), json);
}

Result<uint64_t> MessageStore::DeleteArrivedBefore(int64_t oldest) {
  storage::Batch batch;
  Status scanned = store_.Scan(Family::kMessages, "", [&](std::string_view key, std::string_view) {
    // id (8) + "m/" + device + "/" + arrival (8) + sequence (8)
    if (key.size() < 8 + 2 + 1 + 16 || key.substr(8, 2) != "m/") return true;
    uint64_t arrival = storage::DecodeUint64(key.substr(key.size() - 16));
    if (static_cast<int64_t>(arrival) < oldest) batch.Delete(Family::kMessages, key);
    return batch.size() < 10000;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (batch.size() == 0) return 0;
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return batch.size();
}

}  // namespace parvis::messaging
