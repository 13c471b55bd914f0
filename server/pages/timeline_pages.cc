#include "server/pages/timeline_pages.h"

#include <charconv>
#include <map>
#include <set>

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_commands.h"
#include "server/federation/inbox_items.h"
#include "server/federation/post_service.h"
#include "server/pages/note_view.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using storage::Family;

// Entries read at most to fill one page, so hidden ones cannot make a page
// read the whole timeline.
constexpr size_t kMaxScanned = 200;

std::optional<uint64_t> BeforeParam(const http::Request& request) {
  std::optional<std::string> before = request.QueryParam("before");
  if (!before) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(before->data(), before->data() + before->size(), value);
  if (error != std::errc() || end != before->data() + before->size()) return std::nullopt;
  return value;
}

// Which authors' objects a timeline shows, by their current sector.
enum class SectorFilter {
  kAll,             // a civic timeline of someone who let commercial posts in
  kHideCommercial,  // a civic timeline: home, local, federated
  kOnlyCommercial,  // the commercial stream
};

// Civic timelines keep commercial objects out unless the signed-in person
// chose to see them (settings).
SectorFilter CivicFilter(const Visitor& visitor) {
  return visitor.account && visitor.account->show_commercial ? SectorFilter::kAll
                                                             : SectorFilter::kHideCommercial;
}

// One page of a timeline: entries of `family` under `prefix` (whose keys end
// with an 8-byte sequence), newest first, shown if the visitor may read them
// and `filter` lets their object's author in. A boost counts as its object:
// a commercial post boosted by a civic account is still commercial.
mustache::data ReadTimeline(const PagesContext& context, const Visitor& visitor, Family family,
                            const std::string& prefix, const http::Request& request,
                            const std::string& path, SectorFilter filter) {
  std::optional<uint64_t> before = BeforeParam(request);
  std::string before_key = before ? prefix + storage::EncodeUint64(*before) : "";
  mustache::data notes(mustache::data::type::list);
  size_t shown = 0, scanned = 0;
  uint64_t last = 0;
  bool more = false;
  // Authors' sectors, decided once per page.
  std::map<std::string, protocol::Sector> sectors;
  // The commercial stream may list an object twice (an actor reclassified
  // back and forth); a page shows it once.
  std::set<std::string> seen;
  Status read = context.store->ScanBackward(
      family, prefix, before_key, [&](std::string_view key, std::string_view value) {
        if (shown == kTimelinePageSize || scanned == kMaxScanned) {
          more = true;
          return false;
        }
        ++scanned;
        last = key.size() >= 8 ? storage::DecodeUint64(key.substr(key.size() - 8)) : 0;
        std::string entry(value);
        size_t cut = entry.find('\n');
        std::string id = entry.substr(0, cut);
        std::string booster = cut == std::string::npos ? "" : entry.substr(cut + 1);
        Result<std::optional<federation::StoredObject>> object = context.posts->Get(id);
        if (!object || !object->has_value()) return true;
        if (filter != SectorFilter::kAll) {
          const std::string& author = (*object)->author;
          auto known = sectors.find(author);
          if (known == sectors.end()) known = sectors.emplace(author, AuthorSector(context, author)).first;
          bool commercial = known->second == protocol::Sector::kCommercial;
          if (commercial != (filter == SectorFilter::kOnlyCommercial)) return true;
          if (filter == SectorFilter::kOnlyCommercial && !seen.insert(id).second) return true;
        }
        if (std::optional<mustache::data> view = NoteView(context, visitor, id, **object, booster)) {
          notes.push_back(*view);
          ++shown;
        }
        return true;
      });
  mustache::data data;
  data.set("notes", notes);
  if (shown == 0) data.set("empty", true);
  if (!read) data.set("error", T(visitor, "error_storage"));
  if (more) data.set("older", path + "?before=" + std::to_string(last));
  return data;
}

void AddComposer(const Visitor& visitor, mustache::data& data, const std::string& in_reply_to = "") {
  if (!visitor.account) return;
  mustache::data composer;
  composer.set("on", true);
  if (!in_reply_to.empty()) composer.set("in_reply_to", in_reply_to);
  data.set("compose", composer);
}

http::Response Home(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  mustache::data data = ReadTimeline(context, visitor, Family::kHomeFeed,
                                     storage::EncodeAccountId(visitor.account->id), request, "/home",
                                     CivicFilter(visitor));
  data.set("heading", T(visitor, "home"));
  if (CivicFilter(visitor) == SectorFilter::kHideCommercial) data.set("commercial_hidden", true);
  data.set("follow_form", true);
  AddComposer(visitor, data);
  return RenderPage(context, visitor, "timeline", T(visitor, "home"), std::move(data));
}

http::Response PublicTimeline(const PagesContext& context, const http::Request& request,
                              const std::string& which) {
  Visitor visitor = ReadVisitor(context, request);
  mustache::data data = ReadTimeline(context, visitor, Family::kPublicFeed, which + "/", request,
                                     "/" + which, CivicFilter(visitor));
  data.set("heading", T(visitor, which));
  if (CivicFilter(visitor) == SectorFilter::kHideCommercial) data.set("commercial_hidden", true);
  AddComposer(visitor, data);
  return RenderPage(context, visitor, "timeline", T(visitor, which), std::move(data));
}

// GET /commercial: public posts of commercial authors, kept apart from the
// civic timelines, each labelled.
http::Response CommercialStream(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  mustache::data data = ReadTimeline(context, visitor, Family::kPublicFeed, "commercial/", request,
                                     "/commercial", SectorFilter::kOnlyCommercial);
  data.set("heading", T(visitor, "commercial_stream"));
  data.set("intro", T(visitor, "commercial_stream_intro"));
  return RenderPage(context, visitor, "timeline", T(visitor, "commercial_stream"), std::move(data));
}

http::Response Thread(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  std::string id = request.QueryParam("id").value_or("");
  Result<std::optional<federation::StoredObject>> object = context.posts->Get(id);
  if (!object) return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  std::optional<mustache::data> main;
  if (object->has_value()) main = NoteView(context, visitor, id, **object);
  if (!main) return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "error_not_found"));
  mustache::data data;
  // The posts it answers, oldest first, as far as they are known here.
  std::vector<mustache::data> ancestors;
  std::string parent = (*object)->local ? (*object)->note.in_reply_to : "";
  if (!(*object)->local) {
    auto it = (*object)->object.FindMember("inReplyTo");
    if (it != (*object)->object.MemberEnd()) parent = protocol::FirstId(it->value).value_or("");
  }
  for (int depth = 0; depth < 5 && !parent.empty(); ++depth) {
    Result<std::optional<federation::StoredObject>> up = context.posts->Get(parent);
    if (!up || !up->has_value()) break;
    std::optional<mustache::data> view = NoteView(context, visitor, parent, **up);
    if (!view) break;
    ancestors.insert(ancestors.begin(), *view);
    std::string next = (*up)->local ? (*up)->note.in_reply_to : "";
    if (!(*up)->local) {
      auto it = (*up)->object.FindMember("inReplyTo");
      if (it != (*up)->object.MemberEnd()) next = protocol::FirstId(it->value).value_or("");
    }
    parent = next;
  }
  mustache::data above(mustache::data::type::list);
  for (auto& view : ancestors) above.push_back(view);
  mustache::data replies(mustache::data::type::list);
  size_t count = 0;
  (void)context.store->Scan(Family::kReplies, id + "\n", [&](std::string_view, std::string_view reply) {
    Result<std::optional<federation::StoredObject>> stored = context.posts->Get(std::string(reply));
    if (stored && stored->has_value()) {
      if (std::optional<mustache::data> view = NoteView(context, visitor, std::string(reply), **stored)) {
        replies.push_back(*view);
      }
    }
    return ++count < 200;
  });
  data.set("ancestors", above);
  data.set("note", *main);
  data.set("replies", replies);
  AddComposer(visitor, data, id);
  return RenderPage(context, visitor, "thread", T(visitor, "thread"), std::move(data));
}

boost::asio::awaitable<http::Response> Publish(const PagesContext& context, http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::optional<protocol::Visibility> visibility =
      protocol::ParseVisibility(Field(form, "visibility").empty() ? "public" : Field(form, "visibility"));
  std::string error;
  std::string reply_to = Field(form, "in_reply_to");
  if (!visibility) {
    error = T(visitor, "error_form");
  } else {
    federation::PostDraft draft{.text = Field(form, "text"),
                                .summary = Field(form, "summary"),
                                .visibility = *visibility,
                                .in_reply_to = reply_to};
    Result<std::string> id = co_await context.posts->Publish(*visitor.account, std::move(draft));
    if (id) co_return Redirect(reply_to.empty() ? "/home" : ThreadPath(reply_to));
    // The service's reasons, in the visitor's language.
    const std::string& why = id.error().message;
    if (id.error().code == ErrorCode::kNotFound) {
      error = T(visitor, "error_reply_parent");
    } else if (why.find("characters") != std::string::npos && why.find("post") != std::string::npos) {
      error = T(visitor, "error_post_length");
    } else if (why.find("content warning") != std::string::npos) {
      error = T(visitor, "error_summary_length");
    } else if (why.find("direct post") != std::string::npos) {
      error = T(visitor, "error_direct");
    } else if (id.error().code == ErrorCode::kInvalidArgument) {
      error = T(visitor, "error_form");
    } else {
      error = T(visitor, "error_storage");
    }
  }
  co_return MessagePage(context, visitor, 400, T(visitor, "error_title"), error);
}

// POST /statuses/delete {id}: the author deletes one of their posts.
boost::asio::awaitable<http::Response> DeletePost(const PagesContext& context, http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  Status deleted = co_await context.posts->Delete(*visitor.account, Field(std::get<Form>(read), "id"));
  if (!deleted) {
    bool missing = deleted.error().code == ErrorCode::kNotFound;
    co_return MessagePage(context, visitor, missing ? 404 : 503, T(visitor, "error_title"),
                          T(visitor, missing ? "error_not_found" : "error_storage"));
  }
  co_return Redirect("/home");
}

boost::asio::awaitable<http::Response> React(const PagesContext& context, http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string type = Field(form, "type") == "announce" ? "Announce" : "Like";
  std::string object = Field(form, "object");
  Status reacted = co_await context.posts->React(*visitor.account, type, object, Field(form, "undo") == "1");
  if (!reacted) {
    co_return MessagePage(context, visitor, reacted.error().code == ErrorCode::kNotFound ? 404 : 400,
                          T(visitor, "error_title"), reacted.error().message);
  }
  co_return Redirect(ThreadPath(object));
}

boost::asio::awaitable<http::Response> FollowHandle(const PagesContext& context,
                                                    const federation::FollowCommandsContext& follows,
                                                    http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  std::string handle = Field(std::get<Form>(read), "handle");
  while (!handle.empty() && handle.front() == '@') handle.erase(0, 1);
  std::string error;
  // An actor's URL (from a remote profile page) or a handle.
  Result<std::string> actor_id = handle;
  if (!handle.starts_with("https://") && !handle.starts_with("http://")) {
    actor_id = co_await federation::LookupAccount(*follows.client, handle,
                                                  context.config->allow_private_addresses);
  }
  if (actor_id) {
    Result<protocol::RemoteActor> remote = co_await follows.directory->Get(*actor_id, false);
    if (remote) {
      Result<std::string> started = federation::StartFollow(follows, *visitor.account, *remote);
      if (started) co_return Redirect("/home?followed=1");
      error = T(visitor, "error_storage");
    } else {
      error = T(visitor, "error_follow") + " " + remote.error().message;
    }
  } else {
    error = T(visitor, "error_follow") + " " + actor_id.error().message;
  }
  co_return MessagePage(context, visitor, 400, T(visitor, "error_title"), error);
}

// What reached the account's inbox, newest first: mentions, replies, follows,
// likes and boosts of its posts.
http::Response Notifications(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  Result<std::vector<std::string>> items = federation::ListInboxItems(*context.store, visitor.account->id);
  mustache::data list(mustache::data::type::list);
  size_t shown = 0;
  for (const std::string& id : items ? *items : std::vector<std::string>{}) {
    if (shown == 40) break;
    // Petition events of this node: "…/petitions/N#milestones/33", "…#answer".
    if (size_t hash = id.find('#'); id.starts_with(context.config->base_url + "/petitions/") &&
                                    hash != std::string::npos) {
      std::string_view event = std::string_view(id).substr(hash + 1);
      mustache::data entry;
      if (event.starts_with("milestones/")) {
        entry.set("text", T(visitor, "notification_petition_milestone") + " " +
                              std::string(event.substr(11)) + " %");
      } else if (event == "answer") {
        entry.set("text", T(visitor, "notification_petition_answer"));
      } else {
        continue;
      }
      entry.set("actor", "");
      entry.set("link", id.substr(0, hash));
      list.push_back(entry);
      ++shown;
      continue;
    }
    Result<std::optional<std::string>> record = context.store->Get(Family::kActivities, id);
    if (record && !record->has_value() && id.ends_with("/activity")) {
      // A post written here that names the account.
      std::string note_id = id.substr(0, id.size() - std::string_view("/activity").size());
      Result<std::optional<federation::StoredObject>> note = context.posts->Get(note_id);
      if (note && note->has_value() && (*note)->local && (*note)->deleted == 0) {
        mustache::data entry;
        entry.set("text", T(visitor, "notification_Create"));
        entry.set("actor", ActorLabel(context, (*note)->author));
        entry.set("link", ThreadPath(note_id));
        list.push_back(entry);
        ++shown;
      }
      continue;
    }
    if (!record || !record->has_value()) continue;
    Result<rapidjson::Document> doc = protocol::ParseJson(**record, {.max_bytes = 64 << 20});
    if (!doc || !doc->IsObject() || !doc->HasMember("activity")) continue;
    const rapidjson::Value& activity = (*doc)["activity"];
    std::string type = protocol::StringMember(activity, "type").value_or("");
    std::string actor;
    if (auto it = activity.FindMember("actor"); it != activity.MemberEnd()) {
      actor = protocol::FirstId(it->value).value_or("");
    }
    std::string key = "notification_" + type;
    if (T(visitor, key) == key) continue;  // types without a notification
    mustache::data entry;
    entry.set("text", T(visitor, key));
    entry.set("actor", ActorLabel(context, actor));
    if (auto it = activity.FindMember("object"); it != activity.MemberEnd()) {
      std::string object = protocol::FirstId(it->value).value_or("");
      if (!object.empty() && type != "Follow") entry.set("link", ThreadPath(object));
    }
    list.push_back(entry);
    ++shown;
  }
  mustache::data data;
  data.set("notifications", list);
  if (shown == 0) data.set("empty", true);
  return RenderPage(context, visitor, "notifications", T(visitor, "notifications"), std::move(data));
}

}  // namespace

void AddTimelinePages(http::Router& router, const PagesContext& context,
                      const federation::FollowCommandsContext& follows) {
  router.Add("GET", "/home", [context](http::Request& r) { return Home(context, r); });
  router.Add("GET", "/local", [context](http::Request& r) { return PublicTimeline(context, r, "local"); });
  router.Add("GET", "/federated",
             [context](http::Request& r) { return PublicTimeline(context, r, "federated"); });
  router.Add("GET", "/commercial", [context](http::Request& r) { return CommercialStream(context, r); });
  router.Add("GET", "/thread", [context](http::Request& r) { return Thread(context, r); });
  router.Add("GET", "/notifications", [context](http::Request& r) { return Notifications(context, r); });
  router.AddAsync("POST", "/statuses", [context](http::Request& r) { return Publish(context, r); });
  router.AddAsync("POST", "/react", [context](http::Request& r) { return React(context, r); });
  router.AddAsync("POST", "/statuses/delete", [context](http::Request& r) { return DeletePost(context, r); });
  router.AddAsync("POST", "/follow",
                  [context, follows](http::Request& r) { return FollowHandle(context, follows, r); });
}

}  // namespace parvis::pages
