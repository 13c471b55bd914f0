#include "server/accounts/token_store.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"

namespace parvis::accounts {
namespace {

using storage::Family;

constexpr std::string_view kTokenPrefix = "pvs_";
constexpr size_t kTokenBytes = 32;   // 256 bits
constexpr size_t kTokenLength = kTokenPrefix.size() + 2 * kTokenBytes;
constexpr size_t kTokenIdBytes = 8;  // unique among one account's tokens
constexpr size_t kHashHexLength = 64;
constexpr std::string_view kHashKeyPrefix = "hash/";

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsTokenId(std::string_view id) { return id.size() == 2 * kTokenIdBytes && IsLowerHex(id); }

// Tokens carry 256 random bits, so no one can find one by hashing guesses:
// a plain SHA-256 without salt is enough (salts and Argon2id slow down the
// guessing of low-entropy passwords, which does not apply here), and being
// deterministic it lets Verify find the record with one key lookup.
std::string TokenHash(std::string_view token) {
  return protocol::EncodeHex(protocol::Sha256(token));
}

std::string HashKey(std::string_view hex_hash) {
  return std::string(kHashKeyPrefix) + std::string(hex_hash);
}

// Characters that would let a label disturb the line it is printed on:
// C0 and C1 controls, DEL, line and paragraph separators, and the
// bidirectional marks and overrides that reorder the text around them.
bool IsControl(char32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

Status ValidateLabel(std::string_view label) {
  auto bad_encoding = [] {
    return Fail(ErrorCode::kInvalidArgument, "a token label must be valid UTF-8");
  };
  size_t chars = 0;
  size_t i = 0;
  while (i < label.size()) {
    auto lead = static_cast<unsigned char>(label[i]);
    size_t length = 0;
    char32_t c = 0;
    if (lead < 0x80) {
      length = 1;
      c = lead;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2;
      c = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3;
      c = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4;
      c = lead & 0x07;
    } else {
      return bad_encoding();
    }
    if (label.size() - i < length) return bad_encoding();
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(label[i + k]);
      if ((next & 0xc0) != 0x80) return bad_encoding();
      c = (c << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates and code points past Unicode's last.
    static constexpr char32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kShortest[length] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
      return bad_encoding();
    }
    if (IsControl(c)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "a token label must not contain control or text direction characters");
    }
    if (++chars > kMaxTokenLabelChars) {
      return Fail(ErrorCode::kInvalidArgument, "a token label has at most 64 characters");
    }
    i += length;
  }
  return Ok();
}

struct TokenRecord {
  storage::AccountId account = 0;
  TokenInfo info;
};

std::string EncodeRecord(storage::AccountId account, const TokenInfo& info) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("account");
  writer.Uint64(account);
  writer.Key("id");
  writer.String(info.id.c_str(), static_cast<rapidjson::SizeType>(info.id.size()));
  writer.Key("label");
  writer.String(info.label.c_str(), static_cast<rapidjson::SizeType>(info.label.size()));
  writer.Key("created");
  writer.Int64(info.created);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<TokenRecord> DecodeRecord(std::string_view bytes) {
  auto corrupt = [] { return Fail(ErrorCode::kCorruption, "token record does not decode"); };
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject()) return corrupt();
  auto account = doc->FindMember("account");
  auto created = doc->FindMember("created");
  std::optional<std::string> id = protocol::StringMember(*doc, "id");
  std::optional<std::string> label = protocol::StringMember(*doc, "label");
  if (account == doc->MemberEnd() || !account->value.IsUint64() || created == doc->MemberEnd() ||
      !created->value.IsInt64() || !id || !label) {
    return corrupt();
  }
  return TokenRecord{account->value.GetUint64(),
                     {std::move(*id), std::move(*label), created->value.GetInt64()}};
}

// The hashes of the account's tokens, by token id.
Result<std::vector<std::pair<std::string, std::string>>> AccountHashes(
    const storage::Store& store, storage::AccountId account) {
  std::vector<std::pair<std::string, std::string>> hashes;
  const std::string prefix = storage::EncodeAccountId(account);
  bool corrupt = false;
  Status scanned = store.Scan(Family::kTokens, prefix,
                              [&](std::string_view key, std::string_view value) {
                                std::string_view id = key.substr(prefix.size());
                                if (!IsTokenId(id) || value.size() != kHashHexLength ||
                                    !IsLowerHex(value)) {
                                  corrupt = true;
                                  return false;
                                }
                                hashes.emplace_back(id, value);
                                return true;
                              });
  if (!scanned) return std::unexpected(scanned.error());
  if (corrupt) return Fail(ErrorCode::kCorruption, "token index entry does not decode");
  return hashes;
}

}  // namespace

TokenStore::TokenStore(storage::Store& store) : store_(store) {}

Result<IssuedToken> TokenStore::Issue(storage::AccountId account, std::string_view label,
                                      int64_t now) {
  if (Status ok = ValidateLabel(label); !ok) return std::unexpected(ok.error());
  if (sodium_init() < 0) return Fail(ErrorCode::kIo, "libsodium failed to initialise");
  std::array<unsigned char, kTokenBytes> secret;
  randombytes_buf(secret.data(), secret.size());
  IssuedToken issued;
  issued.token = std::string(kTokenPrefix) +
                 protocol::EncodeHex({reinterpret_cast<const char*>(secret.data()), secret.size()});
  sodium_memzero(secret.data(), secret.size());
  issued.info = {protocol::RandomHex(kTokenIdBytes), std::string(label), now};

  std::string hash = TokenHash(issued.token);
  storage::Batch batch;
  batch.Put(Family::kTokens, HashKey(hash), EncodeRecord(account, issued.info));
  batch.Put(Family::kTokens, storage::AccountKey(account, issued.info.id), hash);
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return issued;
}

Result<std::optional<storage::AccountId>> TokenStore::Verify(std::string_view token) const {
  // Only the shape of a token is hashed and looked up; anything else is
  // refused before it costs more than this comparison.
  if (token.size() != kTokenLength || !token.starts_with(kTokenPrefix) ||
      !IsLowerHex(token.substr(kTokenPrefix.size()))) {
    return std::optional<storage::AccountId>();
  }
  Result<std::optional<std::string>> bytes = store_.Get(Family::kTokens, HashKey(TokenHash(token)));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<storage::AccountId>();
  Result<TokenRecord> record = DecodeRecord(**bytes);
  if (!record) return std::unexpected(record.error());
  return std::optional<storage::AccountId>(record->account);
}

Result<std::vector<TokenInfo>> TokenStore::List(storage::AccountId account) const {
  Result<std::vector<std::pair<std::string, std::string>>> hashes = AccountHashes(store_, account);
  if (!hashes) return std::unexpected(hashes.error());
  std::vector<TokenInfo> tokens;
  tokens.reserve(hashes->size());
  for (const auto& [id, hash] : *hashes) {
    Result<std::optional<std::string>> bytes = store_.Get(Family::kTokens, HashKey(hash));
    if (!bytes) return std::unexpected(bytes.error());
    if (!bytes->has_value()) {
      return Fail(ErrorCode::kCorruption, "token " + id + " has an index entry but no record");
    }
    Result<TokenRecord> record = DecodeRecord(**bytes);
    if (!record) return std::unexpected(record.error());
    if (record->account != account || record->info.id != id) {
      return Fail(ErrorCode::kCorruption, "token " + id + " has a record of another token");
    }
    tokens.push_back(std::move(record->info));
  }
  // Index keys sort by the random id; people expect the order of issue.
  std::sort(tokens.begin(), tokens.end(), [](const TokenInfo& a, const TokenInfo& b) {
    return std::tie(a.created, a.id) < std::tie(b.created, b.id);
  });
  return tokens;
}

Status TokenStore::Revoke(storage::AccountId account, std::string_view token_id) {
  auto not_found = [] {
    return Fail(ErrorCode::kNotFound, "the account has no token with this id");
  };
  if (!IsTokenId(token_id)) return not_found();
  const std::string index_key = storage::AccountKey(account, token_id);
  Result<std::optional<std::string>> hash = store_.Get(Family::kTokens, index_key);
  if (!hash) return std::unexpected(hash.error());
  if (!hash->has_value()) return not_found();
  storage::Batch batch;
  batch.Delete(Family::kTokens, HashKey(**hash));
  batch.Delete(Family::kTokens, index_key);
  return store_.Write(batch);
}

Status TokenStore::RevokeAll(storage::AccountId account) {
  Result<std::vector<std::pair<std::string, std::string>>> hashes = AccountHashes(store_, account);
  if (!hashes) return std::unexpected(hashes.error());
  if (hashes->empty()) return Ok();
  storage::Batch batch;
  for (const auto& [id, hash] : *hashes) {
    batch.Delete(Family::kTokens, HashKey(hash));
    batch.Delete(Family::kTokens, storage::AccountKey(account, id));
  }
  return store_.Write(batch);
}

}  // namespace parvis::accounts
