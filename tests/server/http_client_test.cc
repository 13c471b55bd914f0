// The outbound client against real servers on loopback: our own HTTP server
// and `openssl s_server` for TLS.
#include "server/http/http_client.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/http/http_server.h"
#include "support/run_sync.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace parvis::http {
namespace {

using ::parvis::testing::RunSync;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", [](Request& r) {
      return Response::Text(200, "hello " + std::string(r.Header("user-agent").value_or("")));
    });
    router_.Add("POST", "/echo", [](Request& r) { return Response::Text(201, r.body); });
    router_.Add("GET", "/big", [](Request&) { return Response::Text(200, std::string(5000, 'x')); });
    router_.Add("GET", "/redirect/{n}", [](Request& r) {
      int n = std::stoi(r.params["n"]);
      Response response = Response::Text(302, "");
      response.headers.emplace_back("Location", n == 0 ? "/hello" : "/redirect/" + std::to_string(n - 1));
      return response;
    });
    router_.Add("POST", "/redirect/0", [](Request&) {
      Response response = Response::Text(307, "");
      response.headers.emplace_back("Location", "/echo");
      return response;
    });
    router_.AddAsync("GET", "/wait/{ms}", [this](Request& r) -> boost::asio::awaitable<Response> {
      int now = ++concurrent_;
      int seen = max_concurrent_.load();
      while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
      }
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(std::stoi(r.params["ms"])));
      co_await timer.async_wait(boost::asio::use_awaitable);
      --concurrent_;
      co_return Response::Text(200, "waited");
    });
    HttpServerOptions options;
    options.limits.idle_timeout_ms = 300;
    Result<std::unique_ptr<HttpServer>> server =
        HttpServer::Start(options, loop_, &router_, nullptr, &metrics_);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    loop_.Start();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override { server_.reset(); }

  std::unique_ptr<HttpClient> Client(HttpClientOptions options = {}) {
    if (!private_refused_) options.allow_private_addresses = true;
    Result<std::unique_ptr<HttpClient>> client = HttpClient::Create(loop_, options);
    EXPECT_TRUE(client.has_value());
    return std::move(*client);
  }

  Result<ClientResponse> Fetch(HttpClient& client, ClientRequest request) {
    return RunSync(loop_, client.Fetch(std::move(request)));
  }

  EventLoop loop_{2};
  Router router_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::string base_;
  bool private_refused_ = false;
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
};

TEST_F(HttpClientTest, GetsAndPosts) {
  auto client = Client({.user_agent = "parvis-test"});
  Result<ClientResponse> got = Fetch(*client, {.url = base_ + "/hello"});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "hello parvis-test");
  EXPECT_EQ(got->Header("content-type"), "text/plain; charset=utf-8");
  Result<ClientResponse> posted = Fetch(
      *client, {.method = "POST", .url = base_ + "/echo",
                .headers = {{"Content-Type", "application/activity+json"}}, .body = "{\"a\":1}"});
  ASSERT_TRUE(posted.has_value());
  EXPECT_EQ(posted->status, 201);
  EXPECT_EQ(posted->body, "{\"a\":1}");
  Result<ClientResponse> missing = Fetch(*client, {.url = base_ + "/missing"});
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpClientTest, RefusesPrivateAddressesUnlessAllowed) {
  private_refused_ = true;
  auto client = Client();
  for (std::string host : {"127.0.0.1", "localhost", "[::1]", "10.0.0.1", "169.254.169.254"}) {
    Result<ClientResponse> refused = Fetch(*client, {.url = "http://" + host + ":1/x"});
    ASSERT_FALSE(refused.has_value()) << host;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << host;
    EXPECT_THAT(refused.error().message, HasSubstr("private or local address")) << host;
  }
}

TEST_F(HttpClientTest, RefusesBadUrls) {
  auto client = Client();
  for (std::string url : {"", "/relative", "ftp://example.org/", "http://user:pw@127.0.0.1/",
                          "http:///nohost", "not a url"}) {
    Result<ClientResponse> refused = Fetch(*client, {.url = url});
    ASSERT_FALSE(refused.has_value()) << url;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << url;
  }
  Result<ClientResponse> bad_method = Fetch(*client, {.method = "BREW", .url = base_ + "/hello"});
  EXPECT_FALSE(bad_method.has_value());
}

TEST_F(HttpClientTest, FollowsRedirectsOnlyWhenAskedAndOnlyForGet) {
  auto client = Client();
  Result<ClientResponse> not_followed = Fetch(*client, {.url = base_ + "/redirect/0"});
  ASSERT_TRUE(not_followed.has_value());
  EXPECT_EQ(not_followed->status, 302);
  Result<ClientResponse> followed =
      Fetch(*client, {.url = base_ + "/redirect/2", .max_redirects = 3});
  ASSERT_TRUE(followed.has_value());
  EXPECT_EQ(followed->status, 200);
  EXPECT_EQ(followed->url, base_ + "/hello");
  Result<ClientResponse> too_many =
      Fetch(*client, {.url = base_ + "/redirect/5", .max_redirects = 3});
  ASSERT_TRUE(too_many.has_value());
  EXPECT_EQ(too_many->status, 302);
  Result<ClientResponse> post = Fetch(
      *client, {.method = "POST", .url = base_ + "/redirect/0", .body = "x", .max_redirects = 3});
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 307);
}

TEST_F(HttpClientTest, LimitsResponseSizeAndTime) {
  auto client = Client({.request_timeout = 200ms, .max_response_bytes = 1000});
  Result<ClientResponse> big = Fetch(*client, {.url = base_ + "/big"});
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kLimitExceeded);
  Result<ClientResponse> slow = Fetch(*client, {.url = base_ + "/wait/3000"});
  ASSERT_FALSE(slow.has_value());
  EXPECT_EQ(slow.error().code, ErrorCode::kUnavailable);
  Result<ClientResponse> refused = Fetch(*client, {.url = "http://127.0.0.1:1/"});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpClientTest, ReusesConnectionsAndRecoversFromStaleOnes) {
  auto client = Client();
  ASSERT_TRUE(Fetch(*client, {.url = base_ + "/hello"}).has_value());
  ASSERT_TRUE(Fetch(*client, {.url = base_ + "/hello"}).has_value());
  EXPECT_EQ(client->open_connections(), 1u);
  // The server closes idle connections after 300 ms; the next request finds
  // its spare connection dead and must still succeed.
  std::this_thread::sleep_for(500ms);
  Result<ClientResponse> after = Fetch(*client, {.url = base_ + "/hello"});
  ASSERT_TRUE(after.has_value()) << after.error().message;
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(client->open_connections(), 1u);
}

TEST_F(HttpClientTest, LimitsConcurrentConnectionsPerHost) {
  auto client = Client({.max_connections_per_host = 2});
  // Collect on the test thread, not on the loop.
  std::vector<std::future<Result<ClientResponse>>> pending;
  for (int i = 0; i < 6; ++i) {
    pending.push_back(boost::asio::co_spawn(
        loop_.executor(), client->Fetch({.url = base_ + "/wait/50"}), boost::asio::use_future));
  }
  int ok = 0;
  for (auto& f : pending) ok += f.get().has_value() ? 1 : 0;
  EXPECT_EQ(ok, 6);
  EXPECT_LE(max_concurrent_.load(), 2);
  EXPECT_GE(max_concurrent_.load(), 1);
}

// A TLS server from the openssl command line, with a certificate made here.
class TlsPeer {
 public:
  TlsPeer(const testing::TempDir& dir, const std::string& cert_name) {
    cert_ = dir.Sub(cert_name + ".pem");
    key_ = dir.Sub(cert_name + ".key");
    testing::ProcessResult made = testing::RunProcess(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:P-256", "-nodes", "-keyout", key_, "-out", cert_, "-days", "2",
         "-subj", "/CN=" + cert_name, "-addext", "subjectAltName=DNS:" + cert_name});
    ok_ = made.exit_code == 0;
    for (int attempt = 0; attempt < 20 && ok_ && port_ == 0; ++attempt) {
      uint16_t port = static_cast<uint16_t>(20000 + (::getpid() * 7 + attempt * 131) % 30000);
      server_ = std::make_unique<testing::Process>(
          std::vector<std::string>{"/usr/bin/openssl", "s_server", "-accept",
                                   "127.0.0.1:" + std::to_string(port), "-cert", cert_, "-key",
                                   key_, "-www", "-naccept", "10"},
          std::map<std::string, std::string>{});
      if (server_->WaitForLine(std::regex("ACCEPT"), 5s)) port_ = port;
    }
  }
  bool ok() const { return ok_ && port_ != 0; }
  uint16_t port() const { return port_; }
  const std::string& cert() const { return cert_; }

 private:
  std::string cert_, key_;
  bool ok_ = false;
  uint16_t port_ = 0;
  std::unique_ptr<testing::Process> server_;
};

TEST_F(HttpClientTest, SpeaksTlsWithVerification) {
  testing::TempDir dir;
  TlsPeer peer(dir, "localhost");
  ASSERT_TRUE(peer.ok());
  std::string url = "https://localhost:" + std::to_string(peer.port()) + "/";

  auto trusting = Client({.extra_ca_file = peer.cert()});
  Result<ClientResponse> ok = Fetch(*trusting, {.url = url});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_THAT(ok->body, HasSubstr("Verify return code: 0 (ok)"));

  auto strict = Client();
  Result<ClientResponse> untrusted = Fetch(*strict, {.url = url});
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_THAT(untrusted.error().message, HasSubstr("TLS with localhost"));

  // Trusted certificate, wrong name: 127.0.0.1 is not "localhost".
  Result<ClientResponse> wrong_name =
      Fetch(*trusting, {.url = "https://127.0.0.1:" + std::to_string(peer.port()) + "/"});
  ASSERT_FALSE(wrong_name.has_value());
}

}  // namespace
}  // namespace parvis::http
