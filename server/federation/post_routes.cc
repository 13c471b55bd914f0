#include "server/federation/post_routes.h"


#include "parvis/protocol/json.h"
#include "server/federation/actor_urls.h"
#include "server/federation/fetch_gate.h"
#include "server/federation/follow_store.h"
#include "server/federation/paged_collection.h"

namespace parvis::federation {
namespace {

using storage::Family;

constexpr size_t kOutboxPageSize = 20;



std::optional<accounts::Account> FindAccount(const PostRoutesContext& context,
                                             const std::string& name) {
  if (!accounts::ValidateAccountName(name)) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(name);
  if (!account || !account->has_value()) return std::nullopt;
  return **account;
}

http::Response NoteAt(const PostRoutesContext& context, http::Request& request) {
  std::optional<accounts::Account> account = FindAccount(context, request.params["name"]);
  if (!account) return http::Response::JsonError(404, "no such account");
  ActorUrls urls(context.config->base_url);
  std::string id = urls.Actor(account->name) + "/statuses/" + request.params["id"];
  Result<std::optional<StoredObject>> object = context.posts->Get(id);
  if (!object) return http::Response::JsonError(503, "storage unavailable");
  if (!object->has_value() || !(*object)->local) return http::Response::JsonError(404, "not found");
  if ((*object)->deleted != 0) {
    return http::Response::ActivityJson(410, protocol::TombstoneDocument(id, (*object)->deleted));
  }
  // Followers-only notes go to a signed request by an accepted follower;
  // direct ones to nobody here yet (mentions come later).
  protocol::Visibility visibility = (*object)->note.visibility;
  if (visibility == protocol::Visibility::kDirect) return http::Response::JsonError(404, "not found");
  if (visibility == protocol::Visibility::kFollowers) {
    if (request.verified_actor.empty()) return http::Response::JsonError(404, "not found");
    Result<std::optional<FollowRecord>> follower = FollowStore(*context.store).Get(
        account->id, Direction::kFollowers, request.verified_actor);
    if (!follower || !follower->has_value() || (*follower)->state != FollowState::kAccepted) {
      return http::Response::JsonError(404, "not found");
    }
  }
  http::Response response = http::Response::ActivityJson(200, protocol::NoteDocument((*object)->note));
  response.headers.emplace_back("Vary", "Accept");
  return response;
}

// GET .../statuses/{id}/likes and /shares: how many, as Mastodon shows them
// (totalItems only: who liked is the liker's business).
http::Response Reactions(const PostRoutesContext& context, http::Request& request,
                         std::string_view letter, std::string_view suffix) {
  std::optional<accounts::Account> account = FindAccount(context, request.params["name"]);
  if (!account) return http::Response::JsonError(404, "no such account");
  ActorUrls urls(context.config->base_url);
  std::string id = urls.Actor(account->name) + "/statuses/" + request.params["id"];
  Result<std::optional<StoredObject>> object = context.posts->Get(id);
  if (!object) return http::Response::JsonError(503, "storage unavailable");
  if (!object->has_value() || !(*object)->local || (*object)->deleted != 0 ||
      (*object)->note.visibility == protocol::Visibility::kFollowers ||
      (*object)->note.visibility == protocol::Visibility::kDirect) {
    return http::Response::JsonError(404, "not found");
  }
  uint64_t count = 0;
  std::string prefix = id + "\n" + std::string(letter) + "\n";
  Status scanned = context.store->Scan(Family::kReactions, prefix,
                                       [&](std::string_view, std::string_view) {
                                         ++count;
                                         return true;
                                       });
  if (!scanned) return http::Response::JsonError(503, "storage unavailable");
  std::string collection = id + std::string(suffix);
  return http::Response::ActivityJson(200, "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"" +
                               collection + "\",\"type\":\"Collection\",\"totalItems\":" +
                               std::to_string(count) + "}");
}

http::Response Outbox(const PostRoutesContext& context, http::Request& request) {
  std::optional<accounts::Account> account = FindAccount(context, request.params["name"]);
  if (!account) return http::Response::JsonError(404, "no such account");
  ActorUrls urls(context.config->base_url);
  std::string id = urls.Outbox(account->name);
  // Public and unlisted notes, newest first.
  // Public and unlisted notes, newest first; Creates are rendered only for
  // the page asked.
  std::vector<protocol::LocalNote> notes;
  Status scanned = context.store->Scan(
      Family::kOutbox, storage::EncodeAccountId(account->id),
      [&](std::string_view, std::string_view note_id) {
        Result<std::optional<StoredObject>> object = context.posts->Get(std::string(note_id));
        if (object && object->has_value() && (*object)->deleted == 0 &&
            ((*object)->note.visibility == protocol::Visibility::kPublic ||
             (*object)->note.visibility == protocol::Visibility::kUnlisted)) {
          notes.push_back(std::move((*object)->note));
        }
        return true;
      });
  if (!scanned) return http::Response::JsonError(503, "storage unavailable");
  std::reverse(notes.begin(), notes.end());
  return PagedCollection(
      request, id, notes.size(),
      [&](size_t i) {
        return protocol::CreateNoteActivity(notes[i], notes[i].id + "/activity",
                                            /*with_context=*/false);
      },
      kOutboxPageSize);
}

boost::asio::awaitable<http::Response> Post(const PostRoutesContext& context, http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to deliver posts");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> content = protocol::StringMember(request.json, "content");
  if (!name || !content) co_return http::Response::JsonError(400, "account and content are required strings");
  std::optional<accounts::Account> account = FindAccount(context, *name);
  if (!account) co_return http::Response::JsonError(404, "no such account");
  std::string visibility_name = protocol::StringMember(request.json, "visibility").value_or("public");
  std::optional<protocol::Visibility> visibility = protocol::ParseVisibility(visibility_name);
  if (!visibility) {
    co_return http::Response::JsonError(400, "visibility is one of public, unlisted, followers, direct");
  }
  Result<std::string> id = co_await context.posts->Publish(
      *account, *content, protocol::StringMember(request.json, "summary").value_or(""), *visibility);
  if (!id) {
    co_return http::Response::JsonError(id.error().code == ErrorCode::kInvalidArgument ? 400 : 503,
                                        id.error().message);
  }
  co_return http::Response::Json(201, "{\"id\":\"" + *id + "\"}");
}

boost::asio::awaitable<http::Response> DeletePost(const PostRoutesContext& context,
                                                  http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to deliver deletions");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> id = protocol::StringMember(request.json, "id");
  if (!name || !id) co_return http::Response::JsonError(400, "account and id are required strings");
  std::optional<accounts::Account> account = FindAccount(context, *name);
  if (!account) co_return http::Response::JsonError(404, "no such account");
  Status deleted = co_await context.posts->Delete(*account, *id);
  if (!deleted) {
    co_return http::Response::JsonError(deleted.error().code == ErrorCode::kNotFound ? 404 : 503,
                                        deleted.error().message);
  }
  co_return http::Response::Json(200, "{}");
}

// POST /control/react {"account", "object", "type": "Like"|"Announce", "undo"?}
boost::asio::awaitable<http::Response> React(const PostRoutesContext& context,
                                             http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to deliver reactions");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> object = protocol::StringMember(request.json, "object");
  std::optional<std::string> type = protocol::StringMember(request.json, "type");
  if (!name || !object || !type) {
    co_return http::Response::JsonError(400, "account, object and type are required strings");
  }
  bool undo = false;
  if (auto it = request.json.FindMember("undo"); it != request.json.MemberEnd()) {
    if (!it->value.IsBool()) co_return http::Response::JsonError(400, "undo must be true or false");
    undo = it->value.GetBool();
  }
  std::optional<accounts::Account> account = FindAccount(context, *name);
  if (!account) co_return http::Response::JsonError(404, "no such account");
  Status reacted = co_await context.posts->React(*account, *type, *object, undo);
  if (!reacted) {
    int status = reacted.error().code == ErrorCode::kInvalidArgument ? 400
                 : reacted.error().code == ErrorCode::kNotFound      ? 404
                                                                     : 503;
    co_return http::Response::JsonError(status, reacted.error().message);
  }
  co_return http::Response::Json(202, "{}");
}

http::Response ObjectRecord(const PostRoutesContext& context, http::Request& request) {
  std::optional<std::string> id = request.QueryParam("id");
  if (!id) return http::Response::JsonError(400, "the id parameter is required");
  Result<std::optional<std::string>> bytes = context.store->Get(Family::kObjects, *id);
  if (!bytes) return http::Response::JsonError(503, "storage unavailable");
  if (!bytes->has_value()) return http::Response::JsonError(404, "not found");
  return http::Response::Json(200, **bytes);
}

}  // namespace

void AddPostRoutes(http::Router& public_router, http::Router& control_router,
                   const PostRoutesContext& context) {
  bool required = context.config->authorized_fetch;
  auto gated = [&](http::Handler handler) {
    return SignedFetch(context.verifier, required, std::move(handler));
  };
  public_router.AddAsync("GET", "/users/{name}/statuses/{id}", gated([context](http::Request& request) {
    return NoteAt(context, request);
  }));
  public_router.AddAsync("GET", "/users/{name}/statuses/{id}/likes",
                         gated([context](http::Request& request) {
                           return Reactions(context, request, "L", "/likes");
                         }));
  public_router.AddAsync("GET", "/users/{name}/statuses/{id}/shares",
                         gated([context](http::Request& request) {
                           return Reactions(context, request, "A", "/shares");
                         }));
  public_router.AddAsync("GET", "/users/{name}/outbox", gated([context](http::Request& request) {
    return Outbox(context, request);
  }));
  http::RouteOptions json{.json_body = true};
  control_router.AddAsync(
      "POST", "/control/post", [context](http::Request& request) { return Post(context, request); },
      json);
  control_router.AddAsync(
      "POST", "/control/delete",
      [context](http::Request& request) { return DeletePost(context, request); }, json);
  control_router.AddAsync(
      "POST", "/control/react", [context](http::Request& request) { return React(context, request); },
      json);
  control_router.Add("GET", "/control/object",
                     [context](http::Request& request) { return ObjectRecord(context, request); });
}

}  // namespace parvis::federation
