// Follows between Parvis and a real third-party server, Fedify, in both directions.
// Each test starts a `parvis serve` child (account `camille`) and a Fedify peer child (actor
// `alice`, peer.mjs) on loopback. Deliveries go through queues on both sides, so every check
// on the other side polls with a generous deadline (Eventually) instead of timing anything.
//
// What the peer received (types, ids, how each request was signed) and what it sent (with
// Parvis's answers) is printed at the end of each test, for the record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "interop/interop_harness.h"

namespace parvis::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kFollowType[] = "https://www.w3.org/ns/activitystreams#Follow";
constexpr char kDraftCavage[] = "draft-cavage-http-signatures-12";

class FedifyFollowTest : public ::testing::Test {
 protected:
  FedifyFollowTest() = default;
  explicit FedifyFollowTest(std::map<std::string, std::string> peer_env)
      : peer_(std::move(peer_env)) {}

  void SetUp() override {
    ASSERT_TRUE(parvis_.ok()) << "parvis did not print its listening line";
    ASSERT_TRUE(peer_.ok()) << "the Fedify peer did not start";
    ProcessResult created = parvis_.CreateUser("camille", "person");
    ASSERT_EQ(created.exit_code, 0) << created.err;
    camille_ = parvis_.base_url() + "/users/camille";
    alice_ = "http://127.0.0.1:" + std::to_string(peer_.port()) + "/users/alice";
  }

  // Prints what crossed the wire, then: Fedify logs a warning or an error whenever something
  // Parvis sent bothers it, so a test ends with none.
  void TearDown() override {
    if (!peer_.ok()) return;
    PrintExchanges();
    HttpAnswer log = peer_.Get("fedify-log");
    EXPECT_EQ(log.status, 200);
    EXPECT_EQ(log.body, "[]") << "Fedify complained while talking to Parvis";
  }

  rapidjson::Document PeerGet(const std::string& route) {
    HttpAnswer answer = peer_.Get(route);
    EXPECT_EQ(answer.status, 200) << "GET /_test/" << route << ": " << answer.body;
    return ParseJson(answer.body);
  }

  // `parvis admin follows camille`, parsed; a null document if the command failed.
  rapidjson::Document Follows() {
    ProcessResult listed = parvis_.Admin({"follows", "camille"});
    last_follows_ = "exit " + std::to_string(listed.exit_code) + ": " + listed.out + listed.err;
    if (listed.exit_code != 0) return rapidjson::Document();
    return ParseJson(listed.out);
  }

  // The state of `actor` in camille's `followers` or `following`; "" when not listed.
  static std::string StateIn(const rapidjson::Value& follows, const char* list,
                             const std::string& actor) {
    const rapidjson::Value* entry = Find(Member(follows, list), [&](const rapidjson::Value& e) {
      return StringMember(e, "actor") == actor;
    });
    return entry == nullptr ? "" : StringMember(*entry, "state");
  }

  // Waits until `parvis admin follows camille` shows `actor` in `list` with `state`
  // ("" for: not listed at all).
  bool EventuallyParvisShows(const char* list, const std::string& actor, const std::string& state) {
    return Eventually([&] { return StateIn(Follows(), list, actor) == state; });
  }

  // Waits for an activity in the peer's inbox log for which `match` holds; a copy of it
  // (a null value if none came).
  rapidjson::Document EventuallyReceived(
      const std::function<bool(const rapidjson::Value&)>& match) {
    rapidjson::Document found;
    Eventually([&] {
      rapidjson::Document log = PeerGet("log");
      const rapidjson::Value* entry = Find(log, match);
      if (entry != nullptr) found.CopyFrom(*entry, found.GetAllocator());
      return entry != nullptr;
    });
    return found;
  }

  // The peer's own requests carrying the activity `id` (one per attempt: a second one means
  // Parvis refused the first signature and Fedify double-knocked with the other spec).
  std::vector<rapidjson::Document> SentAttempts(const std::string& id) {
    rapidjson::Document sent = PeerGet("sent");
    std::vector<rapidjson::Document> attempts;
    if (!sent.IsArray()) return attempts;
    for (const rapidjson::Value& entry : sent.GetArray()) {
      if (StringMember(entry, "method") != "POST" || StringMember(entry, "id") != id) continue;
      attempts.emplace_back().CopyFrom(entry, attempts.back().GetAllocator());
    }
    return attempts;
  }

  // Fedify delivered activity `id` to camille's inbox once, signed with `spec`, and Parvis
  // took it (202) the first time.
  void ExpectParvisTookFirstKnock(const std::string& id, const std::string& spec) {
    std::vector<rapidjson::Document> attempts = SentAttempts(id);
    ASSERT_FALSE(attempts.empty()) << "the peer has no record of sending " << id;
    const rapidjson::Value& first = attempts.front();
    EXPECT_EQ(StringMember(first, "url"), camille_ + "/inbox");
    EXPECT_EQ(StringMember(Member(first, "signature"), "spec"), spec);
    EXPECT_EQ(Member(first, "status").IsInt() ? Member(first, "status").GetInt() : 0, 202)
        << "Parvis refused the " << spec << " signature of " << id << ": " << ToJson(first);
    EXPECT_EQ(attempts.size(), 1u) << "Fedify had to double-knock for " << id;
  }

  // The signature Parvis puts on what it delivers. Parvis answers a host in the
  // scheme it signs with: Fedify signs RFC 9421 by default, so it gets RFC 9421
  // (ed25519, the account's #ed25519-key, over @method @target-uri @authority
  // content-digest); a draft-cavage host gets rsa-sha256 by #main-key over
  // (request-target) host date digest.
  void ExpectSignedByCamille(const rapidjson::Value& received) {
    const rapidjson::Value& signature = Member(received, "signature");
    if (StringMember(signature, "spec") == "rfc9421") {
      EXPECT_EQ(StringMember(signature, "keyId"), camille_ + "#ed25519-key");
      EXPECT_THAT(StringMember(signature, "headers"), HasSubstr("@target-uri"));
      EXPECT_THAT(StringMember(signature, "headers"), HasSubstr("content-digest"));
      return;
    }
    EXPECT_EQ(StringMember(signature, "spec"), "draft-cavage");
    EXPECT_EQ(StringMember(signature, "keyId"), camille_ + "#main-key");
    EXPECT_EQ(StringMember(signature, "algorithm"), "rsa-sha256");
    EXPECT_THAT(StringMember(signature, "headers"), HasSubstr("(request-target)"));
    EXPECT_THAT(StringMember(signature, "headers"), HasSubstr("digest"));
  }

  // Fedify sends camille (found by acct: handle) a Follow: returns the Follow's id, "" on
  // failure (the failure is recorded).
  std::string FedifyFollowsCamille() {
    HttpAnswer answer =
        peer_.Post("follow", R"({"target":)" + JsonString("acct:camille@" + parvis_.host()) + "}");
    EXPECT_EQ(answer.status, 200) << "Fedify could not follow camille: " << answer.body;
    rapidjson::Document sent = ParseJson(answer.body);
    EXPECT_EQ(StringMember(sent, "actor"), camille_);
    return StringMember(sent, "followId");
  }

  // Camille follows alice (`target`: her URL or acct: handle), Fedify accepts, camille
  // unfollows: what the peer saw at each step.
  void FollowAndUnfollowAlice(const std::string& target) {
    ProcessResult followed = parvis_.Admin({"follow", "camille", target});
    ASSERT_EQ(followed.exit_code, 0) << followed.out << followed.err;
    rapidjson::Document answer = ParseJson(followed.out);
    ASSERT_TRUE(answer.IsObject()) << "not JSON: " << followed.out;
    const std::string follow_id = StringMember(answer, "follow");
    ASSERT_FALSE(follow_id.empty()) << followed.out;
    EXPECT_EQ(StringMember(answer, "target"), alice_);

    // Fedify ran its Follow listener, i.e. it verified the signature (it answers 401 and
    // calls no listener otherwise).
    rapidjson::Document follow = EventuallyReceived([&](const rapidjson::Value& e) {
      return StringMember(e, "type") == "Follow" && StringMember(e, "id") == follow_id;
    });
    ASSERT_TRUE(follow.IsObject())
        << "Fedify never got the Follow " << follow_id << "; its log: " << peer_.Get("log").body;
    EXPECT_EQ(StringMember(follow, "actor"), camille_);
    EXPECT_EQ(StringMember(follow, "object"), alice_);
    EXPECT_EQ(StringMember(follow, "recipient"), "alice");
    ExpectSignedByCamille(follow);
    // The peer records its follower after logging the Follow: wait for it.
    EXPECT_TRUE(Eventually([&] {
      std::vector<std::string> followers = Strings(PeerGet("followers"));
      return std::find(followers.begin(), followers.end(), camille_) != followers.end();
    })) << "camille never became alice's follower";

    // The peer answers with an Accept; Parvis takes it and marks the follow accepted.
    EXPECT_TRUE(EventuallyParvisShows("following", alice_, "accepted"))
        << "alice never became an accepted follow of camille; last `follows`: " << last_follows_
        << "\nthe peer sent: " << peer_.Get("sent").body;
    rapidjson::Document sent = PeerGet("sent");
    const rapidjson::Value* accept = Find(sent, [&](const rapidjson::Value& e) {
      return StringMember(e, "type") == "Accept" && StringMember(e, "method") == "POST";
    });
    ASSERT_NE(accept, nullptr) << "the peer never sent an Accept: " << ToJson(sent);
    ExpectParvisTookFirstKnock(StringMember(*accept, "id"), "rfc9421");

    ProcessResult unfollowed = parvis_.Admin({"unfollow", "camille", target});
    ASSERT_EQ(unfollowed.exit_code, 0) << unfollowed.out << unfollowed.err;
    const std::string undo_id = StringMember(ParseJson(unfollowed.out), "undo");

    rapidjson::Document undo = EventuallyReceived([&](const rapidjson::Value& e) {
      return StringMember(e, "type") == "Undo" && StringMember(e, "object") == follow_id;
    });
    ASSERT_TRUE(undo.IsObject()) << "Fedify never got an Undo of " << follow_id
                                 << "; its log: " << peer_.Get("log").body;
    if (!undo_id.empty()) {
      EXPECT_EQ(StringMember(undo, "id"), undo_id);
    }
    EXPECT_EQ(StringMember(undo, "actor"), camille_);
    EXPECT_EQ(StringMember(undo, "undone"), kFollowType);
    ExpectSignedByCamille(undo);
    EXPECT_TRUE(Eventually([&] { return Strings(PeerGet("followers")).empty(); }))
        << "alice still has followers: " << peer_.Get("followers").body;
    EXPECT_TRUE(EventuallyParvisShows("following", alice_, ""))
        << "camille still follows alice; last `follows`: " << last_follows_;
  }

  void PrintExchanges() {
    std::string exchanges = DescribePeerExchanges(peer_);
    std::cout << exchanges;
    RecordProperty("fedify_peer_exchanges", exchanges);
  }

  ParvisProcess parvis_;
  FedifyPeer peer_;
  std::string camille_, alice_;
  std::string last_follows_;  // what the last `parvis admin follows camille` printed
};

// 1. Fedify follows a Parvis account: Parvis records the follower and sends back an Accept,
// signed by the account, that embeds Fedify's Follow.
TEST_F(FedifyFollowTest, FedifyFollowsAnAccountAndParvisAccepts) {
  const std::string follow_id = FedifyFollowsCamille();
  ASSERT_FALSE(follow_id.empty());

  rapidjson::Document accept = EventuallyReceived([&](const rapidjson::Value& e) {
    return StringMember(e, "type") == "Accept" && StringMember(e, "object") == follow_id;
  });
  ASSERT_TRUE(accept.IsObject()) << "Fedify never got an Accept of " << follow_id
                                 << "; its log: " << peer_.Get("log").body;
  EXPECT_EQ(StringMember(accept, "actor"), camille_);
  EXPECT_EQ(StringMember(accept, "recipient"), "alice");
  ExpectSignedByCamille(accept);
  const rapidjson::Value& embedded = Member(Member(accept, "body"), "object");
  ASSERT_TRUE(embedded.IsObject())
      << "the Accept does not embed the Follow: " << ToJson(Member(accept, "body"));
  EXPECT_EQ(StringMember(embedded, "type"), "Follow");
  EXPECT_EQ(StringMember(embedded, "actor"), alice_);
  EXPECT_EQ(StringMember(embedded, "object"), camille_);

  EXPECT_TRUE(EventuallyParvisShows("followers", alice_, "accepted"))
      << "last `follows`: " << last_follows_;
  // Fedify matched the Accept to its Follow.
  rapidjson::Document following = PeerGet("following");
  EXPECT_EQ(StringMember(Member(following, camille_.c_str()), "state"), "accepted")
      << ToJson(following);
  // Parvis took Fedify's RFC 9421 signature on the first try.
  ExpectParvisTookFirstKnock(follow_id, "rfc9421");
}

// 2. Fedify then unfollows: Parvis forgets the follower.
TEST_F(FedifyFollowTest, FedifyUnfollowsAndParvisForgetsTheFollower) {
  const std::string follow_id = FedifyFollowsCamille();
  ASSERT_FALSE(follow_id.empty());
  ASSERT_TRUE(EventuallyParvisShows("followers", alice_, "accepted"))
      << "last `follows`: " << last_follows_;

  HttpAnswer answer =
      peer_.Post("unfollow", R"({"target":)" + JsonString("acct:camille@" + parvis_.host()) + "}");
  ASSERT_EQ(answer.status, 200) << "Fedify could not unfollow camille: " << answer.body;
  const std::string undo_id = StringMember(ParseJson(answer.body), "undoId");

  EXPECT_TRUE(EventuallyParvisShows("followers", alice_, ""))
      << "alice is still a follower; last `follows`: " << last_follows_;
  rapidjson::Document follows = Follows();
  EXPECT_EQ(Member(follows, "followers").IsArray() ? Member(follows, "followers").Size() : 99u, 0u)
      << last_follows_;
  ExpectParvisTookFirstKnock(undo_id, "rfc9421");
}

// 3. A Parvis account follows the Fedify actor by URL; Fedify verifies and accepts it;
// the account unfollows and Fedify gets the Undo.
TEST_F(FedifyFollowTest, ParvisFollowsAndUnfollowsByActorUrl) { FollowAndUnfollowAlice(alice_); }

// The same by acct: handle: Parvis finds alice through the peer's WebFinger (plain http on
// loopback, after https fails).
TEST_F(FedifyFollowTest, ParvisFollowsAndUnfollowsByAcctHandle) {
  FollowAndUnfollowAlice("acct:alice@127.0.0.1:" + std::to_string(peer_.port()));
}

// A Fedify that knocks with draft-cavage first (as it does for servers it has seen refuse
// RFC 9421): Parvis takes that signature too, on the first try.
class FedifyDraftCavageFirstTest : public FedifyFollowTest {
 protected:
  FedifyDraftCavageFirstTest() : FedifyFollowTest({{"FEDIFY_PEER_FIRST_KNOCK", kDraftCavage}}) {}
};

TEST_F(FedifyDraftCavageFirstTest, FedifyFollowsAndUnfollowsWithDraftCavageSignatures) {
  const std::string follow_id = FedifyFollowsCamille();
  ASSERT_FALSE(follow_id.empty());
  EXPECT_TRUE(EventuallyParvisShows("followers", alice_, "accepted"))
      << "last `follows`: " << last_follows_;
  ExpectParvisTookFirstKnock(follow_id, "draft-cavage");

  HttpAnswer answer =
      peer_.Post("unfollow", R"({"target":)" + JsonString("acct:camille@" + parvis_.host()) + "}");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(EventuallyParvisShows("followers", alice_, ""))
      << "last `follows`: " << last_follows_;
  ExpectParvisTookFirstKnock(StringMember(ParseJson(answer.body), "undoId"), "draft-cavage");
}

}  // namespace
}  // namespace parvis::testing
