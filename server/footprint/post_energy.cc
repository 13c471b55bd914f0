#include "server/footprint/post_energy.h"

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "server/federation/follow_store.h"

namespace parvis::footprint {
namespace {

using storage::Family;

constexpr std::string_view kFanOut = "fan-out/";
constexpr std::string_view kReaders = "readers";

std::string Prefix(const std::string& object_id) { return object_id + "\n"; }

uint64_t Uint64Member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return 0;
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

bool UnderBase(const std::string& url, const std::string& base_url) {
  return url.starts_with(base_url + "/");
}

}  // namespace

Status RecordFanOut(storage::Store& store, storage::Batch& batch, const std::string& base_url,
                    storage::AccountId author, const std::string& object_id,
                    const std::vector<std::string>& inboxes, size_t body_bytes, int64_t now) {
  uint64_t remote = 0;
  bool reaches_here = false;
  for (const std::string& inbox : inboxes) {
    if (UnderBase(inbox, base_url)) {
      reaches_here = true;
    } else {
      ++remote;
    }
  }
  bool first = true;
  Status scanned = store.Scan(Family::kResources, Prefix(object_id) + std::string(kFanOut),
                              [&](std::string_view, std::string_view) {
                                first = false;
                                return false;
                              });
  if (!scanned) return scanned;
  uint64_t local_readers = 0;
  if (first && reaches_here) {
    Result<std::vector<federation::FollowRecord>> followers =
        federation::FollowStore(store).List(author, federation::Direction::kFollowers);
    if (!followers) return std::unexpected(followers.error());
    for (const federation::FollowRecord& follower : *followers) {
      if (follower.state == federation::FollowState::kAccepted && UnderBase(follower.actor, base_url)) {
        ++local_readers;
      }
    }
  }
  Result<uint64_t> sequence = store.NextSequence("fan-out");
  if (!sequence) return std::unexpected(sequence.error());
  batch.Put(Family::kResources, Prefix(object_id) + std::string(kFanOut) + storage::EncodeUint64(*sequence),
            R"({"at":)" + std::to_string(now) + R"(,"inboxes":)" + std::to_string(inboxes.size()) +
                R"(,"remote":)" + std::to_string(remote) + R"(,"bytes":)" + std::to_string(body_bytes) +
                R"(,"localReaders":)" + std::to_string(local_readers) + "}");
  return Ok();
}

void RecordLocalReaders(storage::Batch& batch, const std::string& base_url, const std::string& object_id,
                        uint64_t readers, int64_t now) {
  if (UnderBase(object_id, base_url)) return;
  batch.Put(Family::kResources, Prefix(object_id) + std::string(kReaders),
            R"({"at":)" + std::to_string(now) + R"(,"localReaders":)" + std::to_string(readers) + "}");
}

Result<PostInputs> LoadRecordedInputs(const storage::Store& store, const std::string& object_id) {
  PostInputs inputs;
  const std::string prefix = Prefix(object_id);
  Status scanned = store.Scan(Family::kResources, prefix, [&](std::string_view key, std::string_view value) {
    Result<rapidjson::Document> record = protocol::ParseJson(value, {.max_bytes = 4096, .max_depth = 2});
    if (!record) return true;  // an unreadable record counts for nothing
    std::string_view kind = key.substr(prefix.size());
    if (kind.starts_with(kFanOut)) {
      inputs.deliveries += Uint64Member(*record, "remote");
      inputs.local_readers += Uint64Member(*record, "localReaders");
    } else if (kind == kReaders) {
      inputs.local_readers += Uint64Member(*record, "localReaders");
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return inputs;
}

uint64_t DeliveredSize(const std::string& object_id, const federation::StoredObject& object) {
  if (object.local) return protocol::CreateNoteActivity(object.note, object_id + "/activity").size();
  return protocol::WrittenJsonSize(object.object);
}

Result<PostEstimate> EstimateStoredPost(const storage::Store& store, const std::string& object_id,
                                        const federation::StoredObject& object) {
  Result<PostInputs> inputs = LoadRecordedInputs(store, object_id);
  if (!inputs) return std::unexpected(inputs.error());
  inputs->size_bytes = DeliveredSize(object_id, object);
  // Parvis keeps no media attached to posts yet (docs/energy.md).
  inputs->media_bytes = 0;
  return EstimatePost(*inputs);
}

}  // namespace parvis::footprint
