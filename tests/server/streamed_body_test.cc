// Streamed response bodies (Response::stream) over real loopback sockets:
// Content-Length or chunked, HEAD, keep-alive after a stream, and the
// source released however the response ends (done, client gone, source
// failing or ending short).
#include <atomic>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/http/http_server.h"
#include "support/eventually.h"
#include "support/raw_http.h"

namespace parvis::http {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::RawConnection;
using ::parvis::testing::StatusOf;
using ::testing::HasSubstr;
using ::testing::Not;

char PatternByte(uint64_t at) { return static_cast<char>((at * 7 + 3) & 0xff); }

std::string Pattern(uint64_t size) {
  std::string bytes(size, '\0');
  for (uint64_t i = 0; i < size; ++i) bytes[i] = PatternByte(i);
  return bytes;
}

struct SourceCounts {
  std::atomic<int> live{0};
  std::atomic<int> reads{0};
};

// `size` pattern bytes; fails at `fail_at`, or stops at `stop_at`, if set.
class PatternSource final : public BodySource {
 public:
  PatternSource(SourceCounts* counts, uint64_t size, bool announce, uint64_t fail_at = UINT64_MAX,
                uint64_t stop_at = UINT64_MAX)
      : counts_(counts), size_(size), announce_(announce), fail_at_(fail_at), stop_at_(stop_at) {
    ++counts_->live;
  }
  ~PatternSource() override { --counts_->live; }
  std::optional<uint64_t> Size() const override {
    if (!announce_) return std::nullopt;
    return size_;
  }
  Result<size_t> Read(std::span<char> buffer) override {
    ++counts_->reads;
    if (at_ >= fail_at_) return Fail(ErrorCode::kIo, "the source broke");
    const uint64_t end = std::min({size_, stop_at_, fail_at_});
    size_t n = 0;
    while (n < buffer.size() && at_ < end) buffer[n++] = PatternByte(at_++);
    return n;
  }

 private:
  SourceCounts* counts_;
  uint64_t size_;
  bool announce_;
  uint64_t fail_at_;
  uint64_t stop_at_;
  uint64_t at_ = 0;
};

// The body of a chunked response, or "<bad chunking>".
std::string Unchunk(std::string_view body) {
  std::string out;
  for (;;) {
    size_t line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) return "<bad chunking>";
    size_t size = std::stoul(std::string(body.substr(0, line_end)), nullptr, 16);
    body.remove_prefix(line_end + 2);
    if (size == 0) return body.substr(0, 2) == "\r\n" ? out : "<bad chunking>";
    if (body.size() < size + 2) return "<bad chunking>";
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

constexpr uint64_t kSize = (200 << 10) + 17;  // several chunks and a partial one
constexpr uint64_t kHuge = uint64_t{1} << 32;  // more than any socket buffer holds

class StreamedBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto streamed = [this](uint64_t size, bool announce, uint64_t fail_at = UINT64_MAX,
                           uint64_t stop_at = UINT64_MAX) {
      Response response;
      response.content_type = "application/octet-stream";
      response.headers.emplace_back("X-Streamed", "yes");
      response.stream = std::make_shared<PatternSource>(&counts_, size, announce, fail_at, stop_at);
      return response;
    };
    router_.Add("GET", "/sized", [streamed](Request&) { return streamed(kSize, true); });
    router_.Add("GET", "/chunked", [streamed](Request&) { return streamed(kSize, false); });
    router_.Add("GET", "/empty", [streamed](Request&) { return streamed(0, true); });
    router_.Add("GET", "/huge", [streamed](Request&) { return streamed(kHuge, true); });
    router_.Add("GET", "/breaks", [streamed](Request&) { return streamed(kSize, true, 70000); });
    router_.Add("GET", "/short", [streamed](Request&) { return streamed(kSize, true, UINT64_MAX, 1000); });
    router_.Add("GET", "/hello", [](Request&) { return Response::Text(200, "hello\n"); });
    HttpServerOptions options;
    options.port = 0;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, loop_, &router_, nullptr, &metrics_);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    loop_.Start();
  }
  void TearDown() override { server_.reset(); }

  uint16_t port() const { return server_->port(); }

  SourceCounts counts_;
  EventLoop loop_{2};
  Router router_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(StreamedBodyTest, AKnownSizeIsSentWithContentLength) {
  std::string response = Fetch(port(), "GET", "/sized");
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_THAT(response, HasSubstr("Content-Length: " + std::to_string(kSize) + "\r\n"));
  EXPECT_THAT(response, HasSubstr("X-Streamed: yes"));
  EXPECT_THAT(response, HasSubstr("X-Content-Type-Options: nosniff"));
  EXPECT_THAT(response, Not(HasSubstr("Transfer-Encoding")));
  EXPECT_TRUE(BodyOf(response) == Pattern(kSize));
  EXPECT_TRUE(Eventually([&] { return counts_.live == 0; }));
  std::string empty = Fetch(port(), "GET", "/empty");
  EXPECT_EQ(StatusOf(empty), 200);
  EXPECT_THAT(empty, HasSubstr("Content-Length: 0\r\n"));
  EXPECT_EQ(BodyOf(empty), "");
}

TEST_F(StreamedBodyTest, AnUnknownSizeIsSentChunked) {
  std::string response = Fetch(port(), "GET", "/chunked");
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_THAT(response, HasSubstr("Transfer-Encoding: chunked"));
  EXPECT_TRUE(Unchunk(BodyOf(response)) == Pattern(kSize));
}

TEST_F(StreamedBodyTest, HeadSendsTheHeadersAndNeverReadsTheSource) {
  std::string response = Fetch(port(), "HEAD", "/sized");
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_THAT(response, HasSubstr("Content-Length: " + std::to_string(kSize) + "\r\n"));
  EXPECT_EQ(BodyOf(response), "");
  EXPECT_EQ(counts_.reads, 0);
  EXPECT_TRUE(Eventually([&] { return counts_.live == 0; }));
}

TEST_F(StreamedBodyTest, TheConnectionIsReusedAfterAStream) {
  RawConnection connection(port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(connection.Send("HEAD /huge HTTP/1.1\r\nHost: x\r\n\r\nGET /sized HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  // ReadResponse would wait for a HEAD's body: the head ends at the blank line.
  std::string all = connection.ReadToEnd();
  size_t head_end = all.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_THAT(all.substr(0, head_end), HasSubstr("Content-Length: " + std::to_string(kHuge)));
  std::string rest = all.substr(head_end + 4);
  EXPECT_EQ(StatusOf(rest), 200);
  size_t body_at = rest.find("\r\n\r\n") + 4;
  EXPECT_TRUE(rest.substr(body_at, kSize) == Pattern(kSize));
  EXPECT_THAT(rest.substr(body_at + kSize), HasSubstr("hello\n"));
}

TEST_F(StreamedBodyTest, AClientLeavingMidBodyReleasesTheSource) {
  {
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(Eventually([&] { return counts_.reads > 2; }));
  }  // closed with unread bytes: the server's next write fails
  EXPECT_TRUE(Eventually([&] { return counts_.live == 0; }));
  EXPECT_EQ(BodyOf(Fetch(port(), "GET", "/hello")), "hello\n");
}

TEST_F(StreamedBodyTest, ASourceFailingOrEndingShortClosesTheConnection) {
  for (const char* path : {"/breaks", "/short"}) {
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    RawConnection::End end{};
    std::string response = connection.ReadToEnd(&end);
    EXPECT_NE(end, RawConnection::End::kTimedOut) << path << ": the client would wait forever";
    EXPECT_EQ(StatusOf(response), 200) << path;
    EXPECT_LT(BodyOf(response).size(), kSize) << path;
  }
  EXPECT_TRUE(Eventually([&] { return counts_.live == 0; }));
}

}  // namespace
}  // namespace parvis::http
