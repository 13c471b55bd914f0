#include "server/federation/c2s_routes.h"

#include <variant>

#include "parvis/protocol/json.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/remote_actor.h"
#include "server/accounts/bearer_auth.h"
#include "server/federation/actor_urls.h"
#include "server/federation/inbox_items.h"
#include "server/federation/paged_collection.h"

namespace parvis::federation {
namespace {

using storage::Family;

constexpr size_t kInboxPageSize = 20;

// The account named in the path, if the request carries one of its tokens.
std::variant<accounts::Account, http::Response> Authenticate(const C2sContext& context,
                                                             http::Request& request) {
  const std::string& name = request.params["name"];
  std::optional<accounts::Account> account;
  if (accounts::ValidateAccountName(name)) {
    Result<std::optional<accounts::Account>> found = context.accounts->FindByName(name);
    if (!found) return http::Response::JsonError(503, "storage unavailable");
    if (found->has_value()) account = **found;
  }
  if (!account) return http::Response::JsonError(404, "no such account");
  std::optional<std::variant<accounts::Account, http::Response>> bearer =
      accounts::BearerAccount(*context.store, *context.accounts, request);
  if (!bearer) return accounts::BearerUnauthorized("a bearer token is required (parvis admin token NAME)");
  if (auto* refused = std::get_if<http::Response>(&*bearer)) return *std::move(refused);
  if (std::get<accounts::Account>(*bearer).id != account->id) {
    return http::Response::JsonError(403, "the token belongs to another account");
  }
  return *std::move(account);
}

std::string MemberId(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return "";
  return protocol::FirstId(it->value).value_or("");
}

std::vector<std::string> AddressList(const rapidjson::Value& object, const char* field) {
  std::vector<std::string> out;
  auto it = object.FindMember(field);
  if (it == object.MemberEnd()) return out;
  if (it->value.IsArray()) {
    for (const auto& value : it->value.GetArray()) {
      if (std::optional<std::string> id = protocol::FirstId(value)) out.push_back(*id);
    }
  } else if (std::optional<std::string> id = protocol::FirstId(it->value)) {
    out.push_back(*id);
  }
  return out;
}

bool IsPublic(std::string_view address) {
  return address == protocol::kPublicCollection || address == "as:Public" || address == "Public";
}

// A draft from a client's Note or Article (and the Create around it).
Result<PostDraft> DraftFrom(const C2sContext& context, const accounts::Account& account,
                            const rapidjson::Value& activity, const rapidjson::Value& object) {
  PostDraft draft;
  std::string type = protocol::StringMember(object, "type").value_or("");
  auto source = object.FindMember("source");
  std::optional<std::string> content = protocol::StringMember(object, "content");
  if (source != object.MemberEnd() && source->value.IsObject() &&
      protocol::StringMember(source->value, "content")) {
    std::string media = protocol::StringMember(source->value, "mediaType").value_or("text/plain");
    if (media != "text/plain" && media != "text/markdown") {
      return Fail(ErrorCode::kInvalidArgument, "source.mediaType must be text/plain or text/markdown");
    }
    draft.text = *protocol::StringMember(source->value, "content");
  } else if (content) {
    draft.text = protocol::HtmlToPlainText(*content);
  } else {
    return Fail(ErrorCode::kInvalidArgument, "the note needs content (or source.content)");
  }
  draft.summary = protocol::StringMember(object, "summary").value_or("");
  if (type == "Article") {
    draft.title = protocol::StringMember(object, "name").value_or("");
    if (draft.title.empty()) return Fail(ErrorCode::kInvalidArgument, "an Article needs a name (its title)");
  }
  draft.in_reply_to = MemberId(object, "inReplyTo");
  ActorUrls urls(context.config->base_url);
  std::string followers = urls.Followers(account.name);
  std::vector<std::string> to = AddressList(activity, "to"), cc = AddressList(activity, "cc");
  if (&activity != &object) {
    for (const std::string& id : AddressList(object, "to")) to.push_back(id);
    for (const std::string& id : AddressList(object, "cc")) cc.push_back(id);
  }
  bool public_to = false, public_cc = false, to_followers = false;
  for (const auto* list : {&to, &cc}) {
    for (const std::string& address : *list) {
      if (IsPublic(address)) {
        (list == &to ? public_to : public_cc) = true;
      } else if (address == followers) {
        to_followers = true;
      } else if (address.starts_with("https://") || address.starts_with("http://")) {
        if (std::find(draft.addressed.begin(), draft.addressed.end(), address) == draft.addressed.end()) {
          draft.addressed.push_back(address);
        }
      } else {
        return Fail(ErrorCode::kInvalidArgument, "not an address: " + address);
      }
    }
  }
  if (public_to) draft.visibility = protocol::Visibility::kPublic;
  else if (public_cc) draft.visibility = protocol::Visibility::kUnlisted;
  else if (to_followers) draft.visibility = protocol::Visibility::kFollowers;
  else if (!draft.addressed.empty()) draft.visibility = protocol::Visibility::kDirect;
  else {
    return Fail(ErrorCode::kInvalidArgument,
                "address the note: to Public, to " + followers + ", or to actors");
  }
  return draft;
}

bool IsNoteType(std::string_view type) { return type == "Note" || type == "Article"; }

http::Response Created(const std::string& activity_id, const std::string& object_id) {
  http::Response response = http::Response::Json(
      201, "{\"id\":" + JsonString(activity_id) + ",\"object\":" + JsonString(object_id) + "}");
  response.headers.emplace_back("Location", activity_id);
  return response;
}

http::Response Accepted(const std::string& id) {
  return http::Response::Json(202, "{\"id\":" + JsonString(id) + "}");
}

boost::asio::awaitable<http::Response> PostToOutbox(const C2sContext& context,
                                                    http::Request& request) {
  auto authenticated = Authenticate(context, request);
  if (auto* refused = std::get_if<http::Response>(&authenticated)) co_return std::move(*refused);
  const accounts::Account& account = std::get<accounts::Account>(authenticated);
  if (!context.follows.serving->load()) {
    co_return http::Response::JsonError(503, "the node is not serving yet");
  }
  const rapidjson::Document& body = request.json;
  if (!body.IsObject()) co_return http::Response::JsonError(400, "expected a JSON object");
  std::string type = protocol::StringMember(body, "type").value_or("");
  ActorUrls urls(context.config->base_url);
  std::string self = urls.Actor(account.name);
  if (std::string actor = MemberId(body, "actor"); !actor.empty() && actor != self) {
    co_return http::Response::JsonError(403, "the activity's actor must be " + self);
  }
  if (context.extension != nullptr) {
    std::optional<http::Response> handled = co_await context.extension->Post(account, body);
    if (handled) co_return std::move(*handled);
  }
  auto embedded = body.FindMember("object");
  const rapidjson::Value* object =
      embedded != body.MemberEnd() && embedded->value.IsObject() ? &embedded->value : nullptr;
  std::string object_id = embedded == body.MemberEnd() ? "" : protocol::FirstId(embedded->value).value_or("");

  if (IsNoteType(type) || type == "Create") {
    const rapidjson::Value& note = IsNoteType(type) ? body : (object ? *object : body);
    if (!IsNoteType(type) && (object == nullptr ||
                              !IsNoteType(protocol::StringMember(*object, "type").value_or("")))) {
      co_return http::Response::JsonError(400, "a Create from a client carries a Note or an Article");
    }
    if (std::string author = MemberId(note, "attributedTo"); !author.empty() && author != self) {
      co_return http::Response::JsonError(403, "the note must be attributed to " + self);
    }
    Result<PostDraft> draft = DraftFrom(context, account, body, note);
    if (!draft) co_return http::Response::FromError(draft.error());
    Result<std::string> id = co_await context.posts->Publish(account, std::move(*draft));
    if (!id) co_return http::Response::FromError(id.error());
    co_return Created(*id + "/activity", *id);
  }
  if (type == "Update") {
    if (object == nullptr || !IsNoteType(protocol::StringMember(*object, "type").value_or("")) ||
        object_id.empty()) {
      co_return http::Response::JsonError(400, "an Update carries the edited Note or Article, with its id");
    }
    Result<std::optional<StoredObject>> stored = context.posts->Get(object_id);
    if (!stored) co_return http::Response::FromError(stored.error());
    if (!stored->has_value() || !(*stored)->local || (*stored)->account != account.id) {
      co_return http::Response::JsonError(404, "no such post of " + account.name);
    }
    // Addressing does not change on edit: the stored note's is used.
    PostDraft draft;
    rapidjson::Document addressed(rapidjson::kObjectType);
    addressed.AddMember("to", rapidjson::StringRef(protocol::kPublicCollection.data()), addressed.GetAllocator());
    Result<PostDraft> parsed = DraftFrom(context, account, addressed, *object);
    if (!parsed) co_return http::Response::FromError(parsed.error());
    draft.text = parsed->text;
    draft.summary = parsed->summary;
    draft.title = parsed->title;
    Status edited = co_await context.posts->Edit(account, object_id, std::move(draft));
    if (!edited) co_return http::Response::FromError(edited.error());
    co_return Accepted(object_id);
  }
  if (type == "Delete") {
    if (object_id.empty()) co_return http::Response::JsonError(400, "a Delete names its object");
    Status deleted = co_await context.posts->Delete(account, object_id);
    if (!deleted) co_return http::Response::FromError(deleted.error());
    co_return Accepted(object_id + "/delete");
  }
  if (type == "Like" || type == "Announce") {
    if (object_id.empty()) co_return http::Response::JsonError(400, "a " + type + " names its object");
    Status reacted = co_await context.posts->React(account, type, object_id, false);
    if (!reacted) co_return http::Response::FromError(reacted.error());
    co_return Accepted(object_id);
  }
  if (type == "Follow" || type == "Undo") {
    std::string undone_type;
    std::string target = object_id;
    if (type == "Undo") {
      if (object == nullptr) {
        co_return http::Response::JsonError(400, "an Undo from a client embeds what it undoes");
      }
      undone_type = protocol::StringMember(*object, "type").value_or("");
      target = MemberId(*object, "object");
      if (undone_type == "Like" || undone_type == "Announce") {
        Status undone = co_await context.posts->React(account, undone_type, target, true);
        if (!undone) co_return http::Response::FromError(undone.error());
        co_return Accepted(target);
      }
      if (undone_type != "Follow") {
        co_return http::Response::JsonError(400, "Undo takes a Like, an Announce or a Follow");
      }
    }
    if (target.empty()) co_return http::Response::JsonError(400, "a Follow names the actor to follow");
    Result<protocol::RemoteActor> remote = co_await context.follows.directory->Get(target, false);
    if (!remote) co_return http::Response::FromError(remote.error());
    Result<std::string> id = type == "Follow" ? StartFollow(context.follows, account, *remote)
                                              : StopFollow(context.follows, account, *remote);
    if (!id) co_return http::Response::FromError(id.error());
    co_return Created(*id, remote->id);
  }
  std::string accepted = "clients may send Create (Note, Article), Update, Delete, Like, Announce, Follow and Undo";
  if (context.extension != nullptr) accepted += "; and " + std::string(context.extension->Accepts());
  co_return http::Response::JsonError(400, accepted);
}

// One inbox item as JSON: the activity as received, or for this node's own
// activities (a local mention) the note's Create.
std::string RenderItem(const C2sContext& context, const std::string& id) {
  Result<std::optional<std::string>> record = context.store->Get(Family::kActivities, id);
  if (record && record->has_value()) {
    Result<rapidjson::Document> doc = protocol::ParseJson(**record, {.max_bytes = 64 << 20});
    if (doc && doc->IsObject() && doc->HasMember("activity")) return protocol::WriteJson((*doc)["activity"]);
  }
  for (std::string_view suffix : {"/activity", "/updates/"}) {
    size_t cut = id.rfind(suffix);
    if (cut == std::string::npos) continue;
    Result<std::optional<StoredObject>> note = context.posts->Get(id.substr(0, cut));
    if (note && note->has_value() && (*note)->local && (*note)->deleted == 0) {
      return suffix == "/activity" ? protocol::CreateNoteActivity((*note)->note, id, false)
                                   : protocol::UpdateNoteActivity((*note)->note, id);
    }
  }
  return JsonString(id);
}

http::Response ReadInbox(const C2sContext& context, http::Request& request) {
  auto authenticated = Authenticate(context, request);
  if (auto* refused = std::get_if<http::Response>(&authenticated)) return std::move(*refused);
  const accounts::Account& account = std::get<accounts::Account>(authenticated);
  Result<std::vector<std::string>> items = ListInboxItems(*context.store, account.id);
  if (!items) return http::Response::FromError(items.error());
  ActorUrls urls(context.config->base_url);
  http::Response response = PagedCollection(
      request, urls.Inbox(account.name), items->size(),
      [&](size_t i) { return RenderItem(context, (*items)[i]); }, kInboxPageSize);
  response.headers.emplace_back("Cache-Control", "private, no-store");
  return response;
}

}  // namespace

void AddC2sRoutes(http::Router& router, const C2sContext& context) {
  router.AddAsync(
      "POST", "/users/{name}/outbox",
      [context](http::Request& request) { return PostToOutbox(context, request); },
      {.json_body = true});
  router.Add("GET", "/users/{name}/inbox",
             [context](http::Request& request) { return ReadInbox(context, request); });
}

}  // namespace parvis::federation
