#include "server/federation/follow_store.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"

namespace parvis::federation {
namespace {

using storage::Family;

std::string Prefix(storage::AccountId account, Direction direction) {
  return storage::AccountKey(account, direction == Direction::kFollowers ? "followers/" : "following/");
}

std::string Encode(const FollowRecord& record) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("actor");
  writer.String(record.actor.c_str());
  writer.Key("activity");
  writer.String(record.activity_id.c_str());
  writer.Key("state");
  writer.String(record.state == FollowState::kAccepted ? "accepted" : "pending");
  writer.Key("since");
  writer.Int64(record.since);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<FollowRecord> Decode(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject() || !(*doc)["actor"].IsString() || !(*doc)["activity"].IsString() ||
      !(*doc)["state"].IsString() || !(*doc)["since"].IsInt64()) {
    return Fail(ErrorCode::kCorruption, "follow record does not decode");
  }
  return FollowRecord{(*doc)["actor"].GetString(), (*doc)["activity"].GetString(),
                      std::string_view((*doc)["state"].GetString()) == "accepted"
                          ? FollowState::kAccepted
                          : FollowState::kPending,
                      (*doc)["since"].GetInt64()};
}

}  // namespace

void FollowStore::Put(storage::Batch& batch, storage::AccountId account, Direction direction,
                      const FollowRecord& record) const {
  batch.Put(Family::kFollows, Prefix(account, direction) + record.actor, Encode(record));
}

void FollowStore::Remove(storage::Batch& batch, storage::AccountId account, Direction direction,
                         const std::string& actor) const {
  batch.Delete(Family::kFollows, Prefix(account, direction) + actor);
}

Result<std::optional<FollowRecord>> FollowStore::Get(storage::AccountId account,
                                                     Direction direction,
                                                     const std::string& actor) const {
  Result<std::optional<std::string>> bytes =
      store_.Get(Family::kFollows, Prefix(account, direction) + actor);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<FollowRecord>();
  Result<FollowRecord> record = Decode(**bytes);
  if (!record) return std::unexpected(record.error());
  return std::optional<FollowRecord>(std::move(*record));
}

Result<std::vector<FollowRecord>> FollowStore::List(storage::AccountId account,
                                                    Direction direction) const {
  std::vector<FollowRecord> records;
  Status failure = Ok();
  Status scanned = store_.Scan(Family::kFollows, Prefix(account, direction),
                               [&](std::string_view, std::string_view value) {
                                 Result<FollowRecord> record = Decode(value);
                                 if (!record) {
                                   failure = std::unexpected(record.error());
                                   return false;
                                 }
                                 records.push_back(std::move(*record));
                                 return true;
                               });
  if (!scanned) return std::unexpected(scanned.error());
  if (!failure) return std::unexpected(failure.error());
  return records;
}

}  // namespace parvis::federation
