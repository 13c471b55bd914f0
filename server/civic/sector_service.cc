#include "server/civic/sector_service.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/object_record.h"

namespace parvis::civic {
namespace {

using storage::Family;

constexpr std::string_view kOverridePrefix = "actor/";
constexpr std::string_view kLogPrefix = "log/";
constexpr std::string_view kCommercialStream = "commercial/";
// Objects of a newly commercial actor added to the commercial stream at
// most: the latest ones, so a reclassification stays a short write.
constexpr size_t kMaxBackfill = 200;

// `host` is `domain` or one of its subdomains.
bool Covers(std::string_view domain, std::string_view host) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

using protocol::CountCharacters;

std::string EncodeChange(const SectorChange& change) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto member = [&](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  writer.Key("at");
  writer.Int64(change.at);
  member("moderator", change.moderator);
  member("actor", change.actor);
  member("old", protocol::SectorName(change.old_sector));
  member("new", protocol::SectorName(change.new_sector));
  member("reason", change.reason);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<SectorChange> DecodeChange(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject()) return std::nullopt;
  SectorChange change;
  if (auto it = doc->FindMember("at"); it != doc->MemberEnd() && it->value.IsInt64()) {
    change.at = it->value.GetInt64();
  }
  change.moderator = protocol::StringMember(*doc, "moderator").value_or("");
  change.actor = protocol::StringMember(*doc, "actor").value_or("");
  change.old_sector = protocol::ParseSector(protocol::StringMember(*doc, "old").value_or(""));
  change.new_sector = protocol::ParseSector(protocol::StringMember(*doc, "new").value_or(""));
  change.reason = protocol::StringMember(*doc, "reason").value_or("");
  return change;
}

}  // namespace

Sector SectorOfKind(accounts::AccountKind kind) {
  return kind == accounts::AccountKind::kCommercial ? Sector::kCommercial : Sector::kCivic;
}

const char* SectorSourceName(SectorSource source) {
  switch (source) {
    case SectorSource::kModerator: return "moderator";
    case SectorSource::kAccountKind: return "account";
    case SectorSource::kDeclared: return "declared";
    case SectorSource::kDomainPolicy: return "domain";
    case SectorSource::kNone: return "none";
  }
  return "none";
}

Sector DomainSector(const Config& config, std::string_view host) {
  size_t best = 0;
  Sector sector = Sector::kUnknown;
  // Commercial first, so a tie keeps it.
  for (auto [list, listed] : {std::pair{&config.commercial_domains, Sector::kCommercial},
                              std::pair{&config.civic_domains, Sector::kCivic}}) {
    for (const std::string& domain : *list) {
      if (Covers(domain, host) && domain.size() > best) {
        best = domain.size();
        sector = listed;
      }
    }
  }
  return sector;
}

SectorService::SectorService(storage::Store& store, const Config& config,
                             accounts::AccountService& accounts, std::function<int64_t()> now)
    : store_(store), actors_(store), config_(config), accounts_(accounts), now_(std::move(now)) {}

SectorDecision SectorService::ForAccount(const accounts::Account& account) const {
  federation::ActorUrls urls(config_.base_url);
  Result<std::optional<std::string>> set =
      store_.Get(Family::kSectors, std::string(kOverridePrefix) + urls.Actor(account.name));
  if (set && set->has_value()) {
    Result<rapidjson::Document> doc = protocol::ParseJson(**set, {});
    if (doc && doc->IsObject()) {
      Sector sector = protocol::DeclaredSector(*doc);
      if (sector != Sector::kUnknown) return {sector, SectorSource::kModerator};
    }
  }
  return {SectorOfKind(account.kind), SectorSource::kAccountKind};
}

SectorDecision SectorService::Resolve(const std::string& actor_id) const {
  federation::ActorUrls urls(config_.base_url);
  if (std::optional<std::string> name = urls.NameFromUrl(actor_id)) {
    Result<std::optional<accounts::Account>> account = accounts_.FindByName(*name);
    if (account && account->has_value()) return ForAccount(**account);
    return {};
  }
  Result<std::optional<std::string>> set =
      store_.Get(Family::kSectors, std::string(kOverridePrefix) + actor_id);
  if (set && set->has_value()) {
    Result<rapidjson::Document> doc = protocol::ParseJson(**set, {});
    if (doc && doc->IsObject()) {
      Sector sector = protocol::DeclaredSector(*doc);
      if (sector != Sector::kUnknown) return {sector, SectorSource::kModerator};
    }
  }
  Result<std::optional<std::shared_ptr<const protocol::RemoteActor>>> stored = actors_.Find(actor_id);
  if (stored && stored->has_value() && (**stored)->sector != Sector::kUnknown) {
    return {(**stored)->sector, SectorSource::kDeclared};
  }
  if (std::optional<std::string> host = federation::HostOf(actor_id)) {
    Sector sector = DomainSector(config_, *host);
    if (sector != Sector::kUnknown) return {sector, SectorSource::kDomainPolicy};
  }
  return {};
}

Result<std::string> SectorService::ActorIdOf(const std::string& target) const {
  federation::ActorUrls urls(config_.base_url);
  std::string name = target;
  if (target.starts_with("https://") || target.starts_with("http://")) {
    std::optional<std::string> local = urls.NameFromUrl(target);
    if (!local) {
      Result<std::optional<std::string>> known = store_.Get(Family::kRemoteActors, target);
      if (!known) return std::unexpected(known.error());
      if (!known->has_value()) {
        return Fail(ErrorCode::kNotFound, "no actor known here has the id " + target);
      }
      return target;
    }
    name = *local;
  } else {
    if (name.starts_with('@')) name.erase(0, 1);
    if (size_t at = name.find('@'); at != std::string::npos) {
      if (name.substr(at + 1) != config_.host) {
        return Fail(ErrorCode::kInvalidArgument,
                    "give a remote account by its actor id (the URL on its profile page), not " +
                        target);
      }
      name.resize(at);
    }
  }
  if (!accounts::ValidateAccountName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                "name an account here, @name@host or an actor id (URL), not \"" + target + "\"");
  }
  Result<std::optional<accounts::Account>> account = accounts_.FindByName(name);
  if (!account) return std::unexpected(account.error());
  if (!account->has_value()) return Fail(ErrorCode::kNotFound, "no account here is named " + name);
  return urls.Actor((*account)->name);
}

Status SectorService::AddToCommercialStream(storage::Batch& batch,
                                            const std::string& object_id) const {
  Result<uint64_t> sequence = store_.NextSequence("feed");
  if (!sequence) return std::unexpected(sequence.error());
  batch.Put(Family::kPublicFeed, std::string(kCommercialStream) + storage::EncodeUint64(*sequence),
            object_id);
  return Ok();
}

Status SectorService::NotePublicObject(storage::Batch& batch, const std::string& object_id,
                                       const std::string& author) const {
  if (Of(author) != Sector::kCommercial) return Ok();
  return AddToCommercialStream(batch, object_id);
}

Status SectorService::Backfill(const std::string& actor_id, storage::Batch& batch) const {
  federation::ActorUrls urls(config_.base_url);
  // The ids of the actor's latest objects: a local account's outbox, or
  // what this node kept of a remote actor.
  std::vector<std::string> ids;
  Status scanned = Ok();
  auto collect = [&](std::string_view, std::string_view id) {
    ids.emplace_back(id);
    return ids.size() < kMaxBackfill;
  };
  if (std::optional<std::string> name = urls.NameFromUrl(actor_id)) {
    Result<std::optional<accounts::Account>> account = accounts_.FindByName(*name);
    if (!account) return std::unexpected(account.error());
    if (!account->has_value()) return Ok();
    scanned = store_.ScanBackward(Family::kOutbox, storage::EncodeAccountId((*account)->id), "",
                                  collect);
  } else {
    scanned = store_.ScanBackward(Family::kByAuthor, actor_id + "\n", "", collect);
  }
  if (!scanned) return scanned;
  // Oldest first, so the stream keeps their order.
  std::reverse(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    Result<std::optional<std::string>> bytes = store_.Get(Family::kObjects, id);
    if (!bytes) return std::unexpected(bytes.error());
    if (!bytes->has_value()) continue;
    Result<federation::StoredObject> object = federation::DecodeObjectRecord(id, **bytes);
    if (!object || object->deleted != 0 || object->author != actor_id) continue;
    bool is_public = object->local ? object->note.visibility == protocol::Visibility::kPublic
                                   : federation::IsPublicObject(object->object);
    if (!is_public) continue;
    if (Status added = AddToCommercialStream(batch, id); !added) return added;
  }
  return Ok();
}

Result<SectorChange> SectorService::Reclassify(const std::string& target, Sector sector,
                                               const std::string& moderator,
                                               const std::string& reason) {
  if (sector == Sector::kUnknown) {
    return Fail(ErrorCode::kInvalidArgument, "the sector is civic or commercial");
  }
  size_t length = CountCharacters(reason);
  if (length == 0 || length > kMaxReasonCharacters) {
    return Fail(ErrorCode::kInvalidArgument, "a reason of 1 to 500 characters is required");
  }
  for (char c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
      return Fail(ErrorCode::kInvalidArgument, "the reason must not contain control characters");
    }
  }
  Result<std::string> actor = ActorIdOf(target);
  if (!actor) return std::unexpected(actor.error());

  std::lock_guard lock(reclassify_mutex_);
  SectorChange change{.at = now_(),
                      .moderator = moderator,
                      .actor = *actor,
                      .old_sector = Of(*actor),
                      .new_sector = sector,
                      .reason = reason};
  Result<uint64_t> sequence = store_.NextSequence("sector_log");
  if (!sequence) return std::unexpected(sequence.error());
  change.sequence = *sequence;
  storage::Batch batch;
  std::string entry = EncodeChange(change);
  // The decision record reads like an actor document's "sector" member, with
  // who decided, when and why.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("sector");
  writer.String(protocol::SectorName(sector));
  writer.Key("change");
  writer.Uint64(change.sequence);
  writer.EndObject();
  batch.Put(Family::kSectors, std::string(kOverridePrefix) + *actor,
            std::string(buffer.GetString(), buffer.GetSize()));
  batch.Put(Family::kSectors, std::string(kLogPrefix) + storage::EncodeUint64(change.sequence),
            entry);
  if (sector == Sector::kCommercial && change.old_sector != Sector::kCommercial) {
    if (Status filled = Backfill(*actor, batch); !filled) return std::unexpected(filled.error());
  }
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return change;
}

Result<std::vector<SectorChange>> SectorService::Log(size_t limit) const {
  std::vector<SectorChange> changes;
  if (limit == 0) return changes;
  Status scanned = store_.ScanBackward(
      Family::kSectors, kLogPrefix, "", [&](std::string_view key, std::string_view value) {
        if (std::optional<SectorChange> change = DecodeChange(value)) {
          change->sequence = storage::DecodeUint64(key.substr(kLogPrefix.size()));
          changes.push_back(std::move(*change));
        }
        return changes.size() < limit;
      });
  if (!scanned) return std::unexpected(scanned.error());
  return changes;
}

}  // namespace parvis::civic
