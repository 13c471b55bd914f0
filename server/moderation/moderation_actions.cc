// What each moderation action does, and what an appeal upheld undoes
// (docs/moderation.md, "Actions"):
//
//   action           takes effect                                  undone by an appeal
//   dismiss          nothing                                       (nothing to undo)
//   remove-object    local: deleted, Delete federated;             remote posts come back;
//                    remote: dropped here                          local ones cannot
//   mark-sensitive   local: content warning added, Update sent;    the warning before is put back
//                    remote: content warning added here            (local: with an Update)
//   limit-account    out of public timelines, shown to followers   lifted
//   suspend-account  hidden everywhere here, signed requests 403;  lifted; other servers learn the
//                    local: sign-in refused, actor 410, Delete     account again when it next
//                    of the actor sent to the servers that know it  writes to them
//   block-domain     the server refused both ways, deliveries      lifted; removed follows stay
//                    to it dropped, follows with it removed        removed
//   reclassify       the actor's sector corrected                  the sector before is put back
#include <set>

#include <spdlog/spdlog.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/sector.h"
#include "server/accounts/session_store.h"
#include "server/accounts/token_store.h"
#include "server/civic/sector_service.h"
#include "server/federation/account_deletion.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"
#include "server/federation/object_record.h"
#include "server/moderation/moderation_common.h"
#include "server/moderation/moderation_service.h"

namespace parvis::moderation {
namespace {

using protocol::ModerationAction;
using storage::Family;

std::string DecisionKey(std::string_view prefix, std::string_view subject) {
  return std::string(prefix) + std::string(subject);
}

// The remote object with its content warning set (or put back to `summary`).
std::string WithSummary(const federation::StoredObject& stored, bool sensitive, const std::string& summary) {
  rapidjson::Document object;
  object.CopyFrom(stored.object, object.GetAllocator());
  auto& allocator = object.GetAllocator();
  object.RemoveMember("summary");
  object.RemoveMember("sensitive");
  if (!summary.empty()) {
    object.AddMember("summary", rapidjson::Value(summary.c_str(), allocator), allocator);
  }
  if (sensitive) object.AddMember("sensitive", true, allocator);
  return federation::EncodeRemoteRecord(stored.author, object, stored.deleted);
}

}  // namespace

boost::asio::awaitable<Status> ModerationService::SetSensitive(const std::string& object_id, bool sensitive,
                                                               const std::string& summary_before,
                                                               Decision* decision) {
  Result<std::optional<federation::StoredObject>> stored = context_.posts->Get(object_id);
  if (!stored) co_return std::unexpected(stored.error());
  if (!stored->has_value() || (*stored)->deleted != 0) co_return Ok();
  federation::StoredObject& object = **stored;
  std::string current = object.local ? object.note.summary
                                     : protocol::StringMember(object.object, "summary").value_or("");
  // Marking keeps a warning the author wrote; undoing puts back what was.
  std::string summary = sensitive ? (current.empty() ? std::string(kSensitiveWarning) : current) : summary_before;
  if (decision != nullptr) decision->undo.emplace_back(object_id, current);
  if (object.local) {
    if (summary == current) co_return Ok();
    Result<std::optional<accounts::Account>> author = context_.accounts->FindById(object.account);
    if (!author) co_return std::unexpected(author.error());
    if (!author->has_value()) co_return Ok();
    if (object.source.empty()) {
      co_return Fail(ErrorCode::kUnsupported, "the post " + object_id + " has no source text to edit");
    }
    federation::PostDraft draft;
    draft.text = object.source;
    draft.summary = summary;
    draft.in_reply_to = object.note.in_reply_to;
    // The author's own edit: the Update goes to the post's audience.
    co_return co_await context_.posts->Edit(**author, object_id, std::move(draft));
  }
  storage::Batch batch;
  batch.Put(Family::kObjects, object_id, WithSummary(object, sensitive, summary));
  co_return context_.store->Write(batch);
}

Status ModerationService::RemoveFollowsWith(const std::string& host) {
  // Every local account's follows with the blocked server, both ways.
  storage::Batch batch;
  size_t removed = 0;
  Status scanned = context_.store->Scan(Family::kFollows, "", [&](std::string_view key, std::string_view) {
    if (key.size() <= 8) return true;
    std::string_view rest = key.substr(8);
    for (std::string_view direction : {std::string_view("followers/"), std::string_view("following/")}) {
      if (!rest.starts_with(direction)) continue;
      std::string_view actor = rest.substr(direction.size());
      std::optional<std::string> actor_host = federation::HostOf(actor);
      if (actor_host && (*actor_host == host || actor_host->ends_with("." + host))) {
        batch.Delete(Family::kFollows, key);
        ++removed;
      }
    }
    return true;
  });
  if (!scanned) return scanned;
  if (removed == 0) return Ok();
  spdlog::info("moderation: {} follows with the blocked server {} removed", removed, host);
  return context_.store->Write(batch);
}

Status ModerationService::SendActorDelete(const accounts::Account& account) {
  const std::string actor = federation::ActorUrls(context_.config->base_url).Actor(account.name);
  Result<std::vector<std::string>> inboxes =
      federation::KnownServerInboxes(*context_.store, *context_.directory, account.id);
  if (!inboxes) return std::unexpected(inboxes.error());
  if (inboxes->empty()) return Ok();
  storage::Batch batch;
  const std::string body = federation::DeleteActorActivity(actor, context_.now());
  for (const std::string& inbox : *inboxes) {
    if (Status queued = context_.deliveries->Enqueue(batch, account.id, inbox, body); !queued) return queued;
  }
  if (Status written = context_.store->Write(batch); !written) return written;
  context_.deliveries->Wake();
  return Ok();
}

boost::asio::awaitable<Status> ModerationService::Apply(const Report& report, Decision& decision) {
  federation::ActorUrls urls(context_.config->base_url);
  std::optional<std::string> local_name = urls.NameFromUrl(report.target);
  bool this_node = SameHost(report.target, context_.config->base_url);
  switch (decision.action) {
    case ModerationAction::kDismiss:
      co_return Ok();
    case ModerationAction::kRemoveObject: {
      if (report.objects.empty()) co_return Fail(ErrorCode::kInvalidArgument, "the report names no post to remove");
      for (const std::string& id : report.objects) {
        Result<std::optional<federation::StoredObject>> stored = context_.posts->Get(id);
        if (!stored) co_return std::unexpected(stored.error());
        if (!stored->has_value() || (*stored)->deleted != 0) continue;
        if ((*stored)->local) {
          // The author's own deletion: Tombstone here, Delete to its audience.
          Result<std::optional<accounts::Account>> author = context_.accounts->FindById((*stored)->account);
          if (!author) co_return std::unexpected(author.error());
          if (!author->has_value()) continue;
          if (Status deleted = co_await context_.posts->Delete(**author, id); !deleted) co_return deleted;
        } else {
          // Another server's post: gone from this node.
          storage::Batch batch;
          batch.Put(Family::kObjects, id,
                    federation::EncodeRemoteRecord((*stored)->author, (*stored)->object, context_.now()));
          if (Status written = context_.store->Write(batch); !written) co_return written;
        }
      }
      co_return Ok();
    }
    case ModerationAction::kMarkSensitive: {
      if (report.objects.empty()) co_return Fail(ErrorCode::kInvalidArgument, "the report names no post to mark");
      for (const std::string& id : report.objects) {
        if (Status marked = co_await SetSensitive(id, true, "", &decision); !marked) co_return marked;
      }
      co_return Ok();
    }
    case ModerationAction::kReclassify: {
      if (context_.sectors == nullptr) co_return Fail(ErrorCode::kUnsupported, "sectors are not kept on this node");
      protocol::Sector sector = protocol::ParseSector(decision.sector);
      if (sector == protocol::Sector::kUnknown) {
        co_return Fail(ErrorCode::kInvalidArgument, "reclassify needs a sector: civic or commercial");
      }
      Result<civic::SectorChange> change =
          context_.sectors->Reclassify(report.target, sector, decision.moderator, decision.reason);
      if (!change) co_return std::unexpected(change.error());
      decision.undo.emplace_back("sector", protocol::SectorName(change->old_sector));
      co_return Ok();
    }
    case ModerationAction::kLimitAccount:
    case ModerationAction::kSuspendAccount:
    case ModerationAction::kBlockDomain: {
      if (this_node && !local_name) co_return Fail(ErrorCode::kInvalidArgument, "the reported actor is not an account");
      std::optional<std::string> host = federation::HostOf(report.target);
      if (!host) co_return Fail(ErrorCode::kInvalidArgument, "the reported actor has no host");
      if (decision.action == ModerationAction::kBlockDomain && this_node) {
        co_return Fail(ErrorCode::kInvalidArgument, "this node cannot block itself");
      }
      std::optional<accounts::Account> local;
      if (local_name) {
        Result<std::optional<accounts::Account>> found = context_.accounts->FindByName(*local_name);
        if (!found) co_return std::unexpected(found.error());
        if (!found->has_value()) co_return Fail(ErrorCode::kNotFound, "the reported account no longer exists");
        local = std::move(**found);
      }
      std::string_view prefix = decision.action == ModerationAction::kSuspendAccount ? kSuspendedPrefix
                                : decision.action == ModerationAction::kLimitAccount ? kLimitedPrefix
                                                                                       : kBlockedHostPrefix;
      std::string subject = decision.action == ModerationAction::kBlockDomain ? *host : report.target;
      storage::Batch batch;
      batch.Put(Family::kModeration, DecisionKey(prefix, subject), storage::EncodeUint64(report.id));
      if (Status written = context_.store->Write(batch); !written) co_return written;
      if (decision.action == ModerationAction::kSuspendAccount) {
        context_.policy->SuspendActor(subject);
        if (local) {
          // Signed out everywhere, its clients' tokens revoked, and the
          // servers that know the account forget it.
          if (Status ended = accounts::SessionStore(*context_.store).EndAll(local->id); !ended) co_return ended;
          if (Status revoked = accounts::TokenStore(*context_.store).RevokeAll(local->id); !revoked) co_return revoked;
          co_return SendActorDelete(*local);
        }
      } else if (decision.action == ModerationAction::kLimitAccount) {
        context_.policy->LimitActor(subject);
      } else {
        context_.policy->BlockHost(subject);
        co_return RemoveFollowsWith(subject);
      }
      co_return Ok();
    }
  }
  co_return Fail(ErrorCode::kInvalidArgument, "unknown action");
}

boost::asio::awaitable<Status> ModerationService::Reverse(const Report& report) {
  const Decision& decision = *report.decision;
  switch (decision.action) {
    case ModerationAction::kDismiss:
      co_return Ok();
    case ModerationAction::kRemoveObject: {
      // Another server's posts come back; a local post's Delete has gone.
      for (const std::string& id : report.objects) {
        Result<std::optional<federation::StoredObject>> stored = context_.posts->Get(id);
        if (!stored) co_return std::unexpected(stored.error());
        if (!stored->has_value() || (*stored)->local || (*stored)->deleted == 0) continue;
        storage::Batch batch;
        batch.Put(Family::kObjects, id, federation::EncodeRemoteRecord((*stored)->author, (*stored)->object, 0));
        if (Status written = context_.store->Write(batch); !written) co_return written;
      }
      co_return Ok();
    }
    case ModerationAction::kMarkSensitive: {
      for (const auto& [id, summary] : decision.undo) {
        if (Status put_back = co_await SetSensitive(id, false, summary, nullptr); !put_back) co_return put_back;
      }
      co_return Ok();
    }
    case ModerationAction::kReclassify: {
      if (context_.sectors == nullptr) co_return Ok();
      for (const auto& [what, sector] : decision.undo) {
        if (what != "sector" || protocol::ParseSector(sector) == protocol::Sector::kUnknown) continue;
        Result<civic::SectorChange> back = context_.sectors->Reclassify(
            report.target, protocol::ParseSector(sector), decision.moderator, "appeal upheld");
        if (!back) co_return std::unexpected(back.error());
      }
      co_return Ok();
    }
    case ModerationAction::kLimitAccount:
    case ModerationAction::kSuspendAccount:
    case ModerationAction::kBlockDomain: {
      std::optional<std::string> host = federation::HostOf(report.target);
      if (!host) co_return Ok();
      std::string_view prefix = decision.action == ModerationAction::kSuspendAccount ? kSuspendedPrefix
                                : decision.action == ModerationAction::kLimitAccount ? kLimitedPrefix
                                                                                       : kBlockedHostPrefix;
      std::string subject = decision.action == ModerationAction::kBlockDomain ? *host : report.target;
      // Only when this report's decision is the one in force.
      Result<std::optional<std::string>> in_force = context_.store->Get(Family::kModeration, DecisionKey(prefix, subject));
      if (!in_force) co_return std::unexpected(in_force.error());
      if (!in_force->has_value() || **in_force != storage::EncodeUint64(report.id)) co_return Ok();
      storage::Batch batch;
      batch.Delete(Family::kModeration, DecisionKey(prefix, subject));
      if (Status written = context_.store->Write(batch); !written) co_return written;
      if (decision.action == ModerationAction::kSuspendAccount) {
        context_.policy->UnsuspendActor(subject);
      } else if (decision.action == ModerationAction::kLimitAccount) {
        context_.policy->UnlimitActor(subject);
      } else {
        context_.policy->UnblockHost(subject);
      }
      co_return Ok();
    }
  }
  co_return Ok();
}

Status ModerationService::LoadDecisions() {
  for (std::string_view prefix : {kSuspendedPrefix, kLimitedPrefix, kBlockedHostPrefix}) {
    Status scanned = context_.store->Scan(Family::kModeration, std::string(prefix),
                                          [&](std::string_view key, std::string_view) {
                                            std::string value(key.substr(prefix.size()));
                                            if (prefix == kSuspendedPrefix) {
                                              context_.policy->SuspendActor(std::move(value));
                                            } else if (prefix == kLimitedPrefix) {
                                              context_.policy->LimitActor(std::move(value));
                                            } else {
                                              context_.policy->BlockHost(std::move(value));
                                            }
                                            return true;
                                          });
    if (!scanned) return scanned;
  }
  return Ok();
}

Result<std::optional<Report>> SuspensionOf(storage::Store& store, const std::string& actor) {
  Result<std::optional<std::string>> key = store.Get(Family::kModeration, DecisionKey(kSuspendedPrefix, actor));
  if (!key) return std::unexpected(key.error());
  if (!key->has_value() || (*key)->size() != 8) return std::optional<Report>();
  return ReportStore(store).Get(storage::DecodeUint64(**key));
}

}  // namespace parvis::moderation
