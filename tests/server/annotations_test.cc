// Right of reply and context notes across two Parvis nodes (issue 6, items 3
// and 4): a person a post names replies as such and the reply is shown above
// ordinary replies on both nodes; a marked reply from someone not named stays
// an ordinary reply; a fact-checker's context note on another node's post is
// shown on both nodes and its removal travels too; forged, replayed,
// malformed and oversized input is refused with nothing stored; the page
// forms pass the anti-forgery check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "server/annotations/annotation_store.h"
#include "server/federation/instance_actor.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::Eventually;
using ::parvis::testing::Follow;
using ::parvis::testing::Publish;
using ::parvis::testing::RawConnection;
using ::parvis::testing::Record;
using ::parvis::testing::RemotePeer;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

rapidjson::Document List(TestNode& node, const std::string& route, const std::string& post, const char* member) {
  Result<rapidjson::Document> doc = protocol::ParseJson(
      node.node().CallControl("GET", route + "?post=" + WebClient::Encode(post), "").body, {});
  rapidjson::Document list(rapidjson::kArrayType);
  if (doc && doc->IsObject() && doc->HasMember(member)) list.CopyFrom((*doc)[member], list.GetAllocator());
  return list;
}

rapidjson::Document RightsOfReply(TestNode& node, const std::string& post) {
  return List(node, "/control/right-of-reply", post, "rightsOfReply");
}

rapidjson::Document ContextNotes(TestNode& node, const std::string& post) {
  return List(node, "/control/context-notes", post, "contextNotes");
}

http::Response Control(TestNode& node, const std::string& target, const std::string& body) {
  return node.node().CallControl("POST", target, body);
}

std::string IdIn(const http::Response& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  return doc && doc->IsObject() ? protocol::StringMember(*doc, "id").value_or("") : "";
}

std::string ThreadPage(TestNode& node, const std::string& post) {
  return node.Get("/thread?id=" + WebClient::Encode(post));
}

// Where `needle` is in `page`, or npos.
size_t At(const std::string& page, const std::string& needle) { return page.find(needle); }

std::string Authority(const TestNode& node) { return "127.0.0.1:" + std::to_string(node.port()); }

// Every key of Family::kAnnotations on `node`.
size_t AnnotationKeys(TestNode& node) {
  size_t keys = 0;
  (void)node.node().store().Scan(storage::Family::kAnnotations, "", [&](std::string_view, std::string_view) {
    ++keys;
    return true;
  });
  return keys;
}

bool InboxDrained(TestNode& node) {
  bool queued = false;
  (void)node.node().store().Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
    queued = true;
    return false;
  });
  return !queued;
}

TEST(AnnotationsTest, ANamedPersonOnAnotherNodeRepliesAboveOrdinaryReplies) {
  TestNode a({}, true), b({}, true);
  a.CreateAccount("ana");
  b.CreateAccount("bob");
  b.CreateAccount("carl");
  std::string post = Publish(a, R"({"account":"ana","content":"The council says @bob@)" + Authority(b) +
                                    R"( wasted the grant."})");
  ASSERT_FALSE(post.empty());
  // Bob is mentioned, so the post reaches B.
  ASSERT_TRUE(Eventually([&] { return Record(b, post).find("wasted the grant") != std::string::npos; }));

  // Carl's ordinary reply comes first in time.
  http::Response ordinary = Control(b, "/control/post",
                                    R"({"account":"carl","content":"ORDINARY-reply","inReplyTo":")" + post + R"("})");
  ASSERT_EQ(ordinary.status, 201) << ordinary.body;
  // Carl is not named: no right of reply for him.
  http::Response refused = Control(b, "/control/right-of-reply",
                                   R"({"account":"carl","post":")" + post + R"(","content":"me too"})");
  EXPECT_EQ(refused.status, 403) << refused.body;

  http::Response answered = Control(b, "/control/right-of-reply",
                                    R"({"account":"bob","post":")" + post + R"(","content":"BOB-ANSWER: spent as agreed."})");
  ASSERT_EQ(answered.status, 201) << answered.body;
  std::string reply = IdIn(answered);
  // The reply federates marked, and A checks that its post names bob.
  EXPECT_THAT(Record(b, reply), HasSubstr("\"rightOfReply\":true"));
  ASSERT_TRUE(Eventually([&] { return RightsOfReply(a, post).Size() == 1; }));
  EXPECT_EQ(protocol::StringMember(RightsOfReply(a, post)[0], "reply"), reply);
  EXPECT_EQ(protocol::StringMember(RightsOfReply(a, post)[0], "author"), b.base() + "/users/bob");
  ASSERT_TRUE(Eventually([&] { return ThreadPage(a, post).find("ORDINARY-reply") != std::string::npos; }));

  // Both threads: the right of reply above the ordinary replies, and only there.
  for (TestNode* node : {&a, &b}) {
    std::string page = ThreadPage(*node, post);
    ASSERT_EQ(StatusOf(page), 200);
    size_t section = At(page, "class=\"rights-of-reply\"");
    size_t answer = At(page, "BOB-ANSWER");
    size_t replies = At(page, "<h2>Replies</h2>");
    size_t other = At(page, "ORDINARY-reply");
    ASSERT_NE(section, std::string::npos) << page;
    ASSERT_NE(replies, std::string::npos);
    EXPECT_LT(section, answer);
    EXPECT_LT(answer, replies);
    EXPECT_LT(replies, other);
    EXPECT_EQ(page.find("BOB-ANSWER", answer + 1), std::string::npos) << "shown twice";
  }

  // A new one replaces the earlier: the same note, sent as an Update.
  http::Response again = Control(b, "/control/right-of-reply",
                                 R"({"account":"bob","post":")" + post + R"(","content":"BOB-CORRECTED answer"})");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(IdIn(again), reply);
  ASSERT_TRUE(Eventually([&] { return ThreadPage(a, post).find("BOB-CORRECTED") != std::string::npos; }));
  EXPECT_EQ(RightsOfReply(a, post).Size(), 1u);
  EXPECT_EQ(RightsOfReply(b, post).Size(), 1u);
  EXPECT_THAT(ThreadPage(a, post), Not(HasSubstr("BOB-ANSWER")));
  EXPECT_EQ(annotations::CountRightsOfReply(a.node().store(), 0, INT64_MAX).value_or(0), 1u);
}

TEST(AnnotationsTest, AMarkedReplyFromSomeoneNotNamedIsAnOrdinaryReply) {
  TestNode a({}, true);
  a.CreateAccount("ana");
  std::string post = Publish(a, R"({"account":"ana","content":"Nobody named here."})");
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  std::string reply = mallory.id + "/notes/1";
  std::string create = R"({"@context":["https://www.w3.org/ns/activitystreams",{"parvis":"https://parvis.org/ns#","rightOfReply":"parvis:rightOfReply"}],"id":")" +
                       reply + R"(#create","type":"Create","actor":")" + mallory.id + R"(","object":{"id":")" + reply +
                       R"(","type":"Note","attributedTo":")" + mallory.id + R"(","inReplyTo":")" + post +
                       R"(","rightOfReply":true,"content":"MALLORY-claims a right of reply","to":["https://www.w3.org/ns/activitystreams#Public"]}})";
  RawConnection connection(a.port());
  connection.Send(RemotePeer::SignedPost(mallory, a.port(), "/inbox", create));
  ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  ASSERT_TRUE(Eventually([&] { return ThreadPage(a, post).find("MALLORY-claims") != std::string::npos; }));
  std::string page = ThreadPage(a, post);
  EXPECT_THAT(page, Not(HasSubstr("class=\"rights-of-reply\"")));
  EXPECT_LT(At(page, "<h2>Replies</h2>"), At(page, "MALLORY-claims"));
  EXPECT_EQ(RightsOfReply(a, post).Size(), 0u);
}

TEST(AnnotationsTest, AFactCheckersContextNoteOnARemotePostShowsOnBothNodes) {
  TestNode a({}, true), b({}, true);
  a.CreateAccount("fay");
  a.CreateAccount("nick");
  b.CreateAccount("bob");
  // B takes context notes from nodes it federates with: fay follows bob.
  Follow(a, "fay", b.base() + "/users/bob");
  ASSERT_TRUE(Eventually([&] { return testing::FollowingState(a, "fay", b.base() + "/users/bob") == "accepted"; }));
  std::string post = Publish(b, R"({"account":"bob","content":"The river is 900 km long."})");
  const std::string note_body = R"(","post":")" + post +
                                R"(","content":"CONTEXT: it is 480 km long.","source":"https://atlas.example/river"})";

  // Not a fact-checker yet, and never for nick: refused, nothing stored.
  EXPECT_EQ(Control(a, "/control/context-notes", R"({"account":"fay)" + note_body).status, 403);
  EXPECT_EQ(Control(a, "/control/context-notes", R"({"account":"nick)" + note_body).status, 403);
  EXPECT_EQ(AnnotationKeys(a), 0u);
  EXPECT_EQ(Control(a, "/control/fact-checkers", R"({"account":"fay","on":"yes"})").status, 400);
  ASSERT_EQ(Control(a, "/control/fact-checkers", R"({"account":"fay","on":true})").status, 200);

  // Oversized: a clear error.
  http::Response oversized = Control(a, "/control/context-notes", R"({"account":"fay","post":")" + post +
                                                                      R"(","content":")" + std::string(1001, 'x') + R"("})");
  EXPECT_EQ(oversized.status, 400);
  EXPECT_THAT(oversized.body, HasSubstr("1001 characters long; at most 1000"));
  EXPECT_EQ(Control(a, "/control/context-notes", R"({"account":"fay","post":")" + post +
                                                     R"(","content":"x","source":"javascript:alert"})")
                .status,
            400);
  EXPECT_EQ(AnnotationKeys(a), 0u);

  http::Response added = Control(a, "/control/context-notes", R"({"account":"fay)" + note_body);
  ASSERT_EQ(added.status, 201) << added.body;
  std::string id = IdIn(added);
  EXPECT_TRUE(id.starts_with(a.base() + "/context-notes/"));
  EXPECT_EQ(ContextNotes(a, post).Size(), 1u);
  std::string here = ThreadPage(a, post);
  EXPECT_THAT(here, HasSubstr("Context note from " + Authority(a)));
  EXPECT_THAT(here, HasSubstr("CONTEXT: it is 480 km long."));
  EXPECT_LT(At(here, "CONTEXT: it is"), At(here, "The river is 900 km long."));  // above the content
  EXPECT_THAT(here, HasSubstr("https://atlas.example/river"));

  // B, the post's node, keeps it once, from A's instance actor.
  ASSERT_TRUE(Eventually([&] { return ContextNotes(b, post).Size() == 1; }));
  rapidjson::Document notes_there = ContextNotes(b, post);
  ASSERT_EQ(notes_there.Size(), 1u);
  const rapidjson::Value& there = notes_there[0];
  EXPECT_EQ(protocol::StringMember(there, "id"), id);
  EXPECT_EQ(protocol::StringMember(there, "origin"), Authority(a));
  EXPECT_EQ(protocol::StringMember(there, "sender"), a.base() + "/actor");
  EXPECT_EQ(protocol::StringMember(there, "source"), "https://atlas.example/river");
  std::string page = ThreadPage(b, post);
  EXPECT_THAT(page, HasSubstr("Context note from " + Authority(a)));
  EXPECT_THAT(page, HasSubstr("CONTEXT: it is 480 km long."));
  EXPECT_EQ(annotations::CountContextNotes(b.node().store(), 0, INT64_MAX).value_or(0), 1u);
  EXPECT_EQ(annotations::CountContextNotes(b.node().store(), 0, 1).value_or(9), 0u);

  // Removed on A: its Delete removes it on B.
  EXPECT_EQ(Control(a, "/control/context-notes/delete", R"({"account":"nick","id":")" + id + R"("})").status, 403);
  ASSERT_EQ(Control(a, "/control/context-notes/delete", R"({"account":"fay","id":")" + id + R"("})").status, 200);
  EXPECT_EQ(ContextNotes(a, post).Size(), 0u);
  ASSERT_TRUE(Eventually([&] { return ContextNotes(b, post).Size() == 0; }));
  EXPECT_THAT(ThreadPage(b, post), Not(HasSubstr("CONTEXT: it is")));
}

// A node's instance actor, to sign as node A would (its keys are in A's store).
testing::PeerActor InstanceActorOf(TestNode& node) {
  Result<federation::InstanceActorKeys> keys = federation::LoadOrCreateInstanceKeys(node.node().store());
  EXPECT_TRUE(keys);
  Result<protocol::PrivateKey> rsa = protocol::ParsePrivateKeyPem(keys->rsa_private_pem);
  EXPECT_TRUE(rsa);
  std::string id = node.base() + "/actor";
  return {"actor", id, id + "#main-key", id + "#ed25519-key", *rsa, *protocol::GenerateEd25519Key()};
}

std::string ContextNoteCreate(const std::string& actor, const std::string& id, const std::string& post,
                              const std::string& content) {
  return R"({"@context":["https://www.w3.org/ns/activitystreams",{"parvis":"https://parvis.org/ns#","contextFor":{"@id":"parvis:contextFor","@type":"@id"}}],"id":")" +
         id + R"(/activity","type":"Create","actor":")" + actor + R"(","to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":")" +
         id + R"(","type":"Note","attributedTo":")" + actor + R"(","contextFor":")" + post + R"(","content":")" + content +
         R"(","to":["https://www.w3.org/ns/activitystreams#Public"]}})";
}

TEST(AnnotationsTest, ForgedReplayedAndMalformedContextNotesStoreNothing) {
  TestNode a({}, true), b({}, true);
  b.CreateAccount("bob");
  a.CreateAccount("ann");
  Follow(a, "ann", b.base() + "/users/bob");
  ASSERT_TRUE(Eventually([&] { return testing::FollowingState(a, "ann", b.base() + "/users/bob") == "accepted"; }));
  std::string post = Publish(b, R"({"account":"bob","content":"a post"})");
  testing::PeerActor node_a = InstanceActorOf(a);
  RemotePeer peer;
  testing::PeerActor mallory = peer.AddActor("mallory");
  testing::PeerActor lookalike = peer.AddActor("actor");  // an instance actor's name, not at /actor
  auto send = [&](const testing::PeerActor& as, const std::string& body) {
    RawConnection connection(b.port());
    connection.Send(RemotePeer::SignedPost(as, b.port(), "/inbox", body));
    return StatusOf(connection.ReadToEnd());
  };
  auto settled = [&] { return Eventually([&] { return InboxDrained(b); }); };

  // Forged: a person's key claiming A's instance actor; a person as actor;
  // an actor named like one but not at its node's /actor.
  EXPECT_EQ(send(mallory, ContextNoteCreate(node_a.id, a.base() + "/context-notes/f1", post, "forged")), 401);
  EXPECT_EQ(send(mallory, ContextNoteCreate(mallory.id, peer.base() + "/context-notes/f2", post, "person")), 202);
  EXPECT_EQ(send(lookalike, ContextNoteCreate(lookalike.id, peer.base() + "/context-notes/f3", post, "lookalike")), 202);
  // Malformed, from the genuine instance actor: a note from another host,
  // oversized, about no post, not about an http(s) post, about an unknown post.
  EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, peer.base() + "/context-notes/m1", post, "elsewhere")), 202);
  EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, a.base() + "/context-notes/m2", post, std::string(1001, 'x'))),
            202);
  EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, a.base() + "/context-notes/m3", "", "none")), 202);
  EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, a.base() + "/context-notes/m4", "mailto:x@y", "mail")), 202);
  EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, a.base() + "/context-notes/m5", b.base() + "/nothing", "unknown")),
            202);
  EXPECT_EQ(send(node_a, R"({"id":")" + a.base() + R"(/x","type":"Create","actor":")" + node_a.id +
                             R"(","object":{"id":")" + a.base() + R"(/n","contextFor":{"deep":[[[[1]]]]},"content":7}})"),
            202);
  ASSERT_TRUE(settled());
  EXPECT_EQ(AnnotationKeys(b), 0u);
  EXPECT_EQ(ContextNotes(b, post).Size(), 0u);
  // None of them became an ordinary post either.
  for (const std::string& id : {a.base() + "/context-notes/m2", peer.base() + "/context-notes/f2"}) {
    EXPECT_THAT(Record(b, id), Not(HasSubstr("\"local\""))) << id;
  }

  // The genuine one, then replays: the same request (refused by its
  // signature), the same note signed anew, the same id with another text.
  std::string genuine = ContextNoteCreate(node_a.id, a.base() + "/context-notes/g1", post, "GENUINE note");
  RawConnection first(b.port());
  std::string request = RemotePeer::SignedPost(node_a, b.port(), "/inbox", genuine);
  first.Send(request);
  ASSERT_EQ(StatusOf(first.ReadToEnd()), 202);
  RawConnection replay(b.port());
  replay.Send(request);
  EXPECT_EQ(StatusOf(replay.ReadToEnd()), 401);
  EXPECT_EQ(send(node_a, genuine + " "), 202);
  // The same note id in another activity: still the first text.
  std::string changed = ContextNoteCreate(node_a.id, a.base() + "/context-notes/g1", post, "CHANGED");
  changed.replace(changed.find("/activity"), 9, "/activity-2");
  EXPECT_EQ(send(node_a, changed), 202);
  ASSERT_TRUE(settled());
  ASSERT_EQ(ContextNotes(b, post).Size(), 1u);
  EXPECT_EQ(protocol::StringMember(ContextNotes(b, post)[0], "text"), "GENUINE note");

  // Only its sender removes it.
  std::string deletion = R"({"id":")" + mallory.id + R"(/d1","type":"Delete","actor":")" + mallory.id +
                         R"(","object":")" + a.base() + R"(/context-notes/g1"})";
  EXPECT_EQ(send(mallory, deletion), 202);
  ASSERT_TRUE(settled());
  EXPECT_EQ(ContextNotes(b, post).Size(), 1u);
  EXPECT_EQ(send(node_a, R"({"id":")" + a.base() + R"(/d2","type":"Delete","actor":")" + node_a.id +
                             R"(","object":{"id":")" + a.base() + R"(/context-notes/g1","type":"Tombstone"}})"),
            202);
  ASSERT_TRUE(Eventually([&] { return ContextNotes(b, post).Size() == 0; }));

  // Deleted, it does not come back when a Create of it arrives late.
  std::string late = genuine;
  late.replace(late.find("/activity"), 9, "/activity-3");
  EXPECT_EQ(send(node_a, late), 202);
  // Nor does one whose Delete arrived before its Create.
  EXPECT_EQ(send(node_a, R"({"id":")" + a.base() + R"(/d3","type":"Delete","actor":")" + node_a.id + R"(","object":")" +
                             a.base() + R"(/context-notes/g2"})"),
            202);
  EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, a.base() + "/context-notes/g2", post, "LATE note")), 202);
  // At most five notes from one node on one post.
  for (int i = 3; i < 10; ++i) {
    EXPECT_EQ(send(node_a, ContextNoteCreate(node_a.id, a.base() + "/context-notes/g" + std::to_string(i), post,
                                             "NOTE " + std::to_string(i))),
              202);
  }
  // A node B has no follow with is not heard.
  TestNode c({}, true);
  testing::PeerActor node_c = InstanceActorOf(c);
  EXPECT_EQ(send(node_c, ContextNoteCreate(node_c.id, c.base() + "/context-notes/s1", post, "STRANGER note")), 202);
  ASSERT_TRUE(settled());
  rapidjson::Document kept = ContextNotes(b, post);
  ASSERT_EQ(kept.Size(), 5u);
  for (const rapidjson::Value& note : kept.GetArray()) {
    std::string text = protocol::StringMember(note, "text").value_or("");
    EXPECT_TRUE(text.starts_with("NOTE ")) << text;
  }
}

void SignIn(WebClient& browser, const std::string& name) {
  browser.Get("/login");
  ASSERT_EQ(StatusOf(browser.Post("/login", {{"name", name}, {"password", "password123"}})), 303);
}

TEST(AnnotationsTest, PageFormsWithTheAntiForgeryCheck) {
  TestNode node({}, true);
  node.CreateAccount("ana");
  node.CreateAccount("bob");
  node.CreateAccount("fay");
  ASSERT_EQ(Control(node, "/control/fact-checkers", R"({"account":"fay","on":true})").status, 200);
  std::string post = Publish(node, R"({"account":"ana","content":"Ask @bob about it, says @ana."})");
  const std::string thread = "/thread?id=" + WebClient::Encode(post);

  WebClient bob(node.port());
  SignIn(bob, "bob");
  std::string page = bob.Get(thread);
  EXPECT_THAT(page, HasSubstr("action=\"/right-of-reply\""));
  EXPECT_THAT(page, HasSubstr("Reply as the person named"));
  EXPECT_THAT(page, Not(HasSubstr("action=\"/context-notes\"")));
  // Without the token: refused, nothing written.
  EXPECT_EQ(StatusOf(bob.Post("/right-of-reply", {{"post", post}, {"content", "BOB-FORM"}}, false)), 403);
  EXPECT_EQ(RightsOfReply(node, post).Size(), 0u);
  std::string done = bob.Post("/right-of-reply", {{"post", post}, {"content", "BOB-FORM reply"}});
  ASSERT_EQ(StatusOf(done), 303) << done;
  EXPECT_EQ(testing::LocationOf(done), thread);
  EXPECT_EQ(RightsOfReply(node, post).Size(), 1u);
  EXPECT_THAT(bob.Get(thread), HasSubstr("BOB-FORM reply"));

  // Ana names herself, but authors answer in their own thread as anyone does; fay is a fact-checker.
  WebClient ana(node.port());
  SignIn(ana, "ana");
  EXPECT_THAT(ana.Get(thread), Not(HasSubstr("action=\"/right-of-reply\"")));
  EXPECT_EQ(StatusOf(ana.Post("/right-of-reply", {{"post", post}, {"content", "x"}})), 403);
  EXPECT_EQ(StatusOf(ana.Post("/context-notes", {{"post", post}, {"content", "x"}})), 403);

  WebClient fay(node.port());
  SignIn(fay, "fay");
  EXPECT_THAT(fay.Get(thread), HasSubstr("action=\"/context-notes\""));
  EXPECT_EQ(StatusOf(fay.Post("/context-notes", {{"post", post}, {"content", "FAY-NOTE"}}, false)), 403);
  std::string too_long = fay.Post("/context-notes", {{"post", post}, {"content", std::string(1001, 'y')}});
  EXPECT_EQ(StatusOf(too_long), 400);
  EXPECT_THAT(too_long, HasSubstr("at most 1000"));
  fay.Get(thread);
  ASSERT_EQ(StatusOf(fay.Post("/context-notes", {{"post", post}, {"content", "FAY-NOTE <b>bold</b>"}})), 303);
  std::string shown = fay.Get(thread);
  EXPECT_THAT(shown, HasSubstr("FAY-NOTE &lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_THAT(shown, HasSubstr("action=\"/context-notes/delete\""));
  ASSERT_EQ(ContextNotes(node, post).Size(), 1u);
  std::string id = protocol::StringMember(ContextNotes(node, post)[0], "id").value_or("");
  EXPECT_EQ(StatusOf(fay.Post("/context-notes/delete", {{"id", id}}, false)), 403);
  EXPECT_EQ(StatusOf(ana.Post("/context-notes/delete", {{"id", id}})), 403);
  EXPECT_EQ(ContextNotes(node, post).Size(), 1u);
  ASSERT_EQ(StatusOf(fay.Post("/context-notes/delete", {{"id", id}})), 303);
  EXPECT_EQ(ContextNotes(node, post).Size(), 0u);
}

}  // namespace
}  // namespace parvis
