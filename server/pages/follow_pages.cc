#include "server/pages/follow_pages.h"

#include "parvis/protocol/html_sanitizer.h"
#include "server/civic/sector_service.h"
#include "server/federation/actor_directory.h"
#include "server/federation/follow_commands.h"
#include "server/federation/follow_store.h"
#include "server/federation/post_service.h"
#include "server/pages/note_view.h"
#include "server/pages/relation_pages.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using federation::Direction;
using federation::FollowState;

boost::asio::awaitable<http::Response> RemoteProfile(const PagesContext& context,
                                                     const federation::FollowCommandsContext& follows,
                                                     http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  std::string id = request.QueryParam("id").value_or("");
  auto not_found = [&] {
    return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "error_no_account"));
  };
  if (!id.starts_with("https://") && !id.starts_with("http://")) co_return not_found();
  Result<protocol::RemoteActor> actor = co_await follows.directory->Get(id, false);
  if (!actor) co_return not_found();
  mustache::data data;
  std::string name = actor->name.empty() ? actor->preferred_username : actor->name;
  data.set("display_name", name.empty() ? actor->id : name);
  data.set("handle", "@" + actor->preferred_username + "@" + federation::AuthorityOf(actor->id).value_or(""));
  data.set("actor", actor->id);
  data.set("original", actor->url.empty() ? actor->id : actor->url);
  if (context.sectors != nullptr) {
    civic::SectorDecision sector = context.sectors->Resolve(actor->id);
    SetSectorLabel(data, visitor, sector.sector);
    if (sector.sector == protocol::Sector::kCivic) data.set("sector_civic", true);
    data.set("sector_name", T(visitor, std::string("sector_name_") + protocol::SectorName(sector.sector)));
    data.set("sector_source",
             T(visitor, std::string("sector_source_") + civic::SectorSourceName(sector.source)));
  }
  if (visitor.account) {
    Result<std::optional<federation::FollowRecord>> record =
        federation::FollowStore(*context.store).Get(visitor.account->id, Direction::kFollowing, actor->id);
    if (record && record->has_value()) {
      data.set((*record)->state == FollowState::kAccepted ? "following" : "requested", true);
    } else {
      data.set("can_follow", true);
    }
  }
  if (!actor->moved_to.empty()) {
    data.set("moved_to", actor->moved_to);
    data.set("moved_to_link", "/remote?id=" + UrlEncode(actor->moved_to));
  }
  SetRelationButtons(context, visitor, actor->id, "/remote?id=" + UrlEncode(actor->id), data);
  // What it wrote that reached this node, newest first.
  mustache::data notes(mustache::data::type::list);
  size_t shown = 0, scanned = 0;
  (void)context.store->ScanBackward(storage::Family::kByAuthor, actor->id + "\n", "",
                                    [&](std::string_view, std::string_view object_id) {
                                      if (shown == 20 || ++scanned > 200) return false;
                                      Result<std::optional<federation::StoredObject>> object =
                                          context.posts->Get(std::string(object_id));
                                      if (!object || !object->has_value()) return true;
                                      if (auto view = NoteView(context, visitor, std::string(object_id), **object)) {
                                        notes.push_back(*view);
                                        ++shown;
                                      }
                                      return true;
                                    });
  data.set("notes", notes);
  if (shown == 0) data.set("empty", true);
  co_return RenderPage(context, visitor, "remote_profile", name.empty() ? actor->id : name, std::move(data));
}

boost::asio::awaitable<http::Response> Unfollow(const PagesContext& context,
                                                const federation::FollowCommandsContext& follows,
                                                http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  std::string actor_id = Field(std::get<Form>(read), "actor");
  Result<protocol::RemoteActor> actor = co_await follows.directory->Get(actor_id, false);
  if (!actor) co_return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "error_no_account"));
  Result<std::string> undone = federation::StopFollow(follows, *visitor.account, *actor);
  if (!undone && undone.error().code != ErrorCode::kNotFound) {
    co_return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  }
  co_return Redirect("/remote?id=" + UrlEncode(actor_id));
}

http::Response Requests(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  Result<std::vector<federation::FollowRecord>> records =
      federation::FollowStore(*context.store).List(visitor.account->id, Direction::kFollowers);
  mustache::data pending(mustache::data::type::list);
  for (const federation::FollowRecord& record : records ? *records : std::vector<federation::FollowRecord>{}) {
    if (record.state != FollowState::kPending) continue;
    mustache::data entry;
    entry.set("actor", record.actor);
    entry.set("profile", "/remote?id=" + UrlEncode(record.actor));
    pending.push_back(entry);
  }
  mustache::data data;
  if (pending.is_empty_list()) data.set("empty", true);
  data.set("requests", pending);
  if (visitor.account->manually_approves_followers) data.set("manual", true);
  return RenderPage(context, visitor, "follow_requests", T(visitor, "follow_requests"), std::move(data));
}

boost::asio::awaitable<http::Response> Answer(const PagesContext& context,
                                              const federation::FollowCommandsContext& follows,
                                              http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  Status answered = co_await federation::AnswerFollow(follows, *visitor.account, Field(form, "actor"),
                                                      Field(form, "accept") == "1");
  if (!answered) {
    co_return MessagePage(context, visitor, answered.error().code == ErrorCode::kNotFound ? 404 : 503,
                          T(visitor, "error_title"), answered.error().message);
  }
  co_return Redirect("/follow-requests");
}

}  // namespace

void AddFollowPages(http::Router& router, const PagesContext& context,
                    const federation::FollowCommandsContext& follows) {
  router.AddAsync("GET", "/remote",
                  [context, follows](http::Request& r) { return RemoteProfile(context, follows, r); });
  router.AddAsync("POST", "/unfollow",
                  [context, follows](http::Request& r) { return Unfollow(context, follows, r); });
  router.Add("GET", "/follow-requests", [context](http::Request& r) { return Requests(context, r); });
  router.AddAsync("POST", "/follow-requests",
                  [context, follows](http::Request& r) { return Answer(context, follows, r); });
}

}  // namespace parvis::pages
