#include "server/accounts/account_archive.h"

#include <sodium.h>

#include <filesystem>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/base64.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::accounts {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Member(JsonWriter& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string Text(const rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

std::string ProfileJson(const Account& account, const std::string& actor) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  Member(writer, "actor", actor);
  Member(writer, "name", account.name);
  Member(writer, "kind", AccountKindName(account.kind));
  Member(writer, "displayName", account.display_name);
  Member(writer, "bio", account.bio);
  Member(writer, "language", account.locale);
  Member(writer, "email", account.email);
  Member(writer, "created", protocol::FormatRfc3339Utc(account.created_at));
  writer.Key("manuallyApprovesFollowers");
  writer.Bool(account.manually_approves_followers);
  writer.Key("showsCommercialPosts");
  writer.Bool(account.show_commercial);
  writer.Key("admin");
  writer.Bool(account.admin);
  writer.EndObject();
  return Text(buffer);
}

// Argon2id (libsodium's "moderate" cost) and XChaCha20-Poly1305 over the
// private keys' PEM, as JSON; the same shape as the messaging key backup.
Result<std::string> SealedKeys(const PrivateKeyPems& keys, std::string_view passphrase) {
  rapidjson::StringBuffer plain_buffer;
  JsonWriter plain(plain_buffer);
  plain.StartObject();
  Member(plain, "rsa", keys.rsa);
  Member(plain, "ed25519", keys.ed25519);
  plain.EndObject();
  const std::string plaintext = Text(plain_buffer);
  unsigned char salt[crypto_pwhash_SALTBYTES];
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  const unsigned long long ops = crypto_pwhash_OPSLIMIT_MODERATE;
  const size_t mem = crypto_pwhash_MEMLIMIT_MODERATE;
  if (crypto_pwhash(key, sizeof key, passphrase.data(), passphrase.size(), salt, ops, mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::unexpected(Error{ErrorCode::kIo, "not enough memory to hash the passphrase"});
  }
  std::string sealed(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long sealed_size = 0;
  static constexpr std::string_view kAd = "Parvis-export-v1/keys";
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(sealed.data()), &sealed_size,
                                             reinterpret_cast<const unsigned char*>(plaintext.data()),
                                             plaintext.size(), reinterpret_cast<const unsigned char*>(kAd.data()),
                                             kAd.size(), nullptr, nonce, key);
  sodium_memzero(key, sizeof key);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  Member(writer, "kdf", "argon2id13");
  writer.Key("opslimit");
  writer.Uint64(ops);
  writer.Key("memlimit");
  writer.Uint64(mem);
  Member(writer, "salt", protocol::EncodeBase64(std::string_view(reinterpret_cast<char*>(salt), sizeof salt)));
  Member(writer, "nonce", protocol::EncodeBase64(std::string_view(reinterpret_cast<char*>(nonce), sizeof nonce)));
  Member(writer, "cipher", "xchacha20poly1305-ietf");
  Member(writer, "additionalData", kAd);
  Member(writer, "ciphertext", protocol::EncodeBase64(std::string_view(sealed.data(), sealed_size)));
  writer.EndObject();
  return Text(buffer);
}

Result<std::string> KeysJson(const AccountService& accounts, const Account& account,
                             const std::optional<std::string>& passphrase) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  Member(writer, "rsaPublicKeyPem", account.rsa_public_pem);
  Member(writer, "ed25519PublicKeyMultibase", account.ed25519_multibase);
  if (passphrase) {
    Result<PrivateKeyPems> keys = accounts.PrivateKeys(account);
    if (!keys) return std::unexpected(keys.error());
    Result<std::string> sealed = SealedKeys(*keys, *passphrase);
    if (!sealed) return std::unexpected(sealed.error());
    writer.Key("privateKeys");
    writer.RawValue(sealed->data(), sealed->size(), rapidjson::kObjectType);
  } else {
    Member(writer, "privateKeys", "left out at export");
  }
  writer.EndObject();
  return Text(buffer);
}

}  // namespace

ArchiveSection CoreSection(const AccountService& accounts, const ExportOptions& options) {
  ArchiveSection section;
  section.files = {
      {"profile.json", "your profile and settings, including what is never published (email, language)"},
      {"keys.json", "your public keys; your private keys encrypted with the passphrase given at export "
                    "(Argon2id + XChaCha20-Poly1305), or a note that they were left out"},
      {"media/avatar", "your avatar, if you set one (the extension gives its type)"},
  };
  std::optional<std::string> passphrase = options.passphrase;
  const AccountService* service = &accounts;
  section.write = [service, passphrase](const Account& account, const std::string& actor, TarWriter& tar) -> Status {
    if (Status written = tar.Add("profile.json", ProfileJson(account, actor)); !written) return written;
    Result<std::string> keys = KeysJson(*service, account, passphrase);
    if (!keys) return std::unexpected(keys.error());
    if (Status written = tar.Add("keys.json", *keys); !written) return written;
    Result<std::optional<std::pair<std::string, std::string>>> avatar = service->Avatar(account.id);
    if (!avatar) return std::unexpected(avatar.error());
    if (avatar->has_value()) {
      const std::string& type = (*avatar)->first;
      std::string extension = type == "image/png" ? "png" : type == "image/jpeg" ? "jpg" : "webp";
      if (Status written = tar.Add("media/avatar." + extension, (*avatar)->second); !written) return written;
    }
    return Ok();
  };
  return section;
}

std::string ArchiveReadme(const Account& account, const std::string& actor,
                          const std::vector<ArchiveSection>& sections, int64_t now) {
  std::string readme = "Parvis account archive\n======================\n\nAccount: " + account.name + " (" + actor +
                       ")\nExported: " + protocol::FormatRfc3339Utc(now) +
                       "\n\nEvery file, in the order written. JSON files are UTF-8; ActivityStreams files\n"
                       "(actor.json, outbox.json, likes.json, bookmarks.json) are what other servers\n"
                       "read; the CSV files are in the shape Mastodon exports and imports.\n\n";
  for (const ArchiveSection& section : sections) {
    for (const ArchiveFile& file : section.files) readme += "- " + file.name + ": " + file.description + "\n";
  }
  readme += "\nImport it on another Parvis node, or move your account there: see docs/operations.md.\n";
  return readme;
}

Status WriteArchive(const Account& account, const std::string& actor, const std::vector<ArchiveSection>& sections,
                    int64_t now, TarWriter& tar) {
  if (Status written = tar.Add("README.txt", ArchiveReadme(account, actor, sections, now)); !written) return written;
  for (const ArchiveSection& section : sections) {
    if (Status written = section.write(account, actor, tar); !written) return written;
  }
  return tar.Finish();
}

Status ExportAccount(const Account& account, const std::string& actor, const ExportOptions& options,
                     const std::vector<ArchiveSection>& sections, int64_t now) {
  if (options.path.empty() || options.path.front() != '/') {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "the archive's path must be absolute"});
  }
  Result<std::unique_ptr<TarWriter>> tar = TarWriter::Create(options.path, now);
  if (!tar) return std::unexpected(tar.error());
  if (Status written = WriteArchive(account, actor, sections, now, **tar); !written) {
    std::error_code ignored;
    std::filesystem::remove(options.path, ignored);
    return written;
  }
  return Ok();
}

void AddExportCommand(http::Router& control_router, ExportCommandContext context) {
  control_router.Add(
      "POST", "/control/accounts/export",
      [context](http::Request& request) {
        std::optional<std::string> name =
            request.json.IsObject() ? protocol::StringMember(request.json, "account") : std::nullopt;
        std::optional<std::string> file =
            request.json.IsObject() ? protocol::StringMember(request.json, "file") : std::nullopt;
        if (!name || !file) return http::Response::JsonError(400, "account and file are required strings");
        ExportOptions options{.path = *file};
        if (auto passphrase = request.json.FindMember("passphrase"); passphrase != request.json.MemberEnd()) {
          if (!passphrase->value.IsString() || passphrase->value.GetStringLength() < kMinExportPassphrase) {
            return http::Response::JsonError(400, "a passphrase has at least " + std::to_string(kMinExportPassphrase) +
                                                      " characters");
          }
          options.passphrase = std::string(passphrase->value.GetString(), passphrase->value.GetStringLength());
        }
        Result<std::optional<Account>> account = context.accounts->FindByName(*name);
        if (!account) return http::Response::FromError(account.error());
        if (!account->has_value()) return http::Response::JsonError(404, "no such account");
        const std::string actor = context.base_url + "/users/" + (*account)->name;
        if (Status exported = ExportAccount(**account, actor, options, context.sections(options), context.now());
            !exported) {
          return http::Response::FromError(exported.error());
        }
        std::error_code ec;
        uintmax_t bytes = std::filesystem::file_size(options.path, ec);
        return http::Response::Json(200, R"({"account":")" + (*account)->name + R"(","file":")" + options.path +
                                             R"(","bytes":)" + std::to_string(ec ? 0 : bytes) + "}");
      },
      {.json_body = true});
}

}  // namespace parvis::accounts
