// The messaging wing's records in a real RocksDB: waiting ciphertexts are
// sealed and listed oldest first, acknowledged one by one, forgotten with
// their device, and pruned by age; one-time prekeys leave one at a time.
#include "server/messaging/message_store.h"

#include <gtest/gtest.h>

#include "server/accounts/account_service.h"
#include "support/temp_dir.h"

namespace parvis::messaging {
namespace {

class MessageStoreTest : public ::testing::Test {
 protected:
  MessageStoreTest() {
    Result<std::unique_ptr<storage::Store>> opened = storage::Store::Open({.path = dir_.Sub("db")});
    EXPECT_TRUE(opened.has_value());
    store_ = *std::move(opened);
    accounts::AccountService accounts(*store_, [] { return int64_t{1000}; });
    Result<accounts::Account> bob = accounts.Create({.name = "bob", .password = "a long passphrase"});
    EXPECT_TRUE(bob.has_value());
    bob_ = bob->id;
  }

  void Put(const std::string& device, int64_t received, const std::string& body) {
    storage::Batch batch;
    ASSERT_TRUE(messages().PutMessage(batch, bob_, device, {.from = "https://a.example/users/alice",
                                                            .sender_device = "AAAAAAAAAAAAAAAAAAAAAA",
                                                            .body = body,
                                                            .received = received})
                    .has_value());
    ASSERT_TRUE(store_->Write(batch).has_value());
  }

  std::vector<std::string> Bodies(const std::string& device) {
    Result<std::vector<WaitingMessage>> waiting = messages().Waiting(bob_, device, 100);
    EXPECT_TRUE(waiting.has_value());
    std::vector<std::string> out;
    for (const WaitingMessage& message : *waiting) out.push_back(message.body);
    return out;
  }

  MessageStore messages() { return MessageStore(*store_); }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  storage::AccountId bob_ = 0;
};

TEST_F(MessageStoreTest, WaitingMessagesAreSealedOrderedAcknowledgedAndPruned) {
  const std::string phone = "BBBBBBBBBBBBBBBBBBBBBA", laptop = "CCCCCCCCCCCCCCCCCCCCCA";
  Put(phone, 2000, "second-body-marker");
  Put(phone, 1000, "first-body-marker");
  Put(laptop, 1500, "laptop-body-marker");
  EXPECT_EQ(Bodies(phone), (std::vector<std::string>{"first-body-marker", "second-body-marker"}));
  EXPECT_EQ(Bodies(laptop), std::vector<std::string>{"laptop-body-marker"});
  // Sealed: the stored value does not contain the body or the sender.
  ASSERT_TRUE(store_->Scan(storage::Family::kMessages, "", [](std::string_view, std::string_view value) {
    EXPECT_EQ(value.find("body-marker"), std::string_view::npos);
    EXPECT_EQ(value.find("alice"), std::string_view::npos);
    return true;
  }).has_value());

  Result<std::vector<WaitingMessage>> waiting = messages().Waiting(bob_, phone, 1);
  ASSERT_TRUE(waiting.has_value());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ(waiting->at(0).received, 1000);
  EXPECT_EQ(waiting->at(0).from, "https://a.example/users/alice");
  storage::Batch ack;
  EXPECT_FALSE(messages().Acknowledge(ack, bob_, phone, "not hex"));
  EXPECT_FALSE(messages().Acknowledge(ack, bob_, phone, "00"));
  EXPECT_TRUE(messages().Acknowledge(ack, bob_, phone, waiting->at(0).id));
  ASSERT_TRUE(store_->Write(ack).has_value());
  EXPECT_EQ(Bodies(phone), std::vector<std::string>{"second-body-marker"});

  // Pruning by age: before 1600 goes (the laptop's), 2000 stays.
  Result<uint64_t> pruned = messages().DeleteArrivedBefore(1600);
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(*pruned, 1u);
  EXPECT_TRUE(Bodies(laptop).empty());
  EXPECT_EQ(Bodies(phone), std::vector<std::string>{"second-body-marker"});

  // Revocation forgets the device's messages and prekeys, not the others'.
  Put(laptop, 3000, "laptop-again");
  storage::Batch keys;
  messages().PutPrekey(keys, bob_, phone, 1, std::string(100, 'p'));
  messages().PutPrekey(keys, bob_, laptop, 1, std::string(100, 'l'));
  ASSERT_TRUE(store_->Write(keys).has_value());
  storage::Batch forget;
  messages().ForgetDevice(forget, bob_, phone);
  ASSERT_TRUE(store_->Write(forget).has_value());
  EXPECT_TRUE(Bodies(phone).empty());
  EXPECT_EQ(*messages().CountPrekeys(bob_, phone), 0u);
  EXPECT_EQ(Bodies(laptop), std::vector<std::string>{"laptop-again"});
  EXPECT_EQ(*messages().CountPrekeys(bob_, laptop), 1u);
}

TEST_F(MessageStoreTest, OneTimePrekeysLeaveOneAtATimeLowestFirst) {
  const std::string device = "BBBBBBBBBBBBBBBBBBBBBA";
  storage::Batch batch;
  for (uint32_t id : {300u, 2u, 70000u}) {
    messages().PutPrekey(batch, bob_, device, id, "prekey-" + std::to_string(id));
  }
  ASSERT_TRUE(store_->Write(batch).has_value());
  EXPECT_EQ(*messages().CountPrekeys(bob_, device), 3u);
  std::vector<std::string> taken;
  for (int i = 0; i < 4; ++i) {
    storage::Batch take;
    Result<std::optional<std::string>> prekey = messages().TakePrekey(take, bob_, device);
    ASSERT_TRUE(prekey.has_value());
    if (!prekey->has_value()) break;
    taken.push_back(**prekey);
    ASSERT_TRUE(store_->Write(take).has_value());
  }
  EXPECT_EQ(taken, (std::vector<std::string>{"prekey-2", "prekey-300", "prekey-70000"}));
  EXPECT_EQ(*messages().CountPrekeys(bob_, device), 0u);
}

}  // namespace
}  // namespace parvis::messaging
