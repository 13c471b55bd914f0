// An account's archive: every wing's files are there and described in
// README.txt; notes of every audience, follows as Mastodon CSV, encrypted
// messages as ciphertext only, private keys only when asked for and then
// only under the passphrase; bad requests are refused and write nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "parvis/protocol/base64.h"
#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/messaging/msg_client.h"
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
using ::parvis::testing::Publish;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TempDir;
using ::parvis::testing::TestNode;
using ::parvis::testing::TransportFor;
using ::testing::HasSubstr;

// The regular files of a ustar archive, by name.
std::map<std::string, std::string> ReadTar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string tar = bytes.str();
  std::map<std::string, std::string> files;
  for (size_t at = 0; at + 512 <= tar.size();) {
    std::string name(tar.c_str() + at);
    if (name.empty()) break;
    EXPECT_EQ(tar.substr(at + 257, 5), "ustar") << name;
    size_t size = std::stoull(tar.substr(at + 124, 11), nullptr, 8);
    files[name] = tar.substr(at + 512, size);
    at += 512 + (size + 511) / 512 * 512;
  }
  return files;
}

TEST(AccountExportTest, TheArchiveHoldsEverythingAndKeysOnlyUnderThePassphrase) {
  TestNode a({}, true);
  TestNode b({}, true);
  a.CreateAccount("alice");
  b.CreateAccount("bob");
  const std::string alice = a.base() + "/users/alice";
  const std::string bob = b.base() + "/users/bob";
  Follow(b, "bob", alice);
  Follow(a, "alice", bob);
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(a, "alice", 2); }));
  std::string public_note = Publish(a, R"({"account":"alice","content":"EXPORT-public-note"})");
  std::string direct_note =
      Publish(a, R"({"account":"alice","content":"EXPORT-direct-note","visibility":"followers"})");
  // Blocks, mutes, a domain block and a bookmark (relation_commands.h).
  a.CreateAccount("carol");
  auto relate = [&](const std::string& path, const std::string& body) {
    http::Response response = a.node().CallControl("POST", path, body);
    EXPECT_LT(response.status, 300) << path << " " << response.body;
  };
  relate("/control/block", R"({"account":"alice","target":")" + a.base() + R"(/users/carol"})");
  relate("/control/mute", R"({"account":"alice","target":")" + bob + R"(","hide_notifications":false})");
  relate("/control/domain-block", R"({"account":"alice","host":"Spam.Example"})");
  relate("/control/bookmark", R"({"account":"alice","object":")" + public_note + R"("})");
  accounts::AccountService service(a.node().store(), [] { return int64_t{1000}; });
  Result<std::optional<accounts::Account>> account = service.FindByName("alice");
  ASSERT_TRUE(account && account->has_value());
  ASSERT_TRUE(service.EditProfile((*account)->id, {.display_name = "Alice", .bio = "EXPORT-bio", .locale = "fr"})
                  .has_value());
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, 'p');
  ASSERT_TRUE(service.SetAvatar((*account)->id, png, 1).has_value());
  // A message from Bob waits for Alice's device.
  TempDir states;
  auto alice_device = messaging::MessagingClient::Create(states.Sub("a.json"), TransportFor(a, IssueToken(a, "alice")),
                                                         alice, std::nullopt, false);
  auto bob_device = messaging::MessagingClient::Create(states.Sub("b.json"), TransportFor(b, IssueToken(b, "bob")),
                                                       bob, std::nullopt, false);
  ASSERT_TRUE(alice_device && bob_device);
  ASSERT_TRUE((*bob_device)->Send({alice}, "EXPORT-secret-message").has_value());
  ASSERT_TRUE(Eventually([&] {
    return BodyOf(Fetch(a.port(), "GET", "/api/e2ee/messages?device=" + (*alice_device)->device_id(),
                        "Authorization: Bearer " + IssueToken(a, "alice") + "\r\n"))
               .find("\"body\"") != std::string::npos;
  }));

  // A report alice filed (moderation/moderation_archive.h).
  ASSERT_EQ(a.node().CallControl("POST", "/control/reports",
                                 R"({"account":"alice","target":")" + bob + R"(","category":"spam","comment":"EXPORT-report"})")
                .status,
            201);

  TempDir out;
  const std::string with_keys = out.Sub("with-keys.tar");
  http::Response exported = a.node().CallControl(
      "POST", "/control/accounts/export",
      R"({"account":"alice","file":")" + with_keys + R"(","passphrase":"correct horse battery staple"})");
  ASSERT_EQ(exported.status, 200) << exported.body;
  std::map<std::string, std::string> files = ReadTar(with_keys);
  for (const char* name : {"README.txt", "profile.json", "keys.json", "media/avatar.png", "reports.json", "actor.json",
                           "outbox.json", "likes.json", "bookmarks.json", "following_accounts.csv", "followers.csv",
                           "blocked_accounts.csv", "muted_accounts.csv", "blocked_domains.csv", "petitions.json", "consultations.json",
                           "encrypted_messages.json"}) {
    EXPECT_TRUE(files.contains(name)) << name;
    if (std::string(name) != "README.txt" && std::string(name) != "media/avatar.png") {
      EXPECT_THAT(files["README.txt"], HasSubstr("- " + std::string(name) + ": ")) << name;
    }
  }
  EXPECT_EQ(files["media/avatar.png"], png);
  EXPECT_THAT(files["profile.json"], HasSubstr("\"bio\":\"EXPORT-bio\""));
  EXPECT_THAT(files["outbox.json"], HasSubstr("EXPORT-public-note"));
  EXPECT_THAT(files["reports.json"], HasSubstr("\"comment\":\"EXPORT-report\""));
  EXPECT_TRUE(protocol::ParseJson(files["reports.json"], {}).has_value());
  EXPECT_THAT(files["outbox.json"], HasSubstr("EXPORT-direct-note"));
  EXPECT_THAT(files["outbox.json"], HasSubstr("\"totalItems\":2"));
  for (const char* name : {"outbox.json", "actor.json", "profile.json", "keys.json", "petitions.json",
                           "consultations.json", "encrypted_messages.json", "likes.json", "bookmarks.json"}) {
    EXPECT_TRUE(protocol::ParseJson(files[name], {}).has_value()) << name << " is not JSON";
  }
  const std::string bob_address = "bob@127.0.0.1:" + std::to_string(b.port());
  EXPECT_THAT(files["following_accounts.csv"], HasSubstr("Account address,Show boosts"));
  EXPECT_THAT(files["following_accounts.csv"], HasSubstr(bob_address + ",true,false,"));
  EXPECT_THAT(files["followers.csv"], HasSubstr(bob_address + "," + bob));
  EXPECT_THAT(files["encrypted_messages.json"], HasSubstr("\"from\":\"" + bob + "\""));
  EXPECT_EQ(files["encrypted_messages.json"].find("EXPORT-secret-message"), std::string::npos);
  EXPECT_THAT(files["actor.json"], HasSubstr("\"id\":\"" + alice + "\""));
  EXPECT_EQ(files["blocked_accounts.csv"], "carol@127.0.0.1:" + std::to_string(a.port()) + "\n");
  EXPECT_EQ(files["muted_accounts.csv"], "Account address,Hide notifications\n" + bob_address + ",false\n");
  EXPECT_EQ(files["blocked_domains.csv"], "spam.example\n");
  EXPECT_EQ(files["bookmarks.json"],
            R"({"@context":"https://www.w3.org/ns/activitystreams","id":"bookmarks.json","type":"OrderedCollection",)"
            R"("orderedItems":[")" + public_note + R"("]})");

  // The private keys open with the passphrase, and are the account's.
  Result<rapidjson::Document> keys = protocol::ParseJson(files["keys.json"], {});
  ASSERT_TRUE(keys.has_value());
  const rapidjson::Value& sealed = (*keys)["privateKeys"];
  ASSERT_TRUE(sealed.IsObject()) << files["keys.json"];
  std::string salt = *protocol::DecodeBase64(sealed["salt"].GetString());
  std::string nonce = *protocol::DecodeBase64(sealed["nonce"].GetString());
  std::string ciphertext = *protocol::DecodeBase64(sealed["ciphertext"].GetString());
  const std::string passphrase = "correct horse battery staple";
  unsigned char key[32];
  ASSERT_EQ(crypto_pwhash(key, sizeof key, passphrase.data(), passphrase.size(),
                          reinterpret_cast<const unsigned char*>(salt.data()), sealed["opslimit"].GetUint64(),
                          sealed["memlimit"].GetUint64(), crypto_pwhash_ALG_ARGON2ID13),
            0);
  std::string plain(ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plain_size = 0;
  const std::string ad = sealed["additionalData"].GetString();
  ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(plain.data()), &plain_size, nullptr,
                reinterpret_cast<const unsigned char*>(ciphertext.data()), ciphertext.size(),
                reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
                reinterpret_cast<const unsigned char*>(nonce.data()), key),
            0);
  Result<accounts::PrivateKeyPems> pems = service.PrivateKeys(**account);
  ASSERT_TRUE(pems.has_value());
  plain.resize(plain_size);
  Result<rapidjson::Document> opened = protocol::ParseJson(plain, {});
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(protocol::StringMember(*opened, "rsa"), pems->rsa);
  EXPECT_EQ(protocol::StringMember(*opened, "ed25519"), pems->ed25519);
  EXPECT_EQ(files["keys.json"].find("PRIVATE KEY"), std::string::npos) << "a private key in the clear";

  // Without a passphrase the keys are left out.
  const std::string without = out.Sub("without-keys.tar");
  ASSERT_EQ(a.node().CallControl("POST", "/control/accounts/export",
                                 R"({"account":"alice","file":")" + without + R"("})")
                .status,
            200);
  EXPECT_THAT(ReadTar(without)["keys.json"], HasSubstr("\"privateKeys\":\"left out at export\""));

  // Refusals write nothing.
  struct Case {
    const char* name;
    std::string body;
    int status;
  } cases[] = {
      {"file exists", R"({"account":"alice","file":")" + without + R"("})", 409},
      {"relative path", R"({"account":"alice","file":"relative.tar"})", 400},
      {"unknown account", R"({"account":"nobody","file":")" + out.Sub("nobody.tar") + R"("})", 404},
      {"short passphrase", R"({"account":"alice","file":")" + out.Sub("short.tar") + R"(","passphrase":"short"})", 400},
      {"no file", R"({"account":"alice"})", 400},
      {"missing folder", R"({"account":"alice","file":")" + out.Sub("no/such/dir.tar") + R"("})", 500},
  };
  for (const Case& c : cases) {
    http::Response refused = a.node().CallControl("POST", "/control/accounts/export", c.body);
    EXPECT_EQ(refused.status, c.status) << c.name << ": " << refused.body;
  }
  EXPECT_FALSE(std::filesystem::exists(out.Sub("nobody.tar")));
  EXPECT_FALSE(std::filesystem::exists(out.Sub("short.tar")));
}

}  // namespace
}  // namespace parvis
