// Server-rendered pages: who is visiting (session, language, anti-forgery
// token) and the common layout every page is rendered into
// (web/templates/layout.html), with the headers every page carries: a
// Content-Security-Policy without inline script or style, no caching of
// personal pages, the language.
#ifndef PARVIS_SERVER_PAGES_PAGE_RENDERER_H_
#define PARVIS_SERVER_PAGES_PAGE_RENDERER_H_

#include <functional>
#include <map>
#include <variant>
#include <optional>
#include <string>

#include <kainjow/mustache.hpp>

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/accounts/rate_limiter.h"
#include "server/http/request.h"

namespace parvis::federation {
class PostService;
class ActorDirectory;
class DomainPolicy;
}
namespace parvis::civic {
class SectorService;
class PetitionService;
class OrderingUsage;
}

namespace parvis::pages {

class SafeHtmlCache;
class TemplateCache;

struct PagesContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  federation::PostService* posts;
  federation::ActorDirectory* directory;
  accounts::RateLimiter* limiter;
  std::function<int64_t()> now;
  civic::SectorService* sectors = nullptr;  // labels, the commercial stream, reclassification
  civic::PetitionService* petitions = nullptr;  // "petition you signed" in timelines
  civic::OrderingUsage* ordering_usage = nullptr;  // home pages served per ordering (transparency)
  // Suspended accounts and blocked servers (moderation), hidden from every reader.
  const federation::DomainPolicy* policy = nullptr;
  // The parsed templates (the node's); without it, each page parses its own.
  TemplateCache* templates = nullptr;
  // Remote posts' HTML sanitised (the node's); without it, sanitised per card.
  SafeHtmlCache* safe_html = nullptr;
};

struct Visitor {
  std::optional<accounts::Account> account;  // signed in, approved
  std::string session_cookie;                // as sent, when signed in
  std::string locale;                        // "en" or "fr"
  std::string csrf;                          // the token forms carry
  bool new_csrf = false;                     // the response must set the cookie
  bool new_locale = false;                   // chosen by ?lang: remember it in a cookie
};

// Reads the visitor from the request's cookies and headers. Storage errors
// read as an anonymous visitor.
Visitor ReadVisitor(const PagesContext& context, const http::Request& request);

// The signed-in account of a script's request (JSON APIs called from pages):
// the session's account, if any, provided a request that changes something
// passes PassesCsrfHeader.
std::optional<accounts::Account> ScriptSessionAccount(const PagesContext& context, const http::Request& request);

// `templates/NAME.html` rendered with `data` (plus the visitor, the strings
// `t.*` of its language, `csrf`, the node's name), inside the layout.
http::Response RenderPage(const PagesContext& context, const Visitor& visitor,
                          std::string_view name, const std::string& title,
                          kainjow::mustache::data data, int status = 200);

// Lets a page rendered by RenderPage compile WebAssembly ('wasm-unsafe-eval'
// in its Content-Security-Policy; eval stays forbidden). Only /messages needs
// it, for libsodium.
void AllowWebAssembly(http::Response& response);

// The page that says only `message` (an error or a notice), with a link back.
http::Response MessagePage(const PagesContext& context, const Visitor& visitor, int status,
                           const std::string& title, const std::string& message);

// The public reports that read many records per request (transparency,
// resources): at most kReportsPerClient a minute per client. The 429 answer
// (with Retry-After, as JSON when `json`), or nothing when within the limit.
inline constexpr accounts::RateLimit kReportsPerClient{30, 60};
std::optional<http::Response> LimitCostlyPage(const PagesContext& context, const Visitor& visitor,
                                              const http::Request& request, bool json);

using Form = std::map<std::string, std::string>;

// The fields of a posted form, or the page refusing it: 400 when it is not
// a form, 403 when it fails the anti-forgery check (web_forms.h).
std::variant<Form, http::Response> ReadPostedForm(const PagesContext& context,
                                                  const Visitor& visitor,
                                                  const http::Request& request);
// A field of the form ("" when absent).
std::string Field(const Form& form, const std::string& name);

// The translated string `key` for the visitor.
std::string T(const Visitor& visitor, const std::string& key);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_PAGE_RENDERER_H_
