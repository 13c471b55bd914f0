// "Download my data" on the settings page, over real loopback HTTP: the
// archive is the operator's export (same files), keys only under a
// passphrase, every refusal produces nothing, one archive a minute; while
// it downloads, the scratch file on disk holds no plaintext, and a client
// that leaves mid-download leaves no file open.
#include <ctime>
#include <future>
#include <thread>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/config.h"
#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "server/pages/account_pages.h"
#include "storage/files_containing.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/open_files.h"
#include "support/raw_http.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::LocationOf;
using ::parvis::testing::Publish;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TempDir;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kPassword = "password123";  // TestNode::CreateAccount's

// The regular files of a ustar archive, by name; "<bad tar>" on a malformed one.
std::map<std::string, std::string> ParseTar(const std::string& tar) {
  std::map<std::string, std::string> files;
  for (size_t at = 0; at + 512 <= tar.size();) {
    std::string name(tar.c_str() + at);
    if (name.empty()) return files;
    if (tar.substr(at + 257, 5) != "ustar") return {{"<bad tar>", name}};
    size_t size = std::stoull(tar.substr(at + 124, 11), nullptr, 8);
    if (at + 512 + size > tar.size()) return {{"<bad tar>", name}};
    files[name] = tar.substr(at + 512, size);
    at += 512 + (size + 511) / 512 * 512;
  }
  return {{"<bad tar>", "no end blocks"}};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// This process's open scratch files in `directory` (the test node runs in
// it): nameless files, "#inode (deleted)" (O_TMPFILE) or ".parvis-scratch-*".
std::vector<std::string> OpenScratchFiles(const std::string& directory) {
  std::vector<std::string> found;
  for (const testing::OpenFile& file : testing::OpenFilesIn(directory)) {
    std::string name = file.target.substr(directory.size() + 1);
    if (name.starts_with("#") || name.starts_with(".parvis-scratch-")) found.push_back(file.proc_path);
  }
  return found;
}

// The text of the page's alert ("" if none).
std::string AlertOf(const std::string& response) {
  size_t at = response.find("role=\"alert\">");
  if (at == std::string::npos) return "";
  at += 14;
  return response.substr(at, response.find('<', at) - at);
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y%m%d", &tm);
  return day;
}

class WebExportTest : public ::testing::Test {
 protected:
  // A browser signed in as `name`, on its settings page.
  std::unique_ptr<WebClient> SignedIn(const std::string& name) {
    node_.CreateAccount(name);
    auto browser = std::make_unique<WebClient>(node_.port());
    browser->Get("/login");
    std::string signed_in = browser->Post("/login", {{"name", name}, {"password", kPassword}});
    EXPECT_EQ(StatusOf(signed_in), 303) << signed_in;
    std::string settings = browser->Get("/settings");
    EXPECT_THAT(settings, HasSubstr(R"(action="/settings/export")"));
    return browser;
  }

  std::string data_dir() const { return node_.dir().Sub("data"); }

  TestNode node_;
};

TEST_F(WebExportTest, TheDownloadIsTheOperatorsArchiveWithTheNotesAndNoKeys) {
  auto browser = SignedIn("alice");
  Publish(node_, R"({"account":"alice","content":"WEBEXPORT-first-note"})");
  Publish(node_, R"({"account":"alice","content":"WEBEXPORT-second-note","visibility":"followers"})");
  std::string response = browser->Post("/settings/export", {{"current", kPassword}});
  ASSERT_EQ(StatusOf(response), 200) << response.substr(0, 2000);
  const std::string head = response.substr(0, response.find("\r\n\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Type: application/x-tar\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Disposition: attachment; filename=\"parvis-alice-" + Today() + ".tar\""));
  EXPECT_THAT(head, HasSubstr("Cache-Control: no-store"));
  const std::string tar = BodyOf(response);
  EXPECT_THAT(head + "\r\n", HasSubstr("Content-Length: " + std::to_string(tar.size()) + "\r\n"));
  std::map<std::string, std::string> files = ParseTar(tar);
  ASSERT_FALSE(files.contains("<bad tar>")) << files["<bad tar>"];
  EXPECT_THAT(files["outbox.json"], HasSubstr("WEBEXPORT-first-note"));
  EXPECT_THAT(files["outbox.json"], HasSubstr("WEBEXPORT-second-note"));
  EXPECT_TRUE(protocol::ParseJson(files["outbox.json"], {}).has_value());
  EXPECT_THAT(files["keys.json"], HasSubstr("\"privateKeys\":\"left out at export\""));
  EXPECT_THAT(files["profile.json"], HasSubstr("\"name\":\"alice\""));

  // The same files as the operator's export, in the same order.
  TempDir out;
  http::Response exported = node_.node().CallControl(
      "POST", "/control/accounts/export", R"({"account":"alice","file":")" + out.Sub("cli.tar") + R"("})");
  ASSERT_EQ(exported.status, 200) << exported.body;
  std::map<std::string, std::string> cli = ParseTar(ReadFile(out.Sub("cli.tar")));
  std::vector<std::string> web_names, cli_names;
  for (const auto& [name, bytes] : files) web_names.push_back(name);
  for (const auto& [name, bytes] : cli) cli_names.push_back(name);
  EXPECT_EQ(web_names, cli_names);
  EXPECT_EQ(files["outbox.json"], cli["outbox.json"]);
  for (const char* name : {"README.txt", "profile.json", "outbox.json", "followers.csv", "encrypted_messages.json"}) {
    EXPECT_TRUE(files.contains(name)) << name;
  }

  // Nothing left open, nothing of the archive under any name in the data folder.
  EXPECT_TRUE(Eventually([&] { return OpenScratchFiles(data_dir()).empty(); }));
  EXPECT_THAT(storage::testing::FilesContaining(data_dir(), "Parvis account archive"), IsEmpty());

  // A second archive within the minute is refused, and says when to come back.
  std::string again = browser->Post("/settings/export", {{"current", kPassword}});
  EXPECT_EQ(StatusOf(again), 429);
  EXPECT_THAT(again, HasSubstr("Retry-After: "));
  const size_t retry = again.find("Retry-After: ");
  const int seconds = std::stoi(again.substr(retry + 13));
  EXPECT_GT(seconds, 0);
  EXPECT_LE(seconds, 60);
  EXPECT_THAT(again, Not(HasSubstr("application/x-tar")));
  EXPECT_THAT(BodyOf(again), HasSubstr("role=\"alert\""));
}

TEST_F(WebExportTest, PrivateKeysComeOnlyUnderAPassphraseOfTwelveCharacters) {
  auto browser = SignedIn("bruno");
  for (const char* passphrase : {"", "short", "elevenchars"}) {
    std::string refused =
        browser->Post("/settings/export", {{"current", kPassword}, {"with_keys", "on"}, {"passphrase", passphrase}});
    EXPECT_EQ(StatusOf(refused), 400) << passphrase;
    EXPECT_THAT(AlertOf(refused), HasSubstr("12")) << passphrase;
  }
  // The refusals did not use up the minute's archive.
  std::string response = browser->Post(
      "/settings/export", {{"current", kPassword}, {"with_keys", "on"}, {"passphrase", "correct horse battery"}});
  ASSERT_EQ(StatusOf(response), 200) << response.substr(0, 2000);
  std::map<std::string, std::string> files = ParseTar(BodyOf(response));
  Result<rapidjson::Document> keys = protocol::ParseJson(files["keys.json"], {});
  ASSERT_TRUE(keys.has_value()) << files["keys.json"];
  ASSERT_TRUE((*keys)["privateKeys"].IsObject()) << files["keys.json"];
  EXPECT_EQ(protocol::StringMember((*keys)["privateKeys"], "kdf"), "argon2id13");
  EXPECT_EQ(files["keys.json"].find("PRIVATE KEY"), std::string::npos) << "a private key in the clear";
}

TEST_F(WebExportTest, RefusalsProduceNothing) {
  auto browser = SignedIn("chloe");
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> fields;
    bool csrf;
    int status;
    const char* says;
  } cases[] = {
      {"wrong password", {{"current", "not the password"}}, true, 401, "role=\"alert\""},
      {"no password", {}, true, 401, "role=\"alert\""},
      {"no anti-forgery token", {{"current", kPassword}}, false, 403, ""},
      {"bad checkbox", {{"current", kPassword}, {"with_keys", "yes"}}, true, 400, "role=\"alert\""},
  };
  for (const Case& c : cases) {
    std::string refused = browser->Post("/settings/export", c.fields, c.csrf);
    EXPECT_EQ(StatusOf(refused), c.status) << c.name;
    EXPECT_THAT(refused, Not(HasSubstr("application/x-tar"))) << c.name;
    EXPECT_THAT(refused, Not(HasSubstr("attachment"))) << c.name;
    EXPECT_THAT(BodyOf(refused), HasSubstr(c.says)) << c.name;
  }
  // A forged token is refused as well.
  std::string forged = browser->Post("/settings/export", {{"current", kPassword}, {"csrf", std::string(64, 'a')}},
                                     false);
  EXPECT_EQ(StatusOf(forged), 403);
  // Signed out: to the login page.
  WebClient stranger(node_.port());
  stranger.Get("/login");
  std::string anonymous = stranger.Post("/settings/export", {{"current", kPassword}});
  EXPECT_EQ(StatusOf(anonymous), 303);
  EXPECT_EQ(LocationOf(anonymous), "/login");
  EXPECT_TRUE(OpenScratchFiles(data_dir()).empty());
  // Only GET /settings and POST are routes: no export by a link.
  EXPECT_EQ(StatusOf(node_.Get("/settings/export")), 405);
  // None of the refusals counted: the archive still comes.
  EXPECT_EQ(StatusOf(browser->Post("/settings/export", {{"current", kPassword}})), 200);
}

std::string ExportRequest(WebClient& browser, const std::string& password) {
  std::string body = "current=" + WebClient::Encode(password) + "&csrf=" + browser.csrf();
  return "POST /settings/export HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
         "Cookie: parvis_session=" + browser.Cookie("parvis_session") + "; parvis_csrf=" + browser.Cookie("parvis_csrf") +
         "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST_F(WebExportTest, WhileItDownloadsTheDiskHoldsNoPlaintextAndALeavingClientLeavesNoFile) {
  // An archive of a few megabytes: more than the sockets between the node
  // and a reader that does not read hold, so its download waits.
  auto browser = SignedIn("dora");
  const std::string filler(4500, 'w');
  for (int i = 0; i < 800; ++i) {
    Publish(node_, R"({"account":"dora","content":"WEBEXPORT-MARKER )" + std::to_string(i) + " " + filler + R"("})");
  }
  // A reader with a small receive buffer, which reads only when told.
  testing::RawConnection reader(node_.port(), std::chrono::milliseconds(30000), 4096);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader.Send(ExportRequest(*browser, kPassword)));
  // The archive is built and its download has begun: the scratch file is
  // open, and holds none of the plaintext.
  const std::string head = reader.ReadHead();
  ASSERT_EQ(StatusOf(head), 200) << head;
  const size_t length = std::stoul(head.substr(head.find("Content-Length: ") + 16));
  std::vector<std::string> open = OpenScratchFiles(data_dir());
  ASSERT_EQ(open.size(), 1u) << "the download ended before it could be looked at (" << length << " bytes)";
  const std::string on_disk = ReadFile(open[0]);
  EXPECT_EQ(on_disk.size(), length);
  for (const char* plaintext : {"WEBEXPORT-MARKER", "Parvis account archive", "ustar", "outbox.json", "wwwwwwww"}) {
    EXPECT_EQ(on_disk.find(plaintext), std::string::npos) << plaintext << " on disk";
  }
  EXPECT_THAT(storage::testing::FilesContaining(data_dir(), "Parvis account archive"), IsEmpty());
  // What comes through the socket is the archive, deciphered.
  const std::string start = reader.Read(256 << 10);
  ASSERT_EQ(start.size(), size_t{256} << 10);
  EXPECT_EQ(start.substr(0, 11), std::string("README.txt\0", 11));
  EXPECT_EQ(start.substr(257, 5), "ustar");
  EXPECT_THAT(start, HasSubstr("WEBEXPORT-MARKER "));
  // The reader leaves mid-download: the scratch file goes.
  reader.Close();
  EXPECT_TRUE(Eventually([&] { return OpenScratchFiles(data_dir()).empty(); }));
  EXPECT_EQ(StatusOf(node_.Get("/about")), 200);
}

// One archive is built at a time on the node: the route, on a server of its
// own over the test node's database, with sections that wait until told.
TEST_F(WebExportTest, OneArchiveIsBuiltAtATimeAndABusyNodeDoesNotUseUpTheMinute) {
  auto first = SignedIn("gaspard");
  auto second = SignedIn("hana");
  TempDir scratch;
  Result<Config> config = LoadConfig({.environment = {{"PARVIS_DATA_DIR", scratch.path()}}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  accounts::AccountService service(node_.node().store(), [] { return std::time(nullptr); });
  accounts::RateLimiter limiter;
  pages::PagesContext context{.config = &*config,
                              .store = &node_.node().store(),
                              .accounts = &service,
                              .limiter = &limiter,
                              .now = [] { return static_cast<int64_t>(std::time(nullptr)); }};
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> calls{0};
  http::Router router;
  pages::AddDataExportPage(router, context, [&](const accounts::ExportOptions&) {
    if (calls++ == 0) {
      entered.set_value();
      released.wait();
    }
    return std::vector<accounts::ArchiveSection>{};
  });
  http::EventLoop loop(2);
  http::Metrics metrics;
  Result<std::unique_ptr<http::HttpServer>> server = http::HttpServer::Start({.port = 0}, loop, &router, nullptr,
                                                                             &metrics);
  ASSERT_TRUE(server.has_value()) << server.error().message;
  loop.Start();
  const uint16_t port = (*server)->port();
  auto post = [port](WebClient& browser) {
    testing::RawConnection connection(port);
    connection.Send(ExportRequest(browser, kPassword));
    return connection.ReadToEnd();
  };
  std::future<std::string> building = std::async(std::launch::async, [&] { return post(*first); });
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  std::string busy = post(*second);
  EXPECT_EQ(StatusOf(busy), 503);
  EXPECT_THAT(busy, HasSubstr("Retry-After: 30\r\n"));
  EXPECT_THAT(busy, Not(HasSubstr("application/x-tar")));
  release.set_value();
  std::string built = building.get();
  EXPECT_EQ(StatusOf(built), 200);
  EXPECT_THAT(ParseTar(BodyOf(built)), ::testing::Contains(::testing::Key("README.txt")));
  EXPECT_EQ(StatusOf(post(*second)), 200);
  server->reset();
}

}  // namespace
}  // namespace parvis
