#include "server/http/router.h"

#include <cctype>
#include <exception>

#include <boost/url/parse_query.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "parvis/protocol/json.h"

namespace parvis::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower;
  for (char c : type) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || lower == "application/activity+json" ||
         lower == "application/ld+json";
}

// A parameter segment is `{name}` or `prefix{name}` (as in "/@{name}");
// returns the prefix length, or npos for a literal segment.
size_t ParamPrefix(const std::string& segment) {
  size_t open = segment.find('{');
  if (open == std::string::npos || segment.size() < open + 3 || segment.back() != '}') {
    return std::string::npos;
  }
  return open;
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  // A malformed query has no parameters rather than throwing.
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return std::nullopt;
  boost::urls::encoding_opts plus_is_space(true);
  for (auto param : *parsed) {
    if (param.key.decode(plus_is_space) == name) {
      if (!param.has_value) return std::string();
      return param.value.decode(plus_is_space);
    }
  }
  return std::nullopt;
}

bool Request::AcceptsActivityJson() const {
  std::string accept(Header("accept").value_or(""));
  for (char& c : accept) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return accept.find("application/activity+json") != std::string::npos ||
         accept.find("application/ld+json") != std::string::npos;
}

Response Response::Text(int status, std::string body) {
  return Response{status, "text/plain; charset=utf-8", std::move(body), {}};
}

Response Response::Html(int status, std::string body) {
  return Response{status, "text/html; charset=utf-8", std::move(body), {}};
}

Response Response::Json(int status, std::string body) {
  return Response{status, "application/json", std::move(body), {}};
}

Response Response::ActivityJson(int status, std::string body) {
  return Response{status, "application/activity+json; charset=utf-8", std::move(body), {}};
}

Response Response::JsonError(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return Json(status, std::string(buffer.GetString(), buffer.GetSize()));
}

int StatusForErrorCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kBusy: return 409;
    case ErrorCode::kLimitExceeded: return 413;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kCorruption:
    case ErrorCode::kUnsupported:
    case ErrorCode::kIo: return 500;
  }
  return 500;
}

Response Response::FromError(const Error& error) {
  return JsonError(StatusForErrorCode(error.code), error.message);
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string> segments = SplitPath(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments),
                          std::move(handler), nullptr, options});
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler,
                      RouteOptions options) {
  std::vector<std::string> segments = SplitPath(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), nullptr,
                          std::move(handler), options});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (path.empty() || path.front() != '/') return match;
  std::vector<std::string> segments = SplitPath(path);
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool same = true;
    for (size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& pattern = route.segments[i];
      size_t prefix = ParamPrefix(pattern);
      if (prefix != std::string::npos) {
        if (segments[i].size() <= prefix || segments[i].compare(0, prefix, pattern, 0, prefix) != 0) {
          same = false;
        } else {
          params.emplace_back(pattern.substr(prefix + 1, pattern.size() - prefix - 2),
                              segments[i].substr(prefix));
        }
      } else {
        same = route.segments[i] == segments[i];
      }
    }
    if (!same) continue;
    match.path_known = true;
    if (!match.allowed.empty()) match.allowed += ", ";
    match.allowed += route.method;
    if (match.route == nullptr && route.method == method) {
      match.route = &route;
      match.params = std::move(params);
    }
  }
  return match;
}

boost::asio::awaitable<Response> Router::Dispatch(Request& request,
                                                  const JsonBodyLimits& json_limits,
                                                  std::string_view* route_name) const {
  *route_name = "(unrouted)";
  // HEAD is GET without the body; the server drops the body.
  // Both branches string_view: with a const char* and a std::string the
  // conditional makes a temporary string, and the view would dangle.
  std::string_view method =
      request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
  Match match = Find(method, request.path);
  if (match.route == nullptr) {
    if (match.path_known) {
      Response response = Response::JsonError(405, "method not allowed");
      response.headers.emplace_back("Allow", match.allowed);
      co_return response;
    }
    co_return Response::JsonError(404, "not found");
  }
  const Route& route = *match.route;
  *route_name = route.pattern;
  for (auto& [name, value] : match.params) request.params.emplace(std::move(name), std::move(value));
  if (route.options.json_body) {
    if (!IsJsonMediaType(request.Header("content-type").value_or(""))) {
      co_return Response::JsonError(
          415, "expected a JSON body (application/json or application/activity+json)");
    }
    Result<rapidjson::Document> json = protocol::ParseJson(
        request.body, {.max_bytes = json_limits.max_bytes, .max_depth = json_limits.max_depth});
    if (!json) co_return Response::JsonError(400, json.error().message);
    request.json = std::move(*json);
  }
  std::string failure;
  try {
    if (route.async_handler) co_return co_await route.async_handler(request);
    co_return route.handler(request);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  // A handler bug must cost one request, not the node.
  spdlog::error("handler for {} {} threw: {}", route.method, route.pattern, failure);
  co_return Response::JsonError(500, "internal error");
}

}  // namespace parvis::http
