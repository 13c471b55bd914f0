#include "parvis/protocol/remote_actor.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

constexpr const char* kActorTypes[] = {"Person", "Service", "Application", "Group",
                                       "Organization"};

bool IsHttpUrl(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}


std::string IdMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return "";
  return FirstId(it->value).value_or("");
}

// The first type name that is an actor type, from a string or an array.
std::string ActorType(const rapidjson::Value& object) {
  auto it = object.FindMember("type");
  if (it == object.MemberEnd()) return "";
  auto check = [](const rapidjson::Value& v) -> std::string {
    if (!v.IsString()) return "";
    for (const char* type : kActorTypes) {
      if (std::string_view(v.GetString()) == type) return type;
    }
    return "";
  };
  if (it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) {
      if (std::string found = check(v); !found.empty()) return found;
    }
    return "";
  }
  return check(it->value);
}

// Calls `visit` for the member's value, or for each element if an array.
template <typename Visit>
void EachOf(const rapidjson::Value& object, const char* key, Visit visit) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return;
  if (it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) visit(v);
  } else {
    visit(it->value);
  }
}

}  // namespace

std::optional<std::string> FirstId(const rapidjson::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsObject()) {
    for (const char* key : {"id", "@id", "href"}) {
      auto it = value.FindMember(key);
      if (it != value.MemberEnd() && it->value.IsString()) {
        return std::string(it->value.GetString(), it->value.GetStringLength());
      }
    }
    return std::nullopt;
  }
  if (value.IsArray()) {
    for (const auto& element : value.GetArray()) {
      if (auto id = FirstId(element)) return id;
    }
  }
  return std::nullopt;
}

Result<RemoteActor> ParseRemoteActor(const rapidjson::Value& document) {
  if (!document.IsObject()) return Fail(ErrorCode::kInvalidArgument, "actor is not a JSON object");
  RemoteActor actor;
  actor.id = StringMember(document, "id").value_or("");
  if (!IsHttpUrl(actor.id)) return Fail(ErrorCode::kInvalidArgument, "actor has no http(s) id");
  actor.type = ActorType(document);
  if (actor.type.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "document " + actor.id + " is not an actor");
  }
  actor.inbox = IdMember(document, "inbox");
  if (!IsHttpUrl(actor.inbox)) {
    return Fail(ErrorCode::kInvalidArgument, "actor " + actor.id + " has no inbox");
  }
  actor.preferred_username = StringMember(document, "preferredUsername").value_or("");
  actor.name = StringMember(document, "name").value_or("");
  actor.outbox = IdMember(document, "outbox");
  actor.followers = IdMember(document, "followers");
  actor.url = IdMember(document, "url");
  actor.sector = DeclaredSector(document);
  // Account moves (as Mastodon does them): the ids it is also known as, and
  // where it moved.
  if (auto it = document.FindMember("alsoKnownAs"); it != document.MemberEnd()) {
    auto add = [&](const rapidjson::Value& value) {
      std::optional<std::string> id = FirstId(value);
      if (id && IsHttpUrl(*id) && actor.also_known_as.size() < 16) actor.also_known_as.push_back(*id);
    };
    if (it->value.IsArray()) {
      for (const auto& value : it->value.GetArray()) add(value);
    } else {
      add(it->value);
    }
  }
  if (std::optional<std::string> published = StringMember(document, "published")) {
    // Dates before 1970 are as unreadable as malformed ones.
    actor.published = std::max<int64_t>(ParseRfc3339(*published).value_or(0), 0);
  }
  actor.moved_to = IdMember(document, "movedTo");
  if (!IsHttpUrl(actor.moved_to)) actor.moved_to.clear();
  if (auto it = document.FindMember("endpoints");
      it != document.MemberEnd() && it->value.IsObject()) {
    actor.shared_inbox = IdMember(it->value, "sharedInbox");
    if (!IsHttpUrl(actor.shared_inbox)) actor.shared_inbox.clear();
  }
  EachOf(document, "publicKey", [&](const rapidjson::Value& key) {
    if (!key.IsObject()) return;
    RemoteKey parsed{RemoteKey::Format::kPem, StringMember(key, "id").value_or(""), IdMember(key, "owner"),
                     StringMember(key, "publicKeyPem").value_or("")};
    if (parsed.owner.empty()) parsed.owner = actor.id;
    if (!parsed.id.empty() && !parsed.material.empty()) actor.keys.push_back(std::move(parsed));
  });
  EachOf(document, "assertionMethod", [&](const rapidjson::Value& key) {
    if (!key.IsObject() || StringMember(key, "type").value_or("") != "Multikey") return;
    RemoteKey parsed{RemoteKey::Format::kMultibase, StringMember(key, "id").value_or(""),
                     IdMember(key, "controller"), StringMember(key, "publicKeyMultibase").value_or("")};
    if (parsed.owner.empty()) parsed.owner = actor.id;
    if (!parsed.id.empty() && !parsed.material.empty()) actor.keys.push_back(std::move(parsed));
  });
  return actor;
}

const RemoteKey* FindKey(const RemoteActor& actor, std::string_view key_id) {
  for (const RemoteKey& key : actor.keys) {
    if (key.id == key_id) return &key;
  }
  return nullptr;
}

std::string EncodeRemoteActor(const RemoteActor& actor) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto member = [&](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  member("id", actor.id);
  member("type", actor.type);
  member("preferredUsername", actor.preferred_username);
  member("name", actor.name);
  member("inbox", actor.inbox);
  writer.Key("endpoints");
  writer.StartObject();
  member("sharedInbox", actor.shared_inbox);
  writer.EndObject();
  member("outbox", actor.outbox);
  member("followers", actor.followers);
  member("url", actor.url);
  if (actor.sector != Sector::kUnknown) member("sector", SectorName(actor.sector));
  writer.Key("alsoKnownAs");
  writer.StartArray();
  for (const std::string& alias : actor.also_known_as) writer.String(alias.c_str(), static_cast<rapidjson::SizeType>(alias.size()));
  writer.EndArray();
  if (!actor.moved_to.empty()) member("movedTo", actor.moved_to);
  if (actor.published > 0) member("published", FormatRfc3339Utc(actor.published));
  writer.Key("publicKey");
  writer.StartArray();
  for (const RemoteKey& key : actor.keys) {
    if (key.format != RemoteKey::Format::kPem) continue;
    writer.StartObject();
    member("id", key.id);
    member("owner", key.owner);
    member("publicKeyPem", key.material);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("assertionMethod");
  writer.StartArray();
  for (const RemoteKey& key : actor.keys) {
    if (key.format != RemoteKey::Format::kMultibase) continue;
    writer.StartObject();
    member("id", key.id);
    member("type", "Multikey");
    member("controller", key.owner);
    member("publicKeyMultibase", key.material);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("fetchedAt");
  writer.Int64(actor.fetched_at);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<RemoteActor> DecodeRemoteActor(std::string_view json) {
  Result<rapidjson::Document> doc = ParseJson(json, {});
  if (!doc) return Fail(ErrorCode::kCorruption, "stored actor does not decode");
  Result<RemoteActor> actor = ParseRemoteActor(*doc);
  if (!actor) return Fail(ErrorCode::kCorruption, "stored actor: " + actor.error().message);
  if (auto it = doc->FindMember("fetchedAt"); it != doc->MemberEnd() && it->value.IsInt64()) {
    actor->fetched_at = it->value.GetInt64();
  }
  return actor;
}

}  // namespace parvis::protocol
