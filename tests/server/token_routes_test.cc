// The token commands of the control router, run in-process as the CLI runs
// them when no node is serving.
#include <memory>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/node.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TokenRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Config> config = LoadConfig({.environment = {{"PARVIS_DATA_DIR", dir_.Sub("data")}}});
    ASSERT_TRUE(config.has_value()) << config.error().message;
    Result<std::unique_ptr<Node>> node = Node::Open(*config);
    ASSERT_TRUE(node.has_value()) << node.error().message;
    node_ = std::move(*node);
    http::Response created =
        Call("/control/accounts", R"({"name":"ana","kind":"person","password":"password123"})");
    ASSERT_EQ(created.status, 201) << created.body;
  }

  http::Response Call(const std::string& target, const std::string& body) {
    return node_->CallControl("POST", target, body);
  }

  testing::TempDir dir_;
  std::unique_ptr<Node> node_;
};

// The first capture of `pattern` in `text`, or "".
std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch match;
  return std::regex_search(text, match, std::regex(pattern)) ? match[1].str() : "";
}

TEST_F(TokenRoutesTest, IssueListRevoke) {
  http::Response issued = Call("/control/tokens", R"({"account":"ANA","label":"phone"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  std::string token = Capture(issued.body, R"re("token":"(pvs_[0-9a-f]{64})")re");
  std::string id = Capture(issued.body, R"re("id":"([0-9a-f]{16})")re");
  ASSERT_FALSE(token.empty()) << issued.body;
  ASSERT_FALSE(id.empty()) << issued.body;
  EXPECT_THAT(issued.body, HasSubstr(R"("label":"phone","created":)"));

  http::Response unlabelled = Call("/control/tokens", R"({"account":"ana"})");
  ASSERT_EQ(unlabelled.status, 201) << unlabelled.body;
  EXPECT_THAT(unlabelled.body, HasSubstr(R"("label":"")"));

  http::Response listed = Call("/control/tokens/list", R"({"account":"ana"})");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, HasSubstr(R"({"tokens":[{"id":")"));
  EXPECT_THAT(listed.body, HasSubstr(R"("id":")" + id + R"(","label":"phone","created":)"));
  EXPECT_THAT(listed.body, Not(HasSubstr("pvs_")));
  EXPECT_THAT(listed.body, Not(HasSubstr(token.substr(4))));
  EXPECT_THAT(listed.body, Not(HasSubstr("\"token\"")));

  const std::string revoke = R"({"account":"ana","id":")" + id + R"("})";
  http::Response revoked = Call("/control/tokens/revoke", revoke);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.body, "{}");
  EXPECT_THAT(Call("/control/tokens/list", R"({"account":"ana"})").body, Not(HasSubstr(id)));
  http::Response again = Call("/control/tokens/revoke", revoke);
  EXPECT_EQ(again.status, 404);
  EXPECT_THAT(again.body, HasSubstr("ana has no token " + id));
}

struct BadCase {
  std::string name;
  std::string target;
  std::string body;
  int status;
  std::string message;
};

TEST_F(TokenRoutesTest, RefusesBadRequestsClearly) {
  const BadCase cases[] = {
      {"issue: not JSON", "/control/tokens", "{account:", 400, "invalid JSON"},
      {"issue: not an object", "/control/tokens", R"(["ana"])", 400, "expected a JSON object"},
      {"issue: no account", "/control/tokens", R"({"label":"x"})", 400,
       "account is a required string"},
      {"issue: account not a string", "/control/tokens", R"({"account":7})", 400,
       "account is a required string"},
      {"issue: label not a string", "/control/tokens", R"({"account":"ana","label":1})", 400,
       "label must be a string"},
      {"issue: label too long", "/control/tokens",
       R"({"account":"ana","label":")" + std::string(65, 'x') + R"("})", 400, "at most 64"},
      {"issue: label with a newline", "/control/tokens", R"({"account":"ana","label":"a\nb"})",
       400, "control"},
      {"issue: label with a NUL", "/control/tokens", R"({"account":"ana","label":"a\u0000b"})",
       400, "control"},
      {"issue: unknown account", "/control/tokens", R"({"account":"bob"})", 404,
       "no such account: bob"},
      {"list: not an object", "/control/tokens/list", "3", 400, "expected a JSON object"},
      {"list: no account", "/control/tokens/list", "{}", 400, "account is a required string"},
      {"list: unknown account", "/control/tokens/list", R"({"account":"bob"})", 404,
       "no such account"},
      {"revoke: no id", "/control/tokens/revoke", R"({"account":"ana"})", 400,
       "id is a required string"},
      {"revoke: no account", "/control/tokens/revoke", R"({"id":"0123456789abcdef"})", 400,
       "account is a required string"},
      {"revoke: unknown account", "/control/tokens/revoke",
       R"({"account":"bob","id":"0123456789abcdef"})", 404, "no such account"},
      {"revoke: unknown id", "/control/tokens/revoke",
       R"({"account":"ana","id":"0123456789abcdef"})", 404, "has no token"},
      {"revoke: malformed id", "/control/tokens/revoke", R"({"account":"ana","id":"../x"})", 404,
       "has no token"},
  };
  for (const BadCase& c : cases) {
    http::Response response = Call(c.target, c.body);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_THAT(response.body, HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(Call("/control/tokens/list", R"({"account":"ana"})").body, R"({"tokens":[]})");
}

}  // namespace
}  // namespace parvis
