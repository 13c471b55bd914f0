// `parvis admin fact-checker NAME on|off`, as an operator runs it with the
// node stopped: the mark is set and taken away; wrong arguments are refused.
#include <map>
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
using ::parvis::testing::ProcessResult;
using ::parvis::testing::TempDir;
using ::testing::HasSubstr;

TEST(FactCheckerCliTest, MarksAndUnmarksAnAccount) {
  TempDir dir;
  uint16_t port = testing::FreeLoopbackPort();
  std::map<std::string, std::string> env = {{"PARVIS_DATA_DIR", dir.Sub("data")},
                                            {"PARVIS_LISTEN_PORT", std::to_string(port)},
                                            {"PARVIS_BASE_URL", "http://127.0.0.1:" + std::to_string(port)},
                                            {"PARVIS_LOG_LEVEL", "warn"}};
  ASSERT_EQ(Parvis({"admin", "create-user", "fay", "--kind", "person", "--password-stdin"}, env, "a long passphrase\n")
                .exit_code,
            0);
  ProcessResult on = Parvis({"admin", "fact-checker", "fay", "on"}, env);
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_THAT(on.out, HasSubstr("\"factChecker\":true"));
  ProcessResult off = Parvis({"admin", "fact-checker", "fay", "off"}, env);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_THAT(off.out, HasSubstr("\"factChecker\":false"));

  ProcessResult nobody = Parvis({"admin", "fact-checker", "ghost", "on"}, env);
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_THAT(nobody.err, HasSubstr("no such account"));
  ProcessResult maybe = Parvis({"admin", "fact-checker", "fay", "maybe"}, env);
  EXPECT_EQ(maybe.exit_code, 2);
  EXPECT_THAT(maybe.err, HasSubstr("maybe"));
  EXPECT_EQ(Parvis({"admin", "fact-checker", "--help"}, env).exit_code, 0);
}

}  // namespace
}  // namespace parvis
