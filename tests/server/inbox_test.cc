// The inbox over real HTTP: a node in-process, a remote server on loopback
// serving real actor documents, and requests signed as peers sign them.
#include <chrono>
#include <functional>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "server/federation/inbox.h"
#include "support/remote_peer.h"
#include "support/eventually.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::PeerActor;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::SignAs;
using ::parvis::testing::SignedPostOptions;
using ::parvis::testing::StatusOf;
using ::testing::HasSubstr;

std::string Note(const PeerActor& actor, const std::string& id_suffix,
                 const std::string& actor_json = "") {
  std::string actor_value = actor_json.empty() ? "\"" + actor.id + "\"" : actor_json;
  return R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + actor.id +
         "/activities/" + id_suffix + R"(","type":"Create","actor":)" + actor_value +
         R"(,"to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":")" + actor.id +
         "/notes/" + id_suffix + R"(","type":"Note","content":"<p>Bonjour</p>","attributedTo":")" +
         actor.id + R"("}})";
}

class InboxTest : public ::testing::Test {
 public:
  // Public: the table of hostile requests builds requests from these.
  void SetUp() override { node_.CreateAccount("camille"); }

  std::string Send(const std::string& raw) {
    RawConnection connection(node_.port());
    connection.Send(raw);
    return connection.ReadToEnd();
  }

  std::string Post(const PeerActor& actor, const std::string& body,
                   const SignedPostOptions& options = {}, const std::string& target = "/inbox") {
    return Send(RemotePeer::SignedPost(actor, node_.port(), target, body, options));
  }

  size_t Count(storage::Family family) {
    size_t count = 0;
    EXPECT_TRUE(node_.node()
                    .store()
                    .Scan(family, "", [&](std::string_view, std::string_view) {
                      ++count;
                      return true;
                    })
                    .has_value());
    return count;
  }

  bool Stored(const std::string& activity_id) {
    Result<std::optional<std::string>> found =
        node_.node().store().Get(storage::Family::kActivities, activity_id);
    return found.has_value() && found->has_value();
  }

  RemotePeer peer_;
  testing::TestNode node_{{{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"}}};
  PeerActor alice_ = peer_.AddActor("alice");
  PeerActor bob_ = peer_.AddActor("bob");
};

TEST_F(InboxTest, AcceptsEverySignatureSchemePeersUse) {
  const struct {
    SignAs scheme;
    std::string target;
  } cases[] = {
      {SignAs::kCavageRsa, "/inbox"},
      {SignAs::kCavageEd25519, "/inbox"},
      {SignAs::kRfc9421Ed25519, "/users/camille/inbox"},
      {SignAs::kRfc9421Rsa, "/actor/inbox"},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::string suffix = "scheme-" + std::to_string(n++);
    std::string response = Post(alice_, Note(alice_, suffix), {.scheme = c.scheme}, c.target);
    EXPECT_EQ(StatusOf(response), 202) << suffix << "\n" << response;
    EXPECT_TRUE(Stored(alice_.id + "/activities/" + suffix)) << suffix;
  }
  EXPECT_EQ(Count(storage::Family::kActivities), 4u);
  // The actor was fetched once and its keys kept.
  EXPECT_EQ(peer_.fetches(), 1);
}

TEST_F(InboxTest, StoresTheActivityAndQueuesItOnce) {
  std::string body = Note(alice_, "once");
  EXPECT_EQ(StatusOf(Post(alice_, body)), 202);
  // The same activity again, freshly signed: acknowledged, not stored twice.
  EXPECT_EQ(StatusOf(Post(alice_, body, {.scheme = SignAs::kRfc9421Ed25519})), 202);
  EXPECT_EQ(Count(storage::Family::kActivities), 1u);
  // The processor takes it off the queue (Creates have no effect yet).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (Count(storage::Family::kQueues) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(Count(storage::Family::kQueues), 0u);
  Result<std::optional<std::string>> receipt =
      node_.node().store().Get(storage::Family::kActivities, alice_.id + "/activities/once");
  ASSERT_TRUE(receipt.has_value() && receipt->has_value());
  Result<rapidjson::Document> doc = protocol::ParseJson(**receipt, {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(std::string((*doc)["signer"].GetString()), alice_.id);
  EXPECT_EQ(std::string((*doc)["activity"]["object"]["content"].GetString()), "<p>Bonjour</p>");
}

TEST_F(InboxTest, AcceptsJsonLdVariants) {
  // Actor as an embedded object, type as an array, no @context.
  std::string body = R"({"id":")" + alice_.id + R"(/activities/v1","type":["Like"],"actor":{"id":")" +
                     alice_.id + R"(","type":"Person"},"object":"https://x.example/notes/1"})";
  EXPECT_EQ(StatusOf(Post(alice_, body)), 202);
  std::string ld = Note(alice_, "v2");
  EXPECT_EQ(StatusOf(Post(alice_, ld,
                          {.content_type =
                               "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""})),
            202);
}

struct HostileCase {
  std::string name;
  std::function<std::string(InboxTest&)> request;
  int status;
  std::string reason;
};

TEST_F(InboxTest, RefusesHostileRequestsAndStoresNothing) {
  auto note = [](InboxTest& t, const std::string& id) { return Note(t.alice_, id); };
  const HostileCase cases[] = {
      {"unsigned",
       [&](InboxTest& t) {
         std::string body = note(t, "h1");
         return "POST /inbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/activity+json\r\n"
                "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
       },
       401, "not signed"},
      {"signed with another key",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", note(t, "h2"),
                                       {.key = *protocol::GenerateRsaKey(2048)});
       },
       401, "does not verify"},
      {"digest of another body",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", note(t, "h3"),
                                       {.body_in_digest = note(t, "other")});
       },
       401, "digest"},
      {"date two hours ago",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", note(t, "h4"),
                                       {.clock_offset_seconds = -7200});
       },
       401, ""},
      {"date two hours ahead (RFC 9421 created)",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", note(t, "h5"),
                                       {.scheme = SignAs::kRfc9421Ed25519, .clock_offset_seconds = 7200});
       },
       401, ""},
      {"keyId of another actor",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", note(t, "h6"),
                                       {.key_id = t.bob_.rsa_key_id});
       },
       401, "does not verify"},
      {"actor is not the signer",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.bob_, t.node_.port(), "/inbox", note(t, "h7"));
       },
       401, "not the signer"},
      {"unknown key",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", note(t, "h8"),
                                       {.key_id = t.peer_.base() + "/users/nobody#main-key"});
       },
       401, "signer's key"},
      {"malformed JSON",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", "{\"id\":");
       },
       400, "invalid JSON"},
      {"activity without id",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox",
                                       R"({"type":"Like","actor":")" + t.alice_.id + R"("})");
       },
       400, "no id"},
      {"activity without actor",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox",
                                       R"({"id":")" + t.alice_.id + R"(/a/1","type":"Like"})");
       },
       400, "no actor"},
      {"not JSON at all",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", "hello",
                                       {.content_type = "text/plain"});
       },
       415, "JSON"},
      {"oversized body",
       [&](InboxTest& t) {
         std::string big = R"({"id":")" + t.alice_.id + R"(/a/big","type":"Note","actor":")" +
                           t.alice_.id + R"(","content":")" + std::string(2 << 20, 'x') + "\"}";
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/inbox", big);
       },
       413, "too large"},
      {"unknown recipient",
       [&](InboxTest& t) {
         return RemotePeer::SignedPost(t.alice_, t.node_.port(), "/users/nobody/inbox", note(t, "h9"));
       },
       404, "no such account"},
  };
  for (const HostileCase& c : cases) {
    std::string response = Send(c.request(*this));
    EXPECT_EQ(StatusOf(response), c.status) << c.name << "\n" << response;
    EXPECT_THAT(BodyOf(response), HasSubstr(c.reason)) << c.name;
  }
  EXPECT_EQ(Count(storage::Family::kActivities), 0u);
  EXPECT_EQ(Count(storage::Family::kQueues), 0u);
}

TEST_F(InboxTest, RefusesAReplayedRequest) {
  std::string raw = RemotePeer::SignedPost(alice_, node_.port(), "/inbox", Note(alice_, "r"));
  EXPECT_EQ(StatusOf(Send(raw)), 202);
  std::string again = Send(raw);
  EXPECT_EQ(StatusOf(again), 401);
  EXPECT_THAT(BodyOf(again), HasSubstr("already used"));
  EXPECT_EQ(Count(storage::Family::kActivities), 1u);
}

TEST_F(InboxTest, FollowsAKeyRotation) {
  EXPECT_EQ(StatusOf(Post(alice_, Note(alice_, "before"))), 202);
  PeerActor rotated = peer_.RotateRsaKey("alice");
  // The node has the old key; the new signature fails with it, so the node
  // fetches the actor again and succeeds.
  EXPECT_EQ(StatusOf(Post(rotated, Note(rotated, "after"))), 202);
  EXPECT_EQ(peer_.fetches(), 2);
}

TEST(InboxPolicyTest, BlockedDomainsGet403AndNothingIsFetched) {
  RemotePeer peer;
  PeerActor alice = peer.AddActor("alice");
  testing::TestNode node({{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
                          {"PARVIS_FEDERATION_BLOCKLIST", "localhost"}});
  RawConnection connection(node.port());
  connection.Send(RemotePeer::SignedPost(alice, node.port(), "/inbox", Note(alice, "b")));
  std::string response = connection.ReadToEnd();
  EXPECT_EQ(StatusOf(response), 403);
  EXPECT_EQ(peer.fetches(), 0);
}

TEST(InboxPolicyTest, AllowlistModeRefusesOthers) {
  RemotePeer peer;
  PeerActor alice = peer.AddActor("alice");
  testing::TestNode node({{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
                          {"PARVIS_FEDERATION_MODE", "allowlist"},
                          {"PARVIS_FEDERATION_ALLOWLIST", "partner.example"}});
  RawConnection connection(node.port());
  connection.Send(RemotePeer::SignedPost(alice, node.port(), "/inbox", Note(alice, "a")));
  EXPECT_EQ(StatusOf(connection.ReadToEnd()), 403);
}

TEST(InboxPolicyTest, PrivateAddressesAreNotFetchedByDefault) {
  RemotePeer peer;
  PeerActor alice = peer.AddActor("alice");
  testing::TestNode node;
  RawConnection connection(node.port());
  connection.Send(RemotePeer::SignedPost(alice, node.port(), "/inbox", Note(alice, "p")));
  std::string response = connection.ReadToEnd();
  EXPECT_EQ(StatusOf(response), 401);
  EXPECT_THAT(BodyOf(response), HasSubstr("private or local address"));
  EXPECT_EQ(peer.fetches(), 0);
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

std::string FollowersOf(testing::TestNode& node, const std::string& account) {
  return node.node().CallControl("GET", "/control/follows?account=" + account, "").body;
}

using ::parvis::testing::Eventually;

class ActorLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.CreateAccount("camille"); }

  int Post(const PeerActor& actor, const std::string& body) {
    RawConnection connection(node_.port());
    connection.Send(RemotePeer::SignedPost(actor, node_.port(), "/inbox", body));
    return StatusOf(connection.ReadToEnd());
  }

  void FollowCamille(const PeerActor& actor) {
    ASSERT_EQ(Post(actor, R"({"id":")" + actor.id + R"(/follow/1","type":"Follow","actor":")" +
                              actor.id + R"(","object":")" + node_.base() + R"(/users/camille"})"),
              202);
    ASSERT_TRUE(Eventually([&] {
      return FollowersOf(node_, "camille").find(actor.id) != std::string::npos;
    })) << FollowersOf(node_, "camille");
  }

  RemotePeer peer_;
  testing::TestNode node_{{}, /*federating=*/true};
  PeerActor alice_ = peer_.AddActor("alice");
};

TEST_F(ActorLifecycleTest, ADeletedActorLosesItsFollowsAndKeys) {
  FollowCamille(alice_);
  ASSERT_EQ(Post(alice_, R"({"id":")" + alice_.id + R"(#delete","type":"Delete","actor":")" +
                             alice_.id + R"(","object":")" + alice_.id + R"("})"),
            202);
  EXPECT_TRUE(Eventually([&] {
    return FollowersOf(node_, "camille") == R"({"followers":[],"following":[]})";
  })) << FollowersOf(node_, "camille");
  EXPECT_TRUE(Eventually([&] {
    Result<std::optional<std::string>> known =
        node_.node().store().Get(storage::Family::kRemoteKeys, alice_.rsa_key_id);
    return known.has_value() && !known->has_value();
  }));
}

TEST_F(ActorLifecycleTest, ABlockEndsFollowsBothWays) {
  FollowCamille(alice_);
  ASSERT_EQ(Post(alice_, R"({"id":")" + alice_.id + R"(/block/1","type":"Block","actor":")" +
                             alice_.id + R"(","object":")" + node_.base() + R"(/users/camille"})"),
            202);
  EXPECT_TRUE(Eventually([&] {
    return FollowersOf(node_, "camille") == R"({"followers":[],"following":[]})";
  })) << FollowersOf(node_, "camille");
}

TEST(ActorDeletionTest, DeleteOfAnUnknownGoneActorIsAcceptedAndNothingStored) {
  RemotePeer peer;
  PeerActor ghost = peer.AddActor("ghost");
  // The actor is gone from its server before its Delete arrives.
  ghost.id = peer.base() + "/users/gone";
  ghost.rsa_key_id = ghost.id + "#main-key";
  testing::TestNode node({}, /*federating=*/true);
  RawConnection connection(node.port());
  connection.Send(RemotePeer::SignedPost(
      ghost, node.port(), "/inbox",
      R"({"id":")" + ghost.id + R"(#delete","type":"Delete","actor":")" + ghost.id +
          R"(","object":")" + ghost.id + R"("})"));
  EXPECT_EQ(StatusOf(connection.ReadToEnd()), 202);
  size_t stored = 0;
  ASSERT_TRUE(node.node()
                  .store()
                  .Scan(storage::Family::kActivities, "",
                        [&](std::string_view, std::string_view) {
                          ++stored;
                          return true;
                        })
                  .has_value());
  EXPECT_EQ(stored, 0u);
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

TEST_F(ActorLifecycleTest, LikesAndSharesOfLocalNotesAreCountedAndUndone) {
  http::Response post =
      node_.node().CallControl("POST", "/control/post", R"({"account":"camille","content":"hello"})");
  ASSERT_EQ(post.status, 201) << post.body;
  Result<rapidjson::Document> created = protocol::ParseJson(post.body, {});
  ASSERT_TRUE(created.has_value());
  std::string note = (*created)["id"].GetString();
  std::string path = note.substr(node_.base().size());
  auto total = [&](const std::string& collection) {
    Result<rapidjson::Document> doc = protocol::ParseJson(
        BodyOf(node_.Get(path + collection, "Accept: application/activity+json\r\n")), {});
    return doc && doc->IsObject() && doc->HasMember("totalItems")
               ? static_cast<int>((*doc)["totalItems"].GetUint64())
               : -1;
  };
  EXPECT_EQ(total("/likes"), 0);
  std::string like = R"({"id":")" + alice_.id + R"(/likes/1","type":"Like","actor":")" + alice_.id +
                     R"(","object":")" + note + R"("})";
  ASSERT_EQ(Post(alice_, like), 202);
  ASSERT_EQ(Post(alice_, R"({"id":")" + alice_.id + R"(/announces/1","type":"Announce","actor":")" +
                             alice_.id + R"(","object":")" + note + R"("})"),
            202);
  // A like of something that is not ours changes nothing.
  ASSERT_EQ(Post(alice_, R"({"id":")" + alice_.id + R"(/likes/2","type":"Like","actor":")" +
                             alice_.id + R"(","object":"https://elsewhere.example/notes/1"})"),
            202);
  EXPECT_TRUE(Eventually([&] { return total("/likes") == 1 && total("/shares") == 1; }));
  ASSERT_EQ(Post(alice_, R"({"id":")" + alice_.id + R"(/likes/1/undo","type":"Undo","actor":")" +
                             alice_.id + R"(","object":)" + like + "}"),
            202);
  EXPECT_TRUE(Eventually([&] { return total("/likes") == 0; })) << total("/likes");
  EXPECT_EQ(total("/shares"), 1);
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

TEST_F(ActorLifecycleTest, AnswersRfc9421InKindAndFallsBackOnRefusal) {
  // alice signs with RFC 9421: the node learns her host speaks it.
  std::string follow = R"({"id":")" + alice_.id + R"(/follow/9421","type":"Follow","actor":")" +
                       alice_.id + R"(","object":")" + node_.base() + R"(/users/camille"})";
  RawConnection connection(node_.port());
  connection.Send(RemotePeer::SignedPost(alice_, node_.port(), "/inbox", follow,
                                         {.scheme = SignAs::kRfc9421Ed25519}));
  ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  ASSERT_TRUE(Eventually([&] { return !peer_.received().empty(); }));
  EXPECT_EQ(peer_.received()[0].scheme, "rfc9421");
  EXPECT_THAT(peer_.received()[0].body, HasSubstr(R"("type":"Accept")"));

  // Now the host refuses RFC 9421: the node knocks again with draft-cavage.
  peer_.RefuseRfc9421(true);
  ASSERT_EQ(node_.node().CallControl("POST", "/control/post", R"({"account":"camille","content":"x"})").status,
            201);
  ASSERT_TRUE(Eventually([&] { return peer_.received().size() == 2; }));
  EXPECT_EQ(peer_.received()[1].scheme, "draft-cavage");
  EXPECT_THAT(peer_.received()[1].body, HasSubstr(R"("type":"Create")"));
  Result<std::optional<std::string>> known =
      node_.node().store().Get(storage::Family::kHosts, "rfc9421/localhost");
  ASSERT_TRUE(known.has_value());
  EXPECT_FALSE(known->has_value());
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

// A Create from `actor`, with a unique id.

int Deliver(uint16_t port, const PeerActor& actor, int n) {
  RawConnection connection(port);
  connection.Send(RemotePeer::SignedPost(actor, port, "/inbox", testing::PublicCreate(actor, n)));
  return StatusOf(connection.ReadToEnd());
}

TEST(InboxLimitsTest, AFloodFromOneDomainDoesNotStarveTheOthers) {
  RemotePeer flood("localhost"), quiet("127.0.0.1");
  PeerActor spammer = flood.AddActor("spammer");
  PeerActor neighbour = quiet.AddActor("neighbour");
  testing::TestNode node({{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
                          {"PARVIS_LIMITS_INBOX_PER_DOMAIN_PER_MINUTE", "5"}});
  int accepted = 0, limited = 0;
  for (int i = 0; i < 12; ++i) {
    int status = Deliver(node.port(), spammer, i);
    accepted += status == 202;
    limited += status == 429;
  }
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(limited, 7);
  // The other domain is still served, within its own allowance.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Deliver(node.port(), neighbour, i), 202) << i;
  EXPECT_EQ(Deliver(node.port(), neighbour, 99), 429);
  // The refusal says when to come back.
  RawConnection connection(node.port());
  connection.Send(RemotePeer::SignedPost(spammer, node.port(), "/inbox", testing::PublicCreate(spammer, 100)));
  std::string refused = connection.ReadToEnd();
  EXPECT_EQ(StatusOf(refused), 429);
  EXPECT_THAT(refused, ::testing::HasSubstr("Retry-After: "));
}

TEST(InboxLimitsTest, OneClientIsLimitedBeforeAnySignatureIsChecked) {
  RemotePeer peer;
  PeerActor actor = peer.AddActor("a");
  testing::TestNode node({{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
                          {"PARVIS_LIMITS_INBOX_PER_CLIENT_PER_MINUTE", "3"}});
  // Unsigned junk counts too: that is what the limit is for.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(StatusOf(testing::Fetch(node.port(), "POST", "/inbox", "Content-Type: application/activity+json\r\n", "{}")),
              401) << i;
  }
  EXPECT_EQ(Deliver(node.port(), actor, 1), 429);
  // Other routes are not affected.
  EXPECT_EQ(StatusOf(testing::Fetch(node.port(), "GET", "/healthz")), 200);
}

}  // namespace
}  // namespace parvis
