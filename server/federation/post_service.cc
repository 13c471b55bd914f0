#include "server/federation/post_service.h"

#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/activities.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/note_text.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"

namespace parvis::federation {
namespace {

using storage::Family;

constexpr size_t kMaxNoteCharacters = 5000;

size_t CountCharacters(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}


}  // namespace

std::string PostService::LocalRecord(const StoredObject& object) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("local");
  writer.Bool(true);
  writer.Key("account");
  writer.Uint64(object.account);
  writer.Key("author");
  writer.String(object.note.author.c_str());
  writer.Key("visibility");
  writer.String(protocol::VisibilityName(object.note.visibility));
  writer.Key("content");
  writer.String(object.note.content_html.c_str());
  writer.Key("summary");
  writer.String(object.note.summary.c_str());
  writer.Key("published");
  writer.Int64(object.note.published);
  writer.Key("outbox");
  writer.String(object.outbox_key.data(), static_cast<rapidjson::SizeType>(object.outbox_key.size()));
  writer.Key("deleted");
  writer.Int64(object.deleted);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string PostService::RemoteRecord(const std::string& author, const rapidjson::Value& object,
                                      int64_t deleted) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& allocator = doc.GetAllocator();
  doc.AddMember("local", false, allocator);
  doc.AddMember("author", rapidjson::Value(author.c_str(), allocator), allocator);
  doc.AddMember("object", rapidjson::Value(object, allocator), allocator);
  doc.AddMember("deleted", deleted, allocator);
  return protocol::WriteJson(doc);
}

Result<std::optional<StoredObject>> PostService::Get(const std::string& id) const {
  Result<std::optional<std::string>> bytes = context_.store->Get(Family::kObjects, id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<StoredObject>();
  Result<rapidjson::Document> doc = protocol::ParseJson(**bytes, {.max_bytes = 64 << 20});
  auto corrupt = [&] { return Fail(ErrorCode::kCorruption, "stored object " + id + " does not decode"); };
  if (!doc || !doc->IsObject() || !(*doc)["local"].IsBool() || !(*doc)["deleted"].IsInt64() ||
      !(*doc)["author"].IsString()) {
    return corrupt();
  }
  StoredObject object;
  object.local = (*doc)["local"].GetBool();
  object.deleted = (*doc)["deleted"].GetInt64();
  object.author = (*doc)["author"].GetString();
  if (object.local) {
    const rapidjson::Document& d = *doc;
    if (!d["account"].IsUint64() || !d["visibility"].IsString() || !d["content"].IsString() ||
        !d["summary"].IsString() || !d["published"].IsInt64() || !d["outbox"].IsString()) {
      return corrupt();
    }
    object.account = d["account"].GetUint64();
    std::optional<protocol::Visibility> visibility = protocol::ParseVisibility(d["visibility"].GetString());
    if (!visibility) return corrupt();
    ActorUrls urls(context_.config->base_url);
    std::string author = object.author;
    object.note = protocol::LocalNote{
        .id = id,
        .author = author,
        .followers = author + "/followers",
        .content_html = d["content"].GetString(),
        .summary = d["summary"].GetString(),
        .url = id,
        .published = d["published"].GetInt64(),
        .visibility = *visibility,
    };
    object.outbox_key.assign(d["outbox"].GetString(), d["outbox"].GetStringLength());
  } else if (doc->HasMember("object")) {
    object.object.CopyFrom((*doc)["object"], object.object.GetAllocator());
  }
  return std::optional<StoredObject>(std::move(object));
}

boost::asio::awaitable<Result<std::vector<std::string>>> PostService::AudienceInboxes(
    const accounts::Account& account) {
  Result<std::vector<FollowRecord>> followers =
      FollowStore(*context_.store).List(account.id, Direction::kFollowers);
  if (!followers) co_return std::unexpected(followers.error());
  std::set<std::string> seen;
  std::vector<std::string> inboxes;
  for (const FollowRecord& follower : *followers) {
    if (follower.state != FollowState::kAccepted) continue;
    Result<protocol::RemoteActor> actor = co_await context_.directory->Get(follower.actor, false);
    if (!actor) continue;  // gone or unreachable: its server no longer listens for it
    const std::string& inbox = actor->shared_inbox.empty() ? actor->inbox : actor->shared_inbox;
    if (seen.insert(inbox).second) inboxes.push_back(inbox);
  }
  co_return inboxes;
}

boost::asio::awaitable<Result<std::string>> PostService::Publish(const accounts::Account& account,
                                                                 std::string text,
                                                                 std::string summary,
                                                                 protocol::Visibility visibility) {
  size_t characters = CountCharacters(text);
  if (characters == 0 || characters > kMaxNoteCharacters) {
    co_return Fail(ErrorCode::kInvalidArgument, "a post has 1 to 5000 characters");
  }
  if (CountCharacters(summary) > 500) {
    co_return Fail(ErrorCode::kInvalidArgument, "a content warning has at most 500 characters");
  }
  Result<std::vector<std::string>> inboxes = co_await AudienceInboxes(account);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  Result<uint64_t> sequence = context_.store->NextSequence("status");
  if (!sequence) co_return std::unexpected(sequence.error());
  ActorUrls urls(context_.config->base_url);
  std::string author = urls.Actor(account.name);
  StoredObject object;
  object.local = true;
  object.account = account.id;
  object.note = protocol::LocalNote{
      .id = author + "/statuses/" + std::to_string(*sequence),
      .author = author,
      .followers = urls.Followers(account.name),
      .content_html = protocol::RenderPlainText(text, {}),
      .summary = summary,
      .url = author + "/statuses/" + std::to_string(*sequence),
      .published = context_.now(),
      .visibility = visibility,
  };
  object.outbox_key = storage::AccountKey(account.id, storage::EncodeUint64(*sequence));
  std::string create = protocol::CreateNoteActivity(object.note, object.note.id + "/activity");
  storage::Batch batch;
  batch.Put(Family::kObjects, object.note.id, LocalRecord(object));
  batch.Put(Family::kOutbox, object.outbox_key, object.note.id);
  for (const std::string& inbox : *inboxes) {
    if (Status queued = context_.deliveries->Enqueue(batch, account.id, inbox, create); !queued) {
      co_return std::unexpected(queued.error());
    }
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return object.note.id;
}

boost::asio::awaitable<Status> PostService::Delete(const accounts::Account& account,
                                                   std::string note_id) {
  Result<std::optional<StoredObject>> stored = Get(note_id);
  if (!stored) co_return std::unexpected(stored.error());
  if (!stored->has_value() || !(*stored)->local || (*stored)->account != account.id) {
    co_return Fail(ErrorCode::kNotFound, "no such post of " + account.name);
  }
  StoredObject& object = **stored;
  if (object.deleted != 0) co_return Ok();
  Result<std::vector<std::string>> inboxes = co_await AudienceInboxes(account);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  std::string activity = protocol::DeleteNoteActivity(object.note, note_id + "/delete");
  // The content goes now; the record stays as a Tombstone (410).
  object.deleted = context_.now();
  object.note.content_html.clear();
  object.note.summary.clear();
  storage::Batch batch;
  // The outbox entry stays, so the Tombstone is still found from the
  // account (export, erasure); the outbox collection skips it.
  batch.Put(Family::kObjects, note_id, LocalRecord(object));
  for (const std::string& inbox : *inboxes) {
    if (Status queued = context_.deliveries->Enqueue(batch, account.id, inbox, activity); !queued) {
      co_return std::unexpected(queued.error());
    }
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return Ok();
}

boost::asio::awaitable<Status> PostService::React(const accounts::Account& account,
                                                  std::string type, std::string object_id,
                                                  bool undo) {
  if (type != "Like" && type != "Announce") {
    co_return Fail(ErrorCode::kInvalidArgument, "a reaction is a Like or an Announce");
  }
  Result<std::optional<StoredObject>> stored = Get(object_id);
  if (!stored) co_return std::unexpected(stored.error());
  if (!stored->has_value() || (*stored)->local || (*stored)->deleted != 0) {
    co_return Fail(ErrorCode::kNotFound, "no such remote object: " + object_id);
  }
  Result<protocol::RemoteActor> author = co_await context_.directory->Get((*stored)->author, false);
  if (!author) co_return std::unexpected(author.error());
  ActorUrls urls(context_.config->base_url);
  std::string actor = urls.Actor(account.name);
  // The same id for the same reaction, so an Undo needs nothing stored.
  std::string hex = protocol::EncodeHex(protocol::Sha256(object_id).substr(0, 12));
  std::string id = actor + (type == "Like" ? "/likes/" : "/announces/") + hex;
  std::vector<std::string> to, cc;
  std::vector<std::string> inboxes = {author->inbox};
  if (type == "Announce") {
    to = {std::string(protocol::kPublicCollection)};
    cc = {author->id, urls.Followers(account.name)};
    Result<std::vector<std::string>> followers = co_await AudienceInboxes(account);
    if (!followers) co_return std::unexpected(followers.error());
    for (const std::string& inbox : *followers) {
      if (inbox != author->inbox && inbox != author->shared_inbox) inboxes.push_back(inbox);
    }
  } else {
    to = {author->id};
  }
  std::string body = protocol::ReactionActivity(type, id, actor, object_id, to, cc);
  if (undo) {
    Result<rapidjson::Document> reaction = protocol::ParseJson(body, {});
    if (!reaction) co_return std::unexpected(reaction.error());
    body = protocol::UndoActivity(id + "/undo", actor, *reaction);
  }
  storage::Batch batch;
  for (const std::string& inbox : inboxes) {
    if (Status queued = context_.deliveries->Enqueue(batch, account.id, inbox, body); !queued) {
      co_return std::unexpected(queued.error());
    }
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return Ok();
}

}  // namespace parvis::federation
