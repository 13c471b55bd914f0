#include "server/federation/account_move.h"

#include <algorithm>
#include <set>
#include <variant>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"

namespace parvis::federation {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

struct Request {
  accounts::Account account;
  protocol::RemoteActor other;  // fetched afresh
};

// The account named in `name_member` and the actor `other_member` names,
// fetched again so that its alsoKnownAs is current.
boost::asio::awaitable<std::variant<Request, http::Response>> Read(const FollowCommandsContext* context,
                                                                  const http::Request* request,
                                                                  const char* other_member) {
  if (!context->serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to reach other servers");
  }
  std::optional<std::string> name = protocol::StringMember(request->json, "account");
  std::optional<std::string> other = protocol::StringMember(request->json, other_member);
  if (!name || !other) {
    co_return http::Response::JsonError(400, std::string("account and ") + other_member + " are required strings");
  }
  Result<std::optional<accounts::Account>> account = context->accounts->FindByName(*name);
  if (!account) co_return http::Response::FromError(account.error());
  if (!account->has_value()) co_return http::Response::JsonError(404, "no such account");
  std::string actor_id = *other;
  if (!other->starts_with("http://") && !other->starts_with("https://")) {
    Result<std::string> found =
        co_await LookupAccount(*context->client, *other, context->config->allow_private_addresses);
    if (!found) co_return http::Response::JsonError(404, "cannot find " + *other + ": " + found.error().message);
    actor_id = *found;
  }
  if (actor_id == ActorUrls(context->config->base_url).Actor((*account)->name)) {
    co_return http::Response::JsonError(400, "an account cannot name itself");
  }
  Result<protocol::RemoteActor> remote = co_await context->directory->Get(actor_id, /*refresh=*/true);
  if (!remote) co_return http::Response::JsonError(502, "cannot fetch " + actor_id + ": " + remote.error().message);
  co_return Request{**account, *std::move(remote)};
}

boost::asio::awaitable<http::Response> Alias(const FollowCommandsContext* context, http::Request* request) {
  auto read = co_await Read(context, request, "alias");
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  Request& r = std::get<Request>(read);
  if (Status added = context->accounts->AddAlias(r.account.id, r.other.id); !added) {
    co_return http::Response::FromError(added.error());
  }
  Result<std::optional<accounts::Account>> updated = context->accounts->FindById(r.account.id);
  if (!updated || !updated->has_value()) co_return http::Response::JsonError(503, "storage unavailable");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("account");
  writer.String((*updated)->name.c_str());
  writer.Key("alsoKnownAs");
  writer.StartArray();
  for (const std::string& alias : (*updated)->also_known_as) writer.String(alias.c_str());
  writer.EndArray();
  writer.EndObject();
  co_return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

boost::asio::awaitable<http::Response> Move(const FollowCommandsContext* context, http::Request* request) {
  auto read = co_await Read(context, request, "target");
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  Request& r = std::get<Request>(read);
  ActorUrls urls(context->config->base_url);
  const std::string actor = urls.Actor(r.account.name);
  if (std::find(r.other.also_known_as.begin(), r.other.also_known_as.end(), actor) == r.other.also_known_as.end()) {
    co_return http::Response::JsonError(
        409, r.other.id + " does not name " + actor + " in alsoKnownAs: add the alias on the new account first");
  }
  if (Status moved = context->accounts->SetMovedTo(r.account.id, r.other.id); !moved) {
    co_return http::Response::FromError(moved.error());
  }
  const int64_t now = context->now();
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("@context");
  writer.String("https://www.w3.org/ns/activitystreams");
  writer.Key("id");
  writer.String((actor + "#move-" + std::to_string(now)).c_str());
  writer.Key("type");
  writer.String("Move");
  writer.Key("actor");
  writer.String(actor.c_str());
  writer.Key("object");
  writer.String(actor.c_str());
  writer.Key("target");
  writer.String(r.other.id.c_str());
  writer.Key("to");
  writer.StartArray();
  writer.String(urls.Followers(r.account.name).c_str());
  writer.EndArray();
  writer.EndObject();
  const std::string body(buffer.GetString(), buffer.GetSize());
  // One delivery per follower's server (its shared inbox when it has one).
  std::set<std::string> inboxes;
  Result<std::vector<FollowRecord>> followers = FollowStore(*context->store).List(r.account.id, Direction::kFollowers);
  if (!followers) co_return http::Response::FromError(followers.error());
  for (const FollowRecord& follower : *followers) {
    Result<std::optional<protocol::RemoteActor>> known = context->directory->Stored(follower.actor);
    if (!known || !known->has_value()) continue;
    inboxes.insert((*known)->shared_inbox.empty() ? (*known)->inbox : (*known)->shared_inbox);
  }
  // And the home nodes of the petitions it signed, so its signatures follow it.
  if (context->on_move) {
    Result<std::vector<std::string>> homes = context->on_move(r.account, actor, r.other.id);
    if (!homes) co_return http::Response::FromError(homes.error());
    for (const std::string& home : *homes) {
      Result<std::optional<protocol::RemoteActor>> known = context->directory->Stored(home);
      if (!known || !known->has_value()) continue;
      inboxes.insert((*known)->shared_inbox.empty() ? (*known)->inbox : (*known)->shared_inbox);
    }
  }
  storage::Batch batch;
  for (const std::string& inbox : inboxes) {
    if (Status queued = context->deliveries->Enqueue(batch, r.account.id, inbox, body); !queued) {
      co_return http::Response::FromError(queued.error());
    }
  }
  if (Status written = context->store->Write(batch); !written) co_return http::Response::FromError(written.error());
  if (!inboxes.empty()) context->deliveries->Wake();
  co_return http::Response::Json(200, R"({"account":")" + r.account.name + R"(","movedTo":")" + r.other.id +
                                          R"(","deliveries":)" + std::to_string(inboxes.size()) + "}");
}

}  // namespace

void AddAccountMoveCommands(http::Router& router, const FollowCommandsContext& context) {
  auto shared = std::make_shared<const FollowCommandsContext>(context);
  http::RouteOptions json{.json_body = true};
  router.AddAsync("POST", "/control/accounts/alias",
                  [shared](http::Request& request) { return Alias(shared.get(), &request); }, json);
  router.AddAsync("POST", "/control/accounts/move",
                  [shared](http::Request& request) { return Move(shared.get(), &request); }, json);
}

}  // namespace parvis::federation
