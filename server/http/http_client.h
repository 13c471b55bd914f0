// The node's outbound HTTP/1.1 client (Beast), for remote fetches and
// deliveries: HTTP and HTTPS (SNI, certificate and host name verification),
// connection reuse, a per-host concurrency limit, timeouts, size limits, and
// a refusal to reach private addresses (checked after DNS resolution and on
// every redirect) unless the operator allows it.
#ifndef PARVIS_SERVER_HTTP_HTTP_CLIENT_H_
#define PARVIS_SERVER_HTTP_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "parvis/protocol/http_message.h"
#include "parvis/result.h"
#include "server/http/event_loop.h"
#include "server/http/traffic_counters.h"

namespace parvis::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  // Sent as given, after Host and User-Agent; Content-Length is computed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Redirects to follow for GET and HEAD (never for other methods).
  int max_redirects = 0;
  // Called at send time (again after each redirect) with the request as it
  // goes out, Host included; returns headers to add (Date, Digest,
  // Signature...). An error aborts the request.
  using Headers = std::vector<std::pair<std::string, std::string>>;
  std::function<Result<Headers>(const protocol::HttpMessage& message, std::string_view body)> sign;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string url;  // where the response came from, after redirects

  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  bool allow_private_addresses = false;
  unsigned max_connections_per_host = 4;
  unsigned max_idle_per_host = 4;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{15000};  // write + read of one exchange
  std::chrono::milliseconds idle_timeout{30000};     // how long a spare connection is kept
  size_t max_response_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  std::string user_agent = "parvis";
  // A PEM file of certificates trusted besides the system's (tests).
  std::string extra_ca_file;
  // When set, request bytes written and response bytes read are added here;
  // must outlive the client.
  TrafficCounters* traffic = nullptr;
};

class HttpClient {
 public:
  // `loop` must outlive the client. Fails if the TLS set-up fails.
  static Result<std::unique_ptr<HttpClient>> Create(EventLoop& loop, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request and its response. Any status is a success here; errors are
  // for when no response came: kInvalidArgument (bad URL, refused address),
  // kUnavailable (DNS, connect, timeout, TLS), kLimitExceeded (too large).
  // The client must outlive the returned coroutine.
  boost::asio::awaitable<Result<ClientResponse>> Fetch(ClientRequest request);

  // Connections open right now (in use and spare), for metrics.
  size_t open_connections() const;

  // Closes the spare connections. Call with the event loop stopped, before
  // it is destroyed: sockets must go before their io_context.
  void CloseIdleConnections();

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_HTTP_CLIENT_H_
