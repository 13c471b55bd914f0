#include "server/pages/search_pages.h"

#include <charconv>
#include <set>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/note_text.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_commands.h"
#include "server/federation/follow_store.h"
#include "server/federation/post_service.h"
#include "server/pages/note_view.h"
#include "server/pages/relation_pages.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using storage::Family;

constexpr size_t kMaxResults = 20;

// Lower-case letters, digits, '_' and UTF-8 letters: what a tag key holds.
bool IsTagText(std::string_view text) {
  if (text.empty() || text.size() > 100) return false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80 && !std::isalnum(byte) && c != '_') return false;
  }
  return true;
}

http::Response Tag(const PagesContext& context, http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  std::string tag = protocol::LowerAscii(request.params["tag"]);
  if (!IsTagText(tag)) return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "error_not_found"));
  std::optional<std::string> before_param = request.QueryParam("before");
  uint64_t before = 0;
  if (before_param) std::from_chars(before_param->data(), before_param->data() + before_param->size(), before);
  std::string prefix = tag + "\n";
  mustache::data notes(mustache::data::type::list);
  size_t shown = 0, scanned = 0;
  uint64_t last = 0;
  bool more = false;
  std::set<std::string> seen;
  federation::HiddenSet hidden = HiddenFor(context, visitor);
  (void)context.store->ScanBackward(
      Family::kTags, prefix, before_param ? prefix + storage::EncodeUint64(before) : "",
      [&](std::string_view key, std::string_view id) {
        if (shown == 20 || scanned == 200) {
          more = true;
          return false;
        }
        ++scanned;
        last = storage::DecodeUint64(key.substr(key.size() - 8));
        if (!seen.insert(std::string(id)).second) return true;
        Result<std::optional<federation::StoredObject>> object = context.posts->Get(std::string(id));
        if (!object || !object->has_value()) return true;
        if (hidden.Hides((*object)->author) || LimitedFor(context, visitor, (*object)->author)) return true;
        // An edit may have removed the tag: show only posts that still carry it.
        if ((*object)->local) {
          bool tagged = false;
          for (const protocol::NoteTag& t : (*object)->note.tags) {
            tagged = tagged || (t.type == "Hashtag" && protocol::LowerAscii(t.name) == "#" + tag);
          }
          if (!tagged || (*object)->note.visibility != protocol::Visibility::kPublic) return true;
        } else if (!federation::IsPublicObject((*object)->object)) {
          return true;
        }
        if (auto view = NoteView(context, visitor, std::string(id), **object)) {
          notes.push_back(*view);
          ++shown;
        }
        return true;
      });
  mustache::data data;
  data.set("heading", "#" + std::string(request.params["tag"]));
  data.set("notes", notes);
  if (shown == 0) data.set("empty", true);
  if (more) data.set("older", "/tags/" + tag + "?before=" + std::to_string(last));
  return RenderPage(context, visitor, "timeline", "#" + tag, std::move(data));
}

boost::asio::awaitable<http::Response> Search(const PagesContext& context,
                                              const federation::FollowCommandsContext& follows,
                                              http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  std::string query = request.QueryParam("q").value_or("");
  while (!query.empty() && query.front() == ' ') query.erase(0, 1);
  while (!query.empty() && query.back() == ' ') query.pop_back();
  if (query.size() > 300) query.resize(300);
  mustache::data data;
  data.set("q", query);
  mustache::data accounts_found(mustache::data::type::list);
  mustache::data tags_found(mustache::data::type::list);
  federation::ActorUrls urls(context.config->base_url);
  std::string bare = query;
  while (!bare.empty() && (bare.front() == '@' || bare.front() == '#')) bare.erase(0, 1);
  size_t at = bare.find('@');
  if (!query.empty() && at != std::string::npos && at > 0 && query.front() != '#') {
    // A handle: here, or looked up where it lives.
    std::string host = protocol::LowerAscii(bare.substr(at + 1));
    std::string name = bare.substr(0, at);
    if (host == protocol::LowerAscii(context.config->host) || host == protocol::LowerAscii(context.config->base_url.substr(context.config->base_url.find("://") + 3))) {
      co_return Redirect("/@" + name);
    }
    Result<std::string> actor_id = co_await federation::LookupAccount(
        *follows.client, bare, context.config->allow_private_addresses);
    if (actor_id) {
      Result<protocol::RemoteActor> actor = co_await follows.directory->Get(*actor_id, false);
      if (actor) {
        mustache::data found;
        found.set("name", actor->name.empty() ? actor->preferred_username : actor->name);
        found.set("handle", "@" + actor->preferred_username + "@" + federation::AuthorityOf(actor->id).value_or(""));
        found.set("url", "/remote?id=" + UrlEncode(actor->id));
        accounts_found.push_back(found);
      }
    }
  } else if (!bare.empty()) {
    if (query.front() != '#' && accounts::ValidateAccountName(bare)) {
      size_t count = 0;
      (void)context.store->Scan(Family::kAccountNames, protocol::LowerAscii(bare),
                                [&](std::string_view, std::string_view id_key) {
                                  std::optional<storage::AccountId> id = storage::DecodeAccountId(id_key);
                                  if (!id) return true;
                                  Result<std::optional<accounts::Account>> account = context.accounts->FindById(*id);
                                  if (account && account->has_value() && (*account)->approved) {
                                    mustache::data found;
                                    const accounts::Account& a = **account;
                                    found.set("name", a.display_name.empty() ? a.name : a.display_name);
                                    found.set("handle", "@" + a.name + "@" + context.config->host);
                                    found.set("url", "/@" + a.name);
                                    accounts_found.push_back(found);
                                  }
                                  return ++count < kMaxResults;
                                });
    }
    std::string tag = protocol::LowerAscii(bare);
    if (IsTagText(tag)) {
      std::string last;
      size_t count = 0;
      (void)context.store->Scan(Family::kTags, tag, [&](std::string_view key, std::string_view) {
        std::string name(key.substr(0, key.find('\n')));
        if (name != last) {
          last = name;
          mustache::data found;
          found.set("tag", name);
          found.set("url", "/tags/" + name);
          tags_found.push_back(found);
          ++count;
        }
        return count < kMaxResults;
      });
    }
  }
  bool any_account = accounts_found.is_non_empty_list();
  bool any_tag = tags_found.is_non_empty_list();
  data.set("accounts", accounts_found);
  data.set("tags", tags_found);
  if (!query.empty() && !any_account && !any_tag) data.set("nothing", true);
  co_return RenderPage(context, visitor, "search", T(visitor, "search"), std::move(data));
}

}  // namespace

void AddSearchPages(http::Router& router, const PagesContext& context,
                    const federation::FollowCommandsContext& follows) {
  router.Add("GET", "/tags/{tag}", [context](http::Request& r) { return Tag(context, r); });
  router.AddAsync("GET", "/search",
                  [context, follows](http::Request& r) { return Search(context, follows, r); });
}

}  // namespace parvis::pages
