#include "server/pages/profile_pages.h"

#include <charconv>

#include "parvis/protocol/note_text.h"
#include "server/civic/sector_service.h"
#include "server/federation/actor_routes.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"
#include "server/federation/post_service.h"
#include "server/pages/note_view.h"
#include "server/pages/relation_pages.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using storage::Family;

size_t Accepted(const PagesContext& context, storage::AccountId id, federation::Direction direction) {
  Result<std::vector<federation::FollowRecord>> records =
      federation::FollowStore(*context.store).List(id, direction);
  if (!records) return 0;
  return std::count_if(records->begin(), records->end(), [](const federation::FollowRecord& r) {
    return r.state == federation::FollowState::kAccepted;
  });
}

http::Response Profile(const PagesContext& context, http::Request& request) {
  const std::string& name = request.params["name"];
  federation::ActorUrls urls(context.config->base_url);
  Visitor visitor = ReadVisitor(context, request);
  std::optional<accounts::Account> account;
  if (accounts::ValidateAccountName(name)) {
    Result<std::optional<accounts::Account>> found = context.accounts->FindByName(name);
    if (found && found->has_value() && (*found)->approved) account = **found;
  }
  if (!account) return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "error_no_account"));
  protocol::Sector sector = context.sectors != nullptr ? context.sectors->ForAccount(*account).sector
                                                      : civic::SectorOfKind(account->kind);
  if (request.AcceptsActivityJson() && !context.config->authorized_fetch) {
    return federation::ActorResponse(*context.config, *account, protocol::SectorName(sector));
  }
  if (request.AcceptsActivityJson()) {
    // Signed fetches are checked at the actor's own URL.
    http::Response moved = http::Response::Text(308, "");
    moved.headers.emplace_back("Location", urls.Actor(account->name));
    moved.headers.emplace_back("Vary", "Accept");
    return moved;
  }
  mustache::data data;
  data.set("display_name", account->display_name.empty() ? account->name : account->display_name);
  data.set("name", account->name);
  data.set("host", context.config->host);
  if (!account->moved_to.empty()) {
    // The account moved (federation/account_move.h): its new home, first.
    data.set("moved_to", account->moved_to);
    data.set("moved_to_link", "/remote?id=" + UrlEncode(account->moved_to));
  }
  if (!account->avatar_type.empty()) data.set("avatar", urls.Avatar(account->name, account->avatar_version));
  data.set("kind_label", T(visitor, std::string("kind_") + accounts::AccountKindName(account->kind)));
  SetSectorLabel(data, visitor, sector);
  if (!account->bio.empty()) data.set("bio", protocol::RenderPlainText(account->bio, {}));
  SetRelationButtons(context, visitor, urls.Actor(account->name), "/@" + account->name, data);
  data.set("follower_count", std::to_string(Accepted(context, account->id, federation::Direction::kFollowers)));
  data.set("following_count", std::to_string(Accepted(context, account->id, federation::Direction::kFollowing)));
  mustache::data pinned(mustache::data::type::list);
  if (Result<std::vector<std::string>> ids = context.posts->Pinned(account->id)) {
    for (auto it = ids->rbegin(); it != ids->rend(); ++it) {
      Result<std::optional<federation::StoredObject>> object = context.posts->Get(*it);
      if (!object || !object->has_value()) continue;
      if (std::optional<mustache::data> view = NoteView(context, visitor, *it, **object)) {
        pinned.push_back(*view);
        data.set("has_pinned", true);
      }
    }
  }
  data.set("pinned", pinned);
  // The account's posts, newest first, as far as the visitor may read them.
  std::optional<std::string> before_param = request.QueryParam("before");
  uint64_t before = 0;
  if (before_param) std::from_chars(before_param->data(), before_param->data() + before_param->size(), before);
  std::string prefix = storage::EncodeAccountId(account->id);
  std::string before_key = before_param ? storage::AccountKey(account->id, storage::EncodeUint64(before)) : "";
  mustache::data notes(mustache::data::type::list);
  size_t shown = 0, scanned = 0, total = 0;
  uint64_t last = 0;
  bool more = false;
  (void)context.store->Scan(Family::kOutbox, prefix, [&](std::string_view, std::string_view) {
    ++total;
    return true;
  });
  (void)context.store->ScanBackward(Family::kOutbox, prefix, before_key,
                                    [&](std::string_view key, std::string_view id) {
                                      if (shown == 20 || scanned == 200) {
                                        more = true;
                                        return false;
                                      }
                                      ++scanned;
                                      last = storage::DecodeUint64(key.substr(8));
                                      Result<std::optional<federation::StoredObject>> object =
                                          context.posts->Get(std::string(id));
                                      if (!object || !object->has_value()) return true;
                                      if ((*object)->note.visibility == protocol::Visibility::kDirect) return true;
                                      if (auto view = NoteView(context, visitor, std::string(id), **object)) {
                                        notes.push_back(*view);
                                        ++shown;
                                      }
                                      return true;
                                    });
  data.set("post_count", std::to_string(total));
  data.set("notes", notes);
  if (shown == 0) data.set("empty", true);
  if (more) data.set("older", "/@" + account->name + "?before=" + std::to_string(last));
  http::Response response = RenderPage(context, visitor, "profile",
                                       account->display_name.empty() ? account->name : account->display_name,
                                       std::move(data));
  response.headers.emplace_back("Link", "<" + urls.Actor(account->name) +
                                            ">; rel=\"alternate\"; type=\"application/activity+json\"");
  return response;
}

}  // namespace

void AddProfilePages(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/@{name}", [context](http::Request& r) { return Profile(context, r); });
}

}  // namespace parvis::pages
