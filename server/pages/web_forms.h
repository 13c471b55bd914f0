// What HTML forms need over HTTP: urlencoded bodies, cookies, and the
// anti-forgery check every state-changing form passes.
//
// CSRF: a random token lives in an HttpOnly, SameSite=Strict cookie
// (kCsrfCookie) and in a hidden field of every form; a POST is accepted only
// when both are present and equal (compared in constant time) and, when the
// browser sends Origin, it is the node's own.
#ifndef PARVIS_SERVER_PAGES_WEB_FORMS_H_
#define PARVIS_SERVER_PAGES_WEB_FORMS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/request.h"

namespace parvis::pages {

inline constexpr std::string_view kSessionCookie = "parvis_session";
inline constexpr std::string_view kCsrfCookie = "parvis_csrf";
inline constexpr std::string_view kLocaleCookie = "parvis_lang";

// Fields of an application/x-www-form-urlencoded body; nullopt if it is not
// one (wrong content type, malformed encoding, more than 64 fields).
std::optional<std::map<std::string, std::string>> ParseForm(const http::Request& request);

// The value of cookie `name` in the request's Cookie headers.
std::optional<std::string> CookieValue(const http::Request& request, std::string_view name);

// A Set-Cookie header value: HttpOnly, Path=/, SameSite as given, Secure when
// the node is served over https; `max_age` 0 deletes the cookie.
std::string SetCookie(std::string_view name, std::string_view value, std::string_view same_site,
                      int64_t max_age, bool secure);

// True if the form's "csrf" field matches the CSRF cookie and the Origin, if
// any, is `base_url`'s.
bool PassesCsrf(const http::Request& request, const std::map<std::string, std::string>& form,
                std::string_view base_url);

// For scripts: true if the X-Parvis-CSRF header matches the CSRF cookie (the
// page hands scripts the token in <meta name="csrf-token">) and the Origin,
// if any, is `base_url`'s.
inline constexpr std::string_view kCsrfHeader = "x-parvis-csrf";
bool PassesCsrfHeader(const http::Request& request, std::string_view base_url);

// `text` percent-encoded for a query parameter (all but unreserved characters).
std::string UrlEncode(std::string_view text);

// 303 See Other to `location` (after a successful POST).
http::Response Redirect(std::string_view location);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_WEB_FORMS_H_
