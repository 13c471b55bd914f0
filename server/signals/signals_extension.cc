#include "server/signals/signals_extension.h"

#include <spdlog/spdlog.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/object_record.h"

namespace parvis::signals {
namespace {

using storage::Family;

// The embedded object of `activity`, if it is an object.
const rapidjson::Value* Embedded(const rapidjson::Value& activity) {
  auto it = activity.FindMember("object");
  if (it == activity.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

// Kinds of objects whose texts are compared (those the inbox keeps).
bool IsContentType(std::string_view type) {
  for (std::string_view kept : {"Note", "Article", "Question", "Page", "Event", "Video"}) {
    if (type == kept) return true;
  }
  return false;
}

}  // namespace

boost::asio::awaitable<federation::ExtensionOutcome> SignalsExtension::Act(
    const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope, storage::Batch& batch) {
  if (Status recorded = Record(activity, envelope, batch); !recorded) {
    spdlog::warn("amplification signals: {}: {}", envelope.id, recorded.error().message);
  }
  co_return federation::ExtensionOutcome::kNotMine;
}

Status SignalsExtension::Reaction(const protocol::ActivityEnvelope& envelope, storage::Batch& batch,
                                  bool added) {
  const std::string& object = envelope.object_id;
  std::string author;
  if (object.starts_with(base_url_ + "/")) {
    // A local object must exist: ids made up to fill the records are not kept.
    Result<std::optional<std::string>> stored = store_.Get(Family::kObjects, object);
    if (!stored) return std::unexpected(stored.error());
    if (!stored->has_value()) return Ok();
    Result<federation::StoredObject> record = federation::DecodeObjectRecord(object, **stored);
    if (!record || record->deleted != 0) return Ok();
    author = record->author;
  }
  Kind kind = envelope.type == "Like" ? Kind::kLike : Kind::kBoost;
  return recorder_.Amplify(batch, object, author, envelope.actor, kind, added);
}

Status SignalsExtension::Record(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
                                storage::Batch& batch) {
  if (envelope.type == "Like") return Reaction(envelope, batch, true);
  if (envelope.type == "Announce") {
    // A group's announce of a member's activity (FEP-1b12) is no boost.
    if (const rapidjson::Value* embedded = Embedded(activity); embedded && embedded->HasMember("actor")) return Ok();
    return Reaction(envelope, batch, true);
  }
  if (envelope.type == "Undo") {
    // The undone activity: embedded (Mastodon), or one stored earlier.
    std::optional<rapidjson::Document> stored;
    const rapidjson::Value* undone = Embedded(activity);
    if (undone == nullptr && !envelope.object_id.empty()) {
      Result<std::optional<std::string>> receipt = store_.Get(Family::kActivities, envelope.object_id);
      if (receipt && receipt->has_value()) {
        Result<rapidjson::Document> doc = protocol::ParseJson(**receipt, {.max_bytes = 64 << 20});
        if (doc && doc->IsObject() && doc->HasMember("activity")) {
          stored.emplace();
          stored->CopyFrom((*doc)["activity"], stored->GetAllocator());
          undone = &*stored;
        }
      }
    }
    if (undone == nullptr) return Ok();
    Result<protocol::ActivityEnvelope> inner = protocol::ReadActivityEnvelope(*undone);
    // Only the author of an amplification may undo it.
    if (!inner || inner->actor != envelope.actor) return Ok();
    if (inner->type == "Like" || inner->type == "Announce") return Reaction(*inner, batch, false);
    return Ok();
  }
  if (envelope.type == "Create") {
    const rapidjson::Value* object = Embedded(activity);
    if (object == nullptr) return Ok();
    std::string type = protocol::StringMember(*object, "type").value_or("");
    std::string id = protocol::StringMember(*object, "id").value_or("");
    std::string author;
    if (auto it = object->FindMember("attributedTo"); it != object->MemberEnd()) {
      author = protocol::FirstId(it->value).value_or("");
    }
    // As the inbox keeps objects: the sender's own, on its own host, public.
    if (!IsContentType(type) || id.empty() || author != envelope.actor ||
        HostOf(id) != HostOf(envelope.actor) || !federation::IsPublicObject(*object)) {
      return Ok();
    }
    return recorder_.NoteText(batch, id, author, protocol::StringMember(*object, "content").value_or(""));
  }
  return Ok();
}

}  // namespace parvis::signals
