// Passphrase-protected backup of the account key (docs/e2ee.md §10).
#include <sodium.h>

#include "e2ee_bytes.h"
#include "e2ee_json_fields.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AsView;
using internal::Uc;

namespace {

constexpr std::string_view kBackupAd = "Parvis-E2EE-v1/backup";
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;                        // 16
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
// A document from the node chooses the cost; above libsodium's "sensitive"
// levels it could make a client spend minutes or gigabytes.
constexpr uint64_t kMaxOpslimit = crypto_pwhash_OPSLIMIT_SENSITIVE;
constexpr uint64_t kMaxMemlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;

Result<std::string> DeriveKey(std::string_view passphrase, std::string_view salt, uint64_t opslimit,
                              size_t memlimit) {
  std::string key(32, '\0');
  if (crypto_pwhash(reinterpret_cast<unsigned char*>(key.data()), key.size(), passphrase.data(),
                    passphrase.size(), Uc(salt), opslimit, memlimit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kLimitExceeded, "Argon2id could not run (out of memory?)");
  }
  return key;
}

}  // namespace

Result<std::string> CreateBackup(const BackupContent& content, std::string_view passphrase,
                                 const BackupOptions& options, const RandomSource& random) {
  EnsureSodium();
  if (!internal::IsValidUtf8(passphrase) ||
      internal::CountCodePoints(passphrase) < kMinPassphraseChars) {
    return Fail(ErrorCode::kInvalidArgument, "a backup passphrase has at least 12 characters");
  }
  if (options.opslimit < crypto_pwhash_OPSLIMIT_MIN || options.opslimit > kMaxOpslimit ||
      options.memlimit < crypto_pwhash_MEMLIMIT_MIN || options.memlimit > kMaxMemlimit) {
    return Fail(ErrorCode::kInvalidArgument, "backup opslimit or memlimit is out of range");
  }
  const auto salt = internal::Draw<kSaltBytes>(random);
  const auto nonce = internal::Draw<kNonceBytes>(random);

  rapidjson::StringBuffer plain_buffer;
  internal::JsonWriter plain_writer(plain_buffer);
  plain_writer.StartObject();
  plain_writer.Key("actor");
  internal::WriteString(plain_writer, content.actor);
  plain_writer.Key("accountKey");
  internal::WriteBytes(plain_writer, AsView(content.account_key));
  plain_writer.EndObject();
  const std::string_view plain(plain_buffer.GetString(), plain_buffer.GetSize());

  auto key = DeriveKey(passphrase, AsView(salt), options.opslimit, options.memlimit);
  if (!key) return std::unexpected(key.error());
  std::string sealed(plain.size() + kTagBytes, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(sealed.data()),
                                             &written, Uc(plain), plain.size(), Uc(kBackupAd),
                                             kBackupAd.size(), nullptr, nonce.data(), Uc(*key));
  sodium_memzero(key->data(), key->size());
  sealed.resize(written);

  rapidjson::StringBuffer buffer;
  internal::JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("version");
  writer.Uint(1);
  writer.Key("kdf");
  writer.String("argon2id13");
  writer.Key("opslimit");
  writer.Uint64(options.opslimit);
  writer.Key("memlimit");
  writer.Uint64(options.memlimit);
  writer.Key("salt");
  internal::WriteBytes(writer, AsView(salt));
  writer.Key("nonce");
  internal::WriteBytes(writer, AsView(nonce));
  writer.Key("ciphertext");
  internal::WriteBytes(writer, sealed);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<BackupContent> OpenBackup(std::string_view document, std::string_view passphrase) {
  EnsureSodium();
  auto parsed = internal::ParseObject(document, "the backup");
  if (!parsed) return std::unexpected(parsed.error());
  const std::string where = "backup";
  auto version = internal::UintMember(*parsed, "version", where, 1, 1);
  if (!version) return std::unexpected(version.error());
  auto kdf = internal::StringMember(*parsed, "kdf", where);
  if (!kdf) return std::unexpected(kdf.error());
  if (*kdf != "argon2id13") return Fail(ErrorCode::kUnsupported, "backup.kdf is not argon2id13");
  auto opslimit = internal::UintMember(*parsed, "opslimit", where, 0, UINT64_MAX);
  auto memlimit = internal::UintMember(*parsed, "memlimit", where, 0, UINT64_MAX);
  if (!opslimit) return std::unexpected(opslimit.error());
  if (!memlimit) return std::unexpected(memlimit.error());
  if (*opslimit > kMaxOpslimit || *memlimit > kMaxMemlimit) {
    return Fail(ErrorCode::kLimitExceeded, "backup opslimit or memlimit is too high");
  }
  if (*opslimit < crypto_pwhash_OPSLIMIT_MIN || *memlimit < crypto_pwhash_MEMLIMIT_MIN) {
    return Fail(ErrorCode::kInvalidArgument, "backup opslimit or memlimit is too low");
  }
  auto salt = internal::BytesMember(*parsed, "salt", where, kSaltBytes);
  auto nonce = internal::BytesMember(*parsed, "nonce", where, kNonceBytes);
  auto sealed = internal::BytesMember(*parsed, "ciphertext", where, 0, 4096);
  if (!salt) return std::unexpected(salt.error());
  if (!nonce) return std::unexpected(nonce.error());
  if (!sealed) return std::unexpected(sealed.error());
  if (sealed->size() < kTagBytes) return Fail(ErrorCode::kInvalidArgument, "backup is truncated");

  auto key = DeriveKey(passphrase, *salt, *opslimit, static_cast<size_t>(*memlimit));
  if (!key) return std::unexpected(key.error());
  std::string plain(sealed->size() - kTagBytes, '\0');
  unsigned long long written = 0;
  const int opened = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, Uc(*sealed),
      sealed->size(), Uc(kBackupAd), kBackupAd.size(), Uc(*nonce), Uc(*key));
  sodium_memzero(key->data(), key->size());
  if (opened != 0) {
    return Fail(ErrorCode::kInvalidArgument, "wrong passphrase, or the backup was altered");
  }
  plain.resize(written);
  auto content_json = internal::ParseObject(plain, "the backup content");
  if (!content_json) return std::unexpected(content_json.error());
  auto actor = internal::StringMember(*content_json, "actor", "backup content");
  auto account_key = internal::BytesMember(*content_json, "accountKey", "backup content", 64);
  sodium_memzero(plain.data(), plain.size());
  if (!actor) return std::unexpected(actor.error());
  if (!account_key) return std::unexpected(account_key.error());
  BackupContent content;
  content.actor = *actor;
  content.account_key = internal::ToArray<64>(*account_key);
  sodium_memzero(account_key->data(), account_key->size());
  return content;
}

}  // namespace parvis::protocol::e2ee
