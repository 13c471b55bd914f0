// Moving an account with a real third-party follower: alice on Parvis A is followed by the
// Fedify peer's alice (peer.mjs, which handles Move as Mastodon does); bob on Parvis B names
// alice in alsoKnownAs, alice moves to bob, and the peer follows bob instead of alice. A
// second Fedify peer (the "forger") sends Moves the peer must refuse: one claiming another
// account's followers, one to a target that does not name its sender, malformed and replayed
// ones; once bob names the forger too, its Move is carried out once.
//
// Two `parvis serve` children and one or two Fedify children on loopback; deliveries go
// through queues on every side, so each check polls (Eventually) instead of timing anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "interop/interop_harness.h"

namespace parvis::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// Whom `peer`'s alice follows, and how far each follow got: actor id -> state.
std::map<std::string, std::string> PeerFollowing(FedifyPeer& peer) {
  std::map<std::string, std::string> states;
  rapidjson::Document following = ParseJson(peer.Get("following").body);
  if (!following.IsObject()) return states;
  for (const auto& entry : following.GetObject()) {
    states[entry.name.GetString()] = StringMember(entry.value, "state");
  }
  return states;
}

// The state of `actor` in `account`'s `list` ("followers" or "following") on `node`, read
// from `GET /control/follows?account=NAME`; "" when not listed.
std::string ParvisFollowState(ParvisProcess& node, const std::string& account, const char* list,
                              const std::string& actor) {
  rapidjson::Document follows = ParseJson(node.ControlGet("/control/follows?account=" + account).body);
  const rapidjson::Value* entry = Find(Member(follows, list), [&](const rapidjson::Value& e) {
    return StringMember(e, "actor") == actor;
  });
  return entry == nullptr ? "" : StringMember(*entry, "state");
}

class FedifyMoveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(a_.ok() && b_.ok()) << "a parvis node did not print its listening line";
    ASSERT_TRUE(peer_.ok()) << "the Fedify peer did not start";
    for (auto [node, name] : {std::pair{&a_, "alice"}, std::pair{&b_, "bob"}}) {
      ProcessResult created = node->CreateUser(name, "person");
      ASSERT_EQ(created.exit_code, 0) << created.err;
    }
    alice_ = a_.base_url() + "/users/alice";
    bob_ = b_.base_url() + "/users/bob";
    follower_ = "http://127.0.0.1:" + std::to_string(peer_.port()) + "/users/alice";
  }

  // What crossed the wire, then: Fedify logs a warning or an error whenever something it
  // received bothers it, so a test ends with none.
  void TearDown() override {
    if (!peer_.ok()) return;
    std::cout << DescribePeerExchanges(peer_);
    EXPECT_EQ(peer_.Get("fedify-log").body, "[]") << "Fedify complained";
  }

  // The peer's alice follows `actor`, and `actor` accepts (seen on both sides when `node`,
  // the actor's Parvis node, is given).
  void PeerFollows(const std::string& actor, ParvisProcess* node = nullptr, const std::string& account = "") {
    HttpAnswer followed = peer_.Post("follow", R"({"target":)" + JsonString(actor) + "}");
    ASSERT_EQ(followed.status, 200) << followed.body;
    ASSERT_TRUE(Eventually([&] { return PeerFollowing(peer_)[actor] == "accepted"; }))
        << actor << " never accepted the peer's Follow: " << peer_.Get("following").body;
    if (node != nullptr) {
      ASSERT_TRUE(Eventually([&] { return ParvisFollowState(*node, account, "followers", follower_) == "accepted"; }));
    }
  }

  // `parvis admin alias bob ALICE` on B: bob names alice as another identity of his.
  void BobAliasesAlice() {
    ProcessResult aliased = b_.Admin({"alias", "bob", alice_});
    ASSERT_EQ(aliased.exit_code, 0) << aliased.out << aliased.err;
    EXPECT_THAT(aliased.out, HasSubstr(alice_));
  }

  ParvisProcess a_, b_;
  FedifyPeer peer_;
  std::string alice_, bob_, follower_;
};

TEST_F(FedifyMoveTest, TheFedifyFollowerFollowsTheNewAccount) {
  PeerFollows(alice_, &a_, "alice");
  // alice takes her data along first: exported from A, imported on B (issue 8).
  ProcessResult posted = a_.Admin({"post", "alice"}, "MOVED-HISTORY a post written on A");
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  TempDir files;
  ProcessResult exported = a_.Admin({"export", "alice", files.Sub("alice.tar")});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  ProcessResult imported = b_.Admin({"import", "bob", files.Sub("alice.tar")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("\"kept\":1"));
  EXPECT_THAT(Ask(b_.port(), "GET", "/@bob").body, HasSubstr("MOVED-HISTORY a post written on A"));
  BobAliasesAlice();

  ProcessResult moved = a_.Admin({"move", "alice", bob_});
  ASSERT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_THAT(moved.out, HasSubstr("\"deliveries\":1"));

  // Fedify verified the Move (signed by alice, whose key it fetched) and the peer's listener
  // found bob naming alice: the peer's alice was moved.
  rapidjson::Document move = EventuallyReceived(peer_, [&](const rapidjson::Value& e) {
    return StringMember(e, "type") == "Move" && StringMember(e, "actor") == alice_;
  });
  ASSERT_TRUE(move.IsObject()) << "Fedify never took Parvis's Move; its log: " << peer_.Get("fedify-log").body;
  EXPECT_EQ(StringMember(move, "object"), alice_);
  EXPECT_EQ(StringMember(move, "target"), bob_);
  EXPECT_EQ(StringMember(move, "outcome"), "moved") << StringMember(move, "reason");
  EXPECT_THAT(Strings(Member(move, "movedFollowers")), Contains(follower_));

  // The peer follows bob (B accepted) and no longer alice, on every side.
  EXPECT_TRUE(Eventually([&] { return PeerFollowing(peer_)[bob_] == "accepted"; }))
      << "the peer's follows: " << peer_.Get("following").body;
  EXPECT_EQ(PeerFollowing(peer_).count(alice_), 0u) << peer_.Get("following").body;
  EXPECT_TRUE(Eventually([&] { return ParvisFollowState(b_, "bob", "followers", follower_) == "accepted"; }))
      << b_.ControlGet("/control/follows?account=bob").body;
  EXPECT_TRUE(Eventually([&] { return ParvisFollowState(a_, "alice", "followers", follower_).empty(); }))
      << "A still lists the peer as alice's follower: " << a_.ControlGet("/control/follows?account=alice").body;
}

// The forger, a second Fedify server, is followed by the peer; its Moves are signed by its
// own alice (so Fedify lets them through) but none may move anyone until bob names it.
TEST_F(FedifyMoveTest, MovesThatTheTargetDoesNotConfirmMoveNoOne) {
  FedifyPeer forger;
  ASSERT_TRUE(forger.ok()) << "the forger did not start";
  const std::string forger_alice = "http://127.0.0.1:" + std::to_string(forger.port()) + "/users/alice";
  PeerFollows(alice_, &a_, "alice");
  PeerFollows(forger_alice);
  BobAliasesAlice();  // bob is a good target for alice, not for the forger

  struct Case {
    const char* name;
    std::string fields;  // of /_test/move, besides "to"
    const char* reason;
  } cases[] = {
      // The realistic theft: the forger claims alice's move, to a target that names alice.
      {"another account's move", R"("object":)" + JsonString(alice_) + R"(,"target":)" + JsonString(bob_),
       "the actor is not the object"},
      // A move of its own to an account that never named it.
      {"target without the alias", R"("target":)" + JsonString(bob_),
       "the target does not name the actor in alsoKnownAs"},
      {"no target", "", "no target"},
      {"target is the sender", R"("target":)" + JsonString(forger_alice), "the target is the actor"},
      {"unreachable target", R"("target":"http://127.0.0.1:1/users/nobody")", "cannot fetch the target"},
  };
  std::string replayable;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string body = R"({"to":)" + JsonString(follower_) + (c.fields.empty() ? "" : "," + c.fields) + "}";
    HttpAnswer sent = forger.Post("move", body);
    ASSERT_EQ(sent.status, 200) << sent.body;
    const std::string id = StringMember(ParseJson(sent.body), "moveId");
    if (replayable.empty()) replayable = body.substr(0, body.size() - 1) + R"(,"id":)" + JsonString(id) + "}";
    rapidjson::Document move = EventuallyReceived(peer_, [&](const rapidjson::Value& e) {
      return StringMember(e, "id") == id;
    });
    ASSERT_TRUE(move.IsObject()) << "the peer never got the Move; forger's log: " << forger.Get("fedify-log").body;
    EXPECT_EQ(StringMember(move, "outcome"), "ignored");
    EXPECT_THAT(StringMember(move, "reason"), HasSubstr(c.reason));
    EXPECT_TRUE(Member(move, "movedFollowers").Empty());
  }

  // The same Move again (same id): Fedify's idempotency drops it before the listener.
  HttpAnswer replayed = forger.Post("move", replayable);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  const std::string replayed_id = StringMember(ParseJson(replayed.body), "moveId");
  rapidjson::Document log = ParseJson(peer_.Get("log").body);
  ASSERT_TRUE(log.IsArray());
  int seen = 0;
  for (const rapidjson::Value& e : log.GetArray()) seen += StringMember(e, "id") == replayed_id;
  EXPECT_EQ(seen, 1) << "a replayed Move reached the listener again";

  // Nothing moved: the peer still follows alice and the forger, not bob, on every side.
  std::map<std::string, std::string> following = PeerFollowing(peer_);
  EXPECT_EQ(following[alice_], "accepted");
  EXPECT_EQ(following[forger_alice], "accepted");
  EXPECT_EQ(following.count(bob_), 0u);
  EXPECT_EQ(ParvisFollowState(a_, "alice", "followers", follower_), "accepted");
  EXPECT_EQ(ParvisFollowState(b_, "bob", "followers", follower_), "");
  rapidjson::Document peer_sent = ParseJson(peer_.Get("sent").body);
  EXPECT_EQ(Find(peer_sent,
                 [&](const rapidjson::Value& e) {
                   return StringMember(e, "method") == "POST" && StringMember(e, "url").starts_with(b_.base_url());
                 }),
            nullptr)
      << "the peer delivered something to B";

  // Once bob names the forger, its Move is carried out; the same move again under a new id
  // is not (Mastodon's mark on an account already moved).
  ProcessResult aliased = b_.Admin({"alias", "bob", forger_alice});
  ASSERT_EQ(aliased.exit_code, 0) << aliased.out << aliased.err;
  const std::string to_bob = R"({"to":)" + JsonString(follower_) + R"(,"target":)" + JsonString(bob_) + "}";
  std::vector<std::string> outcomes;
  for (int i = 0; i < 2; ++i) {
    HttpAnswer sent = forger.Post("move", to_bob);
    ASSERT_EQ(sent.status, 200) << sent.body;
    const std::string id = StringMember(ParseJson(sent.body), "moveId");
    rapidjson::Document move = EventuallyReceived(peer_, [&](const rapidjson::Value& e) {
      return StringMember(e, "id") == id;
    });
    outcomes.push_back(StringMember(move, "outcome") + ": " + StringMember(move, "reason"));
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"moved: ", "ignored: already moved"}));
  EXPECT_TRUE(Eventually([&] { return PeerFollowing(peer_)[bob_] == "accepted"; }));
  EXPECT_EQ(PeerFollowing(peer_).count(forger_alice), 0u);
  EXPECT_EQ(PeerFollowing(peer_)[alice_], "accepted");
  EXPECT_EQ(forger.Get("fedify-log").body, "[]") << "Fedify (the forger) complained";
}

}  // namespace
}  // namespace parvis::testing
