// Confidential messages between two real nodes (docs/e2ee.md): devices made
// with the messaging client publish keys, claim each other's prekeys, send
// ciphertexts that cross nodes as Create(EncryptedMessage), and read them;
// lost messages, revoked devices, replays and hostile requests; and no
// plaintext ever reaches either node's data directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/messaging/message_store.h"
#include "server/messaging/msg_client.h"
#include "storage/files_containing.h"
#include "support/eventually.h"
#include "support/messaging_transport.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/temp_dir.h"
#include "support/test_node.h"

namespace parvis {
namespace {

namespace e2ee = protocol::e2ee;
using messaging::HttpAnswer;
using messaging::MessagingClient;
using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::IssueToken;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TempDir;
using ::parvis::testing::TransportFor;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

std::string Api(TestNode& node, const std::string& token, const std::string& method, const std::string& target,
                const std::string& body = "") {
  return Fetch(node.port(), method, target, "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n",
               body);
}

class MessagingFederationTest : public ::testing::Test {
 protected:
  MessagingFederationTest() : a_({}, true), b_({}, true) {
    a_.CreateAccount("alice");
    b_.CreateAccount("bob");
    alice_token_ = IssueToken(a_, "alice");
    bob_token_ = IssueToken(b_, "bob");
    alice_ = a_.base() + "/users/alice";
    bob_ = b_.base() + "/users/bob";
  }

  std::unique_ptr<MessagingClient> NewDevice(TestNode& node, const std::string& token, const std::string& actor,
                                             const std::string& file, std::optional<std::string> restore = {}) {
    Result<std::unique_ptr<MessagingClient>> client =
        MessagingClient::Create(states_.Sub(file), TransportFor(node, token), actor, restore, false);
    EXPECT_TRUE(client.has_value()) << (client ? "" : client.error().message);
    return client ? *std::move(client) : nullptr;
  }

  // Reads until `count` messages have arrived (or gives up).
  std::vector<messaging::ReceivedMessage> ReadAtLeast(MessagingClient& client, size_t count,
                                                      std::vector<messaging::RejectedMessage>* rejected = nullptr) {
    std::vector<messaging::ReceivedMessage> all;
    Eventually([&] {
      Result<messaging::ReadOutcome> read = client.Read();
      EXPECT_TRUE(read.has_value()) << (read ? "" : read.error().message);
      if (!read) return true;
      all.insert(all.end(), read->messages.begin(), read->messages.end());
      if (rejected) rejected->insert(rejected->end(), read->rejected.begin(), read->rejected.end());
      return all.size() >= count;
    });
    return all;
  }

  TestNode a_;
  TestNode b_;
  TempDir states_;
  std::string alice_token_, bob_token_, alice_, bob_;
};

TEST_F(MessagingFederationTest, TwoAccountsOnTwoNodesTalkAndTheNodesNeverSeeTheText) {
  auto alice = NewDevice(a_, alice_token_, alice_, "alice.json");
  auto bob = NewDevice(b_, bob_token_, bob_, "bob.json");
  ASSERT_TRUE(alice && bob);

  // The actor document points at the key directory, which lists the device.
  std::string actor = a_.Get("/users/alice", "Accept: application/activity+json\r\n");
  EXPECT_THAT(actor, HasSubstr("\"e2eeKeys\":\"" + alice_ + "/e2ee\""));
  std::string directory = BodyOf(b_.Get("/users/bob/e2ee"));
  Result<e2ee::KeyDirectory> parsed = e2ee::ParseKeyDirectory(directory);
  ASSERT_TRUE(parsed.has_value()) << directory;
  ASSERT_EQ(parsed->devices.size(), 1u);
  EXPECT_EQ(parsed->devices[0].keys.id, bob->device_id());
  EXPECT_EQ(parsed->devices[0].one_time_prekeys, 20u);
  EXPECT_TRUE(e2ee::VerifyKeyDirectory(*parsed, 1).has_value());

  std::vector<std::string> secrets = {"SECRET-alpha-7f3a Meet at the town hall", "SECRET-bravo-19c2 Bring the petition",
                                      "SECRET-charlie-44d0 Reply from Bob", "SECRET-delta-5e11 Last word"};
  ASSERT_TRUE(alice->Send({bob_}, secrets[0]).has_value());
  ASSERT_TRUE(alice->Send({bob_}, secrets[1]).has_value());
  std::vector<messaging::ReceivedMessage> got = ReadAtLeast(*bob, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].content, secrets[0]);
  EXPECT_EQ(got[1].content, secrets[1]);
  EXPECT_EQ(got[0].from, alice_);
  EXPECT_EQ(got[0].to, std::vector<std::string>{bob_});
  // One one-time prekey was used for the session.
  Result<e2ee::KeyDirectory> after = e2ee::ParseKeyDirectory(BodyOf(b_.Get("/users/bob/e2ee")));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->devices[0].one_time_prekeys, 19u);

  ASSERT_TRUE(bob->Send({alice_}, secrets[2]).has_value());
  got = ReadAtLeast(*alice, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].content, secrets[2]);
  ASSERT_TRUE(alice->Send({bob_}, secrets[3]).has_value());
  got = ReadAtLeast(*bob, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].content, secrets[3]);

  // Read messages are gone from the node.
  EXPECT_THAT(BodyOf(Api(b_, bob_token_, "GET", "/api/e2ee/messages?device=" + bob->device_id())),
              HasSubstr("\"messages\":[]"));

  // A handle finds the same directory, through WebFinger for another node.
  for (const std::string& handle : {"acct:bob@127.0.0.1:" + std::to_string(b_.port()),
                                    "@bob@127.0.0.1:" + std::to_string(b_.port())}) {
    std::string found = Api(a_, alice_token_, "GET", "/api/e2ee/directory?actor=" + handle);
    EXPECT_EQ(StatusOf(found), 200) << handle << found;
    EXPECT_THAT(BodyOf(found), HasSubstr("\"owner\":\"" + bob_ + "\""));
  }
  EXPECT_EQ(StatusOf(Api(a_, alice_token_, "GET", "/api/e2ee/directory?actor=@nobody@127.0.0.1:" + std::to_string(b_.port()))), 404);
  // Both sides compute the same safety number.
  Result<messaging::PeerKeys> from_alice = alice->Peer(bob_);
  Result<messaging::PeerKeys> from_bob = bob->Peer(alice_);
  ASSERT_TRUE(from_alice && from_bob);
  EXPECT_EQ(from_alice->safety_number.size(), 60u);
  EXPECT_EQ(from_alice->safety_number, from_bob->safety_number);
  EXPECT_FALSE(from_alice->verified);
  ASSERT_TRUE(alice->MarkVerified(bob_).has_value());
  EXPECT_TRUE(alice->Peer(bob_)->verified);

  // No plaintext anywhere in either node's files (SST, WAL, manifest, logs).
  a_.Stop();
  b_.Stop();
  std::vector<std::string> needles(secrets);
  for (const std::string& secret : secrets) needles.push_back(secret.substr(0, 16));
  EXPECT_THAT(storage::testing::FilesContainingAny(a_.dir().Sub("data"), needles), ::testing::IsEmpty());
  EXPECT_THAT(storage::testing::FilesContainingAny(b_.dir().Sub("data"), needles), ::testing::IsEmpty());
}

TEST_F(MessagingFederationTest, ALostMessageDoesNotStopTheNextOnes) {
  auto alice = NewDevice(a_, alice_token_, alice_, "alice.json");
  auto bob = NewDevice(b_, bob_token_, bob_, "bob.json");
  ASSERT_TRUE(alice && bob);
  ASSERT_TRUE(alice->Send({bob_}, "first").has_value());
  ASSERT_TRUE(alice->Send({bob_}, "second, lost").has_value());
  ASSERT_TRUE(alice->Send({bob_}, "third").has_value());
  // The second never reaches Bob's device: it is acknowledged unread.
  std::string listed;
  ASSERT_TRUE(Eventually([&] {
    listed = BodyOf(Api(b_, bob_token_, "GET", "/api/e2ee/messages?device=" + bob->device_id()));
    Result<rapidjson::Document> doc = protocol::ParseJson(listed, {});
    return doc && (*doc)["messages"].Size() == 3;
  }));
  Result<rapidjson::Document> doc = protocol::ParseJson(listed, {});
  std::string second = (*doc)["messages"][1]["id"].GetString();
  EXPECT_EQ(StatusOf(Api(b_, bob_token_, "POST", "/api/e2ee/messages/ack",
                         R"({"device":")" + bob->device_id() + R"(","ids":[")" + second + R"("]})")),
            200);
  std::vector<messaging::ReceivedMessage> got = ReadAtLeast(*bob, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].content, "first");
  EXPECT_EQ(got[1].content, "third");
}

TEST_F(MessagingFederationTest, ARevokedDeviceCannotReadNewMessages) {
  auto alice = NewDevice(a_, alice_token_, alice_, "alice.json");
  auto bob_phone = NewDevice(b_, bob_token_, bob_, "bob-phone.json");
  ASSERT_TRUE(alice && bob_phone);
  ASSERT_TRUE(bob_phone->StoreBackup("correct horse battery staple").has_value());
  // A wrong passphrase opens nothing.
  EXPECT_FALSE(MessagingClient::Create(states_.Sub("bob-wrong.json"), TransportFor(b_, bob_token_), bob_,
                                       std::string("not the passphrase at all"), false)
                   .has_value());
  auto bob_laptop = NewDevice(b_, bob_token_, bob_, "bob-laptop.json", std::string("correct horse battery staple"));
  ASSERT_TRUE(bob_laptop);
  ASSERT_EQ(bob_laptop->Devices()->size(), 2u);

  // Before: both of Bob's devices read Alice's message, and Bob's laptop
  // sees what his phone sends.
  ASSERT_TRUE(alice->Send({bob_}, "to both devices").has_value());
  EXPECT_EQ(ReadAtLeast(*bob_phone, 1).at(0).content, "to both devices");
  EXPECT_EQ(ReadAtLeast(*bob_laptop, 1).at(0).content, "to both devices");
  ASSERT_TRUE(bob_phone->Send({alice_}, "from the phone").has_value());
  EXPECT_EQ(ReadAtLeast(*alice, 1).at(0).content, "from the phone");
  EXPECT_EQ(ReadAtLeast(*bob_laptop, 1).at(0).content, "from the phone");

  // The laptop revokes the phone (the phone cannot revoke itself).
  EXPECT_FALSE(bob_laptop->Revoke(bob_laptop->device_id()).has_value());
  ASSERT_TRUE(bob_laptop->Revoke(bob_phone->device_id()).has_value());
  ASSERT_TRUE(alice->Send({bob_}, "after the revocation").has_value());
  EXPECT_EQ(ReadAtLeast(*bob_laptop, 1).at(0).content, "after the revocation");
  Result<messaging::ReadOutcome> phone = bob_phone->Read();
  ASSERT_FALSE(phone.has_value());
  EXPECT_THAT(phone.error().message, HasSubstr("not in your device list"));

  // A raw envelope for the revoked device is refused by Bob's node.
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  std::string envelope = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + mallory.id +
                         R"(/m/1","type":"Create","actor":")" + mallory.id + R"(","to":[")" + bob_ +
                         R"("],"object":{"id":")" + mallory.id + R"(/m/1/e","type":"EncryptedMessage","attributedTo":")" +
                         mallory.id + R"(","to":[")" + bob_ + R"("],"senderDevice":")" + bob_phone->device_id() +
                         R"(","messages":[{"to":")" + bob_ + R"(","device":")" + bob_phone->device_id() +
                         R"(","body":")" + e2ee::EncodeBase64Url(std::string("\x01\x02", 2) + std::string(40 + 16, 'z')) +
                         R"("}]}})";
  RawConnection connection(b_.port());
  connection.Send(RemotePeer::SignedPost(mallory, b_.port(), "/inbox", envelope));
  std::string response = connection.ReadToEnd();
  EXPECT_EQ(StatusOf(response), 422) << response;
  EXPECT_THAT(response, HasSubstr("not in the device list"));
}

TEST_F(MessagingFederationTest, EnvelopesFromOtherServersAreFiledOnceAndNeverKeptAsActivities) {
  auto bob = NewDevice(b_, bob_token_, bob_, "bob.json");
  ASSERT_TRUE(bob);
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  const std::string wire = e2ee::EncodeBase64Url(std::string("\x01\x02", 2) + std::string(40 + 16, 'z'));
  auto envelope = [&](const std::string& id, const std::string& attributed, const std::string& device,
                      const std::string& to) {
    return R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + id +
           R"(","type":"Create","actor":")" + mallory.id + R"(","to":[")" + to +
           R"("],"object":{"id":")" + id + R"(/e","type":"EncryptedMessage","attributedTo":")" + attributed +
           R"(","to":[")" + to + R"("],"senderDevice":"AAAAAAAAAAAAAAAAAAAAAA","messages":[{"to":")" + to +
           R"(","device":")" + device + R"(","body":")" + wire + R"("}]}})";
  };
  int64_t offset = 0;
  auto post = [&](const std::string& body) {
    RawConnection connection(b_.port());
    // A new signature each time (the Date differs), as a retrying sender's.
    connection.Send(RemotePeer::SignedPost(mallory, b_.port(), "/inbox", body, {.clock_offset_seconds = --offset}));
    return connection.ReadToEnd();
  };
  struct Case {
    const char* name;
    std::string body;
    int status;
  } cases[] = {
      {"accepted", envelope(mallory.id + "/m/1", mallory.id, bob->device_id(), bob_), 202},
      {"the same activity again", envelope(mallory.id + "/m/1", mallory.id, bob->device_id(), bob_), 202},
      {"attributed to someone else", envelope(mallory.id + "/m/2", bob_, bob->device_id(), bob_), 422},
      {"unknown device", envelope(mallory.id + "/m/3", mallory.id, "BBBBBBBBBBBBBBBBBBBBBA", bob_), 422},
      {"malformed device id", envelope(mallory.id + "/m/4", mallory.id, "short", bob_), 422},
      {"not an account here", envelope(mallory.id + "/m/5", mallory.id, bob->device_id(), b_.base() + "/users/nobody"), 422},
      {"another node's account", envelope(mallory.id + "/m/6", mallory.id, bob->device_id(), alice_), 422},
  };
  for (const Case& c : cases) {
    std::string response = post(c.body);
    EXPECT_EQ(StatusOf(response), c.status) << c.name << ": " << response;
  }
  // Filed once, for Bob's device, and not kept as a received activity.
  Result<rapidjson::Document> waiting = protocol::ParseJson(
      BodyOf(Api(b_, bob_token_, "GET", "/api/e2ee/messages?device=" + bob->device_id())), {});
  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ((*waiting)["messages"].Size(), 1u);
  EXPECT_EQ(std::string((*waiting)["messages"][0]["from"].GetString()), mallory.id);
  Result<std::optional<std::string>> kept = b_.node().store().Get(storage::Family::kActivities, mallory.id + "/m/1");
  ASSERT_TRUE(kept.has_value());
  EXPECT_FALSE(kept->has_value());
  // Bob's client rejects it: its sender lists no such device.
  Result<messaging::ReadOutcome> read = bob->Read();
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_TRUE(read->messages.empty());
  ASSERT_EQ(read->rejected.size(), 1u);
}

TEST_F(MessagingFederationTest, OneTimePrekeysAreHandedOutOnceAndClaimsAreSigned) {
  auto bob = NewDevice(b_, bob_token_, bob_, "bob.json");
  ASSERT_TRUE(bob);
  const std::string claim = R"({"actor":")" + bob_ + R"(","devices":[")" + bob->device_id() + R"("]})";
  std::set<uint32_t> handed_out;
  for (int i = 0; i < 21; ++i) {
    std::string response = Api(a_, alice_token_, "POST", "/api/e2ee/claim", claim);
    ASSERT_EQ(StatusOf(response), 200) << response;
    Result<std::vector<e2ee::ClaimedDevice>> claimed = e2ee::ParseClaimAnswer(BodyOf(response));
    ASSERT_TRUE(claimed.has_value()) << BodyOf(response);
    ASSERT_EQ(claimed->size(), 1u);
    if (i < 20) {
      ASSERT_TRUE(claimed->at(0).one_time_prekey.has_value());
      EXPECT_TRUE(handed_out.insert(claimed->at(0).one_time_prekey->id).second) << "handed out twice";
    } else {
      EXPECT_FALSE(claimed->at(0).one_time_prekey.has_value()) << "none left: set-up without DH4";
    }
  }
  // Bob's client notices on its next read that the node has none left, and
  // uploads more.
  ASSERT_TRUE(bob->Read().has_value());
  Result<e2ee::KeyDirectory> refilled = e2ee::ParseKeyDirectory(BodyOf(b_.Get("/users/bob/e2ee")));
  ASSERT_TRUE(refilled.has_value());
  EXPECT_EQ(refilled->devices[0].one_time_prekeys, 20u);
  // Unsigned claims at the node itself are refused, and so is a replayed one.
  std::string unsigned_claim = Fetch(b_.port(), "POST", "/users/bob/e2ee/claim", "Content-Type: application/json\r\n",
                                     R"({"devices":[")" + bob->device_id() + R"("]})");
  EXPECT_EQ(StatusOf(unsigned_claim), 401) << unsigned_claim;
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  std::string signed_claim = RemotePeer::SignedPost(mallory, b_.port(), "/users/bob/e2ee/claim",
                                                    R"({"devices":[")" + bob->device_id() + R"("]})",
                                                    {.content_type = "application/json"});
  RawConnection first(b_.port());
  first.Send(signed_claim);
  EXPECT_EQ(StatusOf(first.ReadToEnd()), 200);
  RawConnection again(b_.port());
  again.Send(signed_claim);
  EXPECT_EQ(StatusOf(again.ReadToEnd()), 401);
}

TEST_F(MessagingFederationTest, HostileClientRequestsGetClearErrorsAndChangeNothing) {
  auto bob = NewDevice(b_, bob_token_, bob_, "bob.json");
  ASSERT_TRUE(bob);
  const std::string directory_before = BodyOf(b_.Get("/users/bob/e2ee"));
  const std::string device = bob->device_id();
  const std::string key = e2ee::EncodeBase64Url(std::string(32, 'k'));
  const std::string sig = e2ee::EncodeBase64Url(std::string(64, 's'));
  const std::string wire = e2ee::EncodeBase64Url(std::string("\x01\x02", 2) + std::string(40 + 16, 'z'));
  struct Case {
    const char* name;
    std::string method, target, body, token;
    int status;
  } cases[] = {
      {"no token", "GET", "/api/e2ee/messages?device=" + device, "", "", 401},
      {"unknown token", "GET", "/api/e2ee/messages?device=" + device, "", "nope", 401},
      {"not JSON", "POST", "/api/e2ee/publish", "{", bob_token_, 400},
      {"publish: no account key", "POST", "/api/e2ee/publish", R"({"deviceList":{}})", bob_token_, 400},
      {"publish: short key", "POST", "/api/e2ee/publish",
       R"({"accountKey":"AAAA","deviceList":{"version":9,"devices":[],"signature":")" + sig + R"("}})", bob_token_, 400},
      {"publish: another account key", "POST", "/api/e2ee/publish",
       R"({"accountKey":")" + key + R"(","deviceList":{"version":9,"devices":[],"signature":")" + sig + R"("}})",
       bob_token_, 409},
      {"publish: bad signature, reset", "POST", "/api/e2ee/publish",
       R"({"accountKey":")" + key + R"(","reset":true,"deviceList":{"version":9,"devices":[],"signature":")" + sig +
           R"("}})",
       bob_token_, 400},
      {"prekeys: unknown device", "POST", "/api/e2ee/prekeys",
       R"({"device":"BBBBBBBBBBBBBBBBBBBBBA","oneTimePrekeys":[{"id":1,"key":")" + key + R"(","signature":")" + sig +
           R"("}]})",
       bob_token_, 404},
      {"prekeys: forged signature", "POST", "/api/e2ee/prekeys",
       R"({"device":")" + device + R"(","oneTimePrekeys":[{"id":1,"key":")" + key + R"(","signature":")" + sig +
           R"("}]})",
       bob_token_, 400},
      {"prekeys: id 0", "POST", "/api/e2ee/prekeys",
       R"({"device":")" + device + R"(","oneTimePrekeys":[{"id":0,"key":")" + key + R"(","signature":")" + sig +
           R"("}]})",
       bob_token_, 400},
      {"send: device not mine", "POST", "/api/e2ee/messages",
       R"({"to":[")" + alice_ + R"("],"senderDevice":"BBBBBBBBBBBBBBBBBBBBBA","entries":[{"actor":")" + alice_ +
           R"(","device":"CCCCCCCCCCCCCCCCCCCCCA","body":")" + wire + R"("}]})",
       bob_token_, 403},
      {"send: entry for a stranger", "POST", "/api/e2ee/messages",
       R"({"to":[")" + alice_ + R"("],"senderDevice":")" + device + R"(","entries":[{"actor":"https://x.example/u","device":"CCCCCCCCCCCCCCCCCCCCCA","body":")" +
           wire + R"("}]})",
       bob_token_, 400},
      {"send: body is not a wire message", "POST", "/api/e2ee/messages",
       R"({"to":[")" + alice_ + R"("],"senderDevice":")" + device + R"(","entries":[{"actor":")" + alice_ +
           R"(","device":"CCCCCCCCCCCCCCCCCCCCCA","body":"AAAA"}]})",
       bob_token_, 400},
      {"send: no recipients", "POST", "/api/e2ee/messages",
       R"({"to":[],"senderDevice":")" + device + R"(","entries":[]})", bob_token_, 400},
      {"send: unknown local device", "POST", "/api/e2ee/messages",
       R"({"to":[")" + b_.base() + R"(/users/bob"],"senderDevice":")" + device + R"(","entries":[{"actor":")" +
           b_.base() + R"(/users/bob","device":"CCCCCCCCCCCCCCCCCCCCCA","body":")" + wire + R"("}]})",
       bob_token_, 422},
      {"read: another device", "GET", "/api/e2ee/messages?device=CCCCCCCCCCCCCCCCCCCCCA", "", bob_token_, 404},
      {"read: no device", "GET", "/api/e2ee/messages", "", bob_token_, 400},
      {"ack: malformed id", "POST", "/api/e2ee/messages/ack", R"({"device":")" + device + R"(","ids":["zz"]})",
       bob_token_, 400},
      {"ack: too many ids", "POST", "/api/e2ee/messages/ack",
       R"({"device":")" + device + R"(","ids":[)" + [] {
         std::string ids;
         for (int i = 0; i < 101; ++i) ids += std::string(i ? "," : "") + "\"00\"";
         return ids;
       }() + "]}",
       bob_token_, 413},
      {"backup: not an object", "PUT", "/api/e2ee/backup", "[1]", bob_token_, 400},
      {"backup: too large", "PUT", "/api/e2ee/backup", R"({"ciphertext":")" + std::string(5000, 'a') + R"("})",
       bob_token_, 413},
      {"backup: none stored", "GET", "/api/e2ee/backup", "", bob_token_, 404},
      {"directory: not a URL", "GET", "/api/e2ee/directory?actor=bob", "", bob_token_, 400},
      {"directory: nobody", "GET", "/api/e2ee/directory?actor=" + b_.base() + "/users/nobody", "", bob_token_, 404},
  };
  for (const Case& c : cases) {
    std::string headers = "Content-Type: application/json\r\n";
    if (!c.token.empty()) headers += "Authorization: Bearer " + c.token + "\r\n";
    std::string response = Fetch(b_.port(), c.method, c.target, headers, c.body);
    EXPECT_EQ(StatusOf(response), c.status) << c.name << ": " << response;
    EXPECT_THAT(BodyOf(response), HasSubstr("\"error\"")) << c.name;
  }
  EXPECT_EQ(BodyOf(b_.Get("/users/bob/e2ee")), directory_before);
  // A lower version of the list is refused; the client state is intact and works.
  ASSERT_TRUE(bob->Devices().has_value());
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

// What a hostile or broken node could hand Bob's device: the same ciphertext
// again, a ciphertext with one byte changed, a truncated one, one claiming
// another sender. Bob's client rejects each, and the session still works.
TEST_F(MessagingFederationTest, TheClientRejectsReplayedTamperedAndTruncatedEnvelopes) {
  auto alice = NewDevice(a_, alice_token_, alice_, "alice.json");
  auto bob = NewDevice(b_, bob_token_, bob_, "bob.json");
  ASSERT_TRUE(alice && bob);
  ASSERT_TRUE(alice->Send({bob_}, "genuine").has_value());
  // Take the ciphertext as the node holds it, before Bob reads it.
  messaging::MessageStore store(b_.node().store());
  parvis::accounts::AccountService service(b_.node().store(), [] { return int64_t{0}; });
  Result<std::optional<parvis::accounts::Account>> account = service.FindByName("bob");
  ASSERT_TRUE(account && account->has_value());
  std::vector<messaging::WaitingMessage> waiting;
  ASSERT_TRUE(Eventually([&] {
    Result<std::vector<messaging::WaitingMessage>> found = store.Waiting((*account)->id, bob->device_id(), 10);
    if (found) waiting = *found;
    return waiting.size() == 1;
  }));
  ASSERT_EQ(ReadAtLeast(*bob, 1).at(0).content, "genuine");

  messaging::WaitingMessage original = waiting[0];
  Result<std::string> bytes = e2ee::DecodeBase64Url(original.body);
  ASSERT_TRUE(bytes.has_value());
  std::vector<std::pair<std::string, messaging::WaitingMessage>> forged;
  forged.push_back({"replayed", original});
  for (size_t at : {size_t{0}, size_t{1}, size_t{3}, size_t{40}, bytes->size() / 2, bytes->size() - 1}) {
    std::string changed = *bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    messaging::WaitingMessage message = original;
    message.body = e2ee::EncodeBase64Url(changed);
    forged.push_back({"byte " + std::to_string(at) + " changed", message});
  }
  for (size_t length : {size_t{0}, size_t{10}, bytes->size() - 16, bytes->size() - 1}) {
    messaging::WaitingMessage message = original;
    message.body = e2ee::EncodeBase64Url(bytes->substr(0, length));
    forged.push_back({"cut to " + std::to_string(length) + " bytes", message});
  }
  messaging::WaitingMessage other_sender = original;
  other_sender.from = b_.base() + "/users/bob";
  forged.push_back({"another sender", other_sender});
  messaging::WaitingMessage not_base64 = original;
  not_base64.body = "%%%";
  forged.push_back({"not base64url", not_base64});
  for (const auto& [name, message] : forged) {
    storage::Batch batch;
    ASSERT_TRUE(store.PutMessage(batch, (*account)->id, bob->device_id(), message).has_value());
    ASSERT_TRUE(b_.node().store().Write(batch).has_value());
    Result<messaging::ReadOutcome> read = bob->Read();
    ASSERT_TRUE(read.has_value()) << name << ": " << read.error().message;
    EXPECT_TRUE(read->messages.empty()) << name << " was accepted: " << read->messages.at(0).content;
    EXPECT_EQ(read->rejected.size(), 1u) << name;
  }
  // The session survived every attempt.
  ASSERT_TRUE(alice->Send({bob_}, "still fine").has_value());
  EXPECT_EQ(ReadAtLeast(*bob, 1).at(0).content, "still fine");
}

}  // namespace
}  // namespace parvis
