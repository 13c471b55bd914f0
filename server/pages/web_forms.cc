#include "server/pages/web_forms.h"

#include <sodium.h>

#include <boost/url/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace parvis::pages {
namespace {

constexpr size_t kMaxFields = 64;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "scheme://host[:port]" of a URL.
std::string OriginOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t end = url.find('/', scheme + 3);
  return std::string(url.substr(0, end));
}

}  // namespace

std::optional<std::map<std::string, std::string>> ParseForm(const http::Request& request) {
  std::string_view type = request.Header("content-type").value_or("");
  if (!type.starts_with("application/x-www-form-urlencoded")) return std::nullopt;
  auto parsed = boost::urls::parse_query(request.body);
  if (!parsed) return std::nullopt;
  std::map<std::string, std::string> fields;
  boost::urls::encoding_opts plus_is_space(true);
  size_t count = 0;
  for (auto param : *parsed) {
    if (++count > kMaxFields) return std::nullopt;
    std::string key = param.key.decode(plus_is_space);
    std::string value = param.has_value ? param.value.decode(plus_is_space) : std::string();
    // Browsers send CRLF in textareas; a NUL is never legitimate.
    if (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      return std::nullopt;
    }
    std::erase(value, '\r');
    fields.emplace(std::move(key), std::move(value));
  }
  return fields;
}

std::optional<std::string> CookieValue(const http::Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semicolon = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? "" : rest.substr(semicolon + 1);
      size_t equals = pair.find('=');
      if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
        return std::string(Trim(pair.substr(equals + 1)));
      }
    }
  }
  return std::nullopt;
}

std::string SetCookie(std::string_view name, std::string_view value, std::string_view same_site,
                      int64_t max_age, bool secure) {
  std::string cookie = std::string(name) + "=" + std::string(value) +
                       "; Path=/; HttpOnly; SameSite=" + std::string(same_site) +
                       "; Max-Age=" + std::to_string(max_age);
  if (secure) cookie += "; Secure";
  return cookie;
}

namespace {

bool TokenMatchesCookie(const http::Request& request, std::string_view token, std::string_view base_url) {
  std::optional<std::string> cookie = CookieValue(request, kCsrfCookie);
  if (!cookie || cookie->size() < 32 || token.size() != cookie->size()) return false;
  if (sodium_memcmp(cookie->data(), token.data(), cookie->size()) != 0) return false;
  std::optional<std::string_view> origin = request.Header("origin");
  return !origin || *origin == OriginOf(base_url);
}

}  // namespace

bool PassesCsrf(const http::Request& request, const std::map<std::string, std::string>& form,
                std::string_view base_url) {
  auto field = form.find("csrf");
  return field != form.end() && TokenMatchesCookie(request, field->second, base_url);
}

bool PassesCsrfHeader(const http::Request& request, std::string_view base_url) {
  std::optional<std::string_view> header = request.Header(kCsrfHeader);
  return header && TokenMatchesCookie(request, *header, base_url);
}

std::string UrlEncode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

http::Response Redirect(std::string_view location) {
  http::Response response = http::Response::Text(303, "");
  response.headers.emplace_back("Location", std::string(location));
  return response;
}

}  // namespace parvis::pages
