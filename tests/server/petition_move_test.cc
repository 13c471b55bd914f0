// Petition signatures follow an account that moves (docs/protocol.md,
// "Moves"), across three real nodes on loopback: alice on A signs petitions
// on C (named on one, anonymous on another that bob on B signed too) and on
// A itself, then moves to bob. C's logs get move entries that the replay
// and `parvis verify-petition` accept; bob holds the signatures, alice no
// longer does; forged and replayed Moves change nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "server/civic/petition_store.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/petition_steps.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::CheckLog;
using ::parvis::testing::Control;
using ::parvis::testing::CountOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::MineState;
using ::parvis::testing::OpenPetition;
using ::parvis::testing::PeerActor;
using ::parvis::testing::PendingDeliveries;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::SignAt;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::VerifyCommand;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Send(uint16_t port, const std::string& raw) {
  RawConnection connection(port);
  connection.Send(raw);
  return connection.ReadResponse();
}

std::string MoveJson(const std::string& id, const std::string& actor, const std::string& object,
                     const std::string& target) {
  return R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + id + R"(","type":"Move","actor":")" +
         actor + R"(","object":")" + object + R"(","target":")" + target + R"("})";
}

// True once no node has a delivery waiting and every inbox worker is idle.
bool Idle(std::initializer_list<TestNode*> nodes) {
  for (TestNode* node : nodes) {
    if (PendingDeliveries(*node) != 0) return false;
    bool queued = false;
    (void)node->node().store().Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
      queued = true;
      return false;
    });
    if (queued) return false;
  }
  return true;
}

// The log of petition `id` on `node`, checked by the replay.
std::vector<protocol::SignatureEntry> LogOf(TestNode& node, const std::string& id, uint64_t* count = nullptr) {
  std::vector<protocol::SignatureEntry> entries;
  Result<protocol::TallyCheck> check = CheckLog(node, id, id.substr(node.base().size()), &entries);
  EXPECT_TRUE(check.has_value()) << id << ": " << (check ? "" : check.error().message);
  if (count != nullptr) *count = check ? check->count : 999999;
  return entries;
}

std::string Exported(TestNode& node, const std::string& organiser, const std::string& id) {
  return Control(node, "GET", "/control/petitions/signatures?account=" + organiser + "&format=json&id=" + id).body;
}

// The index of the sign entry that names `actor`.
uint64_t SignedBy(const std::vector<protocol::SignatureEntry>& log, const std::string& actor) {
  for (const protocol::SignatureEntry& entry : log) {
    if (!entry.withdrawal && !entry.move && entry.actor == actor) return entry.index;
  }
  ADD_FAILURE() << "no sign entry names " << actor;
  return 0;
}

class PetitionMoveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.CreateAccount("alice");
    a_.CreateAccount("club", "organization");
    b_.CreateAccount("bob");
    b_.CreateAccount("dora2");
    c_.CreateAccount("assoc", "organization");
    c_.CreateAccount("carol");
  }
  TestNode a_{{}, /*federating=*/true};
  TestNode b_{{}, /*federating=*/true};
  TestNode c_{{}, /*federating=*/true};
};

TEST_F(PetitionMoveTest, SignaturesFollowTheAccountThatMoved) {
  const std::string alice = a_.base() + "/users/alice";
  const std::string bob = b_.base() + "/users/bob";
  const std::string named = OpenPetition(c_, "assoc", 10, 3600);
  const std::string merged = OpenPetition(c_, "assoc", 10, 3600);
  const std::string local = OpenPetition(a_, "club", 10, 3600);  // on alice's own node
  ASSERT_EQ(SignAt(c_, "carol", named).status, 200);
  ASSERT_EQ(SignAt(a_, "alice", named).status, 200);
  ASSERT_EQ(SignAt(a_, "alice", merged, /*anonymous=*/true).status, 200);
  ASSERT_EQ(SignAt(b_, "bob", merged).status, 200);
  ASSERT_EQ(SignAt(a_, "alice", local).status, 200);
  ASSERT_TRUE(Eventually([&] {
    return MineState(a_, "alice", named) == "signed" && MineState(a_, "alice", merged) == "signed" &&
           MineState(b_, "bob", merged) == "signed";
  }));

  // Forged Moves, before the real one: mallory (who signed too) cannot move
  // alice's signature, nor her own to an actor that does not name her.
  RemotePeer peer;
  PeerActor mallory = peer.AddActor("mallory");
  const std::string organiser = c_.base() + "/users/assoc";
  ASSERT_EQ(StatusOf(Send(c_.port(), RemotePeer::SignedPost(mallory, c_.port(), "/inbox",
                                                           protocol::SignActivityJson(mallory.id + "/signatures/1",
                                                                                      mallory.id, named, organiser,
                                                                                      false)))),
            202);
  ASSERT_TRUE(Eventually([&] { return CountOf(c_, named.substr(c_.base().size())) == 3u; }));
  struct Forged {
    const char* name;
    std::string raw;
    int status;
  } forged[] = {
      {"unsigned, as alice",
       "POST /inbox HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(c_.port()) +
           "\r\nContent-Type: application/activity+json\r\nContent-Length: " +
           std::to_string(MoveJson(alice + "#m1", alice, alice, mallory.id).size()) + "\r\nConnection: close\r\n\r\n" +
           MoveJson(alice + "#m1", alice, alice, mallory.id),
       401},
      {"signed by mallory, as alice",
       RemotePeer::SignedPost(mallory, c_.port(), "/inbox", MoveJson(alice + "#m2", alice, alice, mallory.id)), 401},
      {"mallory moves alice",
       RemotePeer::SignedPost(mallory, c_.port(), "/inbox", MoveJson(mallory.id + "#m3", mallory.id, alice, mallory.id)),
       202},
      {"to an actor that does not name mallory",
       RemotePeer::SignedPost(mallory, c_.port(), "/inbox", MoveJson(mallory.id + "#m4", mallory.id, mallory.id, bob)),
       202},
      {"to itself",
       RemotePeer::SignedPost(mallory, c_.port(), "/inbox",
                              MoveJson(mallory.id + "#m5", mallory.id, mallory.id, mallory.id)),
       202},
      {"no target",
       RemotePeer::SignedPost(mallory, c_.port(), "/inbox",
                              R"({"id":")" + mallory.id + R"(#m6","type":"Move","actor":")" + mallory.id +
                                  R"(","object":")" + mallory.id + R"(","target":{"id":42}})"),
       202},
  };
  for (const Forged& f : forged) EXPECT_EQ(StatusOf(Send(c_.port(), f.raw)), f.status) << f.name;
  ASSERT_TRUE(Eventually([&] { return Idle({&a_, &b_, &c_}); }));
  EXPECT_EQ(LogOf(c_, named).size(), 3u);
  EXPECT_EQ(LogOf(c_, merged).size(), 2u);

  // The real move. C hears of it though no one there follows alice.
  ASSERT_EQ(Control(b_, "POST", "/control/accounts/alias", R"({"account":"bob","alias":")" + alice + R"("})").status,
            200);
  http::Response moved =
      Control(a_, "POST", "/control/accounts/move", R"({"account":"alice","target":")" + bob + R"("})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_THAT(moved.body, HasSubstr("\"deliveries\":1"));
  ASSERT_TRUE(Eventually([&] { return LogOf(c_, named).size() == 4u && LogOf(c_, merged).size() == 3u; }));

  // The named signature: bob's now, the count unchanged, the log proves it.
  uint64_t count = 0;
  std::vector<protocol::SignatureEntry> log = LogOf(c_, named, &count);
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(CountOf(c_, named.substr(c_.base().size())), 3u);
  const uint64_t alice_index = SignedBy(log, alice);
  EXPECT_TRUE(log.back().move);
  EXPECT_EQ(log.back().actor, bob);
  EXPECT_EQ(log.back().moves, alice_index);
  EXPECT_FALSE(log.back().into.has_value());
  EXPECT_THAT(Exported(c_, "assoc", named), HasSubstr(bob));
  EXPECT_THAT(Exported(c_, "assoc", named), Not(HasSubstr(alice)));
  auto [code, output] = VerifyCommand(named);
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("signatures: 3"));

  // The anonymous one: bob had signed too, so one person counts once.
  log = LogOf(c_, merged, &count);
  EXPECT_EQ(count, 1u);
  EXPECT_TRUE(log.back().move);
  ASSERT_TRUE(log.back().into.has_value());
  EXPECT_EQ(*log.back().into, SignedBy(log, bob));
  EXPECT_EQ(log.back().actor, "");
  auto [merged_code, merged_output] = VerifyCommand(merged);
  EXPECT_EQ(merged_code, 0) << merged_output;
  EXPECT_THAT(merged_output, HasSubstr("signatures: 1"));

  // Alice's own node moved the signature of its own petition at once.
  log = LogOf(a_, local, &count);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(count, 1u);
  EXPECT_TRUE(log.back().move);
  EXPECT_EQ(log.back().actor, bob);
  EXPECT_THAT(Exported(a_, "club", local), HasSubstr(bob));

  // Bob signing again is refused as a second signature; alice can no longer
  // withdraw hers.
  ASSERT_EQ(SignAt(b_, "bob", named).status, 200);
  EXPECT_TRUE(Eventually([&] { return MineState(b_, "bob", named) == "refused"; }));
  EXPECT_THAT(Control(b_, "GET", "/control/petitions/mine?account=bob&petition=" + named).body,
              HasSubstr("already signed"));
  ASSERT_EQ(SignAt(a_, "alice", named, false, /*undo=*/true).status, 200);
  EXPECT_TRUE(Eventually([&] {
    return Control(a_, "GET", "/control/petitions/mine?account=alice&petition=" + named).body.find(
               "moved with its account") != std::string::npos;
  }));
  EXPECT_EQ(MineState(a_, "alice", named), "signed");
  ASSERT_TRUE(Eventually([&] { return Idle({&a_, &b_, &c_}); }));
  EXPECT_EQ(LogOf(c_, named).size(), 4u);

  // The same move again (A sends a second Move): nothing left to move.
  ASSERT_EQ(Control(a_, "POST", "/control/accounts/move", R"({"account":"alice","target":")" + bob + R"("})").status,
            200);
  // A verified Move of an actor that signed nothing writes nothing either.
  PeerActor dora = peer.AddActor("dora");
  ASSERT_EQ(Control(b_, "POST", "/control/accounts/alias", R"({"account":"dora2","alias":")" + dora.id + R"("})").status,
            200);
  ASSERT_EQ(StatusOf(Send(c_.port(), RemotePeer::SignedPost(dora, c_.port(), "/inbox",
                                                           MoveJson(dora.id + "#move", dora.id, dora.id,
                                                                    b_.base() + "/users/dora2")))),
            202);
  ASSERT_TRUE(Eventually([&] { return Idle({&a_, &b_, &c_}); }));
  EXPECT_EQ(LogOf(c_, named).size(), 4u);
  EXPECT_EQ(LogOf(c_, merged).size(), 3u);
  EXPECT_EQ(LogOf(a_, local).size(), 2u);

  // Bob withdraws the signature he holds. His node has no record of it (an
  // import of alice's petitions.json is not done): it gets one here, as if.
  {
    Result<std::optional<std::string>> id = b_.node().store().Get(storage::Family::kAccountNames, "bob");
    ASSERT_TRUE(id.has_value() && id->has_value());
    const std::string key = "m/" + **id + named;
    Result<std::optional<std::string>> bytes = b_.node().store().Get(storage::Family::kPetitions, key);
    ASSERT_TRUE(bytes.has_value() && bytes->has_value());
    std::string home;
    Result<civic::MySignature> mine = civic::DecodeMine(**bytes, &home);
    ASSERT_TRUE(mine.has_value());
    mine->state = civic::MySignatureState::kSigned;
    storage::Batch batch;
    batch.Put(storage::Family::kPetitions, key, civic::EncodeMine(*mine, home));
    ASSERT_TRUE(b_.node().store().Write(batch).has_value());
  }
  ASSERT_EQ(SignAt(b_, "bob", named, false, /*undo=*/true).status, 200);
  EXPECT_TRUE(Eventually([&] { return MineState(b_, "bob", named) == "withdrawn"; }));
  log = LogOf(c_, named, &count);
  EXPECT_EQ(count, 2u);
  EXPECT_TRUE(log.back().withdrawal);
  EXPECT_EQ(log.back().withdraws, alice_index);
  EXPECT_THAT(Exported(c_, "assoc", named), Not(HasSubstr(bob)));
  auto [after_code, after_output] = VerifyCommand(named);
  EXPECT_EQ(after_code, 0) << after_output;
  EXPECT_THAT(after_output, HasSubstr("signatures: 2"));
}

// When the new account lives on the petition's home node, it gets the
// signature's record there too, and withdraws it like any of its own.
TEST_F(PetitionMoveTest, ANewAccountOnTheHomeNodeHoldsTheSignatureAsItsOwn) {
  const std::string alice = a_.base() + "/users/alice";
  const std::string carol = c_.base() + "/users/carol";
  const std::string id = OpenPetition(c_, "assoc", 10, 3600);
  ASSERT_EQ(SignAt(a_, "alice", id).status, 200);
  ASSERT_TRUE(Eventually([&] { return MineState(a_, "alice", id) == "signed"; }));
  ASSERT_EQ(Control(c_, "POST", "/control/accounts/alias", R"({"account":"carol","alias":")" + alice + R"("})").status,
            200);
  ASSERT_EQ(Control(a_, "POST", "/control/accounts/move", R"({"account":"alice","target":")" + carol + R"("})").status,
            200);
  ASSERT_TRUE(Eventually([&] { return MineState(c_, "carol", id) == "signed"; }));
  std::vector<protocol::SignatureEntry> log = LogOf(c_, id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.back().actor, carol);
  // Her own record's receipt is the move entry.
  EXPECT_THAT(Control(c_, "GET", "/control/petitions/mine?account=carol&petition=" + id).body,
              HasSubstr(log.back().hash));
  EXPECT_EQ(SignAt(c_, "carol", id).status, 409);
  ASSERT_EQ(SignAt(c_, "carol", id, false, /*undo=*/true).status, 200);
  uint64_t count = 1;
  log = LogOf(c_, id, &count);
  EXPECT_EQ(count, 0u);
  EXPECT_TRUE(log.back().withdrawal);
}

}  // namespace
}  // namespace parvis
