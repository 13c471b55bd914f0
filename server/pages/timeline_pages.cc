#include "server/pages/timeline_pages.h"

#include <algorithm>
#include <charconv>

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "server/civic/ordering_usage.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_commands.h"
#include "server/federation/inbox_items.h"
#include "server/federation/post_service.h"
#include "server/civic/timeline_ordering.h"
#include "server/pages/annotation_pages.h"
#include "server/pages/note_view.h"
#include "server/pages/relation_pages.h"
#include "server/pages/timeline_api.h"
#include "server/pages/timeline_reader.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using storage::Family;

std::optional<uint64_t> BeforeParam(const http::Request& request) {
  std::optional<std::string> before = request.QueryParam("before");
  if (!before) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(before->data(), before->data() + before->size(), value);
  if (error != std::errc() || end != before->data() + before->size()) return std::nullopt;
  return value;
}

size_t OffsetParam(const http::Request& request) {
  std::optional<std::string> offset = request.QueryParam("offset");
  size_t value = 0;
  if (!offset) return 0;
  auto [end, error] = std::from_chars(offset->data(), offset->data() + offset->size(), value);
  if (error != std::errc() || end != offset->data() + offset->size()) return 0;
  return std::min(value, civic::kDigestWindow);
}

// The lines of "Why am I seeing this?" for one item, in the visitor's language.
mustache::data WhyView(const PagesContext& context, const Visitor& visitor, const TimelineItem& item) {
  mustache::data reasons(mustache::data::type::list);
  for (const civic::Reason& reason : item.why) {
    std::string text = T(visitor, std::string("why_") + civic::ReasonName(reason.code));
    if (!reason.actor.empty()) text += " " + ActorLabel(context, reason.actor);
    if (reason.code == civic::ReasonCode::kRanked) {
      text += " " + civic::FormatNumber(item.score, 2) + " (";
      bool first = true;
      for (const civic::DigestTerm& term : civic::kDigestTerms) {
        if (!first) text += ", ";
        text += std::string(term.name) + " " + civic::FormatNumber(item.inputs[term.input], 2) + " × " +
                civic::FormatNumber(term.weight);
        first = false;
      }
      text += ")";
    }
    mustache::data line;
    line.set("text", text);
    reasons.push_back(line);
  }
  mustache::data why;
  why.set("reasons", reasons);
  return why;
}

// One page of a timeline, as the template's data.
mustache::data ReadTimeline(const PagesContext& context, const Visitor& visitor, TimelineKind kind,
                            civic::Ordering ordering, const http::Request& request, const std::string& path) {
  TimelineQuery query{.kind = kind,
                      .ordering = ordering,
                      .before = BeforeParam(request),
                      .offset = OffsetParam(request),
                      .limit = kTimelinePageSize};
  TimelineRead read = ReadTimelineItems(context, visitor, query);
  mustache::data notes(mustache::data::type::list);
  size_t shown = 0;
  for (const TimelineItem& item : read.items) {
    std::optional<mustache::data> view = NoteView(context, visitor, item.id, item.object, item.booster);
    if (!view) continue;
    view->set("why", WhyView(context, visitor, item));
    notes.push_back(*view);
    ++shown;
  }
  mustache::data data;
  data.set("notes", notes);
  if (shown == 0) data.set("empty", true);
  if (read.storage_error) data.set("error", T(visitor, "error_storage"));
  if (read.commercial_hidden) data.set("commercial_hidden", true);
  if (read.more) {
    data.set("older", ordering == civic::Ordering::kDigest && kind == TimelineKind::kHome
                          ? path + "?order=digest&offset=" + std::to_string(read.next_offset)
                          : path + "?before=" + std::to_string(read.last));
  }
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
  // Chronological unless the reader asks for another ordering; nothing is remembered.
  civic::Ordering ordering =
      civic::ParseOrdering(request.QueryParam("order").value_or("")).value_or(civic::Ordering::kChronological);
  if (context.ordering_usage != nullptr) context.ordering_usage->Record(ordering, context.now());
  mustache::data data = ReadTimeline(context, visitor, TimelineKind::kHome, ordering, request, "/home");
  data.set("heading", T(visitor, "home"));
  mustache::data nav;
  if (ordering == civic::Ordering::kDigest) {
    nav.set("digest", true);
    nav.set("formula", civic::DigestFormula());
  } else {
    nav.set("chronological", true);
  }
  data.set("ordering_nav", nav);
  data.set("follow_form", true);
  AddComposer(visitor, data);
  return RenderPage(context, visitor, "timeline", T(visitor, "home"), std::move(data));
}

http::Response PublicTimeline(const PagesContext& context, const http::Request& request, TimelineKind kind) {
  Visitor visitor = ReadVisitor(context, request);
  std::string which = TimelineName(kind);
  mustache::data data =
      ReadTimeline(context, visitor, kind, civic::Ordering::kChronological, request, "/" + which);
  data.set("heading", T(visitor, which));
  AddComposer(visitor, data);
  return RenderPage(context, visitor, "timeline", T(visitor, which), std::move(data));
}

// GET /commercial: public posts of commercial authors, kept apart from the
// civic timelines, each labelled.
http::Response CommercialStream(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  mustache::data data = ReadTimeline(context, visitor, TimelineKind::kCommercial,
                                     civic::Ordering::kChronological, request, "/commercial");
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
  // Rights of reply come first (annotations/), and only there.
  std::set<std::string> above_replies = AddThreadAnnotations(data, context, visitor, id, **object);
  // Replies by whom the reader blocks or mutes are left out.
  federation::HiddenSet hidden = HiddenFor(context, visitor);
  (void)context.store->Scan(Family::kReplies, id + "\n", [&](std::string_view, std::string_view reply) {
    Result<std::optional<federation::StoredObject>> stored = context.posts->Get(std::string(reply));
    if (stored && stored->has_value() && !hidden.Hides((*stored)->author) &&
        !above_replies.contains(std::string(reply))) {
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
  // Nothing from whom the account blocks, or mutes with their notifications.
  federation::HiddenSet hidden = HiddenFor(context, visitor);
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
    // Moderation events of this node: "…/reports/N#outcome", "#decision", "#appeal".
    if (size_t hash = id.find('#'); id.starts_with(context.config->base_url + "/reports/") &&
                                    hash != std::string::npos) {
      std::string_view event = std::string_view(id).substr(hash + 1);
      std::string number = id.substr(context.config->base_url.size() + 9, hash - context.config->base_url.size() - 9);
      mustache::data entry;
      if (event == "outcome") {
        entry.set("text", T(visitor, "notification_report_outcome"));
        entry.set("link", "/reports");
      } else if (event == "decision" || event == "appeal") {
        entry.set("text", T(visitor, event == "decision" ? "notification_moderation_decision"
                                                          : "notification_appeal_decided"));
        entry.set("link", "/appeals/" + number);
      } else {
        continue;
      }
      entry.set("actor", "");
      list.push_back(entry);
      ++shown;
      continue;
    }
    Result<std::optional<std::string>> record = context.store->Get(Family::kActivities, id);
    if (record && !record->has_value() && id.ends_with("/activity")) {
      // A post written here that names the account.
      std::string note_id = id.substr(0, id.size() - std::string_view("/activity").size());
      Result<std::optional<federation::StoredObject>> note = context.posts->Get(note_id);
      if (note && note->has_value() && (*note)->local && (*note)->deleted == 0 &&
          !hidden.HidesNotificationsFrom((*note)->author)) {
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
    if (hidden.HidesNotificationsFrom(actor)) continue;
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
  AddTimelineApi(router, context);
  router.Add("GET", "/local",
             [context](http::Request& r) { return PublicTimeline(context, r, TimelineKind::kLocal); });
  router.Add("GET", "/federated",
             [context](http::Request& r) { return PublicTimeline(context, r, TimelineKind::kFederated); });
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
