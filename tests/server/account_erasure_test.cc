// Deleting an account: its content, profile, tokens, encrypted-messaging
// records and every index entry pointing at it go at once; the servers that
// know it get Delete(actor) and forget it; once those deliveries are done
// the data key is destroyed and the files compacted, after which no file of
// the data directory holds any of what the account wrote, while another
// account's data is intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/messaging/msg_client.h"
#include "storage/files_containing.h"
#include "support/eventually.h"
#include "support/messaging_transport.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::Follow;
using ::parvis::testing::IssueToken;
using ::parvis::testing::PendingDeliveries;
using ::parvis::testing::Publish;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

TEST(AccountErasureTest, EverythingTheAccountWroteLeavesTheFilesAndOthersKeepTheirs) {
  TestNode a({}, true);
  TestNode b({}, true);
  a.CreateAccount("alice");
  a.CreateAccount("carol");
  b.CreateAccount("bob");
  const std::string alice = a.base() + "/users/alice";

  // Bob (on B) follows Alice; Alice writes, replies, tags; her profile.
  Follow(b, "bob", alice);
  ASSERT_TRUE(Eventually([&] {
    return testing::Accepted(b, "bob", 1);
  }));
  const std::vector<std::string> markers = {"ERASE-post-8c1e quarterly budget", "ERASE-reply-77ab agree",
                                            "erasemarkertag", "ERASE-bio-5d0f", "ERASE-name-91aa"};
  std::string carol_note = Publish(a, R"({"account":"carol","content":"KEEP-carol-3e2f bike lanes"})");
  std::string note = Publish(a, R"({"account":"alice","content":")" + markers[0] + R"( #erasemarkertag"})");
  std::string reply =
      Publish(a, R"({"account":"alice","content":")" + markers[1] + R"(","inReplyTo":")" + carol_note + R"("})");
  ASSERT_FALSE(note.empty() || reply.empty() || carol_note.empty());
  accounts::AccountService service(a.node().store(), [] { return int64_t{1000}; });
  Result<std::optional<accounts::Account>> account = service.FindByName("alice");
  ASSERT_TRUE(account && account->has_value());
  const storage::AccountId alice_id = (*account)->id;
  ASSERT_TRUE(service.EditProfile(alice_id, {.display_name = markers[4], .bio = markers[3], .locale = "fr"}).has_value());
  // A token, and encrypted-messaging keys with a backup.
  std::string token = IssueToken(a, "alice");
  testing::TempDir states;
  messaging::Transport transport = testing::TransportFor(a, token);
  auto device = messaging::MessagingClient::Create(states.Sub("alice.json"), transport, alice, std::nullopt, false);
  ASSERT_TRUE(device.has_value()) << device.error().message;
  ASSERT_TRUE((*device)->StoreBackup("correct horse battery staple").has_value());
  // Her blocks, mutes and bookmarks (Family::kRelations).
  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/control/mute", R"({"account":"alice","target":"https://erase-actor-6d2a.example/users/x"})"},
           {"/control/domain-block", R"({"account":"alice","host":"erase-domain-4b7c.example"})"},
           {"/control/bookmark", R"({"account":"alice","object":")" + carol_note + R"("})"}}) {
    http::Response related = a.node().CallControl("POST", path, body);
    ASSERT_LT(related.status, 300) << path << " " << related.body;
  }
  // Bob's copy arrived.
  ASSERT_TRUE(Eventually([&] { return testing::Record(b, note).find(markers[0]) != std::string::npos; }));

  // Delete: refused for an unknown account, then done.
  EXPECT_EQ(a.node().CallControl("POST", "/control/accounts/delete", R"({"account":"nobody"})").status, 404);
  http::Response deleted = a.node().CallControl("POST", "/control/accounts/delete", R"({"account":"alice"})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_THAT(deleted.body, HasSubstr("\"deliveries\":1"));

  // At once: the actor is gone, the name cannot be taken again, the token
  // and the notes no longer answer, the key directory is gone.
  std::string actor = a.Get("/users/alice", "Accept: application/activity+json\r\n");
  EXPECT_EQ(StatusOf(actor), 410) << actor;
  EXPECT_THAT(BodyOf(actor), HasSubstr("\"type\":\"Tombstone\""));
  EXPECT_EQ(a.node().CallControl("POST", "/control/accounts",
                                 R"({"name":"ALICE","kind":"person","password":"password123"})")
                .status,
            409);
  EXPECT_EQ(StatusOf(Fetch(a.port(), "GET", "/api/timelines/home", "Authorization: Bearer " + token + "\r\n")), 401);
  EXPECT_NE(StatusOf(a.Get(note.substr(a.base().size()), "Accept: application/activity+json\r\n")), 200);
  EXPECT_EQ(StatusOf(a.Get("/users/alice/e2ee")), 404);

  // B hears of it: Bob no longer follows Alice.
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(b, "bob", 0); }));
  ASSERT_TRUE(Eventually([&] { return PendingDeliveries(a) == 0; }));
  http::Response finished = a.node().CallControl("POST", "/control/accounts/finish-erasures", "");
  ASSERT_EQ(finished.status, 200) << finished.body;
  EXPECT_EQ(finished.body, R"({"finished":[)" + std::to_string(alice_id) + R"(],"waiting":[]})");

  // Carol is intact.
  EXPECT_EQ(StatusOf(a.Get(carol_note.substr(a.base().size()), "Accept: application/activity+json\r\n")), 200);
  Result<std::optional<accounts::Account>> carol = service.FindByName("carol");
  ASSERT_TRUE(carol && carol->has_value());
  EXPECT_TRUE(service.PrivateKeys(**carol).has_value());

  // The MANIFEST may still name an erased key as a file boundary until it
  // rolls; opening the database writes a new one (docs/storage.md).
  a.Stop();
  a.Start();
  a.Stop();
  std::vector<std::string> needles(markers);
  needles.push_back("correct horse");  // never sent, as a control
  needles.push_back("erase-actor-6d2a");
  needles.push_back("erase-domain-4b7c");
  EXPECT_THAT(storage::testing::FilesContainingAny(a.dir().Sub("data"), needles), ::testing::IsEmpty());
  EXPECT_THAT(storage::testing::FilesContainingAny(a.dir().Sub("data"), {"KEEP-carol-3e2f"}), ::testing::Not(::testing::IsEmpty()));
  // The account's records are gone from every family (its id as a key prefix).
  a.Start();
  for (storage::Family family : storage::AllFamilies()) {
    ASSERT_TRUE(a.node().store().Scan(family, storage::EncodeAccountId(alice_id), [&](std::string_view, std::string_view) {
      ADD_FAILURE() << storage::FamilyName(family) << " still holds a record of the account";
      return true;
    }).has_value());
  }
  EXPECT_FALSE(a.node().store().GetDataKey(alice_id).has_value());
}

}  // namespace
}  // namespace parvis
