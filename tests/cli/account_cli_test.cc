// `parvis admin export` and `parvis admin delete-account`, as an operator
// runs them: the archive is a tar that GNU tar reads; deletion is refused
// without --yes or with the node stopped, done once through the serving
// node's control socket, and the actor then answers 410.
#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/raw_http.h"
#include "support/parvis_process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using ::parvis::testing::Parvis;
using ::parvis::testing::Process;
using ::parvis::testing::ProcessResult;
using ::parvis::testing::RunProcess;
using ::parvis::testing::TempDir;
using ::testing::HasSubstr;
using namespace std::chrono_literals;



TEST(AccountCliTest, NeedsConfirmationAndAServingNodeThenTheActorIsGone) {
  TempDir dir;
  uint16_t port = testing::FreeLoopbackPort();
  std::map<std::string, std::string> env = {{"PARVIS_DATA_DIR", dir.Sub("data")},
                                            {"PARVIS_LISTEN_PORT", std::to_string(port)},
                                            {"PARVIS_BASE_URL", "http://127.0.0.1:" + std::to_string(port)},
                                            {"PARVIS_LOG_LEVEL", "warn"}};
  ASSERT_EQ(Parvis({"admin", "create-user", "alix", "--kind", "person", "--password-stdin"}, env, "a long passphrase\n")
                .exit_code,
            0);
  ProcessResult unconfirmed = Parvis({"admin", "delete-account", "alix"}, env);
  EXPECT_EQ(unconfirmed.exit_code, 2);
  EXPECT_THAT(unconfirmed.err, HasSubstr("--yes"));
  ProcessResult stopped = Parvis({"admin", "delete-account", "alix", "--yes"}, env);
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_THAT(stopped.err, HasSubstr("serving"));

  Process node({PARVIS_BINARY_PATH, "serve"}, env);
  ASSERT_TRUE(node.WaitForLine(std::regex("listening on"), 30s).has_value());
  EXPECT_EQ(testing::StatusOf(testing::Fetch(port, "GET", "/users/alix", "Accept: application/activity+json\r\n")), 200);
  ProcessResult deleted = Parvis({"admin", "delete-account", "alix", "--yes"}, env);
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(deleted.out, HasSubstr("\"account\":\"alix\""));
  EXPECT_EQ(testing::StatusOf(testing::Fetch(port, "GET", "/users/alix", "Accept: application/activity+json\r\n")), 410);
  ProcessResult again = Parvis({"admin", "delete-account", "alix", "--yes"}, env);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("no such account"));
  ProcessResult reuse = Parvis({"admin", "create-user", "alix", "--kind", "person", "--password-stdin"}, env,
                               "a long passphrase\n");
  EXPECT_EQ(reuse.exit_code, 1);
  EXPECT_THAT(reuse.err, HasSubstr("deleted account"));
}

TEST(AccountCliTest, ExportWritesAnArchiveThatTarReads) {
  TempDir dir;
  std::map<std::string, std::string> env = {{"PARVIS_DATA_DIR", dir.Sub("data")}, {"PARVIS_LOG_LEVEL", "warn"}};
  ASSERT_EQ(Parvis({"admin", "create-user", "alix", "--kind", "person", "--password-stdin"}, env, "a long passphrase\n")
                .exit_code,
            0);
  // The node is stopped: the command opens the data directory itself.
  ProcessResult exported = Parvis({"admin", "export", "alix", dir.Sub("alix.tar"), "--with-keys"}, env,
                                  "correct horse battery staple\n");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("\"bytes\":"));
  ProcessResult listed = RunProcess({"/usr/bin/tar", "-tvf", dir.Sub("alix.tar")}, {});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  for (const char* name : {"README.txt", "profile.json", "keys.json", "outbox.json", "following_accounts.csv",
                           "petitions.json", "encrypted_messages.json"}) {
    EXPECT_THAT(listed.out, HasSubstr(name));
  }
  EXPECT_THAT(listed.out, HasSubstr("-rw-------"));
  ProcessResult again = Parvis({"admin", "export", "alix", dir.Sub("alix.tar")}, env);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("exists"));
  ProcessResult weak = Parvis({"admin", "export", "alix", dir.Sub("weak.tar"), "--with-keys"}, env, "short\n");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_THAT(weak.err, HasSubstr("12 characters"));
  EXPECT_EQ(Parvis({"admin", "export", "alix"}, env).exit_code, 2);
}

}  // namespace
}  // namespace parvis
