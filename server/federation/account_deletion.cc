#include "server/federation/account_deletion.h"

#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/accounts/account_erasure.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"

namespace parvis::federation {

std::string DeleteActorActivity(const std::string& actor, int64_t now) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("@context");
  writer.String("https://www.w3.org/ns/activitystreams");
  writer.Key("id");
  std::string id = actor + "#delete-" + std::to_string(now);
  writer.String(id.c_str());
  writer.Key("type");
  writer.String("Delete");
  writer.Key("actor");
  writer.String(actor.c_str());
  writer.Key("object");
  writer.String(actor.c_str());
  writer.Key("to");
  writer.StartArray();
  writer.String("https://www.w3.org/ns/activitystreams#Public");
  writer.EndArray();
  writer.Key("published");
  writer.String(protocol::FormatRfc3339Utc(now).c_str());
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::vector<std::string>> KnownServerInboxes(storage::Store& store, const ActorDirectory& directory,
                                                    storage::AccountId account) {
  std::set<std::string> inboxes;
  FollowStore follows(store);
  for (Direction direction : {Direction::kFollowers, Direction::kFollowing}) {
    Result<std::vector<FollowRecord>> listed = follows.List(account, direction);
    if (!listed) return std::unexpected(listed.error());
    for (const FollowRecord& follow : *listed) {
      Result<std::optional<protocol::RemoteActor>> remote = directory.Stored(follow.actor);
      if (!remote || !remote->has_value()) continue;
      inboxes.insert((*remote)->shared_inbox.empty() ? (*remote)->inbox : (*remote)->shared_inbox);
    }
  }
  return std::vector<std::string>(inboxes.begin(), inboxes.end());
}

Result<DeletionOutcome> DeleteAccount(const FollowCommandsContext& context, const accounts::Account& account) {
  const std::string actor = ActorUrls(context.config->base_url).Actor(account.name);
  const int64_t now = context.now();
  // Every server that knows the account hears of it: followers and followed.
  Result<std::vector<std::string>> inboxes = KnownServerInboxes(*context.store, *context.directory, account.id);
  if (!inboxes) return std::unexpected(inboxes.error());
  if (Status stripped = context.accounts->StripProfile(account.id); !stripped) return std::unexpected(stripped.error());
  storage::Batch batch;
  Result<size_t> erased = accounts::EraseAccountContent(*context.store, account, actor, now, batch);
  if (!erased) return std::unexpected(erased.error());
  const std::string body = DeleteActorActivity(actor, now);
  for (const std::string& inbox : *inboxes) {
    if (Status queued = context.deliveries->Enqueue(batch, account.id, inbox, body); !queued) {
      return std::unexpected(queued.error());
    }
  }
  if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
  if (!inboxes->empty()) context.deliveries->Wake();
  return DeletionOutcome{*erased, inboxes->size()};
}

Result<std::vector<storage::AccountId>> FinishErasures(storage::Store& store) {
  Result<std::vector<storage::AccountId>> pending = accounts::PendingErasures(store);
  if (!pending) return pending;
  std::vector<storage::AccountId> finished;
  for (storage::AccountId id : *pending) {
    Status done = accounts::FinishAccountErasure(store, id);
    if (done) {
      finished.push_back(id);
    } else if (done.error().code != ErrorCode::kBusy) {
      return std::unexpected(done.error());
    }
  }
  return finished;
}

void AddAccountDeletionCommands(http::Router& router, const FollowCommandsContext& context) {
  router.Add("POST", "/control/accounts/delete",
             [context](http::Request& request) {
               std::optional<std::string> name =
                   request.json.IsObject() ? protocol::StringMember(request.json, "account") : std::nullopt;
               if (!name) return http::Response::JsonError(400, "account (a name) is required");
               if (!context.serving->load()) {
                 return http::Response::JsonError(
                     409, "the node must be serving: deleting an account tells the servers that know it");
               }
               Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
               if (!account) return http::Response::FromError(account.error());
               if (!account->has_value()) return http::Response::JsonError(404, "no such account");
               Result<DeletionOutcome> outcome = DeleteAccount(context, **account);
               if (!outcome) return http::Response::FromError(outcome.error());
               return http::Response::Json(200, R"({"account":")" + (*account)->name + R"(","erased":)" +
                                                    std::to_string(outcome->erased) + R"(,"deliveries":)" +
                                                    std::to_string(outcome->deliveries) + "}");
             },
             {.json_body = true});
  router.Add("POST", "/control/accounts/finish-erasures", [context](http::Request&) {
    Result<std::vector<storage::AccountId>> finished = FinishErasures(*context.store);
    if (!finished) return http::Response::FromError(finished.error());
    Result<std::vector<storage::AccountId>> waiting = accounts::PendingErasures(*context.store);
    if (!waiting) return http::Response::FromError(waiting.error());
    auto list = [](const std::vector<storage::AccountId>& ids) {
      std::string out = "[";
      for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
      return out + "]";
    };
    return http::Response::Json(200, R"({"finished":)" + list(*finished) + R"(,"waiting":)" + list(*waiting) + "}");
  });
}

}  // namespace parvis::federation
