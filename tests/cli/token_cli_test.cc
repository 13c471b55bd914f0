// `parvis admin token`, `tokens` and `revoke-token`, run as an operator would
// run them: on a stopped node's data directory, and through a serving node's
// control socket.
#include <signal.h>

#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/files_containing.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using ::parvis::testing::Process;
using ::parvis::testing::ProcessResult;
using ::parvis::testing::RunProcess;
using ::parvis::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kBinary = PARVIS_BINARY_PATH;
using Env = std::map<std::string, std::string>;

ProcessResult Parvis(std::initializer_list<std::string> rest, const Env& env,
                     const std::string& input = "") {
  std::vector<std::string> args{kBinary};
  args.insert(args.end(), rest);
  return RunProcess(args, env, input);
}

void CreateUser(const std::string& name, const Env& env) {
  ProcessResult created = Parvis({"admin", "create-user", name, "--kind", "person",
                                  "--password-stdin"},
                                 env, "a long passphrase\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
}

// A token issued by the CLI: the token from stdout, its id from the advice.
struct Issued {
  std::string token;
  std::string id;
};

Issued IssueToken(const std::string& name, const std::string& label, const Env& env) {
  ProcessResult result = label.empty() ? Parvis({"admin", "token", name}, env)
                                       : Parvis({"admin", "token", name, "--label", label}, env);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  // The token alone on the first (and only) line of stdout.
  EXPECT_THAT(result.out, MatchesRegex("pvs_[0-9a-f]{64}\n"));
  EXPECT_THAT(result.err, HasSubstr("shown only this once"));
  std::smatch id;
  std::regex_search(result.err, id, std::regex("admin revoke-token " + name + " ([0-9a-f]{16})"));
  EXPECT_FALSE(id.empty()) << result.err;
  return {result.out.substr(0, result.out.find('\n')), id.empty() ? "" : id[1].str()};
}

// id, creation time, then the label.
constexpr const char* kListLine =
    "[0-9a-f]{16}\t[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\t";

TEST(TokenCli, IssueListAndRevokeOnAStoppedNode) {
  TempDir dir;
  Env env{{"PARVIS_DATA_DIR", dir.Sub("data")}};
  CreateUser("alice", env);
  CreateUser("bob", env);

  Issued laptop = IssueToken("alice", "laptop at home", env);
  Issued second = IssueToken("alice", "", env);
  ASSERT_NE(laptop.token, second.token);

  ProcessResult listed = Parvis({"admin", "tokens", "ALICE"}, env);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, MatchesRegex("(" + std::string(kListLine) + "[^\n]*\n){2}"));
  EXPECT_THAT(listed.out, HasSubstr(laptop.id + "\t"));
  EXPECT_THAT(listed.out, HasSubstr("Z\tlaptop at home\n"));
  EXPECT_THAT(listed.out, HasSubstr(second.id + "\t"));
  EXPECT_THAT(listed.out, Not(HasSubstr("pvs_")));

  // Bob cannot revoke Alice's token by its id.
  ProcessResult not_bobs = Parvis({"admin", "revoke-token", "bob", laptop.id}, env);
  EXPECT_EQ(not_bobs.exit_code, 1);
  EXPECT_THAT(not_bobs.err, HasSubstr("bob has no token " + laptop.id));

  ProcessResult revoked = Parvis({"admin", "revoke-token", "alice", laptop.id}, env);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "revoked token " + laptop.id + " of alice\n");
  ProcessResult after = Parvis({"admin", "tokens", "alice"}, env);
  EXPECT_EQ(after.exit_code, 0);
  EXPECT_THAT(after.out, MatchesRegex(second.id + "\t[^\t]+\t\n"));
  ProcessResult again = Parvis({"admin", "revoke-token", "alice", laptop.id}, env);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("has no token"));

  ProcessResult none = Parvis({"admin", "tokens", "bob"}, env);
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "");
  EXPECT_THAT(none.err, HasSubstr("bob has no tokens"));

  // Only hashes reach the disk.
  for (const Issued& issued : {laptop, second}) {
    EXPECT_THAT(storage::testing::FilesContaining(dir.Sub("data"), issued.token.substr(4)),
                IsEmpty());
  }
}

TEST(TokenCli, FailuresExitWithOneAndSayWhy) {
  TempDir dir;
  Env env{{"PARVIS_DATA_DIR", dir.Sub("data")}};
  CreateUser("alice", env);
  struct Case {
    std::string name;
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {"unknown account", {"admin", "token", "nobody"}, "no such account: nobody"},
      {"list of an unknown account", {"admin", "tokens", "nobody"}, "no such account"},
      {"revoke for an unknown account", {"admin", "revoke-token", "nobody", "0123456789abcdef"},
       "no such account"},
      {"label too long", {"admin", "token", "alice", "--label", std::string(65, 'x')},
       "at most 64 characters"},
      {"label with an escape", {"admin", "token", "alice", "--label", "\x1b[2J"}, "control"},
      {"unknown id", {"admin", "revoke-token", "alice", "0123456789abcdef"}, "has no token"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{kBinary};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ProcessResult result = RunProcess(args, env);
    EXPECT_EQ(result.exit_code, 1) << c.name << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << c.name;
    EXPECT_EQ(result.out, "") << c.name;
  }
}

TEST(TokenCli, WorksThroughARunningNodesControlSocket) {
  TempDir dir;
  Env env{{"PARVIS_DATA_DIR", dir.Sub("data")}, {"PARVIS_LISTEN_PORT", "0"}};
  Process node({kBinary, "serve"}, env);
  ASSERT_TRUE(node.WaitForLine(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)"), 30s));
  CreateUser("camille", env);
  Issued issued = IssueToken("camille", "tusky", env);
  ProcessResult listed = Parvis({"admin", "tokens", "camille"}, env);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, MatchesRegex(issued.id + "\t[^\t]+\ttusky\n"));
  ProcessResult revoked = Parvis({"admin", "revoke-token", "camille", issued.id}, env);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
  ProcessResult after = Parvis({"admin", "tokens", "camille"}, env);
  EXPECT_EQ(after.out, "");
  ::kill(node.pid(), SIGTERM);
  ProcessResult ended = node.Finish();
  EXPECT_EQ(ended.exit_code, 0) << ended.err;
}

}  // namespace
}  // namespace parvis
