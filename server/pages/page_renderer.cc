#include "server/pages/page_renderer.h"

#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"

#include "parvis/protocol/hex.h"
#include "server/accounts/node_settings.h"
#include "server/accounts/session_store.h"
#include "server/pages/template_cache.h"
#include "server/pages/translations.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

// No inline script or style anywhere; forms post only here.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
// The same, letting the page's own scripts compile WebAssembly (libsodium): still no eval.
constexpr std::string_view kContentSecurityPolicyWithWasm =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' https: data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

bool Secure(const Config& config) { return config.base_url.starts_with("https://"); }

}  // namespace

std::string T(const Visitor& visitor, const std::string& key) {
  return Translate(visitor.locale, key);
}

std::optional<accounts::Account> ScriptSessionAccount(const PagesContext& context, const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD" &&
      !PassesCsrfHeader(request, context.config->base_url)) {
    return std::nullopt;
  }
  Visitor visitor = ReadVisitor(context, request);
  return visitor.account;
}

Visitor ReadVisitor(const PagesContext& context, const http::Request& request) {
  Visitor visitor;
  if (std::optional<std::string> cookie = CookieValue(request, kSessionCookie)) {
    accounts::SessionStore sessions(*context.store);
    Result<std::optional<accounts::Session>> session = sessions.Find(*cookie, context.now());
    if (session && session->has_value()) {
      Result<std::optional<accounts::Account>> account =
          context.accounts->FindById((*session)->account);
      // A suspended account is signed out (moderation/moderation_actions.cc).
      if (account && account->has_value() && (*account)->approved &&
          !(context.policy != nullptr &&
            context.policy->IsSuspended(federation::ActorUrls(context.config->base_url).Actor((*account)->name)))) {
        visitor.account = **account;
        visitor.session_cookie = *cookie;
      }
    }
  }
  if (visitor.account && !visitor.account->locale.empty()) {
    visitor.locale = visitor.account->locale;
  } else if (std::optional<std::string> chosen = request.QueryParam("lang");
             chosen && (*chosen == "fr" || *chosen == "en")) {
    visitor.locale = *chosen;
    visitor.new_locale = true;
  } else if (std::optional<std::string> kept = CookieValue(request, kLocaleCookie);
             kept && (*kept == "fr" || *kept == "en")) {
    visitor.locale = *kept;
  } else {
    visitor.locale = LocaleFromAcceptLanguage(request.Header("accept-language").value_or(""));
  }
  std::optional<std::string> csrf = CookieValue(request, kCsrfCookie);
  if (csrf && csrf->size() == 64) {
    visitor.csrf = *csrf;
  } else {
    visitor.csrf = protocol::RandomHex(32);
    visitor.new_csrf = true;
  }
  return visitor;
}

http::Response RenderPage(const PagesContext& context, const Visitor& visitor,
                          std::string_view name, const std::string& title, mustache::data data,
                          int status) {
  const Config& config = *context.config;
  accounts::NodeSettings settings = accounts::LoadNodeSettings(*context.store, config);
  data.set("csrf", visitor.csrf);
  data.set("lang", visitor.locale);
  data.set("node_name", settings.node_name);
  // Mustache shows a section for an empty string: set only what exists.
  if (!settings.editor_name.empty()) data.set("editor_name", settings.editor_name);
  if (!settings.editor_contact.empty()) data.set("editor_contact", settings.editor_contact);
  data.set("title", title);
  if (visitor.account) {
    mustache::data user;
    user.set("name", visitor.account->name);
    user.set("display_name", visitor.account->display_name.empty() ? visitor.account->name
                                                                    : visitor.account->display_name);
    if (visitor.account->admin) user.set("admin", true);
    data.set("user", user);
  }
  // A context without the node's cache (some tests) parses for this page only.
  std::optional<TemplateCache> own;
  TemplateCache& templates = context.templates != nullptr ? *context.templates : own.emplace();
  Result<std::string> content = templates.Render(name, visitor.locale, data);
  if (!content) return http::Response::Text(500, "page template error: " + content.error().message + "\n");
  data.set("content", *std::move(content));
  Result<std::string> page = templates.Render("layout", visitor.locale, data);
  if (!page) return http::Response::Text(500, "page template error: " + page.error().message + "\n");
  http::Response response = http::Response::Html(status, *std::move(page));
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("Content-Language", visitor.locale);
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Vary", "Cookie, Accept-Language");
  if (visitor.account) response.headers.emplace_back("Cache-Control", "private, no-store");
  if (visitor.new_locale) {
    // The language picked in the footer holds for the next pages too.
    response.headers.emplace_back(
        "Set-Cookie", SetCookie(kLocaleCookie, visitor.locale, "Lax", 365 * 24 * 3600, Secure(config)));
  }
  if (visitor.new_csrf) {
    response.headers.emplace_back(
        "Set-Cookie", SetCookie(kCsrfCookie, visitor.csrf, "Strict", 365 * 24 * 3600, Secure(config)));
  }
  return response;
}

std::variant<Form, http::Response> ReadPostedForm(const PagesContext& context,
                                                  const Visitor& visitor,
                                                  const http::Request& request) {
  std::optional<Form> form = ParseForm(request);
  if (!form) {
    return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  }
  if (!PassesCsrf(request, *form, context.config->base_url)) {
    return MessagePage(context, visitor, 403, T(visitor, "error_title"), T(visitor, "error_csrf"));
  }
  return *std::move(form);
}

std::string Field(const Form& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

void AllowWebAssembly(http::Response& response) {
  for (auto& [name, value] : response.headers) {
    if (name == "Content-Security-Policy") value = std::string(kContentSecurityPolicyWithWasm);
  }
}

http::Response MessagePage(const PagesContext& context, const Visitor& visitor, int status,
                           const std::string& title, const std::string& message) {
  mustache::data data;
  data.set("message", message);
  return RenderPage(context, visitor, "message", title, std::move(data), status);
}

std::optional<http::Response> LimitCostlyPage(const PagesContext& context, const Visitor& visitor,
                                              const http::Request& request, bool json) {
  int64_t wait = context.limiter->Attempt("report-page/" + request.client, kReportsPerClient, context.now());
  if (wait == 0) return std::nullopt;
  http::Response refused = json ? http::Response::JsonError(429, "too many requests: try again later")
                                : MessagePage(context, visitor, 429, T(visitor, "error_title"), T(visitor, "error_rate"));
  refused.headers.emplace_back("Retry-After", std::to_string(wait));
  return refused;
}

}  // namespace parvis::pages
