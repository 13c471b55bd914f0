#include "server/accounts/node_settings.h"

#include "parvis/protocol/json.h"

namespace parvis::accounts {
namespace {

constexpr std::string_view kKey = "node_settings";

size_t CountCharacters(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

std::optional<RegistrationMode> ParseMode(std::string_view name) {
  for (RegistrationMode mode : {RegistrationMode::kOpen, RegistrationMode::kApproval,
                                RegistrationMode::kInvite, RegistrationMode::kClosed}) {
    if (name == RegistrationModeName(mode)) return mode;
  }
  return std::nullopt;
}

}  // namespace

NodeSettings LoadNodeSettings(const storage::Store& store, const Config& config) {
  NodeSettings settings{config.node_name, config.node_description, "", config.editor_name,
                        config.editor_contact, config.registration};
  Result<std::optional<std::string>> bytes = store.Get(storage::Family::kMeta, kKey);
  if (!bytes || !bytes->has_value()) return settings;
  Result<rapidjson::Document> doc = protocol::ParseJson(**bytes, {});
  if (!doc || !doc->IsObject()) return settings;
  for (auto [key, into] : {std::pair{"node_name", &settings.node_name},
                           std::pair{"description", &settings.description},
                           std::pair{"rules", &settings.rules},
                           std::pair{"editor_name", &settings.editor_name},
                           std::pair{"editor_contact", &settings.editor_contact}}) {
    if (std::optional<std::string> value = protocol::StringMember(*doc, key)) *into = *value;
  }
  if (std::optional<std::string> mode = protocol::StringMember(*doc, "registration")) {
    settings.registration = ParseMode(*mode).value_or(settings.registration);
  }
  return settings;
}

Status SaveNodeSettings(storage::Store& store, const NodeSettings& settings) {
  struct Limit {
    const char* field;
    const std::string* value;
    size_t min, max;
  };
  for (const Limit& limit : {Limit{"node name", &settings.node_name, 1, 100},
                             Limit{"description", &settings.description, 0, 2000},
                             Limit{"rules", &settings.rules, 0, 5000},
                             Limit{"editor's name", &settings.editor_name, 0, 200},
                             Limit{"editor's contact", &settings.editor_contact, 0, 200}}) {
    size_t length = CountCharacters(*limit.value);
    if (length < limit.min || length > limit.max) {
      return Fail(ErrorCode::kInvalidArgument, std::string("the ") + limit.field + " has " +
                                                   std::to_string(limit.min) + " to " +
                                                   std::to_string(limit.max) + " characters");
    }
    if (limit.value->find('\0') != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument, std::string("the ") + limit.field + " has a NUL byte");
    }
  }
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& allocator = doc.GetAllocator();
  for (auto [key, value] : {std::pair{"node_name", &settings.node_name},
                            std::pair{"description", &settings.description},
                            std::pair{"rules", &settings.rules},
                            std::pair{"editor_name", &settings.editor_name},
                            std::pair{"editor_contact", &settings.editor_contact}}) {
    doc.AddMember(rapidjson::StringRef(key), rapidjson::Value(value->c_str(), allocator), allocator);
  }
  doc.AddMember("registration", rapidjson::StringRef(RegistrationModeName(settings.registration)), allocator);
  storage::Batch batch;
  batch.Put(storage::Family::kMeta, kKey, protocol::WriteJson(doc));
  return store.Write(batch);
}

}  // namespace parvis::accounts
