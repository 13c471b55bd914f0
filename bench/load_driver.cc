#include "bench/load_driver.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <optional>

namespace parvis::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Shared {
  const std::vector<std::string>* requests;
  tcp::endpoint endpoint;
  size_t next = 0;  // one thread: no atomics needed
  Clock::time_point deadline = Clock::time_point::max();
  LoadResult result;
  Clock::time_point last_answer;
};

asio::awaitable<bool> Connect(tcp::socket& socket, const tcp::endpoint& endpoint) {
  boost::system::error_code ignored;
  socket.close(ignored);
  auto [ec] = co_await socket.async_connect(endpoint, kTuple);
  if (ec) co_return false;
  socket.set_option(tcp::no_delay(true), ignored);
  co_return true;
}

uint32_t Microseconds(Clock::duration d) {
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

// One request on `socket` (reconnected first if need be), its answer counted
// in `result`. The time the answer was in, or nullopt on a transport error.
asio::awaitable<std::optional<Clock::time_point>> Exchange(
    tcp::socket& socket, beast::flat_buffer& buffer, bool& connected, const tcp::endpoint& endpoint,
    const std::string& request, LoadResult& result) {
  if (!connected) {
    ++result.reconnects;
    buffer.clear();
    connected = co_await Connect(socket, endpoint);
    if (!connected) {
      ++result.transport_errors;
      co_return std::nullopt;
    }
  }
  ++result.sent;
  auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(request), kTuple);
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(4 << 20);
  beast::error_code read_ec = write_ec;
  if (!write_ec) {
    auto [ec, n] = co_await beast::http::async_read(socket, buffer, parser, kTuple);
    read_ec = ec;
  }
  if (read_ec) {
    ++result.transport_errors;
    connected = false;
    co_return std::nullopt;
  }
  Clock::time_point end = Clock::now();
  const auto& response = parser.get();
  int status = static_cast<int>(response.result_int());
  ++result.statuses[status];
  if (status >= 200 && status < 300) {
    ++result.accepted;
  } else if (result.first_refusal.empty()) {
    result.first_refusal = std::to_string(status) + " " + response.body();
  }
  if (!response.keep_alive()) connected = false;
  co_return end;
}

asio::awaitable<void> Worker(Shared& shared) {
  tcp::socket socket(co_await asio::this_coro::executor);
  bool connected = co_await Connect(socket, shared.endpoint);
  beast::flat_buffer buffer;
  while (shared.next < shared.requests->size() && Clock::now() < shared.deadline) {
    const std::string& request = (*shared.requests)[shared.next++];
    Clock::time_point start = Clock::now();
    std::optional<Clock::time_point> end =
        co_await Exchange(socket, buffer, connected, shared.endpoint, request, shared.result);
    if (!end) continue;
    shared.last_answer = *end;
    shared.result.latencies_us.push_back(Microseconds(*end - start));
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

struct OpenShared {
  const std::vector<std::string>* requests;
  tcp::endpoint endpoint;
  uint64_t next = 0;  // one thread: no atomics needed
  uint64_t total = 0;
  double rate = 1;
  Clock::time_point start;
  Clock::time_point give_up;
  LoadResult result;
  Clock::time_point last_answer;
};

Clock::time_point Due(const OpenShared& shared, uint64_t k) {
  return shared.start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(static_cast<double>(k) / shared.rate));
}

asio::awaitable<void> OpenWorker(OpenShared& shared) {
  tcp::socket socket(co_await asio::this_coro::executor);
  bool connected = co_await Connect(socket, shared.endpoint);
  beast::flat_buffer buffer;
  asio::steady_timer timer(socket.get_executor());
  while (shared.next < shared.total && Clock::now() < shared.give_up) {
    uint64_t k = shared.next++;
    Clock::time_point due = Due(shared, k);
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
    }
    Clock::time_point sent = Clock::now();
    const std::string& request = (*shared.requests)[k % shared.requests->size()];
    std::optional<Clock::time_point> end =
        co_await Exchange(socket, buffer, connected, shared.endpoint, request, shared.result);
    if (!end) continue;
    shared.last_answer = std::max(shared.last_answer, *end);
    shared.result.latencies_us.push_back(Microseconds(*end - due));
    shared.result.service_us.push_back(Microseconds(*end - sent));
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

double Quantile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t index = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)] / 1000.0;
}

}  // namespace

double LoadResult::LatencyMs(double q) const { return Quantile(latencies_us, q); }

double LoadResult::ServiceMs(double q) const { return Quantile(service_us, q); }

LoadResult RunLoad(const std::vector<std::string>& requests, const LoadOptions& options) {
  asio::io_context io(1);
  Shared shared{.requests = &requests,
                .endpoint = tcp::endpoint(asio::ip::make_address(options.address), options.port),
                .result = {},
                .last_answer = {}};
  shared.result.latencies_us.reserve(requests.size());
  for (unsigned c = 0; c < std::max(1u, options.connections); ++c) {
    asio::co_spawn(io, Worker(shared), asio::detached);
  }
  Clock::time_point start = Clock::now();
  if (options.max_seconds > 0) {
    shared.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(options.max_seconds));
  }
  io.run();
  Clock::time_point end = shared.last_answer > start ? shared.last_answer : Clock::now();
  shared.result.seconds = std::chrono::duration<double>(end - start).count();
  std::sort(shared.result.latencies_us.begin(), shared.result.latencies_us.end());
  return std::move(shared.result);
}

LoadResult RunOpenLoad(const std::vector<std::string>& requests, const OpenLoadOptions& options) {
  asio::io_context io(1);
  OpenShared shared{
      .requests = &requests,
      .endpoint = tcp::endpoint(asio::ip::make_address(options.address), options.port),
      .total = static_cast<uint64_t>(options.rate * options.seconds),
      .rate = options.rate,
      .result = {},
      .last_answer = {}};
  if (requests.empty()) return {};
  shared.result.latencies_us.reserve(shared.total);
  shared.result.service_us.reserve(shared.total);
  for (unsigned c = 0; c < std::max(1u, options.connections); ++c) {
    asio::co_spawn(io, OpenWorker(shared), asio::detached);
  }
  // The connections open before the first request falls due.
  shared.start = Clock::now() + std::chrono::milliseconds(100);
  shared.give_up =
      shared.start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.seconds + options.grace_seconds));
  io.run();
  for (uint64_t k = shared.next; k < shared.total; ++k) {
    ++shared.result.unsent;
    shared.result.latencies_us.push_back(Microseconds(shared.give_up - Due(shared, k)));
  }
  Clock::time_point end = shared.last_answer > shared.start ? shared.last_answer : Clock::now();
  shared.result.seconds = std::chrono::duration<double>(end - shared.start).count();
  std::sort(shared.result.latencies_us.begin(), shared.result.latencies_us.end());
  std::sort(shared.result.service_us.begin(), shared.result.service_us.end());
  return std::move(shared.result);
}

}  // namespace parvis::bench
