// The real `parvis` binary, run as an operator would run it.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/raw_http.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Fetch;
using ::parvis::testing::Process;
using ::parvis::testing::ProcessResult;
using ::parvis::testing::RunProcess;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TempDir;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

const std::string kBinary = PARVIS_BINARY_PATH;

std::vector<std::string> Args(std::initializer_list<std::string> rest) {
  std::vector<std::string> args{kBinary};
  args.insert(args.end(), rest);
  return args;
}

struct UsageCase {
  std::string name;
  std::vector<std::string> args;
  std::string message;  // in stderr
};

TEST(Cli, WrongArgumentsPrintUsageAndExit2) {
  const UsageCase cases[] = {
      {"no subcommand", {}, "A subcommand is required"},
      {"unknown subcommand", {"frobnicate"}, "frobnicate"},
      {"unknown option", {"serve", "--port", "80"}, "--port"},
      {"admin without command", {"admin"}, "A subcommand is required"},
      {"create-user without name", {"admin", "create-user", "--kind", "person", "--password-stdin"},
       "NAME is required"},
      {"create-user without kind", {"admin", "create-user", "bob", "--password-stdin"},
       "--kind is required"},
      {"create-user with a bad kind",
       {"admin", "create-user", "bob", "--kind", "robot", "--password-stdin"}, "robot"},
      {"create-user without --password-stdin", {"admin", "create-user", "bob", "--kind", "person"},
       "--password-stdin is required"},
      {"backup without dir", {"backup"}, "DIR is required"},
      {"backup with two dirs", {"backup", "a", "b"}, "b"},
      {"missing config file", {"serve", "--config", "/nonexistent/parvis.json"}, "File does not exist"},
      {"version with an argument", {"version", "extra"}, "extra"},
      {"answer without a choice", {"admin", "answer", "camille", "https://x.example/a"},
       "say --accept or --reject"},
      {"answer with both choices",
       {"admin", "answer", "camille", "https://x.example/a", "--accept", "--reject"}, "excludes"},
      {"manual-approval with a bad setting", {"admin", "manual-approval", "camille", "maybe"},
       "maybe"},
      {"follow without target", {"admin", "follow", "camille"}, "TARGET is required"},
      {"react without a type", {"admin", "react", "camille", "https://x.example/1"}, "--type"},
      {"post with a bad visibility", {"admin", "post", "camille", "--visibility", "secret"},
       "secret"},
      {"edit without id", {"admin", "edit", "camille"}, "ID is required"},
      {"pin without id", {"admin", "pin", "camille"}, "ID is required"},
      {"pin with a value for --undo", {"admin", "pin", "camille", "x", "--undo=maybe"}, "maybe"},
      {"post with --title but no title", {"admin", "post", "camille", "--title"}, "--title"},
      {"token without name", {"admin", "token"}, "NAME is required"},
      {"token with --label but no label", {"admin", "token", "camille", "--label"}, "--label"},
      {"token with two names", {"admin", "token", "camille", "bob"}, "bob"},
      {"tokens without name", {"admin", "tokens"}, "NAME is required"},
      {"revoke-token without id", {"admin", "revoke-token", "camille"}, "ID is required"},
      {"set-sector without reason", {"admin", "set-sector", "camille", "commercial"}, "--reason is required"},
      {"set-sector with a bad sector",
       {"admin", "set-sector", "camille", "business", "--reason", "ads"}, "business"},
      {"set-sector without sector", {"admin", "set-sector", "camille"}, "SECTOR is required"},
  };
  for (const UsageCase& c : cases) {
    std::vector<std::string> args{kBinary};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ProcessResult result = RunProcess(args);
    EXPECT_EQ(result.exit_code, 2) << c.name << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << c.name;
    EXPECT_THAT(result.err, HasSubstr("Usage:")) << c.name;
    EXPECT_EQ(result.out, "") << c.name;
  }
}

TEST(Cli, EverySubcommandHasHelp) {
  const std::vector<std::vector<std::string>> commands = {
      {"--help"}, {"serve", "--help"}, {"admin", "--help"}, {"admin", "create-user", "--help"},
      {"admin", "follow", "--help"}, {"admin", "unfollow", "--help"}, {"admin", "follows", "--help"},
      {"admin", "post", "--help"}, {"admin", "delete", "--help"},
      {"admin", "manual-approval", "--help"}, {"admin", "answer", "--help"},
      {"admin", "react", "--help"}, {"admin", "token", "--help"}, {"admin", "tokens", "--help"},
      {"admin", "revoke-token", "--help"}, {"admin", "edit", "--help"}, {"admin", "pin", "--help"},
      {"admin", "set-sector", "--help"}, {"admin", "sector-log", "--help"},
      {"admin", "block", "--help"}, {"admin", "unblock", "--help"}, {"admin", "mute", "--help"},
      {"admin", "unmute", "--help"}, {"admin", "domain-block", "--help"}, {"admin", "domain-unblock", "--help"},
      {"admin", "bookmark", "--help"}, {"admin", "unbookmark", "--help"}, {"admin", "relations", "--help"},
      {"backup", "--help"}, {"version", "--help"}, {"config", "keys", "--help"}};
  for (const auto& command : commands) {
    std::vector<std::string> args{kBinary};
    args.insert(args.end(), command.begin(), command.end());
    ProcessResult result = RunProcess(args);
    EXPECT_EQ(result.exit_code, 0) << command.back();
    EXPECT_THAT(result.out, HasSubstr("Usage:")) << command.back();
  }
}

TEST(Cli, PrintsVersion) {
  ProcessResult result = RunProcess(Args({"version"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, ::testing::MatchesRegex("parvis [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST(Cli, ConfigKeysListsTheReference) {
  ProcessResult result = RunProcess(Args({"config", "keys"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("| `limits.body_bytes` | `PARVIS_LIMITS_BODY_BYTES` |"));
}

TEST(Cli, BadConfigurationStopsTheNodeNamingKeyAndFile) {
  TempDir dir;
  std::string file = dir.Sub("parvis.json");
  std::ofstream(file) << R"({"listen": {"port": "eighty"}})";
  ProcessResult result = RunProcess(Args({"serve", "--config", file}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("config file " + file));
  EXPECT_THAT(result.err, HasSubstr("\"listen.port\""));

  ProcessResult from_env = RunProcess(Args({"serve"}), {{"PARVIS_LISTEN_PORTT", "1"}});
  EXPECT_EQ(from_env.exit_code, 1);
  EXPECT_THAT(from_env.err, HasSubstr("PARVIS_LISTEN_PORTT"));
}

TEST(Cli, CreateUserOfflineThenRefusesDuplicatesAndBadInput) {
  TempDir dir;
  std::map<std::string, std::string> env{{"PARVIS_DATA_DIR", dir.Sub("data")}};
  ProcessResult created = RunProcess(
      Args({"admin", "create-user", "Alice", "--kind", "organization", "--admin", "--password-stdin"}),
      env, "correct horse battery\n");
  EXPECT_EQ(created.exit_code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("created account Alice (organization, admin)"));

  struct Bad {
    std::string name;
    std::string user;
    std::string input;
    std::string message;
  };
  const Bad cases[] = {
      {"same name, other case", "alice", "another password\n", "the name alice is taken"},
      {"short password", "bob", "short\n", "at least 8 characters"},
      {"no password", "bob", "", "no password on standard input"},
      {"bad name", "bob!", "long enough pw\n", "letters a-z, digits and underscores"},
      {"long name", std::string(31, 'b'), "long enough pw\n", "1 to 30 characters"},
  };
  for (const Bad& c : cases) {
    ProcessResult result =
        RunProcess(Args({"admin", "create-user", c.user, "--kind", "person", "--password-stdin"}), env,
            c.input);
    EXPECT_EQ(result.exit_code, 1) << c.name;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << c.name << ": " << result.err;
  }
}

// Blocks, mutes and domain blocks with the node stopped; bad hosts, the
// node's own host and unknown posts are refused with a reason.
TEST(Cli, RelationsOfflineAndTheirRefusals) {
  TempDir dir;
  std::map<std::string, std::string> env{{"PARVIS_DATA_DIR", dir.Sub("data")},
                                         {"PARVIS_BASE_URL", "https://node.example"}};
  ASSERT_EQ(RunProcess(Args({"admin", "create-user", "camille", "--kind", "person", "--password-stdin"}), env,
                       "correct horse battery\n")
                .exit_code,
            0);
  ProcessResult muted =
      RunProcess(Args({"admin", "mute", "camille", "https://other.example/users/x", "--show-notifications"}), env);
  EXPECT_EQ(muted.exit_code, 0) << muted.err;
  EXPECT_EQ(RunProcess(Args({"admin", "block", "camille", "https://other.example/users/y"}), env).exit_code, 0);
  EXPECT_EQ(RunProcess(Args({"admin", "domain-block", "camille", "Spam.Example"}), env).exit_code, 0);
  ProcessResult listed = RunProcess(Args({"admin", "relations", "camille"}), env);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(R"("blocks":[{"actor":"https://other.example/users/y")"));
  EXPECT_THAT(listed.out, HasSubstr(R"("hide_notifications":false)"));
  EXPECT_THAT(listed.out, HasSubstr(R"("host":"spam.example")"));
  const UsageCase refused[] = {
      {"bad host", {"admin", "domain-block", "camille", "exa mple"}, "not a host name"},
      {"own host", {"admin", "domain-block", "camille", "node.example"}, "own host"},
      {"unknown post", {"admin", "bookmark", "camille", "https://node.example/nothing"}, "no such post"},
      {"unknown account", {"admin", "block", "nobody", "https://other.example/users/y"}, "no such account"},
  };
  for (const UsageCase& c : refused) {
    std::vector<std::string> args{kBinary};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ProcessResult result = RunProcess(args, env);
    EXPECT_EQ(result.exit_code, 1) << c.name;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << c.name << ": " << result.err;
  }
}

// Kinds and sectors from the command line, with the node stopped: a public
// body is civic, a reclassification needs a reason and is logged.
TEST(Cli, PublicBodiesAndSectorReclassification) {
  TempDir dir;
  std::map<std::string, std::string> env{{"PARVIS_DATA_DIR", dir.Sub("data")}};
  ProcessResult created = RunProcess(
      Args({"admin", "create-user", "mairie", "--kind", "public_body", "--password-stdin"}), env,
      "correct horse battery\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("created account mairie (public_body)"));

  ProcessResult empty_log = RunProcess(Args({"admin", "sector-log"}), env);
  EXPECT_EQ(empty_log.exit_code, 0) << empty_log.err;
  EXPECT_EQ(empty_log.out, "");

  ProcessResult unknown = RunProcess(
      Args({"admin", "set-sector", "nobody", "commercial", "--reason", "ads"}), env);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no account here is named nobody"));
  ProcessResult blank = RunProcess(Args({"admin", "set-sector", "mairie", "commercial", "--reason", ""}), env);
  EXPECT_EQ(blank.exit_code, 1);
  EXPECT_THAT(blank.err, HasSubstr("reason"));

  ProcessResult set = RunProcess(Args({"admin", "set-sector", "mairie", "commercial", "--reason",
                                       "sells advertising", "--by", "camille"}),
                                 env);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(set.out, HasSubstr(R"("old":"civic","new":"commercial")"));
  ProcessResult log = RunProcess(Args({"admin", "sector-log"}), env);
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_THAT(log.out, HasSubstr("\tcamille\t"));
  EXPECT_THAT(log.out, HasSubstr("/users/mairie\tcivic -> commercial\tsells advertising\n"));
}

// A node process on a free port, stopped with SIGTERM at the end.
class ServingNode {
 public:
  explicit ServingNode(const std::string& data_dir)
      : env_{{"PARVIS_DATA_DIR", data_dir}, {"PARVIS_LISTEN_PORT", "0"}},
        process_(Args({"serve"}), env_) {
    std::optional<std::string> port =
        process_.WaitForLine(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)"), 30s);
    if (port) port_ = static_cast<uint16_t>(std::stoi(*port));
  }
  uint16_t port() const { return port_; }
  const std::map<std::string, std::string>& env() const { return env_; }
  ProcessResult Terminate() {
    ::kill(process_.pid(), SIGTERM);
    return process_.Finish();
  }

 private:
  std::map<std::string, std::string> env_;
  Process process_;
  uint16_t port_ = 0;
};

TEST(Cli, ServeAnswersHealthAndStopsCleanlyOnSigterm) {
  TempDir dir;
  ServingNode node(dir.Sub("data"));
  ASSERT_NE(node.port(), 0);
  std::string health = Fetch(node.port(), "GET", "/healthz");
  EXPECT_EQ(StatusOf(health), 200);
  EXPECT_EQ(BodyOf(health), "ok\n");
  std::string metrics = Fetch(node.port(), "GET", "/metrics");
  EXPECT_THAT(metrics, HasSubstr("parvis_resident_memory_bytes "));
  EXPECT_THAT(metrics, HasSubstr("parvis_queue_depth{queue=\"all\"}"));
  ProcessResult ended = node.Terminate();
  EXPECT_EQ(ended.exit_code, 0) << ended.err;
  EXPECT_THAT(ended.out, HasSubstr("parvis: stopped"));
  EXPECT_THAT(ended.out, HasSubstr("create the first admin"));
  // The access log has no client address.
  EXPECT_THAT(ended.err, HasSubstr("GET /healthz 200"));
  EXPECT_THAT(ended.err, ::testing::Not(HasSubstr("127.0.0.1")));
  // The lock is released: the data directory opens again.
  ProcessResult again = RunProcess(Args({"admin", "create-user", "after", "--kind", "person",
                                  "--password-stdin"}),
                            {{"PARVIS_DATA_DIR", dir.Sub("data")}}, "long enough pw\n");
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST(Cli, SecondServeOnTheSameDataDirectoryFailsClearly) {
  TempDir dir;
  ServingNode node(dir.Sub("data"));
  ASSERT_NE(node.port(), 0);
  ProcessResult second = RunProcess(Args({"serve"}), {{"PARVIS_DATA_DIR", dir.Sub("data")},
                                               {"PARVIS_LISTEN_PORT", "0"}});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("is in use by another parvis process"));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/healthz")), 200) << "first node unharmed";
  node.Terminate();
}

TEST(Cli, AdminCommandsReachARunningNodeThroughItsControlSocket) {
  TempDir dir;
  ServingNode node(dir.Sub("data"));
  ASSERT_NE(node.port(), 0);
  ProcessResult created = RunProcess(
      Args({"admin", "create-user", "admin1", "--kind", "person", "--admin", "--password-stdin"}),
      node.env(), "a long passphrase\n");
  EXPECT_EQ(created.exit_code, 0) << created.err;
  ProcessResult duplicate = RunProcess(
      Args({"admin", "create-user", "ADMIN1", "--kind", "person", "--password-stdin"}), node.env(),
      "a long passphrase\n");
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_THAT(duplicate.err, HasSubstr("taken"));
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/")), HasSubstr("<dd>1</dd>"));
  node.Terminate();
}

TEST(Cli, PostsRepliesArticlesEditsAndPinsThroughARunningNode) {
  TempDir dir;
  ServingNode node(dir.Sub("data"));
  ASSERT_NE(node.port(), 0);
  ProcessResult created = RunProcess(
      Args({"admin", "create-user", "camille", "--kind", "person", "--password-stdin"}), node.env(),
      "a long passphrase\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto id_of = [](const std::string& out) {
    size_t start = out.find("\"id\":\"");
    return start == std::string::npos ? "" : out.substr(start + 6, out.find('"', start + 6) - start - 6);
  };
  ProcessResult article = RunProcess(Args({"admin", "post", "camille", "--title", "Compte rendu"}),
                                     node.env(), "Le conseil a voté #budget\n");
  ASSERT_EQ(article.exit_code, 0) << article.err;
  std::string article_id = id_of(article.out);
  ASSERT_THAT(article_id, HasSubstr("/users/camille/statuses/"));
  ProcessResult reply = RunProcess(Args({"admin", "post", "camille", "--reply-to", article_id}),
                                   node.env(), "Précision\n");
  ASSERT_EQ(reply.exit_code, 0) << reply.err;
  std::string path = article_id.substr(article_id.find("/users/"));
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", path + "/replies?page=1")), HasSubstr(id_of(reply.out)));

  ProcessResult edited = RunProcess(Args({"admin", "edit", "camille", article_id}), node.env(),
                                    "Le conseil a voté à l'unanimité\n");
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  std::string note = BodyOf(Fetch(node.port(), "GET", path, "Accept: application/activity+json\r\n"));
  EXPECT_THAT(note, HasSubstr("unanimité"));
  EXPECT_THAT(note, HasSubstr("\"type\":\"Article\""));
  EXPECT_THAT(note, HasSubstr("\"updated\":"));

  ProcessResult pinned = RunProcess(Args({"admin", "pin", "camille", article_id}), node.env());
  ASSERT_EQ(pinned.exit_code, 0) << pinned.err;
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/users/camille/collections/featured?page=1")),
              HasSubstr("unanimité"));
  ProcessResult unpinned = RunProcess(Args({"admin", "pin", "camille", article_id, "--undo"}), node.env());
  ASSERT_EQ(unpinned.exit_code, 0) << unpinned.err;

  // Failures exit 1 and say why.
  ProcessResult unknown =
      RunProcess(Args({"admin", "edit", "camille", article_id + "0"}), node.env(), "x\n");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no such post"));
  ProcessResult orphan = RunProcess(
      Args({"admin", "post", "camille", "--reply-to", article_id + "0"}), node.env(), "x\n");
  EXPECT_EQ(orphan.exit_code, 1);
  EXPECT_THAT(orphan.err, HasSubstr("no such post to reply to"));
  ProcessResult titled = RunProcess(Args({"admin", "edit", "camille", id_of(reply.out), "--title", "T"}),
                                    node.env(), "x\n");
  EXPECT_EQ(titled.exit_code, 1);
  EXPECT_THAT(titled.err, HasSubstr("only an Article has a title"));
  ProcessResult empty = RunProcess(Args({"admin", "post", "camille"}), node.env(), "\n");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("1 to 5000 characters"));
  node.Terminate();
}

TEST(Cli, BackupWhileServingIsConsistentAndOpens) {
  TempDir dir;
  ServingNode node(dir.Sub("data"));
  ASSERT_NE(node.port(), 0);
  for (int i = 0; i < 3; ++i) {
    ProcessResult created =
        RunProcess(Args({"admin", "create-user", "user" + std::to_string(i), "--kind", "person",
                  "--password-stdin"}),
            node.env(), "a long passphrase\n");
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  // Writes keep arriving while the checkpoint is taken.
  std::thread writer([&] {
    for (int i = 3; i < 8; ++i) {
      RunProcess(Args({"admin", "create-user", "user" + std::to_string(i), "--kind", "person",
                "--password-stdin"}),
          node.env(), "a long passphrase\n");
    }
  });
  ProcessResult backup = RunProcess(Args({"backup", dir.Sub("backup")}), node.env());
  writer.join();
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.out, HasSubstr("backup written to " + dir.Sub("backup")));
  ProcessResult again = RunProcess(Args({"backup", dir.Sub("backup")}), node.env());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("backup failed"));
  node.Terminate();

  // The backup is a working data directory: a node serves from it, and it
  // holds the first three accounts (and maybe some of the later ones).
  ServingNode restored(dir.Sub("backup"));
  ASSERT_NE(restored.port(), 0);
  ProcessResult duplicate = RunProcess(
      Args({"admin", "create-user", "user2", "--kind", "person", "--password-stdin"}),
      restored.env(), "a long passphrase\n");
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_THAT(duplicate.err, HasSubstr("taken"));
  restored.Terminate();
}

}  // namespace
}  // namespace parvis
