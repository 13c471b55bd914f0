#include "server/federation/post_routes.h"


#include <variant>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "parvis/protocol/json.h"
#include "server/federation/actor_urls.h"
#include "server/federation/fetch_gate.h"
#include "server/federation/follow_store.h"
#include "server/federation/paged_collection.h"

namespace parvis::federation {
namespace {

using storage::Family;

constexpr size_t kOutboxPageSize = 20;



// The optional "undo" member of a command: false when absent, nullopt when
// it is not a boolean.
std::optional<bool> UndoFlag(const rapidjson::Value& body) {
  auto it = body.FindMember("undo");
  if (it == body.MemberEnd()) return false;
  if (!it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

std::optional<accounts::Account> FindAccount(const PostRoutesContext& context,
                                             const std::string& name) {
  if (!accounts::ValidateAccountName(name)) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(name);
  if (!account || !account->has_value()) return std::nullopt;
  return **account;
}

// Followers-only notes go to a signed request by an accepted follower or a
// mentioned actor; direct ones to the mentioned only.
bool Readable(const PostRoutesContext& context, const accounts::Account& account,
              const protocol::LocalNote& note, const std::string& reader) {
  bool follower = false;
  if (!reader.empty() && note.visibility == protocol::Visibility::kFollowers) {
    Result<std::optional<FollowRecord>> record =
        FollowStore(*context.store).Get(account.id, Direction::kFollowers, reader);
    follower = record && record->has_value() && (*record)->state == FollowState::kAccepted;
  }
  return MayRead(note, reader, follower);
}

// The local, live note at /users/{name}/statuses/{id}, if `request` may
// read it; otherwise the response to give.
std::variant<StoredObject, http::Response> ReadableNote(const PostRoutesContext& context,
                                                        http::Request& request) {
  std::optional<accounts::Account> account = FindAccount(context, request.params["name"]);
  if (!account) return http::Response::JsonError(404, "no such account");
  ActorUrls urls(context.config->base_url);
  std::string id = urls.Actor(account->name) + "/statuses/" + request.params["id"];
  // People following a link read the note's thread page.
  if (!request.AcceptsActivityJson() &&
      request.Header("accept").value_or("").find("text/html") != std::string_view::npos) {
    http::Response redirect = http::Response::Text(303, "");
    redirect.headers.emplace_back("Location", "/thread?id=" + boost::urls::encode(id, boost::urls::unreserved_chars));
    redirect.headers.emplace_back("Vary", "Accept");
    return redirect;
  }
  Result<std::optional<StoredObject>> object = context.posts->Get(id);
  if (!object) return http::Response::JsonError(503, "storage unavailable");
  if (!object->has_value() || !(*object)->local || (*object)->deleted != 0 ||
      !Readable(context, *account, (*object)->note, request.verified_actor)) {
    return http::Response::JsonError(404, "not found");
  }
  return std::move(**object);
}

// GET .../statuses/{id}/replies: ids of the public and unlisted replies
// known here, oldest first.
http::Response Replies(const PostRoutesContext& context, http::Request& request) {
  std::variant<StoredObject, http::Response> note = ReadableNote(context, request);
  if (http::Response* refused = std::get_if<http::Response>(&note)) return std::move(*refused);
  const std::string& id = std::get<StoredObject>(note).note.id;
  std::vector<std::string> replies;
  Status scanned = context.store->Scan(
      Family::kReplies, id + "\n", [&](std::string_view, std::string_view reply_id) {
        Result<std::optional<StoredObject>> reply = context.posts->Get(std::string(reply_id));
        if (!reply || !reply->has_value() || (*reply)->deleted != 0) return true;
        bool shown = (*reply)->local ? ((*reply)->note.visibility == protocol::Visibility::kPublic ||
                                        (*reply)->note.visibility == protocol::Visibility::kUnlisted)
                                     : IsPublicObject((*reply)->object);
        if (shown) replies.emplace_back(reply_id);
        return true;
      });
  if (!scanned) return http::Response::JsonError(503, "storage unavailable");
  return PagedCollection(
      request, id + "/replies", replies.size(), [&](size_t i) { return JsonString(replies[i]); },
      kCollectionPageSize);
}

// GET /users/{name}/collections/featured: the pinned notes, embedded, the
// latest pin first (as Mastodon shows them).
http::Response Featured(const PostRoutesContext& context, http::Request& request) {
  std::optional<accounts::Account> account = FindAccount(context, request.params["name"]);
  if (!account) return http::Response::JsonError(404, "no such account");
  Result<std::vector<std::string>> pinned = context.posts->Pinned(account->id);
  if (!pinned) return http::Response::JsonError(503, "storage unavailable");
  std::vector<protocol::LocalNote> notes;
  for (auto it = pinned->rbegin(); it != pinned->rend(); ++it) {
    Result<std::optional<StoredObject>> object = context.posts->Get(*it);
    if (object && object->has_value() && (*object)->deleted == 0) {
      notes.push_back(std::move((*object)->note));
    }
  }
  ActorUrls urls(context.config->base_url);
  return PagedCollection(
      request, urls.Featured(account->name), notes.size(),
      [&](size_t i) { return protocol::NoteValueJson(notes[i]); }, kCollectionPageSize);
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
  if (!Readable(context, *account, (*object)->note, request.verified_actor)) {
    return http::Response::JsonError(404, "not found");
  }
  http::Response response = http::Response::ActivityJson(200, protocol::NoteDocument((*object)->note));
  response.headers.emplace_back("Vary", "Accept");
  return response;
}

// GET .../statuses/{id}/likes and /shares: the Like and Announce activities
// received for the note, by actor (public as on Mastodon, whose "favourited
// by" and "boosted by" lists anyone may read), to whoever may read the note.
http::Response Reactions(const PostRoutesContext& context, http::Request& request,
                         std::string_view letter, std::string_view suffix) {
  std::variant<StoredObject, http::Response> note = ReadableNote(context, request);
  if (http::Response* refused = std::get_if<http::Response>(&note)) return std::move(*refused);
  const std::string& id = std::get<StoredObject>(note).note.id;
  std::vector<std::string> activities;
  std::string prefix = id + "\n" + std::string(letter) + "\n";
  Status scanned = context.store->Scan(Family::kReactions, prefix,
                                       [&](std::string_view, std::string_view activity) {
                                         activities.emplace_back(activity);
                                         return true;
                                       });
  if (!scanned) return http::Response::JsonError(503, "storage unavailable");
  return PagedCollection(
      request, id + std::string(suffix), activities.size(),
      [&](size_t i) { return JsonString(activities[i]); }, kCollectionPageSize);
}

http::Response Outbox(const PostRoutesContext& context, http::Request& request) {
  std::optional<accounts::Account> account = FindAccount(context, request.params["name"]);
  if (!account) return http::Response::JsonError(404, "no such account");
  ActorUrls urls(context.config->base_url);
  std::string id = urls.Outbox(account->name);
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
  PostDraft draft{
      .text = *content,
      .summary = protocol::StringMember(request.json, "summary").value_or(""),
      .visibility = *visibility,
      .in_reply_to = protocol::StringMember(request.json, "inReplyTo").value_or(""),
      .title = protocol::StringMember(request.json, "title").value_or(""),
  };
  Result<std::string> id = co_await context.posts->Publish(*account, std::move(draft));
  if (!id) {
    co_return http::Response::FromError(id.error());
  }
  co_return http::Response::Json(201, "{\"id\":" + JsonString(*id) + "}");
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
  std::optional<bool> undo = UndoFlag(request.json);
  if (!undo) co_return http::Response::JsonError(400, "undo must be true or false");
  std::optional<accounts::Account> account = FindAccount(context, *name);
  if (!account) co_return http::Response::JsonError(404, "no such account");
  Status reacted = co_await context.posts->React(*account, *type, *object, *undo);
  if (!reacted) {
    int status = reacted.error().code == ErrorCode::kInvalidArgument ? 400
                 : reacted.error().code == ErrorCode::kNotFound      ? 404
                                                                     : 503;
    co_return http::Response::JsonError(status, reacted.error().message);
  }
  co_return http::Response::Json(202, "{}");
}

// POST /control/edit {"account", "id", "content", "summary"?, "title"?}
boost::asio::awaitable<http::Response> EditPost(const PostRoutesContext& context,
                                                http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to deliver edits");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> id = protocol::StringMember(request.json, "id");
  std::optional<std::string> content = protocol::StringMember(request.json, "content");
  if (!name || !id || !content) {
    co_return http::Response::JsonError(400, "account, id and content are required strings");
  }
  std::optional<accounts::Account> account = FindAccount(context, *name);
  if (!account) co_return http::Response::JsonError(404, "no such account");
  PostDraft draft{
      .text = *content,
      .summary = protocol::StringMember(request.json, "summary").value_or(""),
      .title = protocol::StringMember(request.json, "title").value_or(""),
  };
  Status edited = co_await context.posts->Edit(*account, *id, std::move(draft));
  if (!edited) co_return http::Response::FromError(edited.error());
  co_return http::Response::Json(200, "{}");
}

// POST /control/pin {"account", "id", "undo"?}
boost::asio::awaitable<http::Response> PinPost(const PostRoutesContext& context,
                                               http::Request& request) {
  if (!context.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to deliver pins");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> id = protocol::StringMember(request.json, "id");
  if (!name || !id) co_return http::Response::JsonError(400, "account and id are required strings");
  std::optional<bool> undo = UndoFlag(request.json);
  if (!undo) co_return http::Response::JsonError(400, "undo must be true or false");
  std::optional<accounts::Account> account = FindAccount(context, *name);
  if (!account) co_return http::Response::JsonError(404, "no such account");
  Status pinned = co_await context.posts->Pin(*account, *id, *undo);
  if (!pinned) co_return http::Response::FromError(pinned.error());
  co_return http::Response::Json(200, "{}");
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
  public_router.AddAsync("GET", "/users/{name}/statuses/{id}/replies",
                         gated([context](http::Request& request) { return Replies(context, request); }));
  public_router.AddAsync("GET", "/users/{name}/collections/featured",
                         gated([context](http::Request& request) { return Featured(context, request); }));
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
  control_router.AddAsync(
      "POST", "/control/edit",
      [context](http::Request& request) { return EditPost(context, request); }, json);
  control_router.AddAsync(
      "POST", "/control/pin", [context](http::Request& request) { return PinPost(context, request); },
      json);
  control_router.Add("GET", "/control/object",
                     [context](http::Request& request) { return ObjectRecord(context, request); });
}

}  // namespace parvis::federation
