#include "server/accounts/account_service.h"

#include <algorithm>

#include "server/accounts/account_erasure.h"

#include <sodium.h>

#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/multikey.h"

namespace parvis::accounts {
namespace {

using storage::Family;

// Argon2id at OWASP's recommended minimum (19 MiB, 2 passes): a node on a
// small machine must survive a burst of logins without swapping.
constexpr unsigned long long kPasswordOps = 2;
constexpr size_t kPasswordMemory = 19u << 20;
constexpr std::string_view kPasswordRecord = "password";
constexpr std::string_view kRsaKeyRecord = "rsa_private_key";
constexpr std::string_view kEd25519KeyRecord = "ed25519_private_key";

std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string EncodeAccount(const Account& account) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(account.id);
  writer.Key("name");
  writer.String(account.name.c_str());
  writer.Key("kind");
  writer.String(AccountKindName(account.kind));
  writer.Key("admin");
  writer.Bool(account.admin);
  writer.Key("created_at");
  writer.Int64(account.created_at);
  writer.Key("rsa_public_pem");
  writer.String(account.rsa_public_pem.c_str());
  writer.Key("ed25519_multibase");
  writer.String(account.ed25519_multibase.c_str());
  writer.Key("manually_approves_followers");
  writer.Bool(account.manually_approves_followers);
  writer.Key("approved");
  writer.Bool(account.approved);
  for (auto [key, value] : {std::pair{"display_name", &account.display_name},
                            std::pair{"bio", &account.bio}, std::pair{"locale", &account.locale},
                            std::pair{"email", &account.email},
                            std::pair{"avatar_type", &account.avatar_type}}) {
    writer.Key(key);
    writer.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
  }
  writer.Key("avatar_version");
  writer.Int64(account.avatar_version);
  writer.Key("show_commercial");
  writer.Bool(account.show_commercial);
  writer.Key("also_known_as");
  writer.StartArray();
  for (const std::string& alias : account.also_known_as) writer.String(alias.c_str());
  writer.EndArray();
  if (!account.moved_to.empty()) {
    writer.Key("moved_to");
    writer.String(account.moved_to.c_str());
  }
  if (account.fact_checker) {
    writer.Key("fact_checker");
    writer.Bool(true);
  }
  if (account.accepted_terms != 0) {
    writer.Key("accepted_terms");
    writer.Uint64(account.accepted_terms);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Account> DecodeAccount(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  auto corrupt = [] { return Fail(ErrorCode::kCorruption, "account record does not decode"); };
  if (!doc || !doc->IsObject()) return corrupt();
  const rapidjson::Document& d = *doc;
  if (!d.HasMember("id") || !d["id"].IsUint64() || !d.HasMember("name") ||
      !d["name"].IsString() || !d.HasMember("kind") || !d["kind"].IsString() ||
      !d.HasMember("admin") || !d["admin"].IsBool() || !d.HasMember("created_at") ||
      !d["created_at"].IsInt64()) {
    return corrupt();
  }
  std::optional<AccountKind> kind = ParseAccountKind(d["kind"].GetString());
  if (!kind) return corrupt();
  if (!d.HasMember("rsa_public_pem") || !d["rsa_public_pem"].IsString() ||
      !d.HasMember("ed25519_multibase") || !d["ed25519_multibase"].IsString()) {
    return corrupt();
  }
  Account account{d["id"].GetUint64(),        d["name"].GetString(),
                  *kind,                      d["admin"].GetBool(),
                  d["created_at"].GetInt64(), d["rsa_public_pem"].GetString(),
                  d["ed25519_multibase"].GetString()};
  // Absent in records written before the setting existed: off.
  if (d.HasMember("manually_approves_followers") && d["manually_approves_followers"].IsBool()) {
    account.manually_approves_followers = d["manually_approves_followers"].GetBool();
  }
  if (d.HasMember("approved") && d["approved"].IsBool()) account.approved = d["approved"].GetBool();
  for (auto [key, into] : {std::pair{"display_name", &account.display_name},
                           std::pair{"bio", &account.bio}, std::pair{"locale", &account.locale},
                           std::pair{"email", &account.email},
                           std::pair{"avatar_type", &account.avatar_type}}) {
    if (d.HasMember(key) && d[key].IsString()) *into = d[key].GetString();
  }
  if (d.HasMember("avatar_version") && d["avatar_version"].IsInt64()) {
    account.avatar_version = d["avatar_version"].GetInt64();
  }
  if (d.HasMember("show_commercial") && d["show_commercial"].IsBool()) {
    account.show_commercial = d["show_commercial"].GetBool();
  }
  if (d.HasMember("also_known_as") && d["also_known_as"].IsArray()) {
    for (const auto& alias : d["also_known_as"].GetArray()) {
      if (alias.IsString()) account.also_known_as.emplace_back(alias.GetString(), alias.GetStringLength());
    }
  }
  if (d.HasMember("moved_to") && d["moved_to"].IsString()) account.moved_to = d["moved_to"].GetString();
  account.fact_checker = d.HasMember("fact_checker") && d["fact_checker"].IsBool() && d["fact_checker"].GetBool();
  if (d.HasMember("accepted_terms") && d["accepted_terms"].IsUint64()) {
    account.accepted_terms = d["accepted_terms"].GetUint64();
  }
  return account;
}

}  // namespace

const char* AccountKindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kPerson: return "person";
    case AccountKind::kOrganization: return "organization";
    case AccountKind::kGroup: return "group";
    case AccountKind::kCommercial: return "commercial";
    case AccountKind::kPublicBody: return "public_body";
  }
  return "person";
}

std::optional<AccountKind> ParseAccountKind(std::string_view name) {
  for (AccountKind kind : kAccountKinds) {
    if (name == AccountKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::string AccountKindNames() {
  std::string names;
  for (AccountKind kind : kAccountKinds) {
    if (!names.empty()) names += ", ";
    names += AccountKindName(kind);
  }
  return names;
}

Status ValidateAccountName(std::string_view name) {
  if (name.empty() || name.size() > 30) {
    return Fail(ErrorCode::kInvalidArgument, "an account name has 1 to 30 characters");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return Fail(ErrorCode::kInvalidArgument,
                  "an account name has only letters a-z, digits and underscores");
    }
  }
  return Ok();
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < 8) {
    return Fail(ErrorCode::kInvalidArgument, "the password must have at least 8 characters");
  }
  if (password.size() > 1024) {
    return Fail(ErrorCode::kInvalidArgument, "the password must have at most 1024 bytes");
  }
  if (password.find('\0') != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "the password must not contain a NUL byte");
  }
  return Ok();
}

AccountService::AccountService(storage::Store& store, std::function<int64_t()> now)
    : store_(store), now_(std::move(now)) {}

Result<Account> AccountService::Create(const NewAccount& request) {
  if (Status ok = ValidateAccountName(request.name); !ok) return std::unexpected(ok.error());
  if (Status ok = ValidatePassword(request.password); !ok) return std::unexpected(ok.error());
  if (sodium_init() < 0) return Fail(ErrorCode::kIo, "libsodium failed to initialise");

  // Hash before taking the lock: it is the slow part.
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, request.password.data(), request.password.size(), kPasswordOps,
                        kPasswordMemory) != 0) {
    return Fail(ErrorCode::kIo, "out of memory while hashing the password");
  }

  // The actor's keys: RSA for the HTTP signatures everyone checks, Ed25519
  // for RFC 9421 and Data Integrity proofs.
  Result<protocol::PrivateKey> rsa = protocol::GenerateRsaKey(2048);
  if (!rsa) return std::unexpected(rsa.error());
  Result<protocol::PrivateKey> ed25519 = protocol::GenerateEd25519Key();
  if (!ed25519) return std::unexpected(ed25519.error());
  Result<std::string> rsa_public = protocol::PublicKeyToPem(rsa->public_key());
  Result<std::string> rsa_private = protocol::PrivateKeyToPem(*rsa);
  Result<std::string> ed_public = protocol::EncodeMultikey(ed25519->public_key());
  Result<std::string> ed_private = protocol::PrivateKeyToPem(*ed25519);
  for (const Result<std::string>* made : {&rsa_public, &rsa_private, &ed_public, &ed_private}) {
    if (!*made) return std::unexpected(made->error());
  }

  std::lock_guard lock(create_mutex_);
  std::string name_key = LowerCase(request.name);
  Result<std::optional<std::string>> existing = store_.Get(Family::kAccountNames, name_key);
  if (!existing) return std::unexpected(existing.error());
  if (existing->has_value()) {
    return Fail(ErrorCode::kAlreadyExists, "the name " + request.name + " is taken");
  }
  // Other servers still know a deleted account's actor: no one else gets it.
  Result<std::optional<int64_t>> deleted = DeletedAt(request.name);
  if (!deleted) return std::unexpected(deleted.error());
  if (deleted->has_value()) {
    return Fail(ErrorCode::kAlreadyExists, "the name " + request.name + " belonged to a deleted account");
  }
  Result<uint64_t> id = store_.NextSequence("account_id");
  if (!id) return std::unexpected(id.error());

  Account account{*id,   request.name, request.kind, request.admin, now_(),
                  *rsa_public, *ed_public};
  account.approved = request.approved;
  account.email = request.email;
  account.accepted_terms = request.accepted_terms;
  storage::DataKey data_key = storage::DataKey::Generate();
  std::string id_key = storage::EncodeAccountId(account.id);
  storage::Batch batch;
  batch.Put(Family::kAccountKeys, id_key, data_key.bytes());
  batch.Put(Family::kAccounts, id_key, EncodeAccount(account));
  batch.Put(Family::kAccountNames, name_key, id_key);
  batch.PutSealed(data_key, Family::kAccountPrivate,
                  storage::AccountKey(account.id, kPasswordRecord), hash);
  batch.PutSealed(data_key, Family::kAccountPrivate,
                  storage::AccountKey(account.id, kRsaKeyRecord), *rsa_private);
  batch.PutSealed(data_key, Family::kAccountPrivate,
                  storage::AccountKey(account.id, kEd25519KeyRecord), *ed_private);
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return account;
}

Result<std::optional<Account>> AccountService::FindByName(std::string_view name) const {
  Result<std::optional<std::string>> id = store_.Get(Family::kAccountNames, LowerCase(name));
  if (!id) return std::unexpected(id.error());
  if (!id->has_value()) return std::optional<Account>();
  std::optional<storage::AccountId> decoded = storage::DecodeAccountId(**id);
  if (!decoded) return Fail(ErrorCode::kCorruption, "account name index entry does not decode");
  return FindById(*decoded);
}

Result<std::optional<Account>> AccountService::FindById(storage::AccountId id) const {
  Result<std::optional<std::string>> bytes =
      store_.Get(Family::kAccounts, storage::EncodeAccountId(id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<Account>();
  Result<Account> account = DecodeAccount(**bytes);
  if (!account) return std::unexpected(account.error());
  return std::optional<Account>(std::move(*account));
}

Result<bool> AccountService::CheckPassword(const Account& account,
                                           std::string_view password) const {
  Result<std::optional<std::string>> hash = store_.GetSealed(
      account.id, Family::kAccountPrivate, storage::AccountKey(account.id, kPasswordRecord));
  if (!hash) {
    // An erased account has no key any more: no password can match.
    if (hash.error().code == ErrorCode::kNotFound) return false;
    return std::unexpected(hash.error());
  }
  if (!hash->has_value()) return false;
  if (sodium_init() < 0) return Fail(ErrorCode::kIo, "libsodium failed to initialise");
  return crypto_pwhash_str_verify((*hash)->c_str(), password.data(), password.size()) == 0;
}

Status AccountService::Change(storage::AccountId id, const std::function<Status(Account&)>& change) {
  std::lock_guard lock(create_mutex_);
  Result<std::optional<Account>> account = FindById(id);
  if (!account) return std::unexpected(account.error());
  if (!account->has_value()) return Fail(ErrorCode::kNotFound, "no such account");
  if (Status changed = change(**account); !changed) return changed;
  storage::Batch batch;
  batch.Put(Family::kAccounts, storage::EncodeAccountId(id), EncodeAccount(**account));
  return store_.Write(batch);
}

Status AccountService::SetManualApproval(storage::AccountId id, bool manual) {
  return Change(id, [&](Account& account) {
    account.manually_approves_followers = manual;
    return Ok();
  });
}

Status AccountService::SetFactChecker(storage::AccountId id, bool on) {
  return Change(id, [&](Account& account) {
    account.fact_checker = on;
    return Ok();
  });
}

Status AccountService::SetShowCommercial(storage::AccountId id, bool show) {
  return Change(id, [&](Account& account) {
    account.show_commercial = show;
    return Ok();
  });
}

static size_t CountCharacters(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

Status AccountService::EditProfile(storage::AccountId id, const ProfileEdit& edit) {
  if (CountCharacters(edit.display_name) > 100) {
    return Fail(ErrorCode::kInvalidArgument, "a display name has at most 100 characters");
  }
  if (CountCharacters(edit.bio) > 1000) {
    return Fail(ErrorCode::kInvalidArgument, "a bio has at most 1000 characters");
  }
  if (!edit.locale.empty() && edit.locale != "fr" && edit.locale != "en") {
    return Fail(ErrorCode::kInvalidArgument, "the language is fr or en");
  }
  for (const std::string* text : {&edit.display_name, &edit.bio}) {
    for (char c : *text) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
        return Fail(ErrorCode::kInvalidArgument, "control characters are not allowed");
      }
    }
  }
  return Change(id, [&](Account& account) {
    account.display_name = edit.display_name;
    account.bio = edit.bio;
    account.locale = edit.locale;
    return Ok();
  });
}

Status AccountService::ChangePassword(const Account& account, std::string_view password) {
  if (Status ok = ValidatePassword(password); !ok) return ok;
  if (sodium_init() < 0) return Fail(ErrorCode::kIo, "libsodium failed to initialise");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), kPasswordOps, kPasswordMemory) != 0) {
    return Fail(ErrorCode::kIo, "out of memory while hashing the password");
  }
  Result<storage::DataKey> key = store_.GetDataKey(account.id);
  if (!key) return std::unexpected(key.error());
  storage::Batch batch;
  batch.PutSealed(*key, Family::kAccountPrivate, storage::AccountKey(account.id, kPasswordRecord),
                  hash);
  return store_.Write(batch);
}

std::optional<std::string> ImageType(std::string_view bytes) {
  if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
  if (bytes.starts_with("\xff\xd8\xff")) return "image/jpeg";
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") return "image/webp";
  return std::nullopt;
}

Status AccountService::SetAvatar(storage::AccountId id, std::string_view bytes, int64_t version) {
  std::optional<std::string> type;
  if (!bytes.empty()) {
    if (bytes.size() > kMaxAvatarBytes) {
      return Fail(ErrorCode::kLimitExceeded, "an avatar has at most 512 KiB");
    }
    type = ImageType(bytes);
    if (!type) return Fail(ErrorCode::kInvalidArgument, "an avatar is a PNG, JPEG or WebP image");
  }
  std::lock_guard lock(create_mutex_);
  Result<std::optional<Account>> account = FindById(id);
  if (!account) return std::unexpected(account.error());
  if (!account->has_value()) return Fail(ErrorCode::kNotFound, "no such account");
  (*account)->avatar_type = type.value_or("");
  (*account)->avatar_version = type ? version : 0;
  storage::Batch batch;
  batch.Put(Family::kAccounts, storage::EncodeAccountId(id), EncodeAccount(**account));
  if (type) {
    batch.Put(Family::kMedia, storage::AccountKey(id, "avatar"), bytes);
  } else {
    batch.Delete(Family::kMedia, storage::AccountKey(id, "avatar"));
  }
  return store_.Write(batch);
}

Result<std::optional<std::pair<std::string, std::string>>> AccountService::Avatar(
    storage::AccountId id) const {
  Result<std::optional<Account>> account = FindById(id);
  if (!account) return std::unexpected(account.error());
  if (!account->has_value() || (*account)->avatar_type.empty()) {
    return std::optional<std::pair<std::string, std::string>>();
  }
  Result<std::optional<std::string>> bytes = store_.Get(Family::kMedia, storage::AccountKey(id, "avatar"));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<std::pair<std::string, std::string>>();
  return std::optional<std::pair<std::string, std::string>>(
      std::pair{(*account)->avatar_type, std::move(**bytes)});
}

Status AccountService::Approve(storage::AccountId id) {
  return Change(id, [](Account& account) {
    account.approved = true;
    return Ok();
  });
}

Status AccountService::Reject(storage::AccountId id) {
  std::lock_guard lock(create_mutex_);
  Result<std::optional<Account>> account = FindById(id);
  if (!account) return std::unexpected(account.error());
  if (!account->has_value()) return Fail(ErrorCode::kNotFound, "no such account");
  if ((*account)->approved) {
    return Fail(ErrorCode::kInvalidArgument, "only a waiting registration can be refused");
  }
  std::string id_key = storage::EncodeAccountId(id);
  storage::Batch batch;
  batch.Delete(Family::kAccounts, id_key);
  batch.Delete(Family::kAccountKeys, id_key);
  batch.Delete(Family::kAccountNames, LowerCase((*account)->name));
  batch.Delete(Family::kMedia, storage::AccountKey(id, "avatar"));
  for (std::string_view record : {kPasswordRecord, kRsaKeyRecord, kEd25519KeyRecord}) {
    batch.Delete(Family::kAccountPrivate, storage::AccountKey(id, record));
  }
  return store_.Write(batch);
}

Result<std::optional<int64_t>> AccountService::DeletedAt(std::string_view name) const {
  return ErasedSince(store_, name);
}

Status AccountService::AddAlias(storage::AccountId id, const std::string& actor) {
  return Change(id, [&](Account& account) -> Status {
    if (std::find(account.also_known_as.begin(), account.also_known_as.end(), actor) != account.also_known_as.end()) {
      return Ok();
    }
    if (account.also_known_as.size() >= kMaxAliases) {
      return Fail(ErrorCode::kLimitExceeded, "an account has at most " + std::to_string(kMaxAliases) + " aliases");
    }
    account.also_known_as.push_back(actor);
    return Ok();
  });
}

Status AccountService::SetMovedTo(storage::AccountId id, const std::string& actor) {
  return Change(id, [&](Account& account) -> Status {
    account.moved_to = actor;
    return Ok();
  });
}

Status AccountService::StripProfile(storage::AccountId id) {
  return Change(id, [](Account& account) {
    account.display_name.clear();
    account.bio.clear();
    account.locale.clear();
    account.email.clear();
    account.avatar_type.clear();
    return Ok();
  });
}

Result<std::vector<Account>> AccountService::Pending() const {
  std::vector<Account> pending;
  Status scanned = store_.Scan(Family::kAccounts, "", [&](std::string_view, std::string_view value) {
    Result<Account> account = DecodeAccount(value);
    if (account && !account->approved) pending.push_back(std::move(*account));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return pending;
}

Result<PrivateKeyPems> AccountService::PrivateKeys(const Account& account) const {
  PrivateKeyPems keys;
  for (auto [record, into] : {std::pair{kRsaKeyRecord, &keys.rsa},
                              std::pair{kEd25519KeyRecord, &keys.ed25519}}) {
    Result<std::optional<std::string>> pem = store_.GetSealed(
        account.id, Family::kAccountPrivate, storage::AccountKey(account.id, record));
    if (!pem) return std::unexpected(pem.error());
    if (!pem->has_value()) {
      return Fail(ErrorCode::kNotFound, "account " + account.name + " has no private key");
    }
    *into = std::move(**pem);
  }
  return keys;
}

Result<uint64_t> AccountService::Count() const {
  uint64_t count = 0;
  Status scanned = store_.Scan(Family::kAccounts, "", [&](std::string_view, std::string_view) {
    ++count;
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return count;
}

}  // namespace parvis::accounts
