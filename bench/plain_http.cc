#include "bench/plain_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <sstream>

namespace parvis::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string PlainResponse::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::string PlainResponse::SetCookieValue(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key != "set-cookie" || !value.starts_with(name + "=")) continue;
    size_t end = value.find(';');
    return value.substr(name.size() + 1, end == std::string::npos ? end : end - name.size() - 1);
  }
  return "";
}

Result<PlainResponse> HttpGet(uint16_t port, const std::string& target, const std::string& accept) {
  return HttpExchange(port, "GET", target, {{"Accept", accept}});
}

Result<PlainResponse> HttpExchange(uint16_t port, const std::string& method,
                                   const std::string& target,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  beast::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec)
    return Fail(ErrorCode::kUnavailable,
                "cannot connect to port " + std::to_string(port) + ": " + ec.message());
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers) request.set(name, value);
  request.set(http::field::connection, "close");
  if (!body.empty()) {
    request.body() = body;
    request.prepare_payload();
  }
  http::write(socket, request, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  if (!ec) http::read(socket, buffer, parser, ec);
  if (ec) return Fail(ErrorCode::kUnavailable, method + " " + target + ": " + ec.message());
  PlainResponse out{.status = static_cast<int>(parser.get().result_int()),
                    .body = parser.get().body(),
                    .headers = {}};
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  return out;
}

std::optional<double> MetricValue(const std::string& text, const std::string& metric,
                                  const std::string& labels) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(metric)) continue;
    char next = line.size() > metric.size() ? line[metric.size()] : '\0';
    if (next != ' ' && next != '{') continue;
    if (!labels.empty() && line.find(labels) == std::string::npos) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

}  // namespace parvis::bench
