#include "server/pages/note_view.h"

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/sector_service.h"
#include "server/federation/account_relations.h"
#include "server/federation/actor_directory.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_store.h"
#include "server/pages/annotation_pages.h"
#include "server/pages/amplification_label.h"
#include "server/pages/footprint_pages.h"
#include "server/pages/safe_html_cache.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

std::string StringOr(const rapidjson::Value& object, const char* name) {
  return protocol::StringMember(object, name).value_or("");
}

// "2026-11-22T15:04:05Z" as "2026-11-22 15:04".
std::string ShortDate(std::string_view rfc3339) {
  std::string out(rfc3339.substr(0, 16));
  if (out.size() > 10 && out[10] == 'T') out[10] = ' ';
  return out;
}

bool Addressed(const rapidjson::Value& object, const std::string& actor) {
  for (const char* field : {"to", "cc"}) {
    auto it = object.FindMember(field);
    if (it == object.MemberEnd()) continue;
    if (it->value.IsString() && actor == it->value.GetString()) return true;
    if (!it->value.IsArray()) continue;
    for (const auto& address : it->value.GetArray()) {
      if (address.IsString() && actor == address.GetString()) return true;
    }
  }
  return false;
}

struct Author {
  std::string name;     // display name
  std::string handle;   // @name@host
  std::string url;      // profile page
};

Author DescribeAuthor(const PagesContext& context, const std::string& actor_id) {
  federation::ActorUrls urls(context.config->base_url);
  if (std::optional<std::string> local = urls.NameFromUrl(actor_id)) {
    Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*local);
    if (account && account->has_value()) {
      const accounts::Account& a = **account;
      return {a.display_name.empty() ? a.name : a.display_name, "@" + a.name + "@" + context.config->host,
              "/@" + a.name};
    }
  }
  Result<std::optional<federation::StoredActors::Shared>> known = context.directory->stored_actors().Find(actor_id);
  if (known && known->has_value()) {
    const protocol::RemoteActor& actor = ***known;
    std::string host = federation::AuthorityOf(actor.id).value_or("");
    std::string name = actor.name.empty() ? actor.preferred_username : actor.name;
    return {name.empty() ? actor.id : name, "@" + actor.preferred_username + "@" + host,
            actor.url.empty() ? actor.id : actor.url};
  }
  return {actor_id, actor_id, actor_id};
}

}  // namespace

std::string ActorLabel(const PagesContext& context, const std::string& actor_id) {
  Author author = DescribeAuthor(context, actor_id);
  return author.handle == actor_id ? actor_id : author.name + " (" + author.handle + ")";
}

protocol::Sector AuthorSector(const PagesContext& context, const std::string& actor_id) {
  if (context.sectors == nullptr) return protocol::Sector::kUnknown;
  return context.sectors->Of(actor_id);
}

void SetSectorLabel(mustache::data& data, const Visitor& visitor, protocol::Sector sector) {
  if (sector == protocol::Sector::kCommercial) {
    data.set("sector_commercial", true);
    data.set("sector_label", T(visitor, "sector_commercial"));
  } else if (sector == protocol::Sector::kUnknown) {
    data.set("sector_unknown", true);
    data.set("sector_label", T(visitor, "sector_unknown"));
  }
}

std::string ThreadPath(const std::string& object_id) {
  return "/thread?id=" + UrlEncode(object_id);
}

bool Readable(const PagesContext& context, const Visitor& visitor,
              const federation::StoredObject& object) {
  if (object.deleted != 0) return false;
  federation::ActorUrls urls(context.config->base_url);
  std::string reader = visitor.account ? urls.Actor(visitor.account->name) : "";
  if (object.local) return federation::MayRead(object.note, reader, false);
  const rapidjson::Value& note = object.object;
  if (!note.IsObject()) return false;
  if (federation::IsPublicObject(note)) return true;
  bool follower = false;
  if (visitor.account) {
    Result<std::optional<federation::FollowRecord>> record = federation::FollowStore(*context.store).Get(
        visitor.account->id, federation::Direction::kFollowing, object.author);
    follower = record && record->has_value() && (*record)->state == federation::FollowState::kAccepted;
  }
  return !reader.empty() && (follower || Addressed(note, reader));
}

bool ModeratedAway(const PagesContext& context, const std::string& actor) {
  return context.policy != nullptr && (context.policy->IsSuspended(actor) || !context.policy->AllowsUrl(actor));
}

bool LimitedFor(const PagesContext& context, const Visitor& visitor, const std::string& actor) {
  if (context.policy == nullptr || !context.policy->IsLimited(actor)) return false;
  if (!visitor.account) return true;
  federation::ActorUrls urls(context.config->base_url);
  if (urls.Actor(visitor.account->name) == actor) return false;
  Result<std::optional<federation::FollowRecord>> follow =
      federation::FollowStore(*context.store).Get(visitor.account->id, federation::Direction::kFollowing, actor);
  return !(follow && follow->has_value() && (**follow).state == federation::FollowState::kAccepted);
}

std::optional<mustache::data> NoteView(const PagesContext& context, const Visitor& visitor,
                                       const std::string& id, const federation::StoredObject& object,
                                       const std::string& booster) {
  if (!Readable(context, visitor, object) || ModeratedAway(context, object.author)) return std::nullopt;
  mustache::data view;
  std::string content_html, summary, published, in_reply_to, title;
  if (object.local) {
    content_html = object.note.content_html;
    summary = object.note.summary;
    published = protocol::FormatRfc3339Utc(object.note.published);
    in_reply_to = object.note.in_reply_to;
    title = object.note.name;
    view.set("visibility", T(visitor, std::string("visibility_") +
                                          protocol::VisibilityName(object.note.visibility)));
    if (!object.imported_from.empty()) {
      // History brought from another server (federation/account_import.h):
      // its date is the old server's, and the card says where it came from.
      std::string_view origin = object.imported_from;
      size_t scheme = origin.find("://");
      if (scheme != std::string_view::npos) origin.remove_prefix(scheme + 3);
      view.set("imported_from", std::string(origin.substr(0, origin.find('/'))));
      view.set("imported_url", object.imported_from);
    }
  } else {
    const rapidjson::Value& note = object.object;
    std::string content = StringOr(note, "content");
    if (context.safe_html != nullptr) {
      content_html = context.safe_html->Sanitized(id, content);
    } else {
      Result<std::string> safe = protocol::SanitizeHtml(content);
      content_html = safe ? *safe : "";
    }
    summary = StringOr(note, "summary");
    published = StringOr(note, "published");
    auto parent = note.FindMember("inReplyTo");
    if (parent != note.MemberEnd()) in_reply_to = protocol::FirstId(parent->value).value_or("");
    title = StringOr(note, "name");
  }
  Author author = DescribeAuthor(context, object.author);
  view.set("id", id);
  view.set("thread", ThreadPath(id));
  view.set("author_name", author.name);
  view.set("author_handle", author.handle);
  view.set("author_url", author.url);
  view.set("published", published);
  view.set("published_short", ShortDate(published));
  view.set("content", content_html);
  if (!title.empty()) view.set("note_title", title);
  if (!summary.empty()) view.set("summary", summary);
  if (!in_reply_to.empty()) view.set("in_reply_to", ThreadPath(in_reply_to));
  if (!object.local) view.set("remote", true);
  if (object.local && visitor.account && visitor.account->id == object.account) {
    view.set("mine", true);
  } else if (visitor.account) {
    view.set("report_url", "/report?target=" + UrlEncode(object.author) + "&object=" + UrlEncode(id));
  }
  if (visitor.account) {
    Result<bool> saved = federation::RelationStore(*context.store).HasBookmark(visitor.account->id, id);
    if (saved && *saved) view.set("bookmarked", true);
  }
  if (!booster.empty()) view.set("booster", DescribeAuthor(context, booster).name);
  // The label follows the object's author, whoever boosted it.
  SetSectorLabel(view, visitor, AuthorSector(context, object.author));
  SetEnergyLabel(view, context, id, object);  // docs/energy.md
  SetAmplificationLabel(view, visitor, *context.store, id);  // docs/signals.md
  SetContextNotes(view, context, visitor, id);  // annotations/: moderators' and fact-checkers' notes
  return view;
}

}  // namespace parvis::pages
