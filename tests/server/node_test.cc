// A whole node in-process, over real loopback HTTP: the public routes and the
// operator commands.
#include "server/node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/raw_http.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Fetch;
using ::parvis::testing::StatusOf;
using ::testing::HasSubstr;

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Config> config = LoadConfig(
        {.environment = {{"PARVIS_DATA_DIR", dir_.Sub("data")},
                         {"PARVIS_LISTEN_PORT", "0"},
                         {"PARVIS_NODE_NAME", "Collectif <Vélo>"},
                         {"PARVIS_EDITOR_NAME", "Jeanne Martin"}}});
    ASSERT_TRUE(config.has_value()) << config.error().message;
    Result<std::unique_ptr<Node>> node = Node::Open(*config);
    ASSERT_TRUE(node.has_value()) << node.error().message;
    node_ = std::move(*node);
    ASSERT_TRUE(node_->Serve(false).has_value());
  }

  testing::TempDir dir_;
  std::unique_ptr<Node> node_;
};

TEST_F(NodeTest, HealthAndMetrics) {
  std::string health = Fetch(node_->port(), "GET", "/healthz");
  EXPECT_EQ(StatusOf(health), 200);
  std::string metrics = Fetch(node_->port(), "GET", "/metrics");
  EXPECT_THAT(metrics, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(metrics, HasSubstr("parvis_http_requests_total{route=\"/healthz\",status=\"200\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("# TYPE parvis_resident_memory_bytes gauge"));
  EXPECT_THAT(metrics, HasSubstr("parvis_stored_records{family=\"accounts\"}"));
}

TEST_F(NodeTest, HomePageEscapesConfiguredTextAndNamesTheEditor) {
  std::string home = Fetch(node_->port(), "GET", "/");
  EXPECT_EQ(StatusOf(home), 200);
  EXPECT_THAT(home, HasSubstr("Content-Type: text/html; charset=utf-8"));
  EXPECT_THAT(home, HasSubstr("Content-Security-Policy: default-src 'self'"));
  EXPECT_THAT(BodyOf(home), HasSubstr("Collectif &lt;Vélo&gt;"));
  EXPECT_THAT(BodyOf(home), HasSubstr("Responsible editor: Jeanne Martin"));
  EXPECT_THAT(BodyOf(home), ::testing::Not(HasSubstr("<Vélo>")));
}

TEST_F(NodeTest, ServesEmbeddedStaticFiles) {
  std::string css = Fetch(node_->port(), "GET", "/static/parvis.css");
  EXPECT_EQ(StatusOf(css), 200);
  EXPECT_THAT(css, HasSubstr("Content-Type: text/css"));
  EXPECT_EQ(StatusOf(Fetch(node_->port(), "GET", "/static/missing.css")), 404);
  EXPECT_EQ(StatusOf(Fetch(node_->port(), "GET", "/static/..%2Ftemplates%2Fhome.html")), 404);
  EXPECT_EQ(StatusOf(Fetch(node_->port(), "GET", "/static/../templates/home.html")), 404);
}

struct ControlCase {
  std::string name;
  std::string target;
  std::string body;
  int status;
  std::string contains;
};

TEST_F(NodeTest, ControlCommandsValidateTheirInput) {
  const ControlCase cases[] = {
      {"create", "/control/accounts",
       R"({"name":"ana","kind":"person","password":"password123","admin":true})", 201,
       R"("name":"ana","kind":"person","admin":true)"},
      {"duplicate", "/control/accounts", R"({"name":"ANA","kind":"person","password":"password123"})",
       409, "taken"},
      {"bad kind", "/control/accounts", R"({"name":"b","kind":"robot","password":"password123"})",
       400, "kind must be one of"},
      {"missing password", "/control/accounts", R"({"name":"b","kind":"person"})", 400, "required"},
      {"admin not bool", "/control/accounts",
       R"({"name":"b","kind":"person","password":"password123","admin":"yes"})", 400,
       "admin must be"},
      {"not an object", "/control/accounts", "[1,2]", 400, "expected a JSON object"},
      {"not json", "/control/accounts", "{name:", 400, "invalid JSON"},
      {"relative backup", "/control/backup", R"({"dir":"relative/dir"})", 400, "absolute"},
      {"backup", "/control/backup", R"({"dir":")" + dir_.Sub("bk") + R"("})", 200, "bk"},
      {"backup again", "/control/backup", R"({"dir":")" + dir_.Sub("bk") + R"("})", 409, ""},
      {"unknown", "/control/nothing", "{}", 404, "not found"},
  };
  for (const ControlCase& c : cases) {
    http::Response response = node_->CallControl("POST", c.target, c.body);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_THAT(response.body, HasSubstr(c.contains)) << c.name;
  }
  EXPECT_EQ(node_->AccountCount(), 1u);
}

TEST_F(NodeTest, ControlRoutesAreNotPublic) {
  std::string response = Fetch(node_->port(), "POST", "/control/accounts",
                               "Content-Type: application/json\r\n",
                               R"({"name":"x","kind":"person","password":"password123"})");
  EXPECT_EQ(StatusOf(response), 404);
  EXPECT_EQ(node_->AccountCount(), 0u);
}

}  // namespace
}  // namespace parvis
