#include "server/pages/about_pages.h"

#include "parvis/protocol/note_text.h"
#include "server/accounts/node_settings.h"

namespace parvis::pages {
namespace {

http::Response Render(const PagesContext& context, const http::Request& request, std::string_view page) {
  Visitor visitor = ReadVisitor(context, request);
  Result<uint64_t> count = context.accounts->Count();
  if (!count) return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  accounts::NodeSettings settings = accounts::LoadNodeSettings(*context.store, *context.config);
  kainjow::mustache::data data;
  data.set("description", settings.description);
  if (!settings.rules.empty()) data.set("rules", protocol::RenderPlainText(settings.rules, {}));
  data.set("account_count", std::to_string(*count));
  data.set("registration",
           T(visitor, std::string("registration_") + RegistrationModeName(settings.registration)));
  // The per-domain sector policy, stated with the rule.
  for (auto [key, list] : {std::pair{"commercial_domains", &context.config->commercial_domains},
                           std::pair{"civic_domains", &context.config->civic_domains}}) {
    std::string joined;
    for (const std::string& domain : *list) joined += (joined.empty() ? "" : ", ") + domain;
    if (!joined.empty()) data.set(key, joined);
  }
  std::string title = page == "home" ? settings.node_name : T(visitor, "about");
  return RenderPage(context, visitor, page, title, std::move(data));
}

}  // namespace

void AddAboutPages(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/", [context](http::Request& r) { return Render(context, r, "home"); });
  router.Add("GET", "/about", [context](http::Request& r) { return Render(context, r, "about"); });
}

}  // namespace parvis::pages
