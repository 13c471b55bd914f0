#include "bench/load_driver.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>

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

asio::awaitable<bool> Connect(tcp::socket& socket, Shared& shared) {
  boost::system::error_code ignored;
  socket.close(ignored);
  auto [ec] = co_await socket.async_connect(shared.endpoint, kTuple);
  if (ec) co_return false;
  socket.set_option(tcp::no_delay(true), ignored);
  co_return true;
}

asio::awaitable<void> Worker(Shared& shared) {
  tcp::socket socket(co_await asio::this_coro::executor);
  bool connected = co_await Connect(socket, shared);
  beast::flat_buffer buffer;
  while (shared.next < shared.requests->size() && Clock::now() < shared.deadline) {
    const std::string& request = (*shared.requests)[shared.next++];
    if (!connected) {
      ++shared.result.reconnects;
      buffer.clear();
      connected = co_await Connect(socket, shared);
      if (!connected) {
        ++shared.result.transport_errors;
        continue;
      }
    }
    Clock::time_point start = Clock::now();
    ++shared.result.sent;
    auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(request), kTuple);
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(1 << 20);
    beast::error_code read_ec = write_ec;
    if (!write_ec) {
      auto [ec, n] = co_await beast::http::async_read(socket, buffer, parser, kTuple);
      read_ec = ec;
    }
    if (read_ec) {
      ++shared.result.transport_errors;
      connected = false;
      continue;
    }
    Clock::time_point end = Clock::now();
    shared.last_answer = end;
    const auto& response = parser.get();
    int status = static_cast<int>(response.result_int());
    ++shared.result.statuses[status];
    if (status >= 200 && status < 300) {
      ++shared.result.accepted;
    } else if (shared.result.first_refusal.empty()) {
      shared.result.first_refusal = std::to_string(status) + " " + response.body();
    }
    shared.result.latencies_us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(end - start).count()));
    if (!response.keep_alive()) connected = false;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

double LoadResult::LatencyMs(double q) const {
  if (latencies_us.empty()) return 0;
  size_t index = static_cast<size_t>(q * static_cast<double>(latencies_us.size() - 1) + 0.5);
  return latencies_us[std::min(index, latencies_us.size() - 1)] / 1000.0;
}

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

}  // namespace parvis::bench
