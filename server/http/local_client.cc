#include "server/http/local_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace parvis::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

Result<Response> CallLocal(const std::string& socket_path, const std::string& method,
                           const std::string& target, const std::string& json_body,
                           std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::basic_stream<asio::local::stream_protocol> stream(ioc);
  boost::system::error_code result_ec;
  bhttp::response<bhttp::string_body> response;
  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
  request.set(bhttp::field::host, "localhost");
  request.set(bhttp::field::user_agent, "parvis-cli");
  if (!json_body.empty() || method == "POST") {
    request.set(bhttp::field::content_type, "application/json");
    request.body() = json_body;
  }
  request.keep_alive(false);
  request.prepare_payload();
  beast::flat_buffer buffer;
  bool connected = false;

  // One timeout covers connect, write and read.
  stream.expires_after(timeout);
  stream.async_connect(
      asio::local::stream_protocol::endpoint(socket_path),
      [&](const boost::system::error_code& ec) {
        if (ec) {
          result_ec = ec;
          return;
        }
        connected = true;
        bhttp::async_write(stream, request, [&](const boost::system::error_code& ec, size_t) {
          if (ec) {
            result_ec = ec;
            return;
          }
          bhttp::async_read(stream, buffer, response,
                            [&](const boost::system::error_code& ec, size_t) { result_ec = ec; });
        });
      });
  ioc.run();
  if (!connected) {
    return Fail(ErrorCode::kUnavailable,
                "no node answers on " + socket_path + ": " + result_ec.message());
  }
  if (result_ec) {
    return Fail(ErrorCode::kIo, "exchange with " + socket_path + " failed: " + result_ec.message());
  }
  Response out;
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(response[bhttp::field::content_type]);
  out.body = std::move(response.body());
  return out;
}

}  // namespace parvis::http
