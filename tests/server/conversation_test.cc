// Conversations across three nodes on loopback: mentions and direct
// addressing, replies and their threads (missing parents fetched), hashtags,
// edits, pins, and a group announcing what its members address to it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::Accepted;
using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Follow;
using ::parvis::testing::IssueToken;
using ::parvis::testing::PendingDeliveries;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;
using ::testing::Not;

// "@name@127.0.0.1:PORT", as written in a post.
std::string Mention(const TestNode& node, const std::string& name) {
  return "@" + name + "@127.0.0.1:" + std::to_string(node.port());
}

// The path of a local id on its node ("/users/a/statuses/1").
std::string PathOf(const TestNode& node, const std::string& id) {
  return id.substr(node.base().size());
}

bool Has(TestNode& node, const std::string& id, const std::string& text) {
  return Record(node, id).find(text) != std::string::npos;
}

size_t CountKeys(TestNode& node, storage::Family family, const std::string& prefix) {
  size_t count = 0;
  (void)node.node().store().Scan(family, prefix, [&](std::string_view, std::string_view) {
    ++count;
    return true;
  });
  return count;
}

// Waits until `node` has processed what reached its inbox and delivered all.
bool Settled(TestNode& node) {
  return CountKeys(node, storage::Family::kQueues, "inbox/") == 0 && PendingDeliveries(node) == 0;
}

std::string InboxOf(TestNode& node, const std::string& name, const std::string& token) {
  return BodyOf(node.Get("/users/" + name + "/inbox?page=1",
                         "Authorization: Bearer " + token + "\r\n"));
}

TEST(ConversationTest, DirectPostsReachOnlyTheMentionedAndAreServedOnlyToThem) {
  TestNode a({}, true), b({}, true), c({}, true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  c.CreateAccount("eve");
  Follow(c, "eve", a.Handle("camille"));
  ASSERT_TRUE(Eventually([&] { return Accepted(a, "camille", 1); }));

  std::string direct = Publish(a, R"({"account":"camille","visibility":"direct","content":"Bonjour )" +
                                      Mention(b, "dominique") + R"(, en privé"})");
  ASSERT_FALSE(direct.empty());
  ASSERT_TRUE(Eventually([&] { return Has(b, direct, "en privé"); }));
  std::string kept = Record(b, direct);
  EXPECT_THAT(kept, HasSubstr(R"("type":"Mention")"));
  EXPECT_THAT(kept, HasSubstr("u-url mention"));
  EXPECT_THAT(kept, Not(HasSubstr("#Public")));
  // dominique finds it in her inbox; eve, a follower, never receives it.
  std::string token = IssueToken(b, "dominique");
  EXPECT_TRUE(Eventually([&] { return InboxOf(b, "dominique", token).find(direct) != std::string::npos; }));
  ASSERT_TRUE(Eventually([&] { return Settled(a); }));
  EXPECT_THAT(Record(c, direct), HasSubstr("not found"));
  // Nobody else may fetch it: unsigned, it is not found.
  EXPECT_EQ(StatusOf(a.Get(PathOf(a, direct), "Accept: application/activity+json\r\n")), 404);

  // A direct post that names nobody is refused, with the reason.
  http::Response nobody = a.node().CallControl(
      "POST", "/control/post", R"({"account":"camille","visibility":"direct","content":"à personne"})");
  EXPECT_EQ(nobody.status, 400);
  EXPECT_THAT(nobody.body, HasSubstr("mention"));

  // Followers-only with a mention: the follower and the mentioned.
  std::string both = Publish(a, R"({"account":"camille","visibility":"followers","content":"Réunion, )" +
                                    Mention(b, "dominique") + R"( aussi"})");
  EXPECT_TRUE(Eventually([&] { return Has(b, both, "Réunion"); }));
  EXPECT_TRUE(Eventually([&] { return Has(c, both, "Réunion"); }));
}

TEST(ConversationTest, RepliesFormThreadsWithMissingParentsFetched) {
  TestNode a({}, true), b({}, true), c({}, true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  c.CreateAccount("eve");
  // eve follows dominique only: she never received camille's post.
  Follow(c, "eve", b.Handle("dominique"));
  ASSERT_TRUE(Eventually([&] { return Accepted(b, "dominique", 1); }));

  std::string root = Publish(a, R"({"account":"camille","content":"Budget participatif #Climat #Quartier"})");
  EXPECT_EQ(CountKeys(a, storage::Family::kTags, "climat\n"), 1u);
  // dominique replies: B fetches the parent, A (its author) hears of the reply.
  std::string reply = Publish(b, R"({"account":"dominique","content":"D'accord !","inReplyTo":")" + root +
                                     R"("})");
  ASSERT_FALSE(reply.empty());
  EXPECT_TRUE(Has(b, root, "Budget participatif"));
  ASSERT_TRUE(Eventually([&] { return Has(a, reply, "accord"); }));
  EXPECT_THAT(Record(a, reply), HasSubstr(R"("inReplyTo":")" + root));
  std::string replies = BodyOf(a.Get(PathOf(a, root) + "/replies?page=1"));
  EXPECT_THAT(replies, HasSubstr(reply));
  EXPECT_THAT(replies, HasSubstr("OrderedCollectionPage"));
  // eve's node got the reply and fetched the post it answers, with its tags.
  ASSERT_TRUE(Eventually([&] { return Has(c, reply, "accord"); }));
  EXPECT_TRUE(Eventually([&] { return Has(c, root, "Budget participatif"); }));
  EXPECT_TRUE(Eventually([&] { return CountKeys(c, storage::Family::kTags, "quartier\n") == 1; }));
  EXPECT_EQ(CountKeys(c, storage::Family::kReplies, root + "\n"), 1u);

  // A reply to something that does not exist is refused.
  http::Response orphan = b.node().CallControl(
      "POST", "/control/post",
      R"({"account":"dominique","content":"?","inReplyTo":")" + a.base() + R"(/users/camille/statuses/999"})");
  EXPECT_EQ(orphan.status, 404) << orphan.body;
}

TEST(ConversationTest, EditsAndPinsReachFollowers) {
  TestNode a({}, true), b({}, true);
  a.CreateAccount("camille");
  b.CreateAccount("dominique");
  Follow(b, "dominique", a.Handle("camille"));
  ASSERT_TRUE(Eventually([&] { return Accepted(a, "camille", 1); }));

  std::string note = Publish(a, R"({"account":"camille","content":"Première version"})");
  ASSERT_TRUE(Eventually([&] { return Has(b, note, "Première version"); }));
  http::Response edited = a.node().CallControl(
      "POST", "/control/edit", R"({"account":"camille","id":")" + note + R"(","content":"Version corrigée"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_TRUE(Eventually([&] { return Has(b, note, "Version corrigée"); }));
  EXPECT_THAT(Record(b, note), HasSubstr(R"("updated":")"));
  // Another account cannot edit it.
  a.CreateAccount("zoe");
  EXPECT_EQ(a.node().CallControl("POST", "/control/edit",
                                 R"({"account":"zoe","id":")" + note + R"(","content":"x"})").status,
            404);

  std::string article = Publish(
      a, R"({"account":"camille","title":"Compte rendu","content":"Le conseil a voté."})");
  ASSERT_TRUE(Eventually([&] { return Has(b, article, R"("type":"Article")"); }));
  EXPECT_THAT(Record(b, article), HasSubstr(R"("name":"Compte rendu")"));

  ASSERT_EQ(a.node().CallControl("POST", "/control/pin",
                                 R"({"account":"camille","id":")" + note + R"("})").status, 200);
  std::string featured = BodyOf(a.Get("/users/camille/collections/featured?page=1"));
  EXPECT_THAT(featured, HasSubstr("Version corrigée"));
  std::string hidden = Publish(a, R"({"account":"camille","visibility":"followers","content":"x"})");
  EXPECT_EQ(a.node().CallControl("POST", "/control/pin",
                                 R"({"account":"camille","id":")" + hidden + R"("})").status, 400);
  ASSERT_EQ(a.node().CallControl("POST", "/control/pin",
                                 R"({"account":"camille","id":")" + note + R"(","undo":true})").status,
            200);
  EXPECT_THAT(BodyOf(a.Get("/users/camille/collections/featured")), HasSubstr(R"("totalItems":0)"));
}

TEST(ConversationTest, AGroupAnnouncesWhatItsMembersAddressToIt) {
  TestNode a({}, true), b({}, true), c({}, true);
  a.CreateAccount("quartier", "group");
  b.CreateAccount("dominique");
  c.CreateAccount("eve");
  c.CreateAccount("fabien");
  Follow(b, "dominique", a.Handle("quartier"));
  Follow(c, "eve", a.Handle("quartier"));
  ASSERT_TRUE(Eventually([&] { return Accepted(a, "quartier", 2); }));

  std::string note = Publish(b, R"({"account":"dominique","content":")" + Mention(a, "quartier") +
                                    R"( réunion mardi"})");
  // The group announces it; eve's node fetches the note from its origin.
  ASSERT_TRUE(Eventually([&] { return Has(c, note, "réunion mardi"); }));
  std::string token = IssueToken(c, "eve");
  EXPECT_TRUE(Eventually([&] {
    std::string inbox = InboxOf(c, "eve", token);
    return inbox.find(R"("type":"Announce")") != std::string::npos &&
           inbox.find(note) != std::string::npos;
  }));

  // fabien is not a member: the group keeps his post but does not announce it.
  std::string outsider = Publish(c, R"({"account":"fabien","content":")" + Mention(a, "quartier") +
                                        R"( publicité"})");
  ASSERT_TRUE(Eventually([&] { return Has(a, outsider, "publicité"); }));
  ASSERT_TRUE(Eventually([&] { return Settled(a); }));
  EXPECT_THAT(Record(b, outsider), HasSubstr("not found"));
}

}  // namespace
}  // namespace parvis
