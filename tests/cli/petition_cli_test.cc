// `parvis admin petition ...`, `parvis admin consultation ...` and
// `parvis verify-petition`, run as an
// operator would: on a stopped node's data directory, then through a
// serving node's control socket.
#include <chrono>
#include <ctime>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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



// The day `days` from now, as YYYY-MM-DD (UTC).
std::string DayFromNow(int days) {
  std::time_t when = std::time(nullptr) + days * 86400;
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

TEST(PetitionCliTest, StartOpenSignExportAndVerify) {
  TempDir dir;
  uint16_t port = testing::FreeLoopbackPort();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  Env env = {{"PARVIS_DATA_DIR", dir.Sub("data")},
             {"PARVIS_LISTEN_PORT", std::to_string(port)},
             {"PARVIS_BASE_URL", base},
             {"PARVIS_LOG_LEVEL", "warn"}};
  for (auto [name, kind] : {std::pair{"assoc", "organization"}, std::pair{"alix", "person"}}) {
    ASSERT_EQ(Parvis({"admin", "create-user", name, "--kind", kind, "--password-stdin"}, env, "a long passphrase\n")
                  .exit_code,
              0);
  }
  std::string deadline = DayFromNow(30);
  // Bad input: usage errors name the option; refusals say why.
  ProcessResult missing = Parvis({"admin", "petition", "create", "assoc", "--title", "T", "--addressee", "A"}, env, "x");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--threshold"));
  EXPECT_EQ(Parvis({"admin", "petition", "create", "assoc", "--title", "T", "--addressee", "A", "--threshold", "many",
                    "--deadline", deadline},
                   env, "x")
                .exit_code,
            2);
  ProcessResult past = Parvis({"admin", "petition", "create", "assoc", "--title", "T", "--addressee", "A",
                               "--threshold", "3", "--deadline", "2001-01-01"},
                              env, "x");
  EXPECT_EQ(past.exit_code, 1);
  EXPECT_THAT(past.err, HasSubstr("deadline must be in the future"));
  ProcessResult person = Parvis({"admin", "petition", "create", "alix", "--title", "T", "--addressee", "A",
                                 "--threshold", "3", "--deadline", deadline},
                                env, "x");
  EXPECT_EQ(person.exit_code, 1);
  EXPECT_THAT(person.err, HasSubstr("associations, citizen groups and public bodies"));
  EXPECT_EQ(Parvis({"admin", "petition", "create", "assoc", "--title", "T", "--addressee", "A", "--threshold", "3",
                    "--deadline", deadline},
                   env, "")
                .exit_code,
            1);  // no text on standard input

  // On the stopped node: a draft is created; opening needs the node serving.
  ProcessResult created = Parvis({"admin", "petition", "create", "assoc", "--title", "Bancs", "--addressee", "Mairie",
                                  "--threshold", "2", "--deadline", deadline},
                                 env, "Des bancs au parc.\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string id = base + "/petitions/1";
  EXPECT_THAT(created.out, HasSubstr(id));
  ProcessResult early = Parvis({"admin", "petition", "open", "assoc", id}, env);
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_THAT(early.err, HasSubstr("serving"));

  Process node({kBinary, "serve"}, env);
  ASSERT_TRUE(node.WaitForLine(std::regex("listening on"), 30s).has_value());
  ProcessResult opened = Parvis({"admin", "petition", "open", "assoc", id}, env);
  EXPECT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_EQ(Parvis({"admin", "petition", "open", "alix", id}, env).exit_code, 1);  // not hers
  ProcessResult signed_ok = Parvis({"admin", "petition", "sign", "alix", id, "--anonymous"}, env);
  EXPECT_EQ(signed_ok.exit_code, 0) << signed_ok.err;
  EXPECT_THAT(signed_ok.out, HasSubstr("\"state\":\"signed\""));
  ProcessResult twice = Parvis({"admin", "petition", "sign", "alix", id}, env);
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_THAT(twice.err, HasSubstr("already signed"));
  ASSERT_EQ(Parvis({"admin", "petition", "sign", "assoc", id}, env).exit_code, 0);
  ProcessResult csv = Parvis({"admin", "petition", "export", "assoc", id}, env);
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("index,time,signer,hash"));
  EXPECT_THAT(csv.out, HasSubstr("\"anonymous\""));
  EXPECT_THAT(csv.out, HasSubstr(base + "/users/assoc"));
  EXPECT_EQ(Parvis({"admin", "petition", "export", "alix", id}, env).exit_code, 1);
  EXPECT_EQ(Parvis({"admin", "petition", "export", "assoc", id, "--format", "xml"}, env).exit_code, 2);
  ProcessResult answered = Parvis({"admin", "petition", "answer", "assoc", id}, env, "Oui, en mai.\n");
  EXPECT_EQ(answered.exit_code, 0) << answered.err;

  // Consultations through the same socket.
  ProcessResult consultation = Parvis({"admin", "consultation", "create", "assoc", "--title", "Which colour?",
                                       "--deadline", deadline},
                                      env, "Pick one.\n");
  ASSERT_EQ(consultation.exit_code, 0) << consultation.err;
  std::string question = base + "/consultations/1";
  EXPECT_EQ(Parvis({"admin", "consultation", "create", "alix", "--title", "Q", "--deadline", deadline}, env, "x\n")
                .exit_code,
            1);  // a person opens none
  ASSERT_EQ(Parvis({"admin", "consultation", "propose", "alix", question}, env, "Green\n").exit_code, 0);
  std::string proposal = question + "/proposals/0";
  EXPECT_EQ(Parvis({"admin", "consultation", "vote", "alix", proposal, "for"}, env).exit_code, 0);
  EXPECT_EQ(Parvis({"admin", "consultation", "vote", "alix", proposal, "maybe"}, env).exit_code, 2);
  EXPECT_EQ(Parvis({"admin", "consultation", "vote", "alix", proposal, "withdraw"}, env).exit_code, 0);
  ProcessResult none = Parvis({"admin", "consultation", "vote", "alix", proposal, "withdraw"}, env);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("no vote to withdraw"));
  EXPECT_EQ(Parvis({"admin", "consultation", "comment", "alix", proposal}, env, "Nice\n").exit_code, 0);
  EXPECT_EQ(Parvis({"admin", "consultation", "comment", "alix", question + "/proposals/7"}, env, "x\n").exit_code, 1);

  ProcessResult verified = Parvis({"verify-petition", id, "--allow-private-addresses"}, env);
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("signatures: 2"));
  EXPECT_THAT(verified.out, HasSubstr("state: answered"));
  // Without the flag, loopback is refused; a URL that is no petition fails.
  EXPECT_EQ(Parvis({"verify-petition", id}, env).exit_code, 1);
  ProcessResult not_one = Parvis({"verify-petition", base + "/users/assoc", "--allow-private-addresses"}, env);
  EXPECT_EQ(not_one.exit_code, 1);
  EXPECT_THAT(not_one.err, HasSubstr("NOT verified"));
  EXPECT_EQ(Parvis({"verify-petition", "not a url", "--allow-private-addresses"}, env).exit_code, 1);
}

}  // namespace
}  // namespace parvis
