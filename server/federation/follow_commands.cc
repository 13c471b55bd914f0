#include "server/federation/follow_commands.h"

#include <sodium.h>

#include <variant>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/activities.h"
#include "parvis/protocol/discovery.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"

namespace parvis::federation {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;



http::Response ErrorFor(const Error& error) {
  int status = 502;
  if (error.code == ErrorCode::kInvalidArgument) status = 400;
  if (error.code == ErrorCode::kNotFound) status = 404;
  return http::Response::JsonError(status, error.message);
}

// The account named in the body, and the remote actor the target resolves to.
struct Parties {
  accounts::Account account;
  protocol::RemoteActor remote;
};

boost::asio::awaitable<std::variant<Parties, http::Response>> Resolve(
    const FollowCommandsContext& context, const http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to reach other servers");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> target = protocol::StringMember(request.json, "target");
  if (!name || !target) {
    co_return http::Response::JsonError(400, "account and target are required strings");
  }
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account) co_return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) co_return http::Response::JsonError(404, "no such account");
  std::string actor_id = *target;
  if (!target->starts_with("http://") && !target->starts_with("https://")) {
    Result<std::string> found = co_await LookupAccount(*context.client, *target,
                                                      context.config->allow_private_addresses);
    if (!found) co_return ErrorFor(found.error());
    actor_id = *found;
  }
  Result<protocol::RemoteActor> remote = co_await context.directory->Get(actor_id, false);
  if (!remote) co_return ErrorFor(remote.error());
  co_return Parties{std::move(**account), std::move(*remote)};
}

boost::asio::awaitable<http::Response> Follow(const FollowCommandsContext& context,
                                              http::Request& request) {
  auto resolved = co_await Resolve(context, request);
  if (auto* response = std::get_if<http::Response>(&resolved)) co_return std::move(*response);
  Parties& parties = std::get<Parties>(resolved);
  Result<std::string> follow_id = StartFollow(context, parties.account, parties.remote);
  if (!follow_id) co_return http::Response::FromError(follow_id.error());
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("follow");
  writer.String(follow_id->c_str());
  writer.Key("target");
  writer.String(parties.remote.id.c_str());
  writer.EndObject();
  co_return http::Response::Json(202, std::string(buffer.GetString(), buffer.GetSize()));
}

boost::asio::awaitable<http::Response> Unfollow(const FollowCommandsContext& context,
                                                http::Request& request) {
  auto resolved = co_await Resolve(context, request);
  if (auto* response = std::get_if<http::Response>(&resolved)) co_return std::move(*response);
  Parties& parties = std::get<Parties>(resolved);
  Result<std::string> undo_id = StopFollow(context, parties.account, parties.remote);
  if (!undo_id) {
    if (undo_id.error().code == ErrorCode::kNotFound) {
      co_return http::Response::JsonError(404, "not following");
    }
    co_return http::Response::FromError(undo_id.error());
  }
  co_return http::Response::Json(202, "{\"undo\":\"" + *undo_id + "\"}");
}

// POST /control/approval {"account", "manual": true|false}
http::Response SetApproval(const FollowCommandsContext& context, http::Request& request) {
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  auto manual = request.json.IsObject() ? request.json.FindMember("manual") : request.json.MemberEnd();
  if (!name || manual == request.json.MemberEnd() || !manual->value.IsBool()) {
    return http::Response::JsonError(400, "account (string) and manual (true or false) are required");
  }
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) return http::Response::JsonError(404, "no such account");
  if (Status set = context.accounts->SetManualApproval((*account)->id, manual->value.GetBool());
      !set) {
    return http::Response::JsonError(503, set.error().message);
  }
  return http::Response::Json(200, "{}");
}

// POST /control/answer {"account", "actor", "accept": true|false}: answers a
// pending follow request with Accept or Reject.
boost::asio::awaitable<http::Response> Answer(const FollowCommandsContext& context,
                                              http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to reach other servers");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> actor = protocol::StringMember(request.json, "actor");
  auto accept = request.json.IsObject() ? request.json.FindMember("accept") : request.json.MemberEnd();
  if (!name || !actor || accept == request.json.MemberEnd() || !accept->value.IsBool()) {
    co_return http::Response::JsonError(400, "account, actor and accept (true or false) are required");
  }
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account) co_return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) co_return http::Response::JsonError(404, "no such account");
  Status answered = co_await AnswerFollow(context, **account, *actor, accept->value.GetBool());
  if (!answered) co_return ErrorFor(answered.error());
  co_return http::Response::Json(202, "{}");
}

http::Response ListFollows(const FollowCommandsContext& context, http::Request& request) {
  std::optional<std::string> name = request.QueryParam("account");
  if (!name) return http::Response::JsonError(400, "the account parameter is required");
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) return http::Response::JsonError(404, "no such account");
  FollowStore follows(*context.store);
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  for (auto [key, direction] : {std::pair{"followers", Direction::kFollowers},
                                std::pair{"following", Direction::kFollowing}}) {
    Result<std::vector<FollowRecord>> records = follows.List((*account)->id, direction);
    if (!records) return http::Response::JsonError(503, "storage unavailable");
    writer.Key(key);
    writer.StartArray();
    for (const FollowRecord& record : *records) {
      writer.StartObject();
      writer.Key("actor");
      writer.String(record.actor.c_str());
      writer.Key("state");
      writer.String(record.state == FollowState::kAccepted ? "accepted" : "pending");
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

}  // namespace

Result<std::string> StartFollow(const FollowCommandsContext& context,
                                const accounts::Account& account,
                                const protocol::RemoteActor& remote) {
  ActorUrls urls(context.config->base_url);
  std::string actor_id = urls.Actor(account.name);
  std::string follow_id = actor_id + "/follows/" + protocol::RandomHex(16);
  FollowStore follows(*context.store);
  storage::Batch batch;
  follows.Put(batch, account.id, Direction::kFollowing,
              {remote.id, follow_id, FollowState::kPending, context.now()});
  if (Status queued = context.deliveries->Enqueue(batch, account.id, remote.inbox,
                                                  protocol::FollowActivity(follow_id, actor_id, remote.id));
      !queued) {
    return std::unexpected(queued.error());
  }
  if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
  context.deliveries->Wake();
  return follow_id;
}

Result<std::string> StopFollow(const FollowCommandsContext& context,
                               const accounts::Account& account,
                               const protocol::RemoteActor& remote) {
  FollowStore follows(*context.store);
  Result<std::optional<FollowRecord>> record = follows.Get(account.id, Direction::kFollowing, remote.id);
  if (!record) return std::unexpected(record.error());
  if (!record->has_value()) return Fail(ErrorCode::kNotFound, account.name + " does not follow " + remote.id);
  ActorUrls urls(context.config->base_url);
  std::string actor_id = urls.Actor(account.name);
  Result<rapidjson::Document> follow =
      protocol::ParseJson(protocol::FollowActivity((*record)->activity_id, actor_id, remote.id), {});
  if (!follow) return std::unexpected(follow.error());
  storage::Batch batch;
  follows.Remove(batch, account.id, Direction::kFollowing, remote.id);
  std::string undo_id = (*record)->activity_id + "/undo";
  if (Status queued = context.deliveries->Enqueue(batch, account.id, remote.inbox,
                                                  protocol::UndoActivity(undo_id, actor_id, *follow));
      !queued) {
    return std::unexpected(queued.error());
  }
  if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
  context.deliveries->Wake();
  return undo_id;
}

boost::asio::awaitable<Status> AnswerFollow(const FollowCommandsContext& context,
                                           const accounts::Account& account, std::string actor,
                                           bool accepted) {
  FollowStore follows(*context.store);
  Result<std::optional<FollowRecord>> record = follows.Get(account.id, Direction::kFollowers, actor);
  if (!record) co_return std::unexpected(record.error());
  if (!record->has_value() || (*record)->state != FollowState::kPending) {
    co_return Fail(ErrorCode::kNotFound, "no pending follow request from " + actor);
  }
  Result<protocol::RemoteActor> remote = co_await context.directory->Get(actor, false);
  if (!remote) co_return std::unexpected(remote.error());
  ActorUrls urls(context.config->base_url);
  std::string actor_id = urls.Actor(account.name);
  // The Follow as it was received, else rebuilt from the record.
  rapidjson::Document follow;
  Result<std::optional<std::string>> receipt =
      context.store->Get(storage::Family::kActivities, (*record)->activity_id);
  Result<rapidjson::Document> parsed = receipt && receipt->has_value()
                                           ? protocol::ParseJson(**receipt, {.max_bytes = 64 << 20})
                                           : Result<rapidjson::Document>(std::unexpected(
                                                 Error{ErrorCode::kNotFound, "no receipt"}));
  if (parsed && parsed->IsObject() && parsed->HasMember("activity")) {
    follow.CopyFrom((*parsed)["activity"], follow.GetAllocator());
  } else {
    follow.Parse(protocol::FollowActivity((*record)->activity_id, actor, actor_id).c_str());
  }
  std::string answer_id = actor_id + (accepted ? "#accepts/follows/" : "#rejects/follows/") +
                          protocol::RandomHex(8);
  storage::Batch batch;
  if (accepted) {
    FollowRecord updated = **record;
    updated.state = FollowState::kAccepted;
    follows.Put(batch, account.id, Direction::kFollowers, updated);
  } else {
    follows.Remove(batch, account.id, Direction::kFollowers, actor);
  }
  std::string body = accepted ? protocol::AcceptActivity(answer_id, actor_id, follow)
                              : protocol::RejectActivity(answer_id, actor_id, follow);
  if (Status queued = context.deliveries->Enqueue(batch, account.id, remote->inbox, body); !queued) {
    co_return queued;
  }
  if (Status written = context.store->Write(batch); !written) co_return written;
  context.deliveries->Wake();
  co_return Ok();
}

boost::asio::awaitable<Result<std::string>> LookupAccount(http::HttpClient& client,
                                                          std::string handle, bool allow_http) {
  Result<protocol::WebFingerResource> resource = protocol::ParseWebFingerResource(handle);
  if (!resource || resource->kind != protocol::WebFingerResource::Kind::kAccount) {
    co_return Fail(ErrorCode::kInvalidArgument, "not an account handle: " + handle);
  }
  std::string query = "/.well-known/webfinger?resource=acct:" + resource->name + "@" + resource->host;
  Error last{ErrorCode::kUnavailable, std::string("no answer")};
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string_view scheme = attempt == 0 ? "https://" : "http://";
    if (scheme == "http://" && !allow_http) break;
    // A named request: g++ 12 rejects braced temporaries inside co_await.
    http::ClientRequest request;
    request.url = std::string(scheme) + resource->host + query;
    request.headers.emplace_back("Accept", "application/jrd+json, application/json");
    request.max_redirects = 3;
    Result<http::ClientResponse> response = co_await client.Fetch(std::move(request));
    if (!response) {
      last = response.error();
      continue;
    }
    if (response->status == 404) co_return Fail(ErrorCode::kNotFound, handle + " does not exist");
    if (response->status != 200) {
      last = Error{ErrorCode::kUnavailable,
                   "WebFinger answered " + std::to_string(response->status)};
      continue;
    }
    Result<rapidjson::Document> jrd = protocol::ParseJson(response->body, {.max_bytes = 64 << 10});
    if (!jrd || !jrd->IsObject() || !jrd->HasMember("links") || !(*jrd)["links"].IsArray()) {
      co_return Fail(ErrorCode::kInvalidArgument, "WebFinger for " + handle + " is malformed");
    }
    for (const auto& link : (*jrd)["links"].GetArray()) {
      if (protocol::StringMember(link, "rel") != "self") continue;
      std::string type = protocol::StringMember(link, "type").value_or("");
      if (type.starts_with("application/activity+json") || type.starts_with("application/ld+json")) {
        if (std::optional<std::string> href = protocol::StringMember(link, "href")) co_return *href;
      }
    }
    co_return Fail(ErrorCode::kNotFound, handle + " has no ActivityPub actor");
  }
  co_return std::unexpected(last);
}

void AddFollowCommands(http::Router& router, const FollowCommandsContext& context) {
  http::RouteOptions json{.json_body = true};
  router.AddAsync(
      "POST", "/control/follow",
      [context](http::Request& request) { return Follow(context, request); }, json);
  router.AddAsync(
      "POST", "/control/unfollow",
      [context](http::Request& request) { return Unfollow(context, request); }, json);
  router.Add("POST", "/control/approval",
             [context](http::Request& request) { return SetApproval(context, request); }, json);
  router.AddAsync(
      "POST", "/control/answer",
      [context](http::Request& request) { return Answer(context, request); }, json);
  router.Add("GET", "/control/follows",
             [context](http::Request& request) { return ListFollows(context, request); });
}

}  // namespace parvis::federation
