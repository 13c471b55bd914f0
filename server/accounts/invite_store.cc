#include "server/accounts/invite_store.h"

#include <algorithm>

#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"

namespace parvis::accounts {
namespace {

using storage::Family;

std::string Encode(const Invite& invite) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& allocator = doc.GetAllocator();
  doc.AddMember("creator", invite.creator, allocator);
  doc.AddMember("uses_left", invite.uses_left, allocator);
  doc.AddMember("expires", invite.expires, allocator);
  return protocol::WriteJson(doc);
}

std::optional<Invite> Decode(std::string_view code, std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject() || !(*doc)["creator"].IsUint64() || !(*doc)["uses_left"].IsInt() ||
      !(*doc)["expires"].IsInt64()) {
    return std::nullopt;
  }
  return Invite{std::string(code), (*doc)["creator"].GetUint64(), (*doc)["uses_left"].GetInt(),
                (*doc)["expires"].GetInt64()};
}

}  // namespace

Result<Invite> InviteStore::Create(storage::AccountId creator, int uses, int days, int64_t now) {
  if (uses < 1 || uses > 100) return Fail(ErrorCode::kInvalidArgument, "an invite has 1 to 100 uses");
  if (days < 1 || days > 365) return Fail(ErrorCode::kInvalidArgument, "an invite lasts 1 to 365 days");
  Invite invite{protocol::RandomHex(8), creator, uses, now + int64_t{days} * 24 * 3600};
  storage::Batch batch;
  batch.Put(Family::kInvites, invite.code, Encode(invite));
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return invite;
}

Status InviteStore::Use(std::string_view code, int64_t now) {
  auto invalid = [] { return Fail(ErrorCode::kNotFound, "this invite code is not valid"); };
  if (code.size() != 16) return invalid();
  std::lock_guard lock(use_mutex_);
  Result<std::optional<std::string>> bytes = store_.Get(Family::kInvites, code);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return invalid();
  std::optional<Invite> invite = Decode(code, **bytes);
  if (!invite || invite->uses_left < 1 || invite->expires <= now) return invalid();
  storage::Batch batch;
  if (--invite->uses_left == 0) {
    batch.Delete(Family::kInvites, code);
  } else {
    batch.Put(Family::kInvites, code, Encode(*invite));
  }
  return store_.Write(batch);
}

Result<std::vector<Invite>> InviteStore::List(int64_t now) const {
  std::vector<Invite> invites;
  Status scanned = store_.Scan(Family::kInvites, "", [&](std::string_view key, std::string_view value) {
    std::optional<Invite> invite = Decode(key, value);
    if (invite && invite->uses_left > 0 && invite->expires > now) invites.push_back(*invite);
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  std::sort(invites.begin(), invites.end(),
            [](const Invite& a, const Invite& b) { return a.expires < b.expires; });
  return invites;
}

}  // namespace parvis::accounts
