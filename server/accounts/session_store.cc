#include "server/accounts/session_store.h"

#include <algorithm>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"

namespace parvis::accounts {
namespace {

using storage::Family;

constexpr std::string_view kCookiePrefix = "pvc_";
constexpr size_t kCookieLength = kCookiePrefix.size() + 64;
constexpr int64_t kSeenGranularity = 3600;

// 256 random bits: a plain SHA-256 is enough (see token_store.cc).
std::string HashKey(std::string_view cookie) {
  return "hash/" + protocol::EncodeHex(protocol::Sha256(cookie));
}

bool WellFormed(std::string_view cookie) {
  if (cookie.size() != kCookieLength || !cookie.starts_with(kCookiePrefix)) return false;
  return std::all_of(cookie.begin() + kCookiePrefix.size(), cookie.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string Encode(const Session& session) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& allocator = doc.GetAllocator();
  doc.AddMember("account", session.account, allocator);
  doc.AddMember("id", rapidjson::Value(session.id.c_str(), allocator), allocator);
  doc.AddMember("created", session.created, allocator);
  doc.AddMember("seen", session.seen, allocator);
  return protocol::WriteJson(doc);
}

Result<Session> Decode(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject() || !(*doc)["account"].IsUint64() || !(*doc)["id"].IsString() ||
      !(*doc)["created"].IsInt64() || !(*doc)["seen"].IsInt64()) {
    return Fail(ErrorCode::kCorruption, "a session record does not decode");
  }
  return Session{(*doc)["account"].GetUint64(), (*doc)["id"].GetString(),
                 (*doc)["created"].GetInt64(), (*doc)["seen"].GetInt64()};
}

}  // namespace

Result<std::string> SessionStore::Start(storage::AccountId account, int64_t now) {
  std::string cookie = std::string(kCookiePrefix) + protocol::RandomHex(32);
  Session session{account, protocol::RandomHex(8), now, now};
  std::string key = HashKey(cookie);
  storage::Batch batch;
  batch.Put(Family::kSessions, key, Encode(session));
  batch.Put(Family::kSessions, storage::AccountKey(account, session.id), key);
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return cookie;
}

Result<std::optional<Session>> SessionStore::Find(std::string_view cookie, int64_t now) {
  if (!WellFormed(cookie)) return std::optional<Session>();
  std::string key = HashKey(cookie);
  Result<std::optional<std::string>> bytes = store_.Get(Family::kSessions, key);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<Session>();
  Result<Session> session = Decode(**bytes);
  if (!session) return std::unexpected(session.error());
  if (now - session->seen > kSessionIdleSeconds || now - session->created > kSessionMaxAgeSeconds) {
    if (Status removed = Remove(key, *session); !removed) return std::unexpected(removed.error());
    return std::optional<Session>();
  }
  if (now - session->seen >= kSeenGranularity) {
    session->seen = now;
    storage::Batch batch;
    batch.Put(Family::kSessions, key, Encode(*session));
    if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  }
  return std::optional<Session>(std::move(*session));
}

Status SessionStore::Remove(const std::string& key, const Session& session) {
  storage::Batch batch;
  batch.Delete(Family::kSessions, key);
  batch.Delete(Family::kSessions, storage::AccountKey(session.account, session.id));
  return store_.Write(batch);
}

Status SessionStore::End(std::string_view cookie) {
  if (!WellFormed(cookie)) return Ok();
  std::string key = HashKey(cookie);
  Result<std::optional<std::string>> bytes = store_.Get(Family::kSessions, key);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return Ok();
  Result<Session> session = Decode(**bytes);
  if (!session) return std::unexpected(session.error());
  return Remove(key, *session);
}

Result<size_t> SessionStore::PruneExpired(int64_t now) {
  std::vector<std::pair<std::string, Session>> expired;
  Status scanned = store_.Scan(Family::kSessions, "hash/", [&](std::string_view key, std::string_view value) {
    Result<Session> session = Decode(value);
    if (session && (now - session->seen > kSessionIdleSeconds || now - session->created > kSessionMaxAgeSeconds)) {
      expired.emplace_back(std::string(key), *std::move(session));
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  for (const auto& [key, session] : expired) {
    if (Status removed = Remove(key, session); !removed) return std::unexpected(removed.error());
  }
  return expired.size();
}

Status SessionStore::EndAll(storage::AccountId account) {
  storage::Batch batch;
  Status scanned = store_.Scan(Family::kSessions, storage::EncodeAccountId(account),
                               [&](std::string_view index, std::string_view key) {
                                 batch.Delete(Family::kSessions, key);
                                 batch.Delete(Family::kSessions, index);
                                 return true;
                               });
  if (!scanned) return scanned;
  return store_.Write(batch);
}

}  // namespace parvis::accounts
