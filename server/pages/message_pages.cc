#include "server/pages/message_pages.h"

#include "parvis/embedded.h"
#include "server/federation/actor_urls.h"
#include "server/pages/translations.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

// Translations whose key starts with this go to the script, as data-NAME
// attributes (NAME: the rest of the key): the CSP forbids inline scripts.
constexpr std::string_view kScriptStringPrefix = "msg_js_";

// The libsodium build the script imports (web/CMakeLists.txt embeds it when
// web/node_modules exists).
constexpr std::string_view kSodiumFile = "static/vendor-libsodium-wrappers.mjs";

http::Response Messages(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  federation::ActorUrls urls(context.config->base_url);
  kainjow::mustache::data data;
  data.set("actor", urls.Actor(visitor.account->name));
  data.set("base_url", context.config->base_url);
  data.set("csrf_meta", true);
  const bool available = embedded::FindWebFile(kSodiumFile).has_value();
  if (available) data.set("available", true);
  kainjow::mustache::data strings(kainjow::mustache::data::type::list);
  for (const auto& [key, value] : Strings(visitor.locale)) {
    if (!key.starts_with(kScriptStringPrefix)) continue;
    kainjow::mustache::data item;
    item.set("name", key.substr(kScriptStringPrefix.size()));
    item.set("value", value);
    strings.push_back(item);
  }
  data.set("script_strings", strings);
  http::Response response = RenderPage(context, visitor, "messages", T(visitor, "msg_title"), std::move(data));
  // libsodium runs as WebAssembly, which the pages' policy does not allow.
  if (available) AllowWebAssembly(response);
  return response;
}

}  // namespace

void AddMessagePages(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/messages", [context](http::Request& request) { return Messages(context, request); });
}

}  // namespace parvis::pages
