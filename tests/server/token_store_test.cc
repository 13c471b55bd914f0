#include "server/accounts/token_store.h"

#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "storage/files_containing.h"
#include "support/temp_dir.h"

namespace parvis::accounts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr storage::AccountId kAlice = 1;
constexpr storage::AccountId kBob = 2;

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    tokens_ = std::make_unique<TokenStore>(*store_);
  }
  void Close() {
    tokens_.reset();
    store_.reset();
  }

  IssuedToken Issue(storage::AccountId account, std::string_view label = "", int64_t now = 100) {
    Result<IssuedToken> issued = tokens_->Issue(account, label, now);
    EXPECT_TRUE(issued.has_value()) << issued.error().message;
    return issued.value_or(IssuedToken{});
  }
  // The account the token verifies as; nullopt if it does not (a storage
  // error fails the test).
  std::optional<storage::AccountId> Verify(std::string_view token) {
    Result<std::optional<storage::AccountId>> account = tokens_->Verify(token);
    EXPECT_TRUE(account.has_value()) << account.error().message;
    return account.value_or(std::nullopt);
  }
  std::vector<std::string> Ids(storage::AccountId account) {
    Result<std::vector<TokenInfo>> listed = tokens_->List(account);
    EXPECT_TRUE(listed.has_value()) << listed.error().message;
    std::vector<std::string> ids;
    for (const TokenInfo& info : listed.value_or(std::vector<TokenInfo>{})) ids.push_back(info.id);
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<TokenStore> tokens_;
};

TEST_F(TokenStoreTest, IssuedTokenVerifiesAsItsAccount) {
  IssuedToken issued = Issue(kAlice, "phone", 1'700'000'000);
  EXPECT_THAT(issued.token, MatchesRegex("pvs_[0-9a-f]{64}"));
  EXPECT_THAT(issued.info.id, MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(issued.info.label, "phone");
  EXPECT_EQ(issued.info.created, 1'700'000'000);
  EXPECT_EQ(Verify(issued.token), kAlice);
}

TEST_F(TokenStoreTest, TokensAndIdsAreDistinct) {
  std::set<std::string> tokens, ids;
  for (int i = 0; i < 20; ++i) {
    IssuedToken issued = Issue(i % 2 == 0 ? kAlice : kBob);
    tokens.insert(issued.token);
    ids.insert(issued.info.id);
    EXPECT_EQ(Verify(issued.token), i % 2 == 0 ? kAlice : kBob);
  }
  EXPECT_EQ(tokens.size(), 20u);
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(TokenStoreTest, TokensOutliveTheProcess) {
  IssuedToken issued = Issue(kAlice, "laptop");
  Close();
  Open();
  EXPECT_EQ(Verify(issued.token), kAlice);
  EXPECT_THAT(Ids(kAlice), ElementsAre(issued.info.id));
}

TEST_F(TokenStoreTest, RevokeStopsThatTokenOnly) {
  IssuedToken phone = Issue(kAlice, "phone");
  IssuedToken laptop = Issue(kAlice, "laptop");
  IssuedToken bobs = Issue(kBob, "bob");
  ASSERT_TRUE(tokens_->Revoke(kAlice, phone.info.id).has_value());
  EXPECT_EQ(Verify(phone.token), std::nullopt);
  EXPECT_EQ(Verify(laptop.token), kAlice);
  EXPECT_EQ(Verify(bobs.token), kBob);
  EXPECT_THAT(Ids(kAlice), ElementsAre(laptop.info.id));
  // Revoked once is gone: a second revocation finds nothing.
  Status again = tokens_->Revoke(kAlice, phone.info.id);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_F(TokenStoreTest, RevokingAnIdTheAccountDoesNotHaveIsNotFound) {
  IssuedToken alices = Issue(kAlice);
  const std::string ids[] = {alices.info.id,  // Alice's, revoked as Bob
                             "",
                             "0123456789abcdef",
                             alices.info.id + "0",
                             alices.info.id.substr(0, 15),
                             std::string(1 << 20, 'a'),
                             std::string("0123456\0" "89abcdef", 16)};
  for (const std::string& id : ids) {
    Status revoked = tokens_->Revoke(kBob, id);
    ASSERT_FALSE(revoked.has_value()) << id.size();
    EXPECT_EQ(revoked.error().code, ErrorCode::kNotFound);
  }
  EXPECT_EQ(Verify(alices.token), kAlice);
  EXPECT_THAT(Ids(kAlice), ElementsAre(alices.info.id));
}

TEST_F(TokenStoreTest, ListIsOldestFirstAndHoldsNoSecret) {
  IssuedToken third = Issue(kAlice, "third", 300);
  IssuedToken first = Issue(kAlice, "first", 100);
  IssuedToken second = Issue(kAlice, "second", 200);
  Issue(kBob, "bob's", 150);
  Result<std::vector<TokenInfo>> listed = tokens_->List(kAlice);
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  const IssuedToken* expected[] = {&first, &second, &third};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*listed)[i].id, expected[i]->info.id);
    EXPECT_EQ((*listed)[i].label, expected[i]->info.label);
    EXPECT_EQ((*listed)[i].created, expected[i]->info.created);
  }
  EXPECT_EQ(Ids(kBob).size(), 1u);
  EXPECT_THAT(Ids(99), IsEmpty());

  // What the family holds: hashes and records, never a token.
  std::string stored;
  ASSERT_TRUE(store_
                  ->Scan(storage::Family::kTokens, "",
                         [&](std::string_view key, std::string_view value) {
                           stored.append(key).append(value);
                           return true;
                         })
                  .has_value());
  for (const IssuedToken* token : expected) {
    EXPECT_THAT(stored, ::testing::Not(HasSubstr(token->token.substr(4))));
    EXPECT_THAT(stored, HasSubstr(protocol::EncodeHex(protocol::Sha256(token->token))));
  }
}

TEST_F(TokenStoreTest, TheDatabaseFilesNeverHoldATokenSecret) {
  std::vector<IssuedToken> issued;
  for (int i = 0; i < 5; ++i) issued.push_back(Issue(i < 3 ? kAlice : kBob, "t"));
  ASSERT_TRUE(tokens_->Revoke(kAlice, issued[0].info.id).has_value());
  // Closing flushes the memtables: the records are in table files and the WAL.
  Close();
  for (const IssuedToken& token : issued) {
    std::string secret = token.token.substr(4);
    EXPECT_THAT(storage::testing::FilesContaining(dir_.path(), secret), IsEmpty());
    EXPECT_THAT(storage::testing::FilesContaining(dir_.path(), protocol::Sha256(token.token)),
                IsEmpty());
  }
  // The search does look inside the files: the hash of a live token is found.
  EXPECT_THAT(storage::testing::FilesContaining(
                  dir_.path(), protocol::EncodeHex(protocol::Sha256(issued[1].token))),
              ::testing::Not(IsEmpty()));
}

TEST_F(TokenStoreTest, VerifyRefusesMalformedAndUnknownTokens) {
  IssuedToken real = Issue(kAlice);
  std::string upper = real.token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string with_nul = real.token;
  with_nul[20] = '\0';
  std::string hex = real.token.substr(4);
  struct Case {
    std::string name;
    std::string token;
  };
  const Case cases[] = {
      {"empty", ""},
      {"prefix only", "pvs_"},
      {"one character short", real.token.substr(0, real.token.size() - 1)},
      {"one character more", real.token + "0"},
      {"trailing newline", real.token + "\n"},
      {"leading space", " " + real.token.substr(1)},
      {"no prefix", hex},
      {"other prefix", "pvt_" + hex},
      {"upper-case", upper},
      {"non-hex", "pvs_" + std::string(63, 'a') + "g"},
      {"embedded NUL", with_nul},
      {"NUL after it", real.token + std::string(1, '\0')},
      {"only NULs", std::string(real.token.size(), '\0')},
      {"high bytes", "pvs_" + std::string(64, '\xff')},
      {"one megabyte", std::string(1 << 20, 'a')},
      {"one megabyte with the prefix", "pvs_" + std::string(1 << 20, 'a')},
      {"never issued", "pvs_" + protocol::RandomHex(32)},
      {"the stored hash", "pvs_" + protocol::EncodeHex(protocol::Sha256(real.token))},
  };
  for (const Case& c : cases) {
    Result<std::optional<storage::AccountId>> account = tokens_->Verify(c.token);
    ASSERT_TRUE(account.has_value()) << c.name << ": " << account.error().message;
    EXPECT_EQ(*account, std::nullopt) << c.name;
  }
  EXPECT_EQ(Verify(real.token), kAlice);
}

TEST_F(TokenStoreTest, LabelsArePrintableAndShort) {
  struct Case {
    std::string name;
    std::string label;
    bool valid;
    std::string message;
  };
  std::string e_acute = "\xc3\xa9";
  std::string sixty_four_accents;
  for (int i = 0; i < 64; ++i) sixty_four_accents += e_acute;
  const Case cases[] = {
      {"empty", "", true, ""},
      {"words", "Tusky on my phone", true, ""},
      {"64 characters", std::string(64, 'x'), true, ""},
      {"accents", "T\xc3\xa9l\xc3\xa9phone de Jeanne", true, ""},
      {"64 two-byte characters", sixty_four_accents, true, ""},
      {"emoji", "\xf0\x9f\x93\xb1", true, ""},
      {"65 characters", std::string(65, 'x'), false, "at most 64 characters"},
      {"65 two-byte characters", sixty_four_accents + e_acute, false, "at most 64"},
      {"one megabyte", std::string(1 << 20, 'x'), false, "at most 64"},
      {"newline", "phone\nroot", false, "control"},
      {"tab", "a\tb", false, "control"},
      {"NUL", std::string("a\0b", 3), false, "control"},
      {"escape", "\x1b[31mred", false, "control"},
      {"DEL", "a\x7f", false, "control"},
      {"C1 control", "a\xc2\x85", false, "control"},
      {"right-to-left override", "a\xe2\x80\xae", false, "direction"},
      {"truncated sequence", "a\xc3", false, "UTF-8"},
      {"bad continuation", "a\xc3(", false, "UTF-8"},
      {"overlong slash", "\xc0\xaf", false, "UTF-8"},
      {"surrogate", "\xed\xa0\x80", false, "UTF-8"},
      {"beyond U+10FFFF", "\xf4\x90\x80\x80", false, "UTF-8"},
      {"lone continuation byte", "\x80", false, "UTF-8"},
  };
  for (const Case& c : cases) {
    Result<IssuedToken> issued = tokens_->Issue(kBob, c.label, 1);
    EXPECT_EQ(issued.has_value(), c.valid) << c.name;
    if (issued) {
      EXPECT_EQ(issued->info.label, c.label) << c.name;
      ASSERT_TRUE(tokens_->Revoke(kBob, issued->info.id).has_value());
    } else {
      EXPECT_EQ(issued.error().code, ErrorCode::kInvalidArgument) << c.name;
      EXPECT_THAT(issued.error().message, HasSubstr(c.message)) << c.name;
    }
  }
  EXPECT_THAT(Ids(kBob), IsEmpty()) << "a refused label writes nothing";
}

TEST_F(TokenStoreTest, RevokeAllRemovesEveryTokenOfOneAccount) {
  std::vector<IssuedToken> alices;
  for (int i = 0; i < 3; ++i) alices.push_back(Issue(kAlice, "a" + std::to_string(i)));
  IssuedToken bobs = Issue(kBob, "b");
  ASSERT_TRUE(tokens_->RevokeAll(kAlice).has_value());
  for (const IssuedToken& token : alices) EXPECT_EQ(Verify(token.token), std::nullopt);
  EXPECT_THAT(Ids(kAlice), IsEmpty());
  EXPECT_EQ(Verify(bobs.token), kBob);
  EXPECT_THAT(Ids(kBob), ElementsAre(bobs.info.id));
  // Nothing of Alice's is left in the family, and doing it again is fine.
  size_t left = 0;
  ASSERT_TRUE(store_
                  ->Scan(storage::Family::kTokens, storage::EncodeAccountId(kAlice),
                         [&](std::string_view, std::string_view) {
                           ++left;
                           return true;
                         })
                  .has_value());
  EXPECT_EQ(left, 0u);
  EXPECT_TRUE(tokens_->RevokeAll(kAlice).has_value());
  EXPECT_TRUE(tokens_->RevokeAll(99).has_value());
}

}  // namespace
}  // namespace parvis::accounts
