// `parvis msg`: accounts on two real node processes exchange end-to-end
// encrypted messages with the command-line client, as users would; a second
// device restored from the passphrase backup; a revoked device reads nothing
// new; wrong arguments and damaged key files get clear errors; and no
// plaintext reaches either node's data directory.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "storage/files_containing.h"
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

const std::string kBinary = PARVIS_BINARY_PATH;
using Env = std::map<std::string, std::string>;


// A node process with one account and a token for it.
struct NodeProcess {
  NodeProcess(const TempDir& dir, const std::string& name, const std::string& account) {
    uint16_t port = testing::FreeLoopbackPort();
    base = "http://127.0.0.1:" + std::to_string(port);
    data = dir.Sub(name);
    env = {{"PARVIS_DATA_DIR", data},
           {"PARVIS_LISTEN_PORT", std::to_string(port)},
           {"PARVIS_BASE_URL", base},
           {"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
           {"PARVIS_LOG_LEVEL", "warn"}};
    EXPECT_EQ(Parvis({"admin", "create-user", account, "--kind", "person", "--password-stdin"}, env,
                     "a long passphrase\n")
                  .exit_code,
              0);
    ProcessResult issued = Parvis({"admin", "token", account}, env);
    EXPECT_EQ(issued.exit_code, 0) << issued.err;
    token = issued.out.substr(0, issued.out.find('\n'));
    actor = base + "/users/" + account;
    process = std::make_unique<Process>(std::vector<std::string>{kBinary, "serve"}, env);
    EXPECT_TRUE(process->WaitForLine(std::regex("listening on"), 30s).has_value());
  }
  std::string base, data, token, actor;
  Env env;
  std::unique_ptr<Process> process;
};

// Runs `parvis msg read` until it prints `text` (deliveries are asynchronous).
ProcessResult ReadUntil(const std::string& state, const std::string& text) {
  ProcessResult last;
  std::string all;
  for (int i = 0; i < 100; ++i) {
    last = Parvis({"msg", "read", "--state", state});
    all += last.out;
    if (last.exit_code != 0 || all.find(text) != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  last.out = all;
  return last;
}

TEST(MsgCliTest, WrongArgumentsGetUsage) {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* says;
  } cases[] = {
      {{"msg"}, 2, "subcommand"},
      {{"msg", "send", "--to", "https://x.example/users/a", "hi"}, 2, "--state"},
      {{"msg", "send", "--state", dir.Sub("s.json"), "hi"}, 2, "--to"},
      {{"msg", "keys", "--init", "--state", dir.Sub("s.json")}, 2, "--node"},
      {{"msg", "keys", "--init", "--state", dir.Sub("s.json"), "--node", "http://127.0.0.1:1", "--account", "a"},
       2,
       "--token"},
      {{"msg", "verify", "--state", dir.Sub("s.json")}, 2, "ACTOR"},
      {{"msg", "read", "--state", dir.Sub("missing.json")}, 1, "keys --init"},
      {{"msg", "shout", "--state", dir.Sub("s.json")}, 2, "shout"},
      {{"msg", "keys", "--init", "--state", dir.Sub("s.json"), "--node", "http://127.0.0.1:1", "--account", "a",
        "--token", "t"},
       1,
       "cannot reach"},
  };
  for (const Case& c : cases) {
    ProcessResult result = Parvis(c.args);
    EXPECT_EQ(result.exit_code, c.exit_code) << ::testing::PrintToString(c.args) << result.err;
    EXPECT_THAT(result.err, HasSubstr(c.says)) << ::testing::PrintToString(c.args);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("s.json")));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("s.json.node")));
}

TEST(MsgCliTest, TwoNodesExchangeMessagesAcrossDevicesAndRevocation) {
  TempDir dir;
  NodeProcess a(dir, "a", "alice");
  NodeProcess b(dir, "b", "bob");
  const std::string alice = dir.Sub("alice.json");
  const std::string phone = dir.Sub("bob-phone.json");
  const std::string laptop = dir.Sub("bob-laptop.json");
  auto init = [&](const NodeProcess& node, const std::string& account, const std::string& state,
                  std::vector<std::string> extra = {}, const std::string& input = "") {
    std::vector<std::string> args = {"msg", "keys", "--init", "--state", state, "--node", node.base,
                                     "--account", account, "--allow-private-addresses"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Parvis(args, {{"PARVIS_TOKEN", node.token}}, input);
  };
  ProcessResult set_up = init(a, "alice", alice);
  ASSERT_EQ(set_up.exit_code, 0) << set_up.err;
  EXPECT_THAT(set_up.out, HasSubstr("is set up"));
  ASSERT_EQ(init(b, "bob", phone).exit_code, 0);
  // The key file is the device's secret.
  EXPECT_EQ(std::filesystem::status(phone).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // Setting up again over an existing account key needs --restore or --reset.
  ProcessResult again = init(b, "bob", dir.Sub("bob-other.json"));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("--restore"));

  ASSERT_EQ(Parvis({"msg", "keys", "--state", phone, "--backup"}, {}, "correct horse battery staple\n").exit_code, 0);
  ProcessResult short_passphrase = Parvis({"msg", "keys", "--state", phone, "--backup"}, {}, "short\n");
  EXPECT_EQ(short_passphrase.exit_code, 1);
  ProcessResult wrong = init(b, "bob", dir.Sub("bob-wrong.json"), {"--restore"}, "not the right passphrase\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("backup"));
  ASSERT_EQ(init(b, "bob", laptop, {"--restore"}, "correct horse battery staple\n").exit_code, 0);
  ProcessResult devices = Parvis({"msg", "devices", "--state", laptop});
  ASSERT_EQ(devices.exit_code, 0) << devices.err;
  EXPECT_THAT(devices.out, HasSubstr("(this device)"));
  EXPECT_EQ(std::count(devices.out.begin(), devices.out.end(), '\n'), 2);

  const std::vector<std::string> secrets = {"CLI-SECRET-one 4b1d meet at nine", "CLI-SECRET-two 9e0c agreed",
                                            "CLI-SECRET-three a77f after revocation"};
  ProcessResult sent = Parvis({"msg", "send", "--state", alice, "--to", b.actor, secrets[0]});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_THAT(ReadUntil(phone, secrets[0]).out, HasSubstr(a.actor + ": " + secrets[0]));
  EXPECT_THAT(ReadUntil(laptop, secrets[0]).out, HasSubstr(secrets[0]));
  // Text from standard input; the reply reaches Alice and Bob's laptop.
  ASSERT_EQ(Parvis({"msg", "send", "--state", phone, "--to", a.actor}, {}, secrets[1] + "\n").exit_code, 0);
  EXPECT_THAT(ReadUntil(alice, secrets[1]).out, HasSubstr(secrets[1]));
  EXPECT_THAT(ReadUntil(laptop, secrets[1]).out, HasSubstr(secrets[1]));

  // Safety numbers agree on both sides.
  ProcessResult from_alice = Parvis({"msg", "verify", "--state", alice, b.actor});
  ProcessResult from_bob = Parvis({"msg", "verify", "--state", phone, a.actor, "--confirm"});
  ASSERT_EQ(from_alice.exit_code, 0) << from_alice.err;
  ASSERT_EQ(from_bob.exit_code, 0) << from_bob.err;
  std::smatch digits_a, digits_b;
  std::regex twelve_groups("((\\d{5}[ \\n]+){11}\\d{5})");
  ASSERT_TRUE(std::regex_search(from_alice.out, digits_a, twelve_groups)) << from_alice.out;
  ASSERT_TRUE(std::regex_search(from_bob.out, digits_b, twelve_groups)) << from_bob.out;
  EXPECT_EQ(std::regex_replace(digits_a.str(), std::regex("\\s+"), ""),
            std::regex_replace(digits_b.str(), std::regex("\\s+"), ""));
  EXPECT_THAT(from_alice.out, HasSubstr("not verified"));
  EXPECT_THAT(from_bob.out, HasSubstr("verified on this device"));

  // The laptop revokes the phone; the phone reads nothing new.
  std::string phone_id;
  std::istringstream lines(devices.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("(this device)") == std::string::npos) phone_id = line.substr(0, 22);
  }
  ASSERT_EQ(phone_id.size(), 22u) << devices.out;
  ProcessResult self = Parvis({"msg", "devices", "--state", phone, "--revoke", phone_id});
  EXPECT_EQ(self.exit_code, 1);
  ProcessResult revoked = Parvis({"msg", "devices", "--state", laptop, "--revoke", phone_id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  ASSERT_EQ(Parvis({"msg", "send", "--state", alice, "--to", b.actor, secrets[2]}).exit_code, 0);
  EXPECT_THAT(ReadUntil(laptop, secrets[2]).out, HasSubstr(secrets[2]));
  ProcessResult phone_read = Parvis({"msg", "read", "--state", phone});
  EXPECT_EQ(phone_read.exit_code, 1);
  EXPECT_THAT(phone_read.err, HasSubstr("not in your device list"));

  // Bob starts over with a new account key: Alice's client holds his
  // message until she has compared and accepted the new safety number.
  ASSERT_EQ(init(b, "bob", dir.Sub("bob-new.json"), {"--reset"}).exit_code, 0);
  ASSERT_EQ(Parvis({"msg", "send", "--state", dir.Sub("bob-new.json"), "--to", a.actor, "after the reset"}).exit_code, 0);
  ProcessResult held;
  for (int i = 0; i < 100 && held.err.find("holding") == std::string::npos; ++i) {
    held = Parvis({"msg", "read", "--state", alice});
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_THAT(held.err, HasSubstr("holding a message from " + b.actor));
  EXPECT_THAT(held.out, ::testing::Not(HasSubstr("after the reset")));
  ProcessResult warned = Parvis({"msg", "verify", "--state", alice, b.actor});
  EXPECT_EQ(warned.exit_code, 1);
  EXPECT_THAT(warned.out, HasSubstr("WARNING: the account key of " + b.actor + " changed"));
  ProcessResult accepted = Parvis({"msg", "verify", "--state", alice, b.actor, "--accept-new-key"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_THAT(ReadUntil(alice, "after the reset").out, HasSubstr(b.actor + ": after the reset"));

  // A damaged key file is refused, not misread.
  {
    std::ofstream damage(alice, std::ios::trunc);
    damage << "{\"version\":1,\"actor\":";
  }
  ProcessResult damaged = Parvis({"msg", "read", "--state", alice});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_THAT(damaged.err, HasSubstr("state file"));

  a.process.reset();
  b.process.reset();
  std::vector<std::string> needles(secrets);
  for (const std::string& secret : secrets) needles.push_back(secret.substr(0, 14));
  EXPECT_THAT(storage::testing::FilesContainingAny(a.data, needles), ::testing::IsEmpty());
  EXPECT_THAT(storage::testing::FilesContainingAny(b.data, needles), ::testing::IsEmpty());
}

}  // namespace
}  // namespace parvis
