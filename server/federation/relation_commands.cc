#include "server/federation/relation_commands.h"

#include <variant>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/activities.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/discovery.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "server/federation/account_relations.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_store.h"
#include "server/federation/object_record.h"

namespace parvis::federation {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Bookmarks listed by GET /control/relations at most.
constexpr size_t kListedBookmarks = 1000;

bool WellFormedId(const std::string& id) {
  if (id.size() > kMaxRelationTarget) return false;
  if (!id.starts_with("https://") && !id.starts_with("http://")) return false;
  for (unsigned char c : id) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return HostOf(id).has_value();
}

// The local account behind `actor_id`, if it names one.
std::optional<accounts::Account> LocalAccount(const FollowCommandsContext& context, const std::string& actor_id) {
  ActorUrls urls(context.config->base_url);
  std::optional<std::string> name = urls.NameFromUrl(actor_id);
  if (!name || urls.Actor(*name) != actor_id) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account || !account->has_value()) return std::nullopt;
  return **account;
}

// The Block's id: changes with each new block of the same actor, so a
// receiver that keeps activity ids does not take a later one for a replay.
std::string BlockId(const std::string& actor, const Relation& block) {
  return actor + "/blocks/" +
         protocol::EncodeHex(protocol::Sha256(block.target + "\n" + std::to_string(block.since)).substr(0, 12));
}

Status Queue(const FollowCommandsContext& context, storage::Batch& batch, const accounts::Account& account,
             const protocol::RemoteActor& remote, const std::string& body) {
  return context.deliveries->Enqueue(batch, account.id, remote.inbox, body);
}

http::Response ErrorFor(const Error& error) {
  if (error.code == ErrorCode::kInvalidArgument) return http::Response::JsonError(400, error.message);
  if (error.code == ErrorCode::kNotFound) return http::Response::JsonError(404, error.message);
  return http::Response::JsonError(503, error.message);
}

// The named account of a control request, or the answer refusing it.
std::variant<accounts::Account, http::Response> NamedAccount(const FollowCommandsContext& context,
                                                             std::optional<std::string> name) {
  if (!name) return http::Response::JsonError(400, "account is a required string");
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) return http::Response::JsonError(404, "no such account");
  return std::move(**account);
}

struct Target {
  accounts::Account account;
  std::string actor_id;
  std::optional<protocol::RemoteActor> remote;  // when fetched
};

// The account and the actor named by a control request's "target" (an actor
// URL or a handle); with `fetch`, the remote actor when the node serves and
// can reach it (a block holds without it, only no one is told).
boost::asio::awaitable<std::variant<Target, http::Response>> ResolveTarget(const FollowCommandsContext& context,
                                                                            const http::Request& request, bool fetch) {
  auto named = NamedAccount(context, protocol::StringMember(request.json, "account"));
  if (auto* refused = std::get_if<http::Response>(&named)) co_return std::move(*refused);
  std::optional<std::string> target = protocol::StringMember(request.json, "target");
  if (!target || target->empty() || target->size() > kMaxRelationTarget) {
    co_return http::Response::JsonError(400, "target is a required string (an actor URL or name@host)");
  }
  Target resolved{std::move(std::get<accounts::Account>(named)), *target, std::nullopt};
  bool serving = context.serving->load();
  if (!target->starts_with("http://") && !target->starts_with("https://")) {
    Result<protocol::WebFingerResource> handle = protocol::ParseWebFingerResource(*target);
    if (!handle || handle->kind != protocol::WebFingerResource::Kind::kAccount) {
      co_return http::Response::JsonError(400, "target is neither an actor URL nor name@host");
    }
    if (handle->host == context.config->host) {
      resolved.actor_id = ActorUrls(context.config->base_url).Actor(handle->name);
      if (!LocalAccount(context, resolved.actor_id)) co_return http::Response::JsonError(404, "no such account here");
    } else {
      if (!serving) co_return http::Response::JsonError(503, "the node must be serving to reach other servers");
      Result<std::string> found =
          co_await LookupAccount(*context.client, *target, context.config->allow_private_addresses);
      if (!found) co_return ErrorFor(found.error());
      resolved.actor_id = *found;
    }
  }
  if (!WellFormedId(resolved.actor_id)) co_return http::Response::JsonError(400, "target is not an actor URL");
  if (fetch && serving && !LocalAccount(context, resolved.actor_id) &&
      !resolved.actor_id.starts_with(context.config->base_url + "/")) {
    Result<protocol::RemoteActor> remote = co_await context.directory->Get(resolved.actor_id, false);
    if (remote) {
      resolved.actor_id = remote->id;
      resolved.remote = std::move(*remote);
    } else if (remote.error().code != ErrorCode::kUnavailable) {
      // Its server answered, and it is no actor: nothing to block. (A server
      // that does not answer leaves the block in place, told to no one.)
      co_return ErrorFor(remote.error());
    }
  }
  co_return resolved;
}

// {key: value}, and for blocks whether the other server is told.
http::Response Done(const std::string& key, const std::string& value, std::optional<bool> delivered) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key(key.c_str());
  writer.String(value.c_str());
  if (delivered) {
    writer.Key("delivered");
    writer.Bool(*delivered);
  }
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

boost::asio::awaitable<http::Response> BlockCommand(const FollowCommandsContext& context, http::Request& request,
                                                    bool block) {
  auto resolved = co_await ResolveTarget(context, request, /*fetch=*/true);
  if (auto* refused = std::get_if<http::Response>(&resolved)) co_return std::move(*refused);
  Target& target = std::get<Target>(resolved);
  const protocol::RemoteActor* remote = target.remote ? &*target.remote : nullptr;
  Status done = block ? BlockActor(context, target.account, target.actor_id, remote)
                      : UnblockActor(context, target.account, target.actor_id, remote);
  if (!done) co_return ErrorFor(done.error());
  co_return Done("actor", target.actor_id, remote != nullptr);
}

boost::asio::awaitable<http::Response> MuteCommand(const FollowCommandsContext& context, http::Request& request,
                                                   bool mute) {
  bool hide = true;
  if (request.json.IsObject()) {
    if (auto it = request.json.FindMember("hide_notifications"); it != request.json.MemberEnd()) {
      if (!it->value.IsBool()) co_return http::Response::JsonError(400, "hide_notifications is true or false");
      hide = it->value.GetBool();
    }
  }
  auto resolved = co_await ResolveTarget(context, request, /*fetch=*/false);
  if (auto* refused = std::get_if<http::Response>(&resolved)) co_return std::move(*refused);
  Target& target = std::get<Target>(resolved);
  Status done = mute ? MuteActor(context, target.account, target.actor_id, hide)
                     : UnmuteActor(context, target.account, target.actor_id);
  if (!done) co_return ErrorFor(done.error());
  co_return Done("actor", target.actor_id, std::nullopt);
}

http::Response DomainCommand(const FollowCommandsContext& context, http::Request& request, bool block) {
  auto named = NamedAccount(context, protocol::StringMember(request.json, "account"));
  if (auto* refused = std::get_if<http::Response>(&named)) return std::move(*refused);
  std::optional<std::string> host = protocol::StringMember(request.json, "host");
  if (!host || host->size() > kMaxRelationTarget) return http::Response::JsonError(400, "host is a required string");
  const accounts::Account& account = std::get<accounts::Account>(named);
  Status done = block ? BlockDomain(context, account, *host) : UnblockDomain(context, account, *host);
  if (!done) return ErrorFor(done.error());
  return Done("host", *NormalizeBlockedHost(*host), std::nullopt);
}

http::Response BookmarkCommand(const FollowCommandsContext& context, http::Request& request, bool add) {
  auto named = NamedAccount(context, protocol::StringMember(request.json, "account"));
  if (auto* refused = std::get_if<http::Response>(&named)) return std::move(*refused);
  std::optional<std::string> object = protocol::StringMember(request.json, "object");
  if (!object || object->empty() || object->size() > kMaxRelationTarget) {
    return http::Response::JsonError(400, "object is a required string");
  }
  const accounts::Account& account = std::get<accounts::Account>(named);
  if (add) {
    Result<bool> added = AddBookmark(context, account, *object);
    if (!added) return ErrorFor(added.error());
    return http::Response::Json(200, std::string(R"({"added":)") + (*added ? "true" : "false") + "}");
  }
  if (Status removed = RemoveBookmark(context, account, *object); !removed) return ErrorFor(removed.error());
  return http::Response::Json(200, "{}");
}

http::Response ListRelations(const FollowCommandsContext& context, http::Request& request) {
  auto named = NamedAccount(context, request.QueryParam("account"));
  if (auto* refused = std::get_if<http::Response>(&named)) return std::move(*refused);
  const accounts::Account& account = std::get<accounts::Account>(named);
  RelationStore relations(*context.store);
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  for (auto [key, kind] : {std::pair{"blocks", RelationKind::kBlock}, std::pair{"mutes", RelationKind::kMute},
                           std::pair{"domain_blocks", RelationKind::kDomainBlock}}) {
    Result<std::vector<Relation>> list = relations.List(account.id, kind);
    if (!list) return http::Response::JsonError(503, "storage unavailable");
    writer.Key(key);
    writer.StartArray();
    for (const Relation& relation : *list) {
      writer.StartObject();
      writer.Key(kind == RelationKind::kDomainBlock ? "host" : "actor");
      writer.String(relation.target.c_str());
      writer.Key("since");
      writer.Int64(relation.since);
      if (kind == RelationKind::kMute) {
        writer.Key("hide_notifications");
        writer.Bool(relation.hide_notifications);
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  Result<std::vector<Bookmark>> bookmarks = relations.ListBookmarks(account.id, kListedBookmarks);
  if (!bookmarks) return http::Response::JsonError(503, "storage unavailable");
  writer.Key("bookmarks");
  writer.StartArray();
  for (const Bookmark& bookmark : *bookmarks) {
    writer.StartObject();
    writer.Key("object");
    writer.String(bookmark.object_id.c_str());
    writer.Key("since");
    writer.Int64(bookmark.since);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

Status Refuse(std::string message) { return std::unexpected(Error{ErrorCode::kInvalidArgument, std::move(message)}); }

}  // namespace

Status BlockActor(const FollowCommandsContext& context, const accounts::Account& account,
                  const std::string& actor_id, const protocol::RemoteActor* remote) {
  if (!WellFormedId(actor_id)) return Refuse("not an actor URL: " + actor_id.substr(0, 200));
  ActorUrls urls(context.config->base_url);
  const std::string own = urls.Actor(account.name);
  if (actor_id == own) return Refuse("an account cannot block itself");
  if (remote != nullptr && remote->id != actor_id) return Refuse("the fetched actor is not " + actor_id.substr(0, 200));
  RelationStore relations(*context.store);
  Result<std::optional<Relation>> existing = relations.Get(account.id, RelationKind::kBlock, actor_id);
  if (!existing) return std::unexpected(existing.error());
  if (existing->has_value()) return Ok();
  Relation block{actor_id, context.now(), true};
  FollowStore follows(*context.store);
  storage::Batch batch;
  relations.Put(batch, account.id, RelationKind::kBlock, block);
  // Our follow of them ends (told with Undo(Follow)), theirs of us too.
  Result<std::optional<FollowRecord>> following = follows.Get(account.id, Direction::kFollowing, actor_id);
  if (!following) return std::unexpected(following.error());
  if (following->has_value()) {
    follows.Remove(batch, account.id, Direction::kFollowing, actor_id);
    if (remote != nullptr) {
      Result<rapidjson::Document> follow =
          protocol::ParseJson(protocol::FollowActivity((*following)->activity_id, own, actor_id), {});
      if (!follow) return std::unexpected(follow.error());
      std::string undo_id = (*following)->activity_id + "/undo";
      if (Status queued = Queue(context, batch, account, *remote, protocol::UndoActivity(undo_id, own, *follow));
          !queued) {
        return queued;
      }
    }
  }
  follows.Remove(batch, account.id, Direction::kFollowers, actor_id);
  // A local actor's own records of the two follows end with them.
  if (std::optional<accounts::Account> local = LocalAccount(context, actor_id)) {
    follows.Remove(batch, local->id, Direction::kFollowers, own);
    follows.Remove(batch, local->id, Direction::kFollowing, own);
  }
  if (remote != nullptr) {
    std::string body = protocol::ReactionActivity("Block", BlockId(own, block), own, actor_id, {actor_id}, {});
    if (Status queued = Queue(context, batch, account, *remote, body); !queued) return queued;
  }
  if (Status written = context.store->Write(batch); !written) return written;
  if (remote != nullptr) context.deliveries->Wake();
  return Ok();
}

Status UnblockActor(const FollowCommandsContext& context, const accounts::Account& account,
                    const std::string& actor_id, const protocol::RemoteActor* remote) {
  if (!WellFormedId(actor_id)) return Refuse("not an actor URL: " + actor_id.substr(0, 200));
  if (remote != nullptr && remote->id != actor_id) return Refuse("the fetched actor is not " + actor_id.substr(0, 200));
  RelationStore relations(*context.store);
  Result<std::optional<Relation>> existing = relations.Get(account.id, RelationKind::kBlock, actor_id);
  if (!existing) return std::unexpected(existing.error());
  if (!existing->has_value()) return Ok();
  storage::Batch batch;
  relations.Remove(batch, account.id, RelationKind::kBlock, actor_id);
  if (remote != nullptr) {
    const std::string own = ActorUrls(context.config->base_url).Actor(account.name);
    std::string block_id = BlockId(own, **existing);
    Result<rapidjson::Document> block =
        protocol::ParseJson(protocol::ReactionActivity("Block", block_id, own, actor_id, {actor_id}, {}), {});
    if (!block) return std::unexpected(block.error());
    if (Status queued = Queue(context, batch, account, *remote, protocol::UndoActivity(block_id + "/undo", own, *block));
        !queued) {
      return queued;
    }
  }
  if (Status written = context.store->Write(batch); !written) return written;
  if (remote != nullptr) context.deliveries->Wake();
  return Ok();
}

Status MuteActor(const FollowCommandsContext& context, const accounts::Account& account,
                 const std::string& actor_id, bool hide_notifications) {
  if (!WellFormedId(actor_id)) return Refuse("not an actor URL: " + actor_id.substr(0, 200));
  if (actor_id == ActorUrls(context.config->base_url).Actor(account.name)) return Refuse("an account cannot mute itself");
  RelationStore relations(*context.store);
  Result<std::optional<Relation>> existing = relations.Get(account.id, RelationKind::kMute, actor_id);
  if (!existing) return std::unexpected(existing.error());
  // A mute again keeps its date and takes the new choice about notifications.
  int64_t since = existing->has_value() ? (*existing)->since : context.now();
  storage::Batch batch;
  relations.Put(batch, account.id, RelationKind::kMute, {actor_id, since, hide_notifications});
  return context.store->Write(batch);
}

Status UnmuteActor(const FollowCommandsContext& context, const accounts::Account& account,
                   const std::string& actor_id) {
  if (actor_id.empty() || actor_id.size() > kMaxRelationTarget) return Refuse("not an actor URL");
  storage::Batch batch;
  RelationStore(*context.store).Remove(batch, account.id, RelationKind::kMute, actor_id);
  return context.store->Write(batch);
}

Status BlockDomain(const FollowCommandsContext& context, const accounts::Account& account,
                   const std::string& host) {
  std::optional<std::string> normal = NormalizeBlockedHost(host);
  if (!normal) return Refuse("not a host name: " + host.substr(0, 200));
  std::string own_host = *NormalizeBlockedHost(context.config->host);
  std::optional<std::string> own_name = HostOf(context.config->base_url);
  if (*normal == own_host || (own_name && *normal == *own_name)) return Refuse("this node's own host cannot be blocked");
  RelationStore relations(*context.store);
  Result<std::optional<Relation>> existing = relations.Get(account.id, RelationKind::kDomainBlock, *normal);
  if (!existing) return std::unexpected(existing.error());
  storage::Batch batch;
  if (!existing->has_value()) relations.Put(batch, account.id, RelationKind::kDomainBlock, {*normal, context.now(), true});
  // Followers there go (Mastodon removes them too); no one is told.
  FollowStore follows(*context.store);
  Result<std::vector<FollowRecord>> followers = follows.List(account.id, Direction::kFollowers);
  if (!followers) return std::unexpected(followers.error());
  HiddenSet only_host;
  only_host.hosts = {*normal};
  for (const FollowRecord& follower : *followers) {
    if (only_host.Hides(follower.actor)) follows.Remove(batch, account.id, Direction::kFollowers, follower.actor);
  }
  if (batch.size() == 0) return Ok();
  return context.store->Write(batch);
}

Status UnblockDomain(const FollowCommandsContext& context, const accounts::Account& account,
                     const std::string& host) {
  std::optional<std::string> normal = NormalizeBlockedHost(host);
  if (!normal) return Refuse("not a host name: " + host.substr(0, 200));
  storage::Batch batch;
  RelationStore(*context.store).Remove(batch, account.id, RelationKind::kDomainBlock, *normal);
  return context.store->Write(batch);
}

Result<bool> AddBookmark(const FollowCommandsContext& context, const accounts::Account& account,
                         const std::string& object_id) {
  if (object_id.empty() || object_id.size() > kMaxRelationTarget) {
    return Fail(ErrorCode::kInvalidArgument, "not an object id");
  }
  Result<std::optional<std::string>> bytes = context.store->Get(storage::Family::kObjects, object_id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return Fail(ErrorCode::kNotFound, "no such post here");
  Result<StoredObject> object = DecodeObjectRecord(object_id, **bytes);
  if (!object || object->deleted != 0) return Fail(ErrorCode::kNotFound, "no such post here");
  return RelationStore(*context.store).AddBookmark(account.id, object_id, context.now());
}

Status RemoveBookmark(const FollowCommandsContext& context, const accounts::Account& account,
                      const std::string& object_id) {
  if (object_id.empty() || object_id.size() > kMaxRelationTarget) return Refuse("not an object id");
  return RelationStore(*context.store).RemoveBookmark(account.id, object_id);
}

void AddRelationCommands(http::Router& router, const FollowCommandsContext& context) {
  http::RouteOptions json{.json_body = true};
  for (bool on : {true, false}) {
    router.AddAsync(
        "POST", on ? "/control/block" : "/control/unblock",
        [context, on](http::Request& request) { return BlockCommand(context, request, on); }, json);
    router.AddAsync(
        "POST", on ? "/control/mute" : "/control/unmute",
        [context, on](http::Request& request) { return MuteCommand(context, request, on); }, json);
    router.Add(
        "POST", on ? "/control/domain-block" : "/control/domain-unblock",
        [context, on](http::Request& request) { return DomainCommand(context, request, on); }, json);
    router.Add(
        "POST", on ? "/control/bookmark" : "/control/unbookmark",
        [context, on](http::Request& request) { return BookmarkCommand(context, request, on); }, json);
  }
  router.Add("GET", "/control/relations",
             [context](http::Request& request) { return ListRelations(context, request); });
}

}  // namespace parvis::federation
