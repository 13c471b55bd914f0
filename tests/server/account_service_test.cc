#include "server/accounts/account_service.h"

#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/keys.h"
#include "parvis/protocol/multikey.h"
#include "support/temp_dir.h"

namespace parvis::accounts {
namespace {

using ::testing::HasSubstr;

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    service_ = std::make_unique<AccountService>(*store_, [] { return int64_t{1'700'000'000}; });
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, CreatesFindsAndChecksPasswords) {
  Result<Account> created = service_->Create(
      {.name = "Marianne", .kind = AccountKind::kGroup, .admin = true, .password = "liberte egalite"});
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_EQ(created->name, "Marianne");
  EXPECT_EQ(created->created_at, 1'700'000'000);

  Result<std::optional<Account>> found = service_->FindByName("marianne");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->kind, AccountKind::kGroup);
  EXPECT_TRUE((*found)->admin);

  EXPECT_EQ(service_->CheckPassword(**found, "liberte egalite"), true);
  EXPECT_EQ(service_->CheckPassword(**found, "liberte egalit"), false);
  EXPECT_EQ(service_->CheckPassword(**found, ""), false);
  EXPECT_EQ(service_->Count(), 1u);
  EXPECT_FALSE(service_->FindByName("nobody")->has_value());
}

TEST_F(AccountServiceTest, ThePasswordHashIsSealedNotStoredInClear) {
  Result<Account> created =
      service_->Create({.name = "a", .kind = AccountKind::kPerson, .password = "password123"});
  ASSERT_TRUE(created.has_value());
  std::string raw;
  ASSERT_TRUE(store_
                  ->Scan(storage::Family::kAccountPrivate, "",
                         [&](std::string_view, std::string_view value) {
                           raw += value;
                           return true;
                         })
                  .has_value());
  EXPECT_FALSE(raw.empty());
  EXPECT_THAT(raw, ::testing::Not(HasSubstr("$argon2id$")));
  EXPECT_THAT(raw, ::testing::Not(HasSubstr("PRIVATE KEY")));
  // Once the data key is gone, no password matches any more.
  ASSERT_TRUE(store_->DestroyDataKey(created->id).has_value());
  EXPECT_EQ(service_->CheckPassword(*created, "password123"), false);
}

TEST_F(AccountServiceTest, EachAccountGetsItsOwnKeyPairs) {
  Result<Account> a = service_->Create({.name = "a", .password = "password123"});
  Result<Account> b = service_->Create({.name = "b", .password = "password123"});
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->rsa_public_pem, b->rsa_public_pem);
  EXPECT_NE(a->ed25519_multibase, b->ed25519_multibase);
  EXPECT_THAT(a->ed25519_multibase, ::testing::StartsWith("z6Mk"));

  Result<PrivateKeyPems> keys = service_->PrivateKeys(*a);
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  Result<protocol::PrivateKey> rsa = protocol::ParsePrivateKeyPem(keys->rsa);
  Result<protocol::PublicKey> rsa_public = protocol::ParsePublicKeyPem(a->rsa_public_pem);
  ASSERT_TRUE(rsa.has_value() && rsa_public.has_value());
  EXPECT_EQ(rsa->bits(), 2048);
  EXPECT_TRUE(protocol::SamePublicKey(rsa->public_key(), *rsa_public));
  Result<protocol::PrivateKey> ed = protocol::ParsePrivateKeyPem(keys->ed25519);
  Result<protocol::PublicKey> ed_public = protocol::DecodeMultikey(a->ed25519_multibase);
  ASSERT_TRUE(ed.has_value() && ed_public.has_value());
  EXPECT_TRUE(protocol::SamePublicKey(ed->public_key(), *ed_public));

  // The stored record (what FindByName returns) carries the same public keys.
  Result<std::optional<Account>> found = service_->FindByName("a");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->rsa_public_pem, a->rsa_public_pem);

  // Private keys are sealed: gone with the data key.
  ASSERT_TRUE(store_->DestroyDataKey(a->id).has_value());
  EXPECT_FALSE(service_->PrivateKeys(*a).has_value());
  EXPECT_TRUE(service_->PrivateKeys(*b).has_value());
}

struct BadAccount {
  std::string name;
  NewAccount request;
  std::string message;
};

TEST_F(AccountServiceTest, RefusesBadNamesAndPasswords) {
  const BadAccount cases[] = {
      {"empty name", {.name = "", .password = "password123"}, "1 to 30 characters"},
      {"long name", {.name = std::string(31, 'x'), .password = "password123"}, "1 to 30"},
      {"space", {.name = "a b", .password = "password123"}, "underscores"},
      {"non-ascii", {.name = "\xC3\xA9lise", .password = "password123"}, "underscores"},
      {"at sign", {.name = "a@b", .password = "password123"}, "underscores"},
      {"short password", {.name = "ok", .password = "1234567"}, "at least 8"},
      {"huge password", {.name = "ok", .password = std::string(1025, 'p')}, "at most 1024"},
      {"nul in password", {.name = "ok", .password = std::string("abcd\0efgh", 9)}, "NUL"},
  };
  for (const BadAccount& c : cases) {
    Result<Account> result = service_->Create(c.request);
    ASSERT_FALSE(result.has_value()) << c.name;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_THAT(result.error().message, HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(service_->Count(), 0u);
}

TEST_F(AccountServiceTest, NamesAreUniqueEvenUnderConcurrency) {
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      std::string name = i % 2 == 0 ? "Same" : "same";
      if (service_->Create({.name = name, .password = "password123"})) ++created;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(service_->Count(), 1u);
}

TEST_F(AccountServiceTest, AccountsSurviveAReopen) {
  ASSERT_TRUE(service_->Create({.name = "keep", .password = "password123"}).has_value());
  service_.reset();
  store_.reset();
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = dir_.Sub("db")});
  ASSERT_TRUE(store.has_value());
  AccountService reopened(**store, [] { return int64_t{0}; });
  Result<std::optional<Account>> found = reopened.FindByName("KEEP");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ(reopened.CheckPassword(**found, "password123"), true);
  // Ids keep growing after a reopen.
  Result<Account> next = reopened.Create({.name = "next", .password = "password123"});
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(next->id, (*found)->id);
}

}  // namespace
}  // namespace parvis::accounts
