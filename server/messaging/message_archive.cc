#include "server/messaging/message_archive.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/e2ee.h"
#include "server/messaging/message_store.h"

namespace parvis::messaging {

accounts::ArchiveSection MessagingSection(storage::Store& store) {
  accounts::ArchiveSection section;
  section.files = {
      {"encrypted_messages.json", "your encrypted-messaging key directory (public keys), the messages still waiting "
                                  "for your devices as ciphertext (only your devices can open them), and your "
                                  "passphrase-encrypted key backup; docs/e2ee.md explains each"},
  };
  storage::Store* db = &store;
  section.write = [db](const accounts::Account& account, const std::string&, accounts::TarWriter& tar) -> Status {
    MessageStore messages(*db);
    Result<std::optional<std::string>> directory = messages.Directory(account.id);
    if (!directory) return std::unexpected(directory.error());
    Result<std::optional<std::string>> backup = messages.Backup(account.id);
    if (!backup) return std::unexpected(backup.error());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    auto text = [&](std::string_view value) { writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size())); };
    writer.StartObject();
    writer.Key("keyDirectory");
    if (directory->has_value()) {
      writer.RawValue((*directory)->data(), (*directory)->size(), rapidjson::kObjectType);
    } else {
      writer.Null();
    }
    writer.Key("waiting");
    writer.StartArray();
    if (directory->has_value()) {
      Result<protocol::e2ee::KeyDirectory> parsed = protocol::e2ee::ParseKeyDirectory(**directory);
      if (!parsed) return std::unexpected(parsed.error());
      for (const protocol::e2ee::DirectoryDevice& device : parsed->devices) {
        Result<std::vector<WaitingMessage>> waiting = messages.Waiting(account.id, device.keys.id, SIZE_MAX);
        if (!waiting) return std::unexpected(waiting.error());
        for (const WaitingMessage& message : *waiting) {
          writer.StartObject();
          writer.Key("device");
          text(device.keys.id);
          writer.Key("from");
          text(message.from);
          writer.Key("senderDevice");
          text(message.sender_device);
          writer.Key("received");
          writer.Int64(message.received);
          writer.Key("body");
          text(message.body);
          writer.EndObject();
        }
      }
    }
    writer.EndArray();
    writer.Key("keyBackup");
    if (backup->has_value()) {
      writer.RawValue((*backup)->data(), (*backup)->size(), rapidjson::kObjectType);
    } else {
      writer.Null();
    }
    writer.EndObject();
    return tar.Add("encrypted_messages.json", std::string(buffer.GetString(), buffer.GetSize()));
  };
  return section;
}

}  // namespace parvis::messaging
