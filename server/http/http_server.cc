#include "server/http/http_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

namespace parvis::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// After an error response on a request whose body is still arriving, read
// and discard this much for this long, so the client sees the response
// rather than a reset.
constexpr size_t kLingerBytes = 8 << 20;
constexpr milliseconds kLingerTime{1000};
// Route name in metrics for requests that never reached a route.
constexpr std::string_view kUnrouted = "(unrouted)";
// A streamed body (Response::stream) is read and written this much at a time.
constexpr size_t kStreamChunkBytes = 64 << 10;

std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

// Counts a request as in flight for as long as this lives.
class InFlight {
 public:
  explicit InFlight(std::atomic<uint64_t>& counter) : counter_(counter) { ++counter_; }
  ~InFlight() { --counter_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<uint64_t>& counter_;
};

struct Answer {
  Response response;
  std::string_view route = kUnrouted;
};

}  // namespace

// A connection's handle for shutdown: only touched on the connection's strand.
template <class Protocol>
struct SessionHandle {
  beast::basic_stream<Protocol>* stream = nullptr;  // null once the session ended
};

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(const HttpServerOptions& opts, asio::io_context& context, const Router* pub,
       const Router* control, Metrics* m)
      : options(opts), public_router(pub), control_router(control), metrics(m), ioc(context),
        control_strand(asio::make_strand(ioc)) {
    // sodium_init is idempotent and thread-safe; its failure leaves the
    // fallback generator, still unpredictable enough for a tag key.
    if (sodium_init() < 0) spdlog::warn("libsodium failed to initialise");
    randombytes_buf(client_key, sizeof client_key);
  }

  Status Listen();
  void Run();
  void BeginStop();

  template <class Acceptor>
  awaitable<void> AcceptLoop(std::shared_ptr<Impl> self, Acceptor& acceptor, const Router* router);
  template <class Protocol>
  awaitable<void> Session(std::shared_ptr<Impl> self, beast::basic_stream<Protocol> stream,
                          const Router* router);
  template <class Protocol>
  awaitable<void> SendError(beast::basic_stream<Protocol>& stream, beast::flat_buffer& buffer,
                            int status, std::string_view message);
  awaitable<void> Drain(std::shared_ptr<Impl> self);
  // Registers a way to close a live connection at shutdown; returns its id.
  uint64_t Track(std::function<void()> close);
  void Untrack(uint64_t id);
  void CloseAllConnections();

  awaitable<Answer> Dispatch(const Router& router, BeastRequest& request, const std::string& client);
  // A tag of the peer's address (keyed hash, see Request::client).
  template <class Protocol>
  std::string ClientTag(const beast::basic_stream<Protocol>& stream) const;
  BeastResponse ToBeast(Response&& response, unsigned version, bool keep_alive, bool head) const;
  // Writes a response whose body is Response::stream, chunk by chunk; false
  // if the connection cannot be reused (write failed, source failed).
  // `bytes` counts the body bytes sent.
  template <class Protocol>
  awaitable<bool> WriteStreamed(beast::basic_stream<Protocol>& stream, Response&& response,
                                unsigned version, bool keep_alive, bool head, size_t* bytes);
  void Record(std::string_view method, std::string_view path, std::string_view route, int status,
              size_t bytes, Clock::time_point start);
  // Adds to the traffic counters, for the public (TCP) listener only.
  template <class Protocol>
  void CountIn(size_t bytes) {
    if (options.traffic != nullptr && std::is_same_v<Protocol, asio::ip::tcp>) options.traffic->server_in += bytes;
  }
  template <class Protocol>
  void CountOut(size_t bytes) {
    if (options.traffic != nullptr && std::is_same_v<Protocol, asio::ip::tcp>) options.traffic->server_out += bytes;
  }

  // Set at construction, then read-only.
  const HttpServerOptions options;
  // Key of ClientTag, random per process: tags cannot be linked across
  // restarts nor reversed into addresses.
  unsigned char client_key[crypto_generichash_KEYBYTES];
  const Router* const public_router;
  const Router* const control_router;
  Metrics* const metrics;
  uint16_t port = 0;
  asio::io_context& ioc;

  // Shared between threads.
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> in_flight{0};
  std::mutex mutex;  // guards the members below
  std::condition_variable stopped_changed;
  bool stopped = false;
  uint64_t next_connection = 0;
  std::map<uint64_t, std::function<void()>> connections;

  // Acceptors and signals are only touched on this strand.
  asio::strand<asio::io_context::executor_type> control_strand;
  std::optional<asio::ip::tcp::acceptor> tcp_acceptor;
  std::optional<asio::local::stream_protocol::acceptor> local_acceptor;
  std::optional<asio::signal_set> signals;
};

Status HttpServer::Impl::Listen() {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "bad listen address " + options.address);
  asio::ip::tcp::endpoint endpoint(address, options.port);
  std::string where = options.address + ":" + std::to_string(options.port);
  tcp_acceptor.emplace(control_strand);
  tcp_acceptor->open(endpoint.protocol(), ec);
  if (!ec) tcp_acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) tcp_acceptor->bind(endpoint, ec);
  if (!ec) tcp_acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "cannot listen on " + where + ": " + ec.message());
  }
  port = tcp_acceptor->local_endpoint().port();

  if (!options.control_socket.empty()) {
    const std::string& path = options.control_socket;
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "control socket path " + path + " is longer than the system allows (107 bytes)");
    }
    // The data directory lock is held, so a socket file left here belongs to
    // a process that is gone.
    ::unlink(path.c_str());
    local_acceptor.emplace(control_strand);
    // Only the node's own user may connect: the socket is created 0600.
    mode_t old_mask = ::umask(0177);
    asio::local::stream_protocol::endpoint local(path);
    local_acceptor->open(local.protocol(), ec);
    if (!ec) local_acceptor->bind(local, ec);
    if (!ec) local_acceptor->listen(asio::socket_base::max_listen_connections, ec);
    ::umask(old_mask);
    if (ec) {
      return Fail(ErrorCode::kIo, "cannot listen on control socket " + path + ": " + ec.message());
    }
  }
  return Ok();
}

void HttpServer::Impl::Run() {
  asio::co_spawn(control_strand, AcceptLoop(shared_from_this(), *tcp_acceptor, public_router),
                 asio::detached);
  if (local_acceptor) {
    asio::co_spawn(control_strand,
                   AcceptLoop(shared_from_this(), *local_acceptor, control_router),
                   asio::detached);
  }
  if (options.stop_on_signals) {
    signals.emplace(control_strand, SIGINT, SIGTERM);
    signals->async_wait(
        [self = shared_from_this()](const boost::system::error_code& ec, int signal) {
          if (ec) return;
          spdlog::info("received signal {}, stopping", signal);
          self->BeginStop();
        });
  }
}

void HttpServer::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  asio::post(control_strand, [self = shared_from_this()] {
    boost::system::error_code ignored;
    if (self->tcp_acceptor) self->tcp_acceptor->close(ignored);
    if (self->local_acceptor) {
      self->local_acceptor->close(ignored);
      ::unlink(self->options.control_socket.c_str());
    }
    if (self->signals) self->signals->cancel(ignored);
    asio::co_spawn(self->control_strand, self->Drain(self), asio::detached);
  });
}

// `self` keeps this Impl alive while the coroutine runs.
awaitable<void> HttpServer::Impl::Drain([[maybe_unused]] std::shared_ptr<Impl> self) {
  Clock::time_point deadline = Clock::now() + milliseconds(options.limits.shutdown_grace_ms);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (in_flight.load() > 0 && Clock::now() < deadline) {
    timer.expires_after(milliseconds(5));
    co_await timer.async_wait(kTuple);
  }
  if (in_flight.load() > 0) {
    spdlog::warn("shutdown deadline reached with {} requests in flight", in_flight.load());
  }
  // Idle keep-alive connections, and those past the deadline, are closed.
  CloseAllConnections();
  // Give closed sessions a moment to unwind; a handler stuck past this keeps
  // only this Impl alive (shared), not the node.
  Clock::time_point unwind = Clock::now() + milliseconds(1000);
  for (;;) {
    {
      std::lock_guard lock(mutex);
      if (connections.empty()) break;
    }
    if (Clock::now() >= unwind) break;
    timer.expires_after(milliseconds(5));
    co_await timer.async_wait(kTuple);
  }
  std::lock_guard lock(mutex);
  stopped = true;
  stopped_changed.notify_all();
}

uint64_t HttpServer::Impl::Track(std::function<void()> close) {
  std::lock_guard lock(mutex);
  uint64_t id = next_connection++;
  connections.emplace(id, std::move(close));
  return id;
}

void HttpServer::Impl::Untrack(uint64_t id) {
  std::lock_guard lock(mutex);
  connections.erase(id);
}

void HttpServer::Impl::CloseAllConnections() {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mutex);
    for (auto& [id, close] : connections) closers.push_back(close);
  }
  for (auto& close : closers) close();
}

template <class Acceptor>
awaitable<void> HttpServer::Impl::AcceptLoop(std::shared_ptr<Impl> self, Acceptor& acceptor,
                                             const Router* router) {
  using Protocol = typename Acceptor::protocol_type;
  asio::steady_timer backoff(control_strand);
  while (!stopping.load()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) co_return;
      // Out of descriptors or a transient network error: wait, then go on.
      spdlog::warn("accept failed: {}", ec.message());
      backoff.expires_after(milliseconds(50));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor,
                   Session<Protocol>(self, beast::basic_stream<Protocol>(std::move(socket)), router),
                   asio::detached);
  }
}

template <class Protocol>
awaitable<void> HttpServer::Impl::Session([[maybe_unused]] std::shared_ptr<Impl> self,
                                          beast::basic_stream<Protocol> stream,
                                          const Router* router) {
  const Limits& limits = options.limits;
  beast::flat_buffer buffer;
  // Shutdown may close this connection from another thread: through the
  // strand, and only while the session lives.
  auto handle = std::make_shared<SessionHandle<Protocol>>();
  handle->stream = &stream;
  auto strand = stream.get_executor();
  uint64_t id = Track([handle, strand] {
    asio::post(strand, [handle] {
      if (handle->stream != nullptr) handle->stream->close();
    });
  });
  struct Untracker {
    Impl* impl;
    uint64_t id;
    std::shared_ptr<SessionHandle<Protocol>> handle;
    ~Untracker() {
      handle->stream = nullptr;
      impl->Untrack(id);
    }
  } untracker{this, id, handle};
  const std::string client = ClientTag(stream);
  for (;;) {
    // Wait for the first byte of the next request with the idle timeout;
    // once it is there, the whole request must arrive within the read timeout.
    if (buffer.size() == 0) {
      stream.expires_after(milliseconds(limits.idle_timeout_ms));
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) co_return;
      buffer.commit(n);
    }
    InFlight counted(in_flight);
    Clock::time_point start = Clock::now();
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    stream.expires_after(milliseconds(limits.read_timeout_ms));

    auto [header_ec, header_n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    CountIn<Protocol>(header_n);
    boost::system::error_code ec = header_ec;
    if (!ec && !parser.is_done()) {
      // curl and others wait for this before sending a large body.
      auto expect = parser.get()[bhttp::field::expect];
      if (beast::iequals(expect, "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [write_ec, written] =
            co_await asio::async_write(stream, asio::buffer(kContinue), kTuple);
        ec = write_ec;
      }
      if (!ec) {
        auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        CountIn<Protocol>(body_n);
        ec = body_ec;
      }
    }
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        co_await SendError(stream, buffer, 431, "request header fields too large");
        Record("-", "-", kUnrouted, 431, 0, start);
      } else if (ec == bhttp::error::body_limit) {
        co_await SendError(stream, buffer, 413, "request body too large");
        Record("-", "-", kUnrouted, 413, 0, start);
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::header_limit).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        co_await SendError(stream, buffer, 400, "malformed HTTP request");
        Record("-", "-", kUnrouted, 400, 0, start);
      }
      // Timeouts, resets and a client that went away: just close.
      co_return;
    }

    BeastRequest request = parser.release();
    bool head = request.method() == bhttp::verb::head;
    std::string method(request.method_string());
    std::string target(request.target());
    Answer answer = co_await Dispatch(*router, request, client);
    bool keep_alive = request.keep_alive() && !stopping.load();
    size_t bytes = answer.response.body.size();
    int status = answer.response.status;
    bool reusable = true;
    if (answer.response.stream) {
      reusable = co_await WriteStreamed(stream, std::move(answer.response), request.version(),
                                        keep_alive, head, &bytes);
    } else {
      BeastResponse response =
          ToBeast(std::move(answer.response), request.version(), keep_alive, head);
      stream.expires_after(milliseconds(limits.write_timeout_ms));
      auto [write_ec, written] = co_await bhttp::async_write(stream, response, kTuple);
      CountOut<Protocol>(written);
      reusable = !write_ec;
    }
    Record(method, target.substr(0, target.find('?')), answer.route, status, bytes, start);
    if (!reusable || !keep_alive) {
      boost::system::error_code ignored;
      stream.socket().shutdown(Protocol::socket::shutdown_send, ignored);
      co_return;
    }
  }
}

template <class Protocol>
awaitable<void> HttpServer::Impl::SendError(beast::basic_stream<Protocol>& stream,
                                            beast::flat_buffer& buffer, int status,
                                            std::string_view message) {
  BeastResponse response = ToBeast(Response::JsonError(status, message), 11, false, false);
  stream.expires_after(milliseconds(options.limits.write_timeout_ms));
  auto [ec, n] = co_await bhttp::async_write(stream, response, kTuple);
  CountOut<Protocol>(n);
  if (ec) co_return;
  boost::system::error_code ignored;
  stream.socket().shutdown(Protocol::socket::shutdown_send, ignored);
  // Lingering close: drain what the client is still sending, bounded.
  stream.expires_after(kLingerTime);
  size_t discarded = 0;
  while (discarded < kLingerBytes) {
    buffer.clear();
    auto [read_ec, read_n] = co_await stream.async_read_some(buffer.prepare(64 << 10), kTuple);
    if (read_ec) break;
    discarded += read_n;
  }
}

template <class Protocol>
std::string HttpServer::Impl::ClientTag(const beast::basic_stream<Protocol>& stream) const {
  std::string address = "local";
  if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
    boost::system::error_code ec;
    auto endpoint = stream.socket().remote_endpoint(ec);
    if (!ec) address = endpoint.address().to_string();
  }
  unsigned char tag[8];
  crypto_generichash(tag, sizeof tag, reinterpret_cast<const unsigned char*>(address.data()),
                     address.size(), client_key, sizeof client_key);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : tag) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

awaitable<Answer> HttpServer::Impl::Dispatch(const Router& router,
                                             BeastRequest& beast_request,
                                             const std::string& client) {
  Request request;
  request.client = client;
  request.method = std::string(beast_request.method_string());
  request.target = std::string(beast_request.target());
  auto parsed = boost::urls::parse_origin_form(request.target);
  if (!parsed) co_return Answer{Response::JsonError(400, "malformed request target")};
  request.path = parsed->path();
  request.query = std::string(parsed->encoded_query());
  if (request.path.find('\0') != std::string::npos) {
    co_return Answer{Response::JsonError(400, "malformed request target")};
  }
  for (const auto& field : beast_request) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(beast_request.body());

  Answer answer;
  answer.response = co_await router.Dispatch(
      request, {.max_bytes = options.limits.body_bytes, .max_depth = options.limits.json_depth},
      &answer.route);
  co_return answer;
}

namespace {

// The status and the headers every response carries, plus the response's own.
template <class Body>
void SetHead(bhttp::response<Body>& out, const Response& response, bool keep_alive) {
  out.result(static_cast<bhttp::status>(response.status));
  out.set(bhttp::field::server, "parvis");
  out.set(bhttp::field::date, HttpDate());
  out.set(bhttp::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
}

}  // namespace

template <class Protocol>
awaitable<bool> HttpServer::Impl::WriteStreamed(beast::basic_stream<Protocol>& stream,
                                                Response&& response, unsigned version,
                                                bool keep_alive, bool head, size_t* bytes) {
  // The source is released when this returns, whichever way: the client
  // going away mid-body never leaves it (and its file) open.
  std::shared_ptr<BodySource> source = std::move(response.stream);
  const std::optional<uint64_t> size = source->Size();
  bhttp::response<bhttp::buffer_body> out;
  out.version(version);
  SetHead(out, response, keep_alive);
  if (size) {
    out.content_length(*size);
  } else {
    out.chunked(true);
  }
  bhttp::response_serializer<bhttp::buffer_body> serializer{out};
  const milliseconds write_timeout(options.limits.write_timeout_ms);
  stream.expires_after(write_timeout);
  auto [header_ec, header_n] = co_await bhttp::async_write_header(stream, serializer, kTuple);
  CountOut<Protocol>(header_n);
  *bytes = 0;
  if (header_ec) co_return false;
  if (head) co_return true;
  std::vector<char> chunk(kStreamChunkBytes);
  uint64_t sent = 0;
  for (;;) {
    size_t want = chunk.size();
    if (size) want = static_cast<size_t>(std::min<uint64_t>(want, *size - sent));
    Result<size_t> got = want == 0 ? Result<size_t>(0) : source->Read(std::span(chunk.data(), want));
    if (!got) {
      spdlog::warn("a streamed response ended early: {}", got.error().message);
      co_return false;
    }
    // A source shorter than its announced size would leave the client waiting.
    if (*got == 0 && size && sent != *size) {
      spdlog::warn("a streamed response ended {} bytes short", *size - sent);
      co_return false;
    }
    out.body().data = *got == 0 ? nullptr : chunk.data();
    out.body().size = *got;
    out.body().more = *got != 0;
    stream.expires_after(write_timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, serializer, kTuple);
    CountOut<Protocol>(written);
    // need_buffer: this chunk is out and the serializer waits for the next.
    if (write_ec && write_ec != bhttp::error::need_buffer) co_return false;
    sent += *got;
    *bytes = static_cast<size_t>(sent);
    if (*got == 0) co_return true;
  }
}

BeastResponse HttpServer::Impl::ToBeast(Response&& response, unsigned version, bool keep_alive,
                                        bool head) const {
  BeastResponse out;
  out.version(version);
  SetHead(out, response, keep_alive);
  size_t size = response.body.size();
  if (!head) out.body() = std::move(response.body);
  out.content_length(size);
  return out;
}

void HttpServer::Impl::Record(std::string_view method, std::string_view path,
                              std::string_view route, int status, size_t bytes,
                              Clock::time_point start) {
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  metrics->RecordRequest(route, status, seconds);
  // No client address: the access log holds no personal data.
  spdlog::info("{} {} {} {}B {:.2f}ms", method, path, status, bytes, seconds * 1000);
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      EventLoop& loop,
                                                      const Router* public_router,
                                                      const Router* control_router,
                                                      Metrics* metrics) {
  if (!options.control_socket.empty() && control_router == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "a control socket needs a control router");
  }
  auto impl =
      std::make_shared<Impl>(options, loop.context(), public_router, control_router, metrics);
  if (Status listening = impl->Listen(); !listening) return std::unexpected(listening.error());
  impl->Run();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
  Wait();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() { impl_->BeginStop(); }

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopped_changed.wait(lock, [this] { return impl_->stopped; });
}

bool HttpServer::stopping() const { return impl_->stopping.load(); }

uint64_t HttpServer::in_flight() const { return impl_->in_flight.load(); }

}  // namespace parvis::http
