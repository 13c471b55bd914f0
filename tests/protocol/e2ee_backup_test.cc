#include <gtest/gtest.h>

#include <string>

#include "parvis/protocol/e2ee.h"
#include "protocol/e2ee_test_support.h"

namespace parvis::protocol::e2ee {
namespace {

using testing::Counter;
using testing::FixedKey;

// Argon2id at libsodium's minimum cost keeps these tests fast; the vectors
// use the documented 2 / 64 MiB.
constexpr BackupOptions kCheap{1, 8192};
constexpr std::string_view kPassphrase = "correct horse battery staple";

BackupContent Content() {
  return BackupContent{"https://a.example/users/alice",
                       SigningKeyPairFromSeed(FixedKey("backup")).secret_key};
}

TEST(E2eeBackup, RoundTrips) {
  auto document = CreateBackup(Content(), kPassphrase, kCheap, Counter("salt"));
  ASSERT_TRUE(document.has_value()) << document.error().message;
  auto opened = OpenBackup(*document, kPassphrase);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(opened->actor, Content().actor);
  EXPECT_EQ(opened->account_key, Content().account_key);
  // Fresh salt and nonce every time.
  EXPECT_NE(*CreateBackup(Content(), kPassphrase, kCheap),
            *CreateBackup(Content(), kPassphrase, kCheap));
}

TEST(E2eeBackup, WrongPassphraseAndTamperingAreRejected) {
  const std::string document = *CreateBackup(Content(), kPassphrase, kCheap, Counter("salt"));
  for (std::string_view wrong :
       {"correct horse battery stapl", "Correct horse battery staple", ""}) {
    auto opened = OpenBackup(document, wrong);
    ASSERT_FALSE(opened.has_value()) << wrong;
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
  }
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string text = document;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return text;
  };
  struct Case {
    const char* name;
    std::string text;
    ErrorCode code = ErrorCode::kInvalidArgument;
  };
  const std::string salt_start = document.substr(document.find("\"salt\":\"") + 8, 2);
  const std::vector<Case> cases = {
      {"not JSON", "backup"},
      {"version 2", replace("\"version\":1", "\"version\":2")},
      {"other kdf", replace("argon2id13", "argon2i13"), ErrorCode::kUnsupported},
      {"opslimit changed", replace("\"opslimit\":1", "\"opslimit\":2")},
      {"huge memlimit", replace("\"memlimit\":8192", "\"memlimit\":1099511627776"),
       ErrorCode::kLimitExceeded},
      {"huge opslimit", replace("\"opslimit\":1", "\"opslimit\":1000000"),
       ErrorCode::kLimitExceeded},
      {"memlimit too low", replace("\"memlimit\":8192", "\"memlimit\":1")},
      {"salt changed", replace("\"salt\":\"" + salt_start,
                               salt_start[0] == 'A' ? "\"salt\":\"BA" : "\"salt\":\"AA")},
      {"salt short", replace("\"salt\":\"", "\"salt\":\"AAAA")},
      {"missing nonce", replace("\"nonce\"", "\"nonce_\"")},
      {"ciphertext padded", replace("\",\"ciphertext\":\"", "\",\"ciphertext\":\"=")},
  };
  for (const auto& c : cases) {
    auto opened = OpenBackup(c.text, kPassphrase);
    ASSERT_FALSE(opened.has_value()) << c.name;
    EXPECT_EQ(opened.error().code, c.code) << c.name << ": " << opened.error().message;
  }
}

TEST(E2eeBackup, ShortPassphraseAndBadOptionsAreRefused) {
  EXPECT_FALSE(CreateBackup(Content(), "eleven char", kCheap).has_value());
  EXPECT_TRUE(CreateBackup(Content(), "twelve chars", kCheap).has_value());
  // Characters, not bytes: 11 accented letters are 22 bytes but too short.
  EXPECT_FALSE(CreateBackup(Content(), "ééééééééééé", kCheap).has_value());
  EXPECT_FALSE(CreateBackup(Content(), kPassphrase, BackupOptions{0, 8192}).has_value());
  EXPECT_FALSE(CreateBackup(Content(), kPassphrase, BackupOptions{1, 1}).has_value());
}

}  // namespace
}  // namespace parvis::protocol::e2ee
