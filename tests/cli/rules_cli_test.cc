// `parvis admin rules show|set`, as an operator runs them: in-process with
// the node stopped, through the control socket while it serves; the same
// text twice makes one version; refusals exit 1 with the reason.
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/parvis_process.h"
#include "support/raw_http.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using ::parvis::testing::Parvis;
using ::parvis::testing::Process;
using ::parvis::testing::ProcessResult;
using ::parvis::testing::TempDir;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(RulesCliTest, PublishesVersionsStoppedAndServing) {
  TempDir dir;
  uint16_t port = testing::FreeLoopbackPort();
  std::map<std::string, std::string> env = {{"PARVIS_DATA_DIR", dir.Sub("data")},
                                            {"PARVIS_LISTEN_PORT", std::to_string(port)},
                                            {"PARVIS_BASE_URL", "http://127.0.0.1:" + std::to_string(port)},
                                            {"PARVIS_LOG_LEVEL", "warn"}};
  const std::string file = dir.Sub("rules.md");
  std::ofstream(file) << "CLI-RULES-ONE\n";
  ProcessResult first = Parvis({"admin", "rules", "set", "rules", file, "--summary", "First rules"}, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("published version 1"));
  ProcessResult same = Parvis({"admin", "rules", "set", "rules", file, "--summary", "Again"}, env);
  EXPECT_EQ(same.exit_code, 0);
  EXPECT_THAT(same.out, HasSubstr("unchanged"));
  ProcessResult empty_summary = Parvis({"admin", "rules", "set", "rules", file, "--summary", ""}, env);
  EXPECT_EQ(empty_summary.exit_code, 1);
  EXPECT_THAT(empty_summary.err, HasSubstr("summary"));
  EXPECT_EQ(Parvis({"admin", "rules", "set", "policy", file, "--summary", "x"}, env).exit_code, 2);
  EXPECT_EQ(Parvis({"admin", "rules", "set", "rules", dir.Sub("missing.md"), "--summary", "x"}, env).exit_code, 1);

  Process node({PARVIS_BINARY_PATH, "serve"}, env);
  ASSERT_TRUE(node.WaitForLine(std::regex("listening on"), 30s).has_value());
  ProcessResult second = Parvis({"admin", "rules", "set", "rules", "-", "--summary", "Second", "--by", "jeanne"}, env,
                                "CLI-RULES-TWO\n");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("published version 2"));
  ProcessResult shown = Parvis({"admin", "rules", "show", "rules"}, env);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("\tjeanne\tSecond\n"));
  EXPECT_THAT(shown.out, HasSubstr("\toperator\tFirst rules\n"));
  EXPECT_THAT(shown.out, HasSubstr("\n\nCLI-RULES-TWO\n"));
  std::string old = testing::Fetch(port, "GET", "/about/rules/v/1");
  EXPECT_EQ(testing::StatusOf(old), 200);
  EXPECT_THAT(testing::BodyOf(old), HasSubstr("CLI-RULES-ONE"));
}

}  // namespace
}  // namespace parvis
