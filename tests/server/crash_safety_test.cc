// Crash safety: a real `parvis serve` process under mixed load — signed
// activities arriving, petition signatures from other servers, posts fanned
// out to followers on another server — is killed with SIGKILL at random
// moments and started again, several times. Afterwards every activity that
// got a 2xx is stored exactly once, every acknowledged signature is counted
// exactly once (and the log proves the count), and every post the CLI
// acknowledged reached the followers' server at least once.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/timestamps.h"
#include "parvis/storage.h"
#include "support/eventually.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using namespace std::chrono_literals;
using ::parvis::testing::Eventually;
using ::parvis::testing::PeerActor;
using ::parvis::testing::Process;
using ::parvis::testing::ProcessResult;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::RunProcess;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TempDir;
using ::parvis::testing::TestNode;

const std::string kBinary = PARVIS_BINARY_PATH;

class CrashingNode {
 public:
  explicit CrashingNode(const std::string& data_dir) : port_(TestNode::FreePort()) {
    env_ = {{"PARVIS_DATA_DIR", data_dir},
            {"PARVIS_LISTEN_PORT", std::to_string(port_)},
            {"PARVIS_BASE_URL", "http://127.0.0.1:" + std::to_string(port_)},
            {"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
            {"PARVIS_FEDERATION_DELIVERY_FIRST_RETRY_SECONDS", "1"},
            {"PARVIS_LOG_LEVEL", "warn"}};
  }
  bool Start() {
    process_ = std::make_unique<Process>(std::vector<std::string>{kBinary, "serve"}, env_);
    return process_->WaitForLine(std::regex("listening on"), 30s).has_value();
  }
  void Kill() {
    ::kill(process_->pid(), SIGKILL);
    process_->Finish();
    process_.reset();
  }
  ProcessResult Stop() {
    ::kill(process_->pid(), SIGTERM);
    ProcessResult result = process_->Finish();
    process_.reset();
    return result;
  }
  ProcessResult Admin(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), kBinary);
    return RunProcess(args, env_, input);
  }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Process> process_;
};


TEST(CrashSafetyTest, KilledAtRandomMomentsItLosesNothingAcknowledged) {
  RemotePeer peer;
  PeerActor sender = peer.AddActor("sender");
  PeerActor follower = peer.AddActor("follower");
  TempDir dir;
  CrashingNode node(dir.Sub("data"));
  ASSERT_TRUE(node.Start());
  ASSERT_EQ(node.Admin({"admin", "create-user", "camille", "--kind", "person", "--password-stdin"},
                       "a long passphrase\n").exit_code, 0);
  std::string camille = "http://127.0.0.1:" + std::to_string(node.port()) + "/users/camille";
  {
    RawConnection connection(node.port());
    connection.Send(RemotePeer::SignedPost(
        follower, node.port(), "/inbox",
        R"({"id":")" + follower.id + R"(/follows/1","type":"Follow","actor":")" + follower.id +
            R"(","object":")" + camille + R"("})"));
    ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  }
  // The Accept reaching the peer shows the follow was processed.
  ASSERT_TRUE(Eventually([&] {
    for (const auto& received : peer.received()) {
      if (received.body.find("\"Accept\"") != std::string::npos) return true;
    }
    return false;
  }));

  // A petition of this node, opened through the CLI, that other servers'
  // actors sign during the load.
  ASSERT_EQ(node.Admin({"admin", "create-user", "assoc", "--kind", "organization", "--password-stdin"},
                       "a long passphrase\n").exit_code, 0);
  ProcessResult created = node.Admin({"admin", "petition", "create", "assoc", "--title", "Crash", "--addressee",
                                      "Nobody", "--threshold", "1000", "--deadline", protocol::FormatRfc3339Utc(std::time(nullptr) + 86400), "--open"},
                                     "Sign it while the node crashes.");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string petition = "http://127.0.0.1:" + std::to_string(node.port()) + "/petitions/1";
  std::vector<PeerActor> signers;
  for (int i = 0; i < 60; ++i) signers.push_back(peer.AddActor("signer" + std::to_string(i)));
  size_t next_signer = 0;
  std::set<std::string> signed_ok;  // signers whose Sign got a 2xx

  std::set<std::string> acknowledged;  // activity ids that got a 2xx
  std::set<std::string> posted;        // note ids the CLI returned
  std::mt19937 random(20261122);
  int next = 0;
  for (int round = 0; round < 4; ++round) {
    std::atomic<bool> stop{false};
    std::mutex mutex;
    // Ingest, on its own thread, until the node dies under it.
    std::thread ingest([&] {
      while (!stop.load()) {
        int n;
        {
          std::lock_guard lock(mutex);
          n = next++;
        }
        RawConnection connection(node.port());
        if (!connection.ok()) continue;
        connection.Send(RemotePeer::SignedPost(sender, node.port(), "/inbox", testing::PublicCreate(sender, n)));
        int status = StatusOf(connection.ReadToEnd());
        if (status >= 200 && status < 300) {
          std::lock_guard lock(mutex);
          acknowledged.insert(sender.id + "/notes/" + std::to_string(n) + "#create");
        }
      }
    });
    // Petition signatures, one per signer, on their own thread.
    std::thread signing([&] {
      // A share of the signers each round, spread over the round, so that
      // kills land among signatures.
      size_t last = std::min(signers.size(), static_cast<size_t>(round + 1) * signers.size() / 4);
      while (!stop.load() && next_signer < last) {
        std::this_thread::sleep_for(std::chrono::milliseconds(random() % 40));
        const PeerActor& signer = signers[next_signer];
        RawConnection connection(node.port());
        if (!connection.ok()) continue;
        std::string sign = protocol::SignActivityJson(signer.id + "/signatures/1", signer.id, petition,
                                                      "http://127.0.0.1:" + std::to_string(node.port()) + "/users/assoc",
                                                      next_signer % 2 == 0);
        connection.Send(RemotePeer::SignedPost(signer, node.port(), "/inbox", sign));
        int status = StatusOf(connection.ReadToEnd());
        if (status >= 200 && status < 300) {
          std::lock_guard lock(mutex);
          signed_ok.insert(signer.id);
        }
        if (status != 0) ++next_signer;  // answered: the next signer; cut off: this one again
      }
    });
    // Posts with fan-out, through the CLI and the control socket.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300 + random() % 900);
    while (std::chrono::steady_clock::now() < deadline) {
      ProcessResult result = node.Admin({"admin", "post", "camille"}, "post " + std::to_string(round));
      std::smatch match;
      static const std::regex kId("\"id\":\"([^\"]+)\"");
      if (result.exit_code == 0 && std::regex_search(result.out, match, kId)) posted.insert(match[1]);
    }
    node.Kill();
    stop = true;
    ingest.join();
    signing.join();
    ASSERT_TRUE(node.Start()) << "restart " << round;
  }
  ASSERT_GT(acknowledged.size(), 10u);
  ASSERT_GT(posted.size(), 2u);
  ASSERT_GT(signed_ok.size(), 3u);
  std::printf("crash safety: 4 SIGKILLs, %zu activities and %zu posts acknowledged\n",
              acknowledged.size(), posted.size());

  // Every acknowledged post is eventually delivered (at least once).
  EXPECT_TRUE(Eventually(
      [&] {
        std::set<std::string> delivered;
        static const std::regex kObject("\"object\":\\{\"id\":\"([^\"]+)\"");
        for (const auto& received : peer.received()) {
          std::smatch match;
          if (std::regex_search(received.body, match, kObject)) delivered.insert(match[1]);
        }
        return std::includes(delivered.begin(), delivered.end(), posted.begin(), posted.end());
      },
      60s))
      << posted.size() << " posts acknowledged";
  // Let the inbox queue drain, then look at the database itself. A stop
  // leaves what is still queued for the next start: start again until the
  // queue is empty.
  storage::StoreOptions options;
  options.path = dir.Sub("data");
  auto queued_in_inbox = [&] {
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
    EXPECT_TRUE(store.has_value()) << store.error().message;
    size_t queued = 0;
    if (store) {
      (void)(*store)->Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
        ++queued;
        return true;
      });
    }
    return queued;
  };
  std::this_thread::sleep_for(2s);
  ProcessResult stopped = node.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  for (int start = 0; start < 10 && queued_in_inbox() > 0; ++start) {
    ASSERT_TRUE(node.Start()) << "start to drain the queue " << start;
    std::this_thread::sleep_for(2s);
    stopped = node.Stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  }
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  size_t missing = 0;
  for (const std::string& id : acknowledged) {
    Result<std::optional<std::string>> activity = (*store)->Get(storage::Family::kActivities, id);
    ASSERT_TRUE(activity.has_value());
    if (!activity->has_value()) ++missing;
    // And its effect: the note is kept, once (keys are unique).
    std::string note = id.substr(0, id.find('#'));
    Result<std::optional<std::string>> object = (*store)->Get(storage::Family::kObjects, note);
    ASSERT_TRUE(object.has_value());
    EXPECT_TRUE(object->has_value()) << note;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged activities";
  // Nothing is left half-done in the queues.
  size_t queued = 0;
  (void)(*store)->Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
    ++queued;
    return true;
  });
  EXPECT_EQ(queued, 0u);

  // Every acknowledged signature is counted, once; the log proves the count.
  std::map<std::string, int> live;  // signer actor -> live signatures
  (void)(*store)->Scan(storage::Family::kPetitions, "s/" + storage::EncodeUint64(1),
                       [&](std::string_view, std::string_view value) {
                         Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
                         if (doc && doc->IsObject()) ++live[protocol::StringMember(*doc, "actor").value_or("")];
                         return true;
                       });
  for (const std::string& signer : signed_ok) EXPECT_EQ(live[signer], 1) << signer;
  std::vector<protocol::SignatureEntry> entries;
  (void)(*store)->Scan(storage::Family::kPetitions, "l/" + storage::EncodeUint64(1),
                       [&](std::string_view, std::string_view value) {
                         Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
                         if (doc) {
                           if (Result<protocol::SignatureEntry> entry = protocol::ReadSignatureEntry(*doc)) {
                             entries.push_back(*entry);
                           }
                         }
                         return true;
                       });
  Result<protocol::TallyCheck> tally = protocol::VerifySignatureLog(petition, entries);
  ASSERT_TRUE(tally.has_value()) << tally.error().message;
  EXPECT_EQ(tally->count, live.size());
  EXPECT_GE(tally->count, signed_ok.size());
  Result<std::optional<std::string>> record =
      (*store)->Get(storage::Family::kPetitions, "p/" + storage::EncodeUint64(1));
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_THAT(**record, ::testing::HasSubstr("\"count\":" + std::to_string(tally->count) + ","));
  std::printf("crash safety: %zu signatures acknowledged, %llu counted\n", signed_ok.size(),
              static_cast<unsigned long long>(tally->count));
}

}  // namespace
}  // namespace parvis
