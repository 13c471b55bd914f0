// Petitions across three real nodes on loopback: node A is the home of a
// petition; accounts of B and C sign it; counts, states, withdrawals, the
// answer and the signature log are checked from every side.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "support/eventually.h"
#include "support/petition_steps.h"
#include "support/remote_peer.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::CheckLog;
using ::parvis::testing::Control;
using ::parvis::testing::CountOf;
using ::parvis::testing::Deadline;
using ::parvis::testing::Eventually;
using ::parvis::testing::MineState;
using ::parvis::testing::OpenPetition;
using ::parvis::testing::PeerActor;
using ::parvis::testing::PetitionOf;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::SignAt;
using ::parvis::testing::StateOf;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::VerifyCommand;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kJson = ::parvis::testing::kActivityJson;

std::string Send(uint16_t port, const std::string& raw) {
  RawConnection connection(port);
  connection.Send(raw);
  return connection.ReadResponse();
}

// The remote copy a node keeps of a petition (from its Updates).
std::string StoredCopy(TestNode& node, const std::string& id) {
  return Control(node, "GET", "/control/object?id=" + id).body;
}

class PetitionFederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.CreateAccount("assoc", "organization");
    a_.CreateAccount("alix");
    b_.CreateAccount("bea");
    b_.CreateAccount("bob");
    c_.CreateAccount("cid");
  }
  TestNode a_{{}, /*federating=*/true};
  TestNode b_{{}, /*federating=*/true};
  TestNode c_{{}, /*federating=*/true};
};

TEST_F(PetitionFederationTest, SignaturesFromThreeNodesAreCountedOnceAndConverge) {
  std::string id = OpenPetition(a_, "assoc", /*threshold=*/4, /*seconds=*/3600);
  std::string path = id.substr(a_.base().size());
  EXPECT_EQ(StateOf(a_, path), "open");
  // One local signer, two on B (one anonymous), one on C.
  ASSERT_EQ(SignAt(a_, "alix", id).status, 200);
  ASSERT_EQ(SignAt(b_, "bea", id).status, 200);
  ASSERT_EQ(SignAt(b_, "bob", id, /*anonymous=*/true).status, 200);
  ASSERT_EQ(SignAt(c_, "cid", id).status, 200);
  EXPECT_TRUE(Eventually([&] {
    return MineState(b_, "bea", id) == "signed" && MineState(b_, "bob", id) == "signed" &&
           MineState(c_, "cid", id) == "signed";
  })) << MineState(b_, "bea", id) << MineState(b_, "bob", id) << MineState(c_, "cid", id);
  EXPECT_EQ(CountOf(a_, path), 4u);
  EXPECT_EQ(StateOf(a_, path), "successful");
  // The signers' nodes learn the count and state from the home node's Update.
  EXPECT_TRUE(Eventually([&] {
    std::string copy = StoredCopy(b_, id);
    return copy.find("\"signatureCount\":4") != std::string::npos &&
           copy.find("\"petitionState\":\"successful\"") != std::string::npos;
  })) << StoredCopy(b_, id);
  EXPECT_TRUE(Eventually([&] { return StoredCopy(c_, id).find("\"signatureCount\":4") != std::string::npos; }));

  // A second signature by the same account: refused, locally and at home.
  EXPECT_EQ(SignAt(b_, "bea", id).status, 409);
  EXPECT_EQ(SignAt(a_, "alix", id).status, 409);
  EXPECT_EQ(CountOf(a_, path), 4u);

  // Withdrawal: the count goes down, the state back to open.
  ASSERT_EQ(SignAt(b_, "bob", id, false, /*undo=*/true).status, 200);
  EXPECT_TRUE(Eventually([&] { return MineState(b_, "bob", id) == "withdrawn"; }));
  EXPECT_EQ(CountOf(a_, path), 3u);
  EXPECT_EQ(StateOf(a_, path), "open");
  EXPECT_TRUE(Eventually([&] { return StoredCopy(b_, id).find("\"signatureCount\":3") != std::string::npos; }));
  // Withdrawing twice: nothing to withdraw.
  EXPECT_EQ(SignAt(b_, "bob", id, false, /*undo=*/true).status, 404);

  // The log proves the count; the anonymous signer is not named in it.
  std::vector<protocol::SignatureEntry> entries;
  Result<protocol::TallyCheck> check = CheckLog(a_, id, path, &entries);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_EQ(check->count, 3u);
  EXPECT_EQ(check->entries, 5u);
  rapidjson::Document published = PetitionOf(a_, path);
  EXPECT_EQ(protocol::StringMember(published["petition"], "logHead"), check->head);
  std::string log_text;
  for (const auto& e : entries) log_text += e.actor + " ";
  EXPECT_THAT(log_text, HasSubstr(b_.base() + "/users/bea"));
  EXPECT_THAT(log_text, HasSubstr(c_.base() + "/users/cid"));
  EXPECT_THAT(log_text, Not(HasSubstr("/users/bob")));
  EXPECT_THAT(BodyOf(a_.Get(path + "/log?from=0", kJson)), Not(HasSubstr("bob")));

  // The command-line check agrees; once a log entry is altered in A's
  // database, it fails and says where.
  auto [code, output] = VerifyCommand(id);
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("signatures: 3"));
  {
    // bea's entry (signatures from several nodes arrive in any order).
    uint64_t bea_index = 0;
    for (const auto& e : entries) {
      if (e.actor == b_.base() + "/users/bea") bea_index = e.index;
    }
    std::string key = "l/" + storage::EncodeUint64(1) + storage::EncodeUint64(bea_index);
    Result<std::optional<std::string>> entry = a_.node().store().Get(storage::Family::kPetitions, key);
    ASSERT_TRUE(entry.has_value() && entry->has_value());
    std::string forged = **entry;
    size_t at = forged.find(b_.base() + "/users/bea");
    ASSERT_NE(at, std::string::npos) << forged;
    forged.replace(at, (b_.base() + "/users/bea").size(), b_.base() + "/users/eve");
    storage::Batch batch;
    batch.Put(storage::Family::kPetitions, key, forged);
    ASSERT_TRUE(a_.node().store().Write(batch).has_value());
    auto [bad_code, bad_output] = VerifyCommand(id);
    EXPECT_EQ(bad_code, 1);
    EXPECT_THAT(bad_output, HasSubstr("NOT verified: signature log entry " + std::to_string(bea_index) +
                                      ": hash does not match"));
    batch = storage::Batch();
    batch.Put(storage::Family::kPetitions, key, **entry);
    ASSERT_TRUE(a_.node().store().Write(batch).has_value());
  }
  EXPECT_EQ(VerifyCommand(a_.base() + "/petitions/404").first, 1);

  // The organiser's export respects each signer's choice.
  http::Response csv = Control(a_, "GET", "/control/petitions/signatures?account=assoc&format=csv&id=" + id);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_THAT(csv.body, HasSubstr("index,time,signer,hash"));
  EXPECT_THAT(csv.body, HasSubstr(b_.base() + "/users/bea"));
  EXPECT_THAT(csv.body, Not(HasSubstr("bob")));
  http::Response json = Control(a_, "GET", "/control/petitions/signatures?account=assoc&format=json&id=" + id);
  ASSERT_EQ(json.status, 200);
  Result<rapidjson::Document> exported = protocol::ParseJson(json.body, {});
  ASSERT_TRUE(exported.has_value());
  EXPECT_EQ(exported->GetArray().Size(), 3u);
  // Only the organiser exports.
  EXPECT_EQ(Control(a_, "GET", "/control/petitions/signatures?account=alix&format=csv&id=" + id).status, 404);

  // Bob signs again (a new signature after his withdrawal): successful, then
  // answered; the answer reaches the signers' nodes.
  ASSERT_EQ(SignAt(b_, "bob", id, /*anonymous=*/true).status, 200);
  EXPECT_TRUE(Eventually([&] { return CountOf(a_, path) == 4u; }));
  ASSERT_EQ(Control(a_, "POST", "/control/petitions/answer",
                    R"({"account":"assoc","id":")" + id + R"(","text":"The library opens on Sundays from May."})")
                .status,
            200);
  EXPECT_EQ(StateOf(a_, path), "answered");
  EXPECT_TRUE(Eventually([&] {
    return StoredCopy(c_, id).find("opens on Sundays from May") != std::string::npos;
  })) << StoredCopy(c_, id);
  // Signing ends with the answer.
  EXPECT_EQ(SignAt(a_, "assoc", id).status, 400);
}

TEST_F(PetitionFederationTest, TheHomeNodeRefusesASecondSignatureByTheSameActor) {
  std::string id = OpenPetition(a_, "assoc", 10, 3600);
  std::string path = id.substr(a_.base().size());
  RemotePeer peer;
  PeerActor eve = peer.AddActor("eve");
  std::string organiser = a_.base() + "/users/assoc";
  auto sign = [&](const std::string& n) {
    return protocol::SignActivityJson(eve.id + "/signatures/" + n, eve.id, id, organiser, false);
  };
  ASSERT_EQ(StatusOf(Send(a_.port(), RemotePeer::SignedPost(eve, a_.port(), "/inbox", sign("1")))), 202);
  ASSERT_TRUE(Eventually([&] { return CountOf(a_, path) == 1u; }));
  // Another Sign by eve, new id: refused with a Reject; the count stays.
  ASSERT_EQ(StatusOf(Send(a_.port(), RemotePeer::SignedPost(eve, a_.port(), "/inbox", sign("2")))), 202);
  EXPECT_TRUE(Eventually([&] {
    for (const auto& r : peer.received()) {
      if (r.body.find("\"Reject\"") != std::string::npos &&
          r.body.find("already signed") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
  // The first Sign again, with a fresh HTTP signature (a new Date): not a
  // second entry.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(StatusOf(Send(a_.port(), RemotePeer::SignedPost(eve, a_.port(), "/inbox", sign("1")))), 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(CountOf(a_, path), 1u);
  Result<protocol::TallyCheck> check = CheckLog(a_, id, path);
  ASSERT_TRUE(check.has_value());
  EXPECT_EQ(check->entries, 1u);
  // A Sign for a petition that does not exist, or hostile shapes: no effect, no crash.
  for (const std::string& body :
       {protocol::SignActivityJson(eve.id + "/signatures/9", eve.id, a_.base() + "/petitions/99", organiser, false),
        std::string(R"({"id":")") + eve.id + R"(/s/x","type":"Sign","actor":")" + eve.id + R"(","object":{"id":42}})",
        std::string(R"({"id":")") + eve.id + R"(/s/y","type":"Sign","actor":")" + eve.id + R"(","object":")" + id +
            R"(","anonymous":"maybe"})"}) {
    EXPECT_EQ(StatusOf(Send(a_.port(), RemotePeer::SignedPost(eve, a_.port(), "/inbox", body))), 202);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(CountOf(a_, path), 1u);
  // Someone else's Undo of eve's Sign is ignored.
  PeerActor mallory = peer.AddActor("mallory");
  std::string undo = R"({"id":")" + mallory.id + R"(/undo","type":"Undo","actor":")" + mallory.id +
                     R"(","object":)" + sign("1") + "}";
  ASSERT_EQ(StatusOf(Send(a_.port(), RemotePeer::SignedPost(mallory, a_.port(), "/inbox", undo))), 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(CountOf(a_, path), 1u);
}

TEST_F(PetitionFederationTest, TheDeadlineClosesThePetition) {
  std::string id = OpenPetition(a_, "assoc", 1, /*seconds=*/2);
  std::string path = id.substr(a_.base().size());
  ASSERT_EQ(SignAt(a_, "alix", id).status, 200);
  EXPECT_EQ(StateOf(a_, path), "successful");
  std::string other = OpenPetition(a_, "assoc", 5, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(StateOf(a_, path), "successful");
  EXPECT_EQ(StateOf(a_, other.substr(a_.base().size())), "expired");
  http::Response late = SignAt(a_, "alix", other);
  EXPECT_EQ(late.status, 400);
  EXPECT_THAT(late.body, HasSubstr("not open for signatures"));
}

TEST_F(PetitionFederationTest, CommandsRefuseBadInput) {
  struct Case {
    std::string path, body;
    int status;
  };
  std::string deadline = Deadline(3600);
  std::vector<Case> cases = {
      {"/control/petitions/create", R"({"account":"alix","title":"t","text":"x","addressee":"a","threshold":3,"deadline":")" + deadline + R"("})", 400},
      {"/control/petitions/create", R"({"account":"nobody","title":"t","text":"x","addressee":"a","threshold":3,"deadline":")" + deadline + R"("})", 404},
      {"/control/petitions/create", R"({"account":"assoc","title":"","text":"x","addressee":"a","threshold":3,"deadline":")" + deadline + R"("})", 400},
      {"/control/petitions/create", R"({"account":"assoc","title":"t","text":"x","addressee":"a","threshold":0,"deadline":")" + deadline + R"("})", 400},
      {"/control/petitions/create", R"({"account":"assoc","title":"t","text":"x","addressee":"a","threshold":-5,"deadline":")" + deadline + R"("})", 400},
      {"/control/petitions/create", R"({"account":"assoc","title":"t","text":"x","addressee":"a","threshold":3,"deadline":"2001-01-01T00:00:00Z"})", 400},
      {"/control/petitions/create", R"({"account":"assoc","title":"t","text":"x","addressee":"a","threshold":3,"deadline":"tomorrow"})", 400},
      {"/control/petitions/create", R"({"account":"assoc","title":"t","text":")" + std::string(5001, 'x') + R"(","addressee":"a","threshold":3,"deadline":")" + deadline + R"("})", 400},
      {"/control/petitions/open", R"({"account":"assoc","id":"https://elsewhere.example/petitions/1"})", 400},
      {"/control/petitions/open", R"({"account":"assoc","id":")" + a_.base() + R"(/petitions/77"})", 404},
      {"/control/petitions/sign", R"({"account":"alix","petition":"not a url"})", 400},
      {"/control/petitions/sign", R"({"account":"alix","petition":")" + a_.base() + R"(/petitions/77"})", 404},
      {"/control/petitions/sign", R"({"account":"alix","petition":")" + a_.base() + R"(/petitions/1","anonymous":"yes"})", 400},
  };
  for (const Case& c : cases) {
    http::Response response = Control(a_, "POST", c.path, c.body);
    EXPECT_EQ(response.status, c.status) << c.path << " " << c.body.substr(0, 200) << " -> " << response.body;
  }
  // NodeInfo names the civic features, so other software can tell.
  std::string nodeinfo = BodyOf(a_.Get("/nodeinfo/2.1"));
  EXPECT_THAT(nodeinfo, HasSubstr(R"("civicFeatures":["sectors","petitions","signature-log","consultations","e2ee-messages-v1")"));
  // Drafts are not public and cannot be signed.
  http::Response created = Control(a_, "POST", "/control/petitions/create",
                                   R"({"account":"assoc","title":"t","text":"x","addressee":"a","threshold":3,"deadline":")" +
                                       deadline + R"("})");
  ASSERT_EQ(created.status, 201);
  Result<rapidjson::Document> doc = protocol::ParseJson(created.body, {});
  std::string id = protocol::StringMember(*doc, "id").value_or("");
  EXPECT_EQ(StatusOf(a_.Get(id.substr(a_.base().size()), kJson)), 404);
  EXPECT_EQ(SignAt(a_, "alix", id).status, 400);
  // Someone else's petition cannot be opened or answered by another account.
  a_.CreateAccount("rival", "organization");
  EXPECT_EQ(Control(a_, "POST", "/control/petitions/open", R"({"account":"rival","id":")" + id + R"("})").status, 404);
}

}  // namespace
}  // namespace parvis
