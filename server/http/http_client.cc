#include "server/http/http_client.h"

#include <openssl/ssl.h>

#include <cctype>
#include <deque>
#include <map>
#include <mutex>

#include <boost/asio.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url.hpp>

#include "server/http/address_policy.h"

namespace parvis::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using asio::awaitable;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Slot = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Where a URL points, in the pieces a connection and a request need.
struct Target {
  bool https = false;
  std::string host;         // lower-case; IPv6 without brackets
  std::string port;         // decimal
  std::string resource;     // path and query, at least "/"
  std::string host_header;  // host[:port] as the Host header wants it
  std::string pool_key;     // scheme://host:port
  bool host_is_ip = false;
};

Result<Target> ParseTarget(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Fail(ErrorCode::kInvalidArgument, "not an absolute URL: " + url);
  Target target;
  std::string scheme(parsed->scheme());
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") {
    return Fail(ErrorCode::kInvalidArgument, "not an http or https URL: " + url);
  }
  if (parsed->has_userinfo()) {
    return Fail(ErrorCode::kInvalidArgument, "URL with user information refused: " + url);
  }
  target.https = scheme == "https";
  boost::urls::host_type type = parsed->host_type();
  if (type == boost::urls::host_type::none) {
    return Fail(ErrorCode::kInvalidArgument, "URL without a host: " + url);
  }
  target.host_is_ip = type == boost::urls::host_type::ipv4 || type == boost::urls::host_type::ipv6;
  target.host = type == boost::urls::host_type::ipv6 ? std::string(parsed->host_address())
                                                     : parsed->host();
  for (char& c : target.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (target.host.empty()) return Fail(ErrorCode::kInvalidArgument, "URL without a host: " + url);
  std::string default_port = target.https ? "443" : "80";
  target.port = parsed->has_port() ? std::string(parsed->port()) : default_port;
  if (target.port.empty()) target.port = default_port;
  target.resource = std::string(parsed->encoded_resource());
  if (target.resource.empty() || target.resource.front() != '/') {
    target.resource = "/" + target.resource;
  }
  std::string bracketed = type == boost::urls::host_type::ipv6 ? "[" + target.host + "]"
                                                                : target.host;
  target.host_header = target.port == default_port ? bracketed : bracketed + ":" + target.port;
  target.pool_key = scheme + "://" + bracketed + ":" + target.port;
  return target;
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// A connection, plain or TLS, and when it became spare.
struct Connection {
  std::unique_ptr<PlainStream> plain;
  std::unique_ptr<TlsStream> tls;
  Clock::time_point idle_since;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct HostPool {
  unsigned active = 0;                      // slots taken
  std::deque<std::shared_ptr<Slot>> waiting;
  std::deque<Connection> idle;
};

}  // namespace

std::optional<std::string_view> ClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  Impl(EventLoop& event_loop, HttpClientOptions opts)
      : loop(event_loop), options(std::move(opts)), tls_context(ssl::context::tls_client) {}

  awaitable<void> Acquire(const std::string& key);
  void Release(const std::string& key);
  std::optional<Connection> TakeIdle(const std::string& key);
  void PutIdle(const std::string& key, Connection connection);
  awaitable<Result<Connection>> Connect(const Target& target);
  awaitable<Result<ClientResponse>> Exchange(const Target& target, const ClientRequest& request);
  template <class Stream>
  awaitable<Result<ClientResponse>> Send(Stream& stream, beast::tcp_stream& lowest,
                                         const Target& target, const ClientRequest& request,
                                         bool* keep_alive);

  EventLoop& loop;
  const HttpClientOptions options;
  ssl::context tls_context;
  mutable std::mutex mutex;  // guards pools and open
  std::map<std::string, HostPool> pools;
  size_t open = 0;
};

awaitable<void> HttpClient::Impl::Acquire(const std::string& key) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex);
    HostPool& pool = pools[key];
    if (pool.active < options.max_connections_per_host) {
      ++pool.active;
      co_return;
    }
    slot = std::make_shared<Slot>(loop.executor(), 1);
    pool.waiting.push_back(slot);
  }
  // Release hands its slot over by sending here; the channel buffers one
  // message, so a hand-over before this wait starts is not lost.
  co_await slot->async_receive(kTuple);
}

void HttpClient::Impl::Release(const std::string& key) {
  std::lock_guard lock(mutex);
  HostPool& pool = pools[key];
  if (!pool.waiting.empty()) {
    std::shared_ptr<Slot> next = pool.waiting.front();
    pool.waiting.pop_front();
    next->try_send(boost::system::error_code{});
    return;
  }
  --pool.active;
}

std::optional<Connection> HttpClient::Impl::TakeIdle(const std::string& key) {
  std::lock_guard lock(mutex);
  HostPool& pool = pools[key];
  while (!pool.idle.empty()) {
    Connection connection = std::move(pool.idle.back());
    pool.idle.pop_back();
    if (Clock::now() - connection.idle_since < options.idle_timeout) return connection;
    --open;  // too old: the server has probably closed it
  }
  return std::nullopt;
}

void HttpClient::Impl::PutIdle(const std::string& key, Connection connection) {
  connection.idle_since = Clock::now();
  std::lock_guard lock(mutex);
  HostPool& pool = pools[key];
  pool.idle.push_back(std::move(connection));
  while (pool.idle.size() > options.max_idle_per_host) {
    pool.idle.pop_front();
    --open;
  }
}

awaitable<Result<Connection>> HttpClient::Impl::Connect(const Target& target) {
  asio::ip::tcp::resolver resolver(loop.executor());
  auto [resolve_ec, results] = co_await resolver.async_resolve(target.host, target.port, kTuple);
  if (resolve_ec) {
    co_return Fail(ErrorCode::kUnavailable,
                   "cannot resolve " + target.host + ": " + resolve_ec.message());
  }
  // Checked after resolution, so a public name pointing inward is caught too.
  std::vector<asio::ip::tcp::endpoint> allowed;
  std::string refused;
  for (const auto& entry : results) {
    if (options.allow_private_addresses || IsPublicAddress(entry.endpoint().address())) {
      allowed.push_back(entry.endpoint());
    } else if (refused.empty()) {
      refused = entry.endpoint().address().to_string();
    }
  }
  if (allowed.empty()) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "refusing to connect to " + target.host + " (" + refused +
                       " is a private or local address)");
  }
  Connection connection;
  if (target.https) {
    connection.tls = std::make_unique<TlsStream>(loop.executor(), tls_context);
    // SNI, and the name the certificate must carry.
    if (!target.host_is_ip &&
        !SSL_set_tlsext_host_name(connection.tls->native_handle(), target.host.c_str())) {
      co_return Fail(ErrorCode::kIo, "cannot set TLS server name " + target.host);
    }
    connection.tls->set_verify_mode(ssl::verify_peer);
    connection.tls->set_verify_callback(ssl::host_name_verification(target.host));
  } else {
    connection.plain = std::make_unique<PlainStream>(loop.executor());
  }
  beast::tcp_stream& lowest = connection.lowest();
  lowest.expires_after(options.connect_timeout);
  auto [connect_ec, endpoint] = co_await lowest.async_connect(allowed, kTuple);
  if (connect_ec) {
    co_return Fail(ErrorCode::kUnavailable,
                   "cannot connect to " + target.host_header + ": " + connect_ec.message());
  }
  if (target.https) {
    lowest.expires_after(options.connect_timeout);
    auto [handshake_ec] = co_await connection.tls->async_handshake(ssl::stream_base::client, kTuple);
    if (handshake_ec) {
      co_return Fail(ErrorCode::kUnavailable,
                     "TLS with " + target.host_header + " failed: " + handshake_ec.message());
    }
  }
  {
    std::lock_guard lock(mutex);
    ++open;
  }
  co_return connection;
}

template <class Stream>
awaitable<Result<ClientResponse>> HttpClient::Impl::Send(Stream& stream,
                                                         beast::tcp_stream& lowest,
                                                         const Target& target,
                                                         const ClientRequest& request,
                                                         bool* keep_alive) {
  *keep_alive = false;
  bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    co_return Fail(ErrorCode::kInvalidArgument, "unknown HTTP method " + request.method);
  }
  bhttp::request<bhttp::string_body> out{verb, target.resource, 11};
  out.set(bhttp::field::host, target.host_header);
  out.set(bhttp::field::user_agent, options.user_agent);
  for (const auto& [name, value] : request.headers) out.insert(name, value);
  if (request.sign) {
    // Signed now, at send time, over exactly what goes out.
    protocol::HttpMessage message;
    message.method = request.method;
    message.target = target.resource;
    message.authority = target.host_header;
    message.scheme = target.https ? "https" : "http";
    message.headers.emplace_back("host", target.host_header);
    for (const auto& [name, value] : request.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      message.headers.emplace_back(std::move(lower), value);
    }
    Result<ClientRequest::Headers> added = request.sign(message, request.body);
    if (!added) co_return std::unexpected(added.error());
    for (const auto& [name, value] : *added) out.insert(name, value);
  }
  out.body() = request.body;
  out.keep_alive(true);
  out.prepare_payload();

  lowest.expires_after(options.request_timeout);
  auto [write_ec, written] = co_await bhttp::async_write(stream, out, kTuple);
  if (options.traffic != nullptr) options.traffic->client_out += written;
  if (write_ec) {
    co_return Fail(ErrorCode::kUnavailable,
                   "sending to " + target.host_header + " failed: " + write_ec.message());
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  if (verb == bhttp::verb::head) parser.skip(true);
  beast::flat_buffer buffer;
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  if (options.traffic != nullptr) options.traffic->client_in += read;
  if (read_ec == bhttp::error::body_limit || read_ec == bhttp::error::header_limit) {
    co_return Fail(ErrorCode::kLimitExceeded,
                   "response from " + target.host_header + " is larger than allowed");
  }
  if (read_ec) {
    co_return Fail(ErrorCode::kUnavailable,
                   "reading from " + target.host_header + " failed: " + read_ec.message());
  }
  bhttp::response<bhttp::string_body> in = parser.release();
  ClientResponse response;
  response.status = static_cast<int>(in.result_int());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  response.body = std::move(in.body());
  *keep_alive = in.keep_alive() && buffer.size() == 0;
  co_return response;
}

awaitable<Result<ClientResponse>> HttpClient::Impl::Exchange(const Target& target,
                                                             const ClientRequest& request) {
  co_await Acquire(target.pool_key);
  struct Releaser {
    Impl* impl;
    const std::string& key;
    ~Releaser() { impl->Release(key); }
  } releaser{this, target.pool_key};

  // A spare connection may have been closed by the server meanwhile: then
  // the request is tried once more on a fresh one.
  for (int attempt = 0;; ++attempt) {
    std::optional<Connection> spare = TakeIdle(target.pool_key);
    bool reused = spare.has_value();
    Connection connection;
    if (reused) {
      connection = std::move(*spare);
    } else {
      Result<Connection> fresh = co_await Connect(target);
      if (!fresh) co_return std::unexpected(fresh.error());
      connection = std::move(*fresh);
    }
    bool keep_alive = false;
    // Two statements, not a conditional expression: g++ 12 miscompiles
    // co_await inside ?:.
    Result<ClientResponse> response;
    if (connection.tls) {
      response = co_await Send(*connection.tls, connection.lowest(), target, request, &keep_alive);
    } else {
      response = co_await Send(*connection.plain, connection.lowest(), target, request, &keep_alive);
    }
    if (keep_alive) {
      PutIdle(target.pool_key, std::move(connection));
    } else {
      std::lock_guard lock(mutex);
      --open;
    }
    if (!response && reused && attempt == 0 &&
        response.error().code == ErrorCode::kUnavailable) {
      continue;
    }
    co_return response;
  }
}

Result<std::unique_ptr<HttpClient>> HttpClient::Create(EventLoop& loop, HttpClientOptions options) {
  auto impl = std::make_unique<Impl>(loop, std::move(options));
  boost::system::error_code ec;
  impl->tls_context.set_default_verify_paths(ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot load the system's certificates: " + ec.message());
  if (!impl->options.extra_ca_file.empty()) {
    impl->tls_context.load_verify_file(impl->options.extra_ca_file, ec);
    if (ec) {
      return Fail(ErrorCode::kIo,
                  "cannot load certificates from " + impl->options.extra_ca_file + ": " +
                      ec.message());
    }
  }
  impl->tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                ssl::context::no_tlsv1_1);
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() = default;

awaitable<Result<ClientResponse>> HttpClient::Fetch(ClientRequest request) {
  std::string url = request.url;
  bool may_redirect = request.method == "GET" || request.method == "HEAD";
  for (int hop = 0;; ++hop) {
    Result<Target> target = ParseTarget(url);
    if (!target) co_return std::unexpected(target.error());
    Result<ClientResponse> response = co_await impl_->Exchange(*target, request);
    if (!response) co_return response;
    std::optional<std::string_view> location = response->Header("location");
    if (may_redirect && IsRedirect(response->status) && location && hop < request.max_redirects) {
      auto base = boost::urls::parse_absolute_uri(url);
      auto reference = boost::urls::parse_uri_reference(*location);
      if (!base || !reference) {
        co_return Fail(ErrorCode::kInvalidArgument, "bad redirect location from " + url);
      }
      boost::urls::url next;
      if (!boost::urls::resolve(*base, *reference, next)) {
        co_return Fail(ErrorCode::kInvalidArgument, "bad redirect location from " + url);
      }
      next.remove_fragment();
      url = std::string(next.buffer());
      continue;
    }
    response->url = url;
    co_return response;
  }
}

void HttpClient::CloseIdleConnections() {
  std::lock_guard lock(impl_->mutex);
  for (auto& [key, pool] : impl_->pools) {
    impl_->open -= pool.idle.size();
    pool.idle.clear();
  }
}

size_t HttpClient::open_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->open;
}

}  // namespace parvis::http
