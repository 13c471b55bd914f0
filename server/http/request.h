// The HTTP request and response as the application sees them: plain values,
// no Beast or Asio types, so handlers compile without the networking headers.
#ifndef PARVIS_SERVER_HTTP_REQUEST_H_
#define PARVIS_SERVER_HTTP_REQUEST_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::http {

struct Request {
  std::string method;   // "GET", "POST", ...
  std::string target;   // as received: path and query, percent-encoded
  std::string path;     // percent-decoded path, without the query
  std::string query;    // encoded query, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::map<std::string, std::string> params;  // {name} segments of the route
  // The parsed body, for routes declared with RouteOptions::json_body.
  rapidjson::Document json;
  // Who sent it, for rate limits: a keyed hash of the peer's address (random
  // key per process), never the address; "local" tags the control socket's.
  // Kept in memory only.
  std::string client;
  // The remote actor whose valid HTTP signature the request carries, when a
  // gate checked it (federation/fetch_gate.h); empty otherwise.
  std::string verified_actor;

  // First header with this lower-case name.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // First query parameter with this name, percent-decoded ('+' is a space).
  std::optional<std::string> QueryParam(std::string_view name) const;
  // True if the Accept header asks for ActivityStreams JSON
  // (application/activity+json, or application/ld+json with any profile).
  bool AcceptsActivityJson() const;
};

// A response body read piece by piece as it is sent (a download too large
// to hold in memory). The server reads it from one connection's strand, in
// bounded chunks, and destroys it when the response ends, however it ends
// (done, client gone, timeout, shutdown): release resources in the destructor.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // The body's length, sent as Content-Length; nullopt: sent chunked.
  virtual std::optional<uint64_t> Size() const = 0;
  // Fills the start of `buffer` with the next bytes; 0 at the end. An error
  // ends the response early (the connection is closed, never reused).
  virtual Result<size_t> Read(std::span<char> buffer) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is read from here and `body` is ignored. HEAD gets
  // the headers only (and the source is dropped unread).
  std::shared_ptr<BodySource> stream;

  static Response Text(int status, std::string body);
  static Response Html(int status, std::string body);
  static Response Json(int status, std::string body);
  // application/activity+json, the type ActivityPub documents are served as.
  static Response ActivityJson(int status, std::string body);
  // {"error": message}, the one error shape of every JSON endpoint.
  static Response JsonError(int status, std::string_view message);
  // JsonError with the status that fits the error's code (400 invalid,
  // 404 not found, 409 exists or busy, 413 too large, 503 unavailable, else 500).
  static Response FromError(const Error& error);
};

int StatusForErrorCode(ErrorCode code);

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_REQUEST_H_
