// The HTTP server over real loopback sockets: limits, timeouts, keep-alive,
// pipelining and graceful shutdown.
#include "server/http/http_server.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/http/local_client.h"
#include "support/raw_http.h"
#include "support/temp_dir.h"

namespace parvis::http {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Fetch;
using ::parvis::testing::RawConnection;
using ::parvis::testing::StatusOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

Limits SmallLimits() {
  Limits limits;
  limits.body_bytes = 4096;
  limits.header_bytes = 2048;
  limits.json_depth = 8;
  limits.read_timeout_ms = 300;
  limits.idle_timeout_ms = 300;
  limits.write_timeout_ms = 2000;
  limits.shutdown_grace_ms = 5000;
  return limits;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", [](Request&) { return Response::Text(200, "hello\n"); });
    router_.Add("GET", "/users/{name}", [](Request& request) {
      return Response::Text(200, "user " + request.params["name"]);
    });
    router_.Add("POST", "/echo", [](Request& request) {
      return Response::Text(200, request.body);
    });
    router_.Add(
        "POST", "/json",
        [](Request& request) {
          return Response::Text(200, request.json.IsObject() ? "object" : "other");
        },
        {.json_body = true});
    router_.Add("GET", "/throw", [](Request&) -> Response {
      throw std::runtime_error("handler bug");
    });
    router_.Add("GET", "/slow", [this](Request&) {
      entered_.set_value();
      release_.get_future().wait();
      return Response::Text(200, "finished");
    });
    router_.AddAsync("GET", "/later/{n}", [](Request& request) -> boost::asio::awaitable<Response> {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(boost::asio::use_awaitable);
      if (request.params["n"] == "fail") throw std::runtime_error("async handler bug");
      co_return Response::Text(200, "later " + request.params["n"]);
    });
    control_.Add("GET", "/control/ping", [](Request&) { return Response::Text(200, "pong"); });
  }

  void Start(Limits limits = SmallLimits(), bool with_control = false) {
    HttpServerOptions options;
    options.port = 0;
    options.limits = limits;
    if (with_control) options.control_socket = dir_.Sub("control.sock");
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(
        options, loop_, &router_, with_control ? &control_ : nullptr, &metrics_);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    loop_.Start();
  }

  uint16_t port() const { return server_->port(); }

  void TearDown() override {
    // A handler still blocked on release_ would hold a loop thread forever.
    if (!released_) release_.set_value();
    server_.reset();
  }

  testing::TempDir dir_;
  EventLoop loop_{2};
  bool released_ = false;
  Router router_;
  Router control_;
  Metrics metrics_;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersRoutesWithStandardHeaders) {
  Start();
  std::string response = Fetch(port(), "GET", "/hello");
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_EQ(BodyOf(response), "hello\n");
  EXPECT_THAT(response, HasSubstr("Date: "));
  EXPECT_THAT(response, HasSubstr("Server: parvis"));
  EXPECT_THAT(response, HasSubstr("X-Content-Type-Options: nosniff"));
  EXPECT_EQ(BodyOf(Fetch(port(), "GET", "/users/al%69ce")), "user alice");
}

struct StatusCase {
  std::string name;
  std::string raw_request;
  int status;
  std::string body_contains;
};

TEST_F(HttpServerTest, AnswersBadRequestsWithTheRightStatus) {
  Start();
  std::string big_header(3000, 'a');
  std::string deep_json = std::string(9, '[') + std::string(9, ']');
  const StatusCase cases[] = {
      {"unknown path", "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not found"},
      {"wrong method", "DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method not allowed"},
      {"header too large", "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + big_header + "\r\n\r\n",
       431, "too large"},
      {"declared body too large",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'),
       413, "too large"},
      {"chunked body too large",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
       "1000\r\n" + std::string(4096, 'c') + "\r\n10\r\n" + std::string(16, 'c') + "\r\n0\r\n\r\n",
       413, "too large"},
      {"json too deep",
       "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(deep_json.size()) + "\r\n\r\n" + deep_json,
       400, "nested deeper than 8 levels"},
      {"malformed json",
       "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
       "\r\n{\"a\":",
       400, "invalid JSON"},
      {"json route without json",
       "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
       415, "expected a JSON body"},
      {"garbage request line", "HELLO\r\n\r\n", 400, "malformed HTTP request"},
      {"bad header line", "GET /hello HTTP/1.1\r\nno colon here\r\n\r\n", 400, "malformed"},
      {"malformed target", "GET nope HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request target"},
      {"handler throws", "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n", 500, "internal error"},
  };
  for (const StatusCase& c : cases) {
    RawConnection connection(port());
    ASSERT_TRUE(connection.ok());
    connection.Send(c.raw_request);
    std::string response = connection.ReadResponse();
    EXPECT_EQ(StatusOf(response), c.status) << c.name << "\n" << response;
    EXPECT_THAT(BodyOf(response), HasSubstr(c.body_contains)) << c.name;
  }
  // The server is still there after all of that.
  EXPECT_EQ(StatusOf(Fetch(port(), "GET", "/hello")), 200);
}

TEST_F(HttpServerTest, AsyncHandlersAnswerAfterWaiting) {
  Start();
  RawConnection connection(port());
  // Pipelined: the second waits for the first, order is kept.
  connection.Send("GET /later/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /later/2 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(BodyOf(connection.ReadResponse()), "later 1");
  EXPECT_EQ(BodyOf(connection.ReadResponse()), "later 2");
  EXPECT_EQ(StatusOf(Fetch(port(), "GET", "/later/fail")), 500);
}

TEST_F(HttpServerTest, MethodNotAllowedListsAllowedMethods) {
  Start();
  EXPECT_THAT(Fetch(port(), "PUT", "/echo"), HasSubstr("Allow: POST"));
}

TEST_F(HttpServerTest, HeadHasLengthButNoBody) {
  Start();
  RawConnection connection(port());
  connection.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string response = connection.ReadToEnd();
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_THAT(response, HasSubstr("Content-Length: 6"));
  EXPECT_EQ(BodyOf(response), "");
}

TEST_F(HttpServerTest, KeepAliveAndPipelining) {
  Start();
  RawConnection connection(port());
  // Two requests in one write: answered in order on one connection.
  connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /users/bob HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(BodyOf(connection.ReadResponse()), "hello\n");
  EXPECT_EQ(BodyOf(connection.ReadResponse()), "user bob");
  connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(BodyOf(connection.ReadResponse()), "abc");
}

TEST_F(HttpServerTest, AnswersExpectContinue) {
  Start();
  RawConnection connection(port());
  connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  std::string interim = connection.ReadResponse();
  EXPECT_THAT(interim, HasSubstr("100 Continue"));
  connection.Send("data");
  EXPECT_EQ(BodyOf(connection.ReadResponse()), "data");
}

TEST_F(HttpServerTest, CutsASlowClient) {
  Start();
  RawConnection connection(port());
  // Half a request, then silence: the read timeout (300 ms) closes it.
  connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n");
  RawConnection::End end = RawConnection::End::kTimedOut;
  std::string response = connection.ReadToEnd(&end);
  EXPECT_NE(end, RawConnection::End::kTimedOut);
  EXPECT_EQ(response, "");
}

TEST_F(HttpServerTest, CutsASlowBody) {
  Start();
  RawConnection connection(port());
  connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some");
  RawConnection::End end = RawConnection::End::kTimedOut;
  connection.ReadToEnd(&end);
  EXPECT_NE(end, RawConnection::End::kTimedOut);
}

TEST_F(HttpServerTest, ClosesIdleKeepAliveConnections) {
  Start();
  RawConnection connection(port());
  connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(connection.ReadResponse()), 200);
  RawConnection::End end = RawConnection::End::kTimedOut;
  connection.ReadToEnd(&end);
  EXPECT_EQ(end, RawConnection::End::kClosed);
}

TEST_F(HttpServerTest, ShutdownDrainsAnInFlightRequest) {
  Start();
  RawConnection connection(port());
  connection.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  entered_.get_future().wait();
  EXPECT_EQ(server_->in_flight(), 1u);
  server_->Stop();
  // New connections are refused once the listener has closed.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    RawConnection late(port());
    refused = !late.ok();
    if (!refused) std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(refused);
  release_.set_value();
  released_ = true;
  std::string response = connection.ReadResponse();
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_EQ(BodyOf(response), "finished");
  EXPECT_THAT(response, HasSubstr("Connection: close"));
  server_->Wait();
}

TEST_F(HttpServerTest, ShutdownDeadlineDoesNotWaitForAStuckHandler) {
  Limits limits = SmallLimits();
  limits.shutdown_grace_ms = 100;
  Start(limits);
  RawConnection connection(port());
  connection.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  entered_.get_future().wait();
  server_->Stop();
  server_->Wait();  // returns although the handler has not finished
  EXPECT_EQ(server_->in_flight(), 1u);
}

TEST_F(HttpServerTest, StopWithoutRequestsEndsPromptly) {
  Start();
  RawConnection idle(port());  // an idle keep-alive client must not hold shutdown
  ASSERT_TRUE(idle.ok());
  server_->Stop();
  server_->Wait();
  // Its connection was ended by the stop (closed, or reset if it was still
  // in the listen backlog), not left waiting.
  RawConnection::End end = RawConnection::End::kTimedOut;
  idle.ReadToEnd(&end);
  EXPECT_NE(end, RawConnection::End::kTimedOut);
}

TEST_F(HttpServerTest, ControlSocketServesOnlyControlRoutesToItsOwner) {
  Start(SmallLimits(), /*with_control=*/true);
  std::string socket = dir_.Sub("control.sock");
  struct stat info {};
  ASSERT_EQ(::stat(socket.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  Result<Response> pong = CallLocal(socket, "GET", "/control/ping", "", 5s);
  ASSERT_TRUE(pong.has_value()) << pong.error().message;
  EXPECT_EQ(pong->body, "pong");
  // Public routes are not on the control socket, and control routes not on TCP.
  Result<Response> hello = CallLocal(socket, "GET", "/hello", "", 5s);
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->status, 404);
  EXPECT_EQ(StatusOf(Fetch(port(), "GET", "/control/ping")), 404);
  server_->Stop();
  server_->Wait();
  EXPECT_NE(::stat(socket.c_str(), &info), 0) << "socket file removed on stop";
  Result<Response> gone = CallLocal(socket, "GET", "/control/ping", "", 5s);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpServerTest, CountsRequestsInMetrics) {
  Start();
  Fetch(port(), "GET", "/hello");
  Fetch(port(), "GET", "/users/a");
  Fetch(port(), "GET", "/users/b");
  Fetch(port(), "GET", "/missing");
  std::string text = metrics_.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("parvis_http_requests_total{route=\"/hello\",status=\"200\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("parvis_http_requests_total{route=\"/users/{name}\",status=\"200\"} 2"));
  EXPECT_THAT(text, HasSubstr("parvis_http_requests_total{route=\"(unrouted)\",status=\"404\"} 1"));
  EXPECT_THAT(text, HasSubstr("parvis_http_request_duration_seconds_bucket{route=\"/hello\",le=\"0.0005\"}"));
  // Raw paths never become labels.
  EXPECT_THAT(text, Not(HasSubstr("/users/a\"")));
}

TEST_F(HttpServerTest, RefusesAPortInUse) {
  Start();
  HttpServerOptions options;
  options.port = port();
  Result<std::unique_ptr<HttpServer>> second =
      HttpServer::Start(options, loop_, &router_, nullptr, &metrics_);
  ASSERT_FALSE(second.has_value());
  EXPECT_THAT(second.error().message, HasSubstr("cannot listen on 127.0.0.1:"));
}

}  // namespace
}  // namespace parvis::http
