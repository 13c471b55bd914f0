// A full data directory for the start-up figure: `objects` remote notes
// written straight into a stopped node's database, each as the inbox path
// leaves it (the activity's receipt, the object record, its author and
// federated-feed index entries), in batches. Ingesting a million activities
// through the inbox would take longer than the whole benchmark.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "bench/remote_actors.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "parvis/storage.h"
#include "server/federation/object_record.h"

namespace parvis::bench {
namespace {

using storage::Family;

// Above any sequence a benchmark node reaches, so index keys never collide.
constexpr uint64_t kFirstSequence = uint64_t{1} << 40;

std::string Receipt(const std::string& actor, const std::string& body, int64_t now) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("receivedAt");
  writer.Int64(now);
  writer.Key("signer");
  writer.String(actor.c_str());
  writer.Key("recipient");
  writer.Null();
  writer.Key("type");
  writer.String("Create");
  writer.Key("activity");
  writer.RawValue(body.data(), body.size(), rapidjson::kObjectType);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

int RunFill(const FillOptions& options) {
  auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = options.data_dir});
  if (!store) {
    Progress(options.label, "cannot open " + options.data_dir + ": " + store.error().message);
    return 1;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  constexpr size_t kBatch = 500;
  storage::Batch batch;
  for (size_t i = 0; i < options.objects; ++i) {
    std::string actor = "http://127.0.0.1:9/users/fill" + std::to_string(i % options.actors);
    std::string body = CreateNoteBody(actor, "fill-" + std::to_string(i), options.body_bytes, now);
    rapidjson::Document activity;
    activity.Parse(body.data(), body.size());
    const rapidjson::Value& object = activity["object"];
    std::string object_id = object["id"].GetString();
    std::string sequence = storage::EncodeUint64(kFirstSequence + i);
    batch.Put(Family::kActivities, activity["id"].GetString(), Receipt(actor, body, now));
    batch.Put(Family::kObjects, object_id, federation::EncodeRemoteRecord(actor, object, 0));
    batch.Put(Family::kByAuthor, actor + "\n" + sequence, object_id);
    batch.Put(Family::kPublicFeed, "federated/" + sequence, object_id);
    if ((i + 1) % kBatch == 0 || i + 1 == options.objects) {
      if (Status written = (*store)->Write(batch); !written) {
        Progress(options.label, "cannot write: " + written.error().message);
        return 1;
      }
      batch = storage::Batch();
    }
    if ((i + 1) % 100000 == 0) {
      Progress(options.label, std::to_string(i + 1) + " objects written");
    }
  }
  store->reset();  // flushes and closes
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Report(options.label, "objects", static_cast<double>(options.objects));
  Report(options.label, "seconds", seconds);
  return 0;
}

}  // namespace parvis::bench
