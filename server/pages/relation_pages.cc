#include "server/pages/relation_pages.h"

#include "server/federation/account_relations.h"
#include "server/federation/actor_directory.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_commands.h"
#include "server/federation/post_service.h"
#include "server/federation/relation_commands.h"
#include "server/pages/note_view.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using federation::RelationKind;

constexpr std::string_view kSettingsPath = "/settings/relations";

bool LocalPath(const std::string& path) {
  return !path.empty() && path.front() == '/' && !path.starts_with("//") && path.size() <= 4096 &&
         path.find_first_of("\r\n\\") == std::string::npos;
}

// Where to go after a button: the form's `back`, else the page the button
// was on (Referer, same origin only), else `fallback`. Never another site.
std::string BackPath(const PagesContext& context, const http::Request& request, const Form& form,
                     const std::string& fallback) {
  std::string back = Field(form, "back");
  if (LocalPath(back)) return back;
  std::string referer(request.Header("referer").value_or(""));
  const std::string& base = context.config->base_url;
  if (referer.starts_with(base + "/") && LocalPath(referer.substr(base.size()))) return referer.substr(base.size());
  return fallback;
}

std::string ProfilePath(const PagesContext& context, const std::string& actor_id) {
  federation::ActorUrls urls(context.config->base_url);
  if (std::optional<std::string> name = urls.NameFromUrl(actor_id); name && urls.Actor(*name) == actor_id) {
    return "/@" + *name;
  }
  return "/remote?id=" + UrlEncode(actor_id);
}

http::Response Failed(const PagesContext& context, const Visitor& visitor, const Error& error,
                      const std::string& invalid_key) {
  if (error.code == ErrorCode::kInvalidArgument) {
    return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, invalid_key));
  }
  if (error.code == ErrorCode::kNotFound) {
    return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "error_not_found"));
  }
  return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
}

enum class ActorAction { kBlock, kUnblock, kMute, kUnmute };

boost::asio::awaitable<http::Response> OnActor(const PagesContext& context,
                                               const federation::FollowCommandsContext& follows,
                                               http::Request& request, ActorAction action) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string actor_id = Field(form, "actor");
  Status done = Ok();
  if (action == ActorAction::kBlock || action == ActorAction::kUnblock) {
    // A remote actor is told (Block, Undo(Block)); one that cannot be
    // fetched is blocked all the same.
    std::optional<protocol::RemoteActor> remote;
    bool local = actor_id.starts_with(context.config->base_url + "/");
    if (!local && (actor_id.starts_with("https://") || actor_id.starts_with("http://")) &&
        actor_id.size() <= federation::kMaxRelationTarget) {
      Result<protocol::RemoteActor> fetched = co_await follows.directory->Get(actor_id, false);
      if (fetched) {
        actor_id = fetched->id;
        remote = std::move(*fetched);
      }
    }
    const protocol::RemoteActor* told = remote ? &*remote : nullptr;
    done = action == ActorAction::kBlock ? federation::BlockActor(follows, *visitor.account, actor_id, told)
                                         : federation::UnblockActor(follows, *visitor.account, actor_id, told);
  } else if (action == ActorAction::kMute) {
    done = federation::MuteActor(follows, *visitor.account, actor_id, Field(form, "hide_notifications") == "1");
  } else {
    done = federation::UnmuteActor(follows, *visitor.account, actor_id);
  }
  if (!done) co_return Failed(context, visitor, done.error(), "error_form");
  co_return Redirect(BackPath(context, request, form, std::string(kSettingsPath)));
}

http::Response OnDomain(const PagesContext& context, const federation::FollowCommandsContext& follows,
                        http::Request& request, bool block) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  std::string host = Field(std::get<Form>(read), "host");
  while (!host.empty() && host.front() == ' ') host.erase(0, 1);
  while (!host.empty() && host.back() == ' ') host.pop_back();
  Status done = block ? federation::BlockDomain(follows, *visitor.account, host)
                      : federation::UnblockDomain(follows, *visitor.account, host);
  if (!done) return Failed(context, visitor, done.error(), "error_domain");
  return Redirect(kSettingsPath);
}

http::Response OnBookmark(const PagesContext& context, const federation::FollowCommandsContext& follows,
                          http::Request& request, bool add) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string object = Field(form, "object");
  Status done = Ok();
  if (add) {
    Result<bool> added = federation::AddBookmark(follows, *visitor.account, object);
    if (!added) done = std::unexpected(added.error());
  } else {
    done = federation::RemoveBookmark(follows, *visitor.account, object);
  }
  if (!done) return Failed(context, visitor, done.error(), "error_form");
  return Redirect(BackPath(context, request, form, ThreadPath(object)));
}

http::Response Bookmarks(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  std::string after = request.QueryParam("after").value_or("");
  federation::RelationStore relations(*context.store);
  // One more than a page, to know whether another follows.
  Result<std::vector<federation::Bookmark>> bookmarks =
      relations.ListBookmarksBefore(visitor.account->id, kBookmarksPageSize + 1, after);
  mustache::data data;
  if (!bookmarks && bookmarks.error().code == ErrorCode::kInvalidArgument) {
    return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  }
  if (!bookmarks) data.set("error", T(visitor, "error_storage"));
  mustache::data notes(mustache::data::type::list);
  size_t shown = 0;
  std::vector<federation::Bookmark> page = bookmarks ? *bookmarks : std::vector<federation::Bookmark>{};
  bool more = page.size() > kBookmarksPageSize;
  if (more) page.resize(kBookmarksPageSize);
  for (const federation::Bookmark& bookmark : page) {
    Result<std::optional<federation::StoredObject>> object = context.posts->Get(bookmark.object_id);
    if (!object || !object->has_value()) continue;
    if (std::optional<mustache::data> view = NoteView(context, visitor, bookmark.object_id, **object)) {
      notes.push_back(*view);
      ++shown;
    }
  }
  data.set("notes", notes);
  if (shown == 0) data.set("empty", true);
  if (more) data.set("older", "/bookmarks?after=" + UrlEncode(federation::BookmarkCursor(page.back())));
  return RenderPage(context, visitor, "bookmarks", T(visitor, "bookmarks"), std::move(data));
}

http::Response RelationsSettings(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  federation::RelationStore relations(*context.store);
  mustache::data data;
  for (auto [key, kind] : {std::pair{"blocked", RelationKind::kBlock}, std::pair{"muted", RelationKind::kMute},
                           std::pair{"domains", RelationKind::kDomainBlock}}) {
    Result<std::vector<federation::Relation>> list = relations.List(visitor.account->id, kind);
    if (!list) data.set("error", T(visitor, "error_storage"));
    mustache::data entries(mustache::data::type::list);
    for (const federation::Relation& relation : list ? *list : std::vector<federation::Relation>{}) {
      mustache::data entry;
      if (kind == RelationKind::kDomainBlock) {
        entry.set("host", relation.target);
      } else {
        entry.set("actor", relation.target);
        entry.set("label", ActorLabel(context, relation.target));
        entry.set("profile", ProfilePath(context, relation.target));
        if (kind == RelationKind::kMute && relation.hide_notifications) entry.set("hide_notifications", true);
      }
      entries.push_back(entry);
    }
    data.set(std::string(key) + "_empty", entries.is_empty_list());
    data.set(key, entries);
  }
  return RenderPage(context, visitor, "relations", T(visitor, "relations_settings"), std::move(data));
}

}  // namespace

federation::HiddenSet HiddenFor(const PagesContext& context, const Visitor& visitor) {
  if (!visitor.account) return {};
  return federation::RelationStore(*context.store).Hidden(visitor.account->id).value_or(federation::HiddenSet{});
}

void SetRelationButtons(const PagesContext& context, const Visitor& visitor, const std::string& actor_id,
                        const std::string& back, mustache::data& data) {
  if (!visitor.account) return;
  if (actor_id == federation::ActorUrls(context.config->base_url).Actor(visitor.account->name)) return;
  federation::RelationStore relations(*context.store);
  mustache::data relation;
  relation.set("actor", actor_id);
  relation.set("back", back);
  // The profile's own "Report" link (posts have theirs on each card).
  relation.set("report_url", "/report?target=" + UrlEncode(actor_id));
  Result<std::optional<federation::Relation>> block = relations.Get(visitor.account->id, RelationKind::kBlock, actor_id);
  if (block && block->has_value()) relation.set("blocked", true);
  Result<std::optional<federation::Relation>> mute = relations.Get(visitor.account->id, RelationKind::kMute, actor_id);
  if (mute && mute->has_value()) relation.set("muted", true);
  data.set("relation", relation);
}

void AddRelationPages(http::Router& router, const PagesContext& context,
                      const federation::FollowCommandsContext& follows) {
  for (auto [path, action] : {std::pair{"/block", ActorAction::kBlock}, std::pair{"/unblock", ActorAction::kUnblock},
                              std::pair{"/mute", ActorAction::kMute}, std::pair{"/unmute", ActorAction::kUnmute}}) {
    router.AddAsync("POST", path, [context, follows, action](http::Request& r) {
      return OnActor(context, follows, r, action);
    });
  }
  for (bool on : {true, false}) {
    router.Add("POST", on ? "/domain-block" : "/domain-unblock",
               [context, follows, on](http::Request& r) { return OnDomain(context, follows, r, on); });
    router.Add("POST", on ? "/bookmark" : "/unbookmark",
               [context, follows, on](http::Request& r) { return OnBookmark(context, follows, r, on); });
  }
  router.Add("GET", "/bookmarks", [context](http::Request& r) { return Bookmarks(context, r); });
  router.Add("GET", std::string(kSettingsPath), [context](http::Request& r) { return RelationsSettings(context, r); });
}

}  // namespace parvis::pages
