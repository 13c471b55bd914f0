#include "server/federation/inbox_processor.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "parvis/protocol/activities.h"
#include "parvis/protocol/activity_envelope.h"
#include "parvis/protocol/base64.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/inbox.h"
#include "server/federation/post_service.h"

namespace parvis::federation {
namespace {

namespace asio = boost::asio;
using storage::Family;

// A queue entry whose sender could not be reached is tried this many times.
constexpr int kMaxAttempts = 5;

// What processing an entry decided: done (leave the queue), or try later.
enum class Outcome { kDone, kRetry };


// The embedded object of `activity`, if it is an object.
const rapidjson::Value* EmbeddedObject(const rapidjson::Value& activity) {
  auto it = activity.FindMember("object");
  if (it == activity.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

}  // namespace

struct InboxProcessor::Impl : std::enable_shared_from_this<InboxProcessor::Impl> {
  explicit Impl(InboxProcessorContext c)
      : context(std::move(c)), urls(context.config->base_url), follows(*context.store),
        strand(asio::make_strand(context.loop->context())), timer(strand) {}

  asio::awaitable<void> Run(std::shared_ptr<Impl> self);
  asio::awaitable<Outcome> Process(const rapidjson::Value& activity,
                                   const protocol::ActivityEnvelope& envelope,
                                   storage::Batch& batch);
  asio::awaitable<Outcome> OnFollow(const rapidjson::Value& activity,
                                    const protocol::ActivityEnvelope& envelope,
                                    storage::Batch& batch);
  Outcome OnUndo(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
                 storage::Batch& batch);
  Outcome OnAnswer(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
                   storage::Batch& batch, bool accepted);
  Outcome OnCreateOrUpdate(const rapidjson::Value& activity,
                           const protocol::ActivityEnvelope& envelope, storage::Batch& batch,
                           bool update);
  Outcome OnDelete(const protocol::ActivityEnvelope& envelope, storage::Batch& batch);
  Outcome OnActorDeleted(const std::string& actor, storage::Batch& batch);
  Outcome OnBlock(const protocol::ActivityEnvelope& envelope, storage::Batch& batch);
  Outcome OnReaction(const protocol::ActivityEnvelope& envelope, storage::Batch& batch, bool add);
  std::optional<accounts::Account> LocalAccount(std::string_view actor_id);
  std::optional<rapidjson::Document> StoredActivity(const std::string& id);

  InboxProcessorContext context;
  ActorUrls urls;
  FollowStore follows;
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  bool wake_pending = false;  // on the strand
};

std::optional<accounts::Account> InboxProcessor::Impl::LocalAccount(std::string_view actor_id) {
  std::optional<std::string> name = urls.NameFromUrl(actor_id);
  if (!name || urls.Actor(*name) != actor_id) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account || !account->has_value()) return std::nullopt;
  // Ids are compared with the canonical name's spelling.
  if (urls.Actor((*account)->name) != actor_id) return std::nullopt;
  return **account;
}

std::optional<rapidjson::Document> InboxProcessor::Impl::StoredActivity(const std::string& id) {
  Result<std::optional<std::string>> receipt = context.store->Get(Family::kActivities, id);
  if (!receipt || !receipt->has_value()) return std::nullopt;
  Result<rapidjson::Document> doc = protocol::ParseJson(**receipt, {.max_bytes = 64 << 20});
  if (!doc || !doc->IsObject() || !doc->HasMember("activity")) return std::nullopt;
  rapidjson::Document activity;
  activity.CopyFrom((*doc)["activity"], activity.GetAllocator());
  return activity;
}

asio::awaitable<Outcome> InboxProcessor::Impl::OnFollow(const rapidjson::Value& activity,
                                                        const protocol::ActivityEnvelope& envelope,
                                                        storage::Batch& batch) {
  std::optional<accounts::Account> account = LocalAccount(envelope.object_id);
  if (!account) co_return Outcome::kDone;  // not one of ours: nothing to do
  Result<protocol::RemoteActor> follower = co_await context.directory->Get(envelope.actor, false);
  if (!follower) {
    spdlog::warn("follow from {}: {}", envelope.actor, follower.error().message);
    co_return follower.error().code == ErrorCode::kUnavailable ? Outcome::kRetry : Outcome::kDone;
  }
  if (account->manually_approves_followers) {
    // A request: it waits for the account's answer (follow_commands.h).
    follows.Put(batch, account->id, Direction::kFollowers,
                {envelope.actor, envelope.id, FollowState::kPending, context.now()});
    co_return Outcome::kDone;
  }
  follows.Put(batch, account->id, Direction::kFollowers,
              {envelope.actor, envelope.id, FollowState::kAccepted, context.now()});
  std::string actor_id = urls.Actor(account->name);
  std::string accept_id =
      actor_id + "#accepts/follows/" + protocol::EncodeHex(protocol::Sha256(envelope.id).substr(0, 8));
  Status queued = context.deliveries->Enqueue(
      batch, account->id, follower->inbox, protocol::AcceptActivity(accept_id, actor_id, activity));
  if (!queued) spdlog::error("follow from {}: {}", envelope.actor, queued.error().message);
  co_return Outcome::kDone;
}

Outcome InboxProcessor::Impl::OnUndo(const rapidjson::Value& activity,
                                     const protocol::ActivityEnvelope& envelope,
                                     storage::Batch& batch) {
  // The undone activity: embedded (Mastodon), or one we stored earlier.
  std::optional<rapidjson::Document> stored;
  const rapidjson::Value* undone = EmbeddedObject(activity);
  if (undone == nullptr && !envelope.object_id.empty()) {
    stored = StoredActivity(envelope.object_id);
    if (stored) undone = &*stored;
  }
  if (undone == nullptr) return Outcome::kDone;
  Result<protocol::ActivityEnvelope> inner = protocol::ReadActivityEnvelope(*undone);
  // Only the author of an activity may undo it.
  if (!inner || inner->actor != envelope.actor) return Outcome::kDone;
  if (inner->type == "Follow") {
    if (std::optional<accounts::Account> account = LocalAccount(inner->object_id)) {
      follows.Remove(batch, account->id, Direction::kFollowers, envelope.actor);
    }
  } else if (inner->type == "Like" || inner->type == "Announce") {
    return OnReaction(*inner, batch, /*add=*/false);
  }
  return Outcome::kDone;
}

Outcome InboxProcessor::Impl::OnAnswer(const rapidjson::Value& activity,
                                       const protocol::ActivityEnvelope& envelope,
                                       storage::Batch& batch, bool accepted) {
  // The Follow answered: ours, so its id names the local account, and it was
  // addressed to the actor answering.
  std::string follow_id = envelope.object_id;
  std::optional<accounts::Account> account;
  if (const rapidjson::Value* follow = EmbeddedObject(activity)) {
    Result<protocol::ActivityEnvelope> inner = protocol::ReadActivityEnvelope(*follow);
    if (inner) account = LocalAccount(inner->actor);
  }
  if (!account) {
    // ".../users/NAME/follows/ID"
    size_t cut = follow_id.find("/follows/");
    if (cut != std::string::npos) account = LocalAccount(follow_id.substr(0, cut));
  }
  if (!account) return Outcome::kDone;
  Result<std::optional<FollowRecord>> record =
      follows.Get(account->id, Direction::kFollowing, envelope.actor);
  if (!record || !record->has_value() || (*record)->activity_id != follow_id) return Outcome::kDone;
  if (accepted) {
    FollowRecord updated = **record;
    updated.state = FollowState::kAccepted;
    follows.Put(batch, account->id, Direction::kFollowing, updated);
  } else {
    follows.Remove(batch, account->id, Direction::kFollowing, envelope.actor);
  }
  return Outcome::kDone;
}

// Kinds of objects kept when they arrive.
static bool IsContentType(std::string_view type) {
  for (std::string_view kept : {"Note", "Article", "Question", "Page", "Event", "Video"}) {
    if (type == kept) return true;
  }
  return false;
}

Outcome InboxProcessor::Impl::OnCreateOrUpdate(const rapidjson::Value& activity,
                                               const protocol::ActivityEnvelope& envelope,
                                               storage::Batch& batch, bool update) {
  const rapidjson::Value* object = EmbeddedObject(activity);
  if (object == nullptr) return Outcome::kDone;  // bare ids are not fetched yet
  auto type = object->FindMember("type");
  auto id = object->FindMember("id");
  if (type == object->MemberEnd() || !type->value.IsString() ||
      !IsContentType(type->value.GetString()) || id == object->MemberEnd() ||
      !id->value.IsString()) {
    return Outcome::kDone;
  }
  std::string object_id = id->value.GetString();
  auto attributed = object->FindMember("attributedTo");
  std::string author = attributed == object->MemberEnd()
                           ? ""
                           : protocol::FirstId(attributed->value).value_or("");
  // Only an actor's own objects, on its own server, are taken from it.
  if (author != envelope.actor || HostOf(object_id) != HostOf(envelope.actor)) {
    return Outcome::kDone;
  }
  PostService posts({.config = context.config, .store = context.store});
  Result<std::optional<StoredObject>> existing = posts.Get(object_id);
  if (!existing) return Outcome::kDone;
  if (existing->has_value()) {
    // Never overwrite a local object, another author's, or a deletion.
    if ((*existing)->local || (*existing)->author != author || (*existing)->deleted != 0) {
      return Outcome::kDone;
    }
    if (!update) return Outcome::kDone;  // a repeated Create changes nothing
  } else if (update) {
    // An Update of something never seen is kept like a Create.
  }
  batch.Put(Family::kObjects, object_id, PostService::RemoteRecord(author, *object, 0));
  return Outcome::kDone;
}

Outcome InboxProcessor::Impl::OnActorDeleted(const std::string& actor, storage::Batch& batch) {
  // Every follow between the gone actor and a local account ends.
  Status scanned = context.store->Scan(
      Family::kAccounts, "", [&](std::string_view key, std::string_view) {
        std::optional<storage::AccountId> id = storage::DecodeAccountId(key);
        if (!id) return true;
        follows.Remove(batch, *id, Direction::kFollowers, actor);
        follows.Remove(batch, *id, Direction::kFollowing, actor);
        return true;
      });
  if (!scanned) return Outcome::kRetry;
  // Its keys go too: nothing it signs can be checked any more.
  Result<std::optional<std::string>> known = context.store->Get(Family::kRemoteActors, actor);
  if (known && known->has_value()) {
    if (Result<protocol::RemoteActor> decoded = protocol::DecodeRemoteActor(**known)) {
      for (const protocol::RemoteKey& key : decoded->keys) batch.Delete(Family::kRemoteKeys, key.id);
    }
  }
  batch.Delete(Family::kRemoteActors, actor);
  return Outcome::kDone;
}

// The key of a Like ('L') or Announce ('A') of a local object by an actor.
static std::string ReactionKey(std::string_view object_id, std::string_view type,
                               std::string_view actor) {
  return std::string(object_id) + "\n" + (type == "Like" ? "L" : "A") + "\n" + std::string(actor);
}

Outcome InboxProcessor::Impl::OnReaction(const protocol::ActivityEnvelope& envelope,
                                         storage::Batch& batch, bool add) {
  // Only reactions to this node's own, live objects are counted here.
  PostService posts({.config = context.config, .store = context.store});
  Result<std::optional<StoredObject>> object = posts.Get(envelope.object_id);
  if (!object || !object->has_value() || !(*object)->local || (*object)->deleted != 0) {
    return Outcome::kDone;
  }
  std::string key = ReactionKey(envelope.object_id, envelope.type, envelope.actor);
  if (add) batch.Put(Family::kReactions, key, envelope.id);
  else batch.Delete(Family::kReactions, key);
  return Outcome::kDone;
}

Outcome InboxProcessor::Impl::OnBlock(const protocol::ActivityEnvelope& envelope,
                                      storage::Batch& batch) {
  std::optional<accounts::Account> account = LocalAccount(envelope.object_id);
  if (!account) return Outcome::kDone;
  // A block ends the follows between the two, both ways (as Mastodon does).
  follows.Remove(batch, account->id, Direction::kFollowers, envelope.actor);
  follows.Remove(batch, account->id, Direction::kFollowing, envelope.actor);
  return Outcome::kDone;
}

Outcome InboxProcessor::Impl::OnDelete(const protocol::ActivityEnvelope& envelope,
                                       storage::Batch& batch) {
  if (envelope.object_id.empty()) return Outcome::kDone;
  if (envelope.object_id == envelope.actor) return OnActorDeleted(envelope.actor, batch);
  PostService posts({.config = context.config, .store = context.store});
  Result<std::optional<StoredObject>> existing = posts.Get(envelope.object_id);
  if (!existing || !existing->has_value()) return Outcome::kDone;
  if ((*existing)->local || (*existing)->author != envelope.actor) return Outcome::kDone;
  // The content goes; a Tombstone stays so a late Create cannot revive it.
  rapidjson::Document tombstone(rapidjson::kObjectType);
  tombstone.AddMember("id", rapidjson::Value(envelope.object_id.c_str(), tombstone.GetAllocator()),
                      tombstone.GetAllocator());
  tombstone.AddMember("type", "Tombstone", tombstone.GetAllocator());
  batch.Put(Family::kObjects, envelope.object_id,
            PostService::RemoteRecord(envelope.actor, tombstone, context.now()));
  return Outcome::kDone;
}

asio::awaitable<Outcome> InboxProcessor::Impl::Process(const rapidjson::Value& activity,
                                                       const protocol::ActivityEnvelope& envelope,
                                                       storage::Batch& batch) {
  if (envelope.type == "Follow") co_return co_await OnFollow(activity, envelope, batch);
  if (envelope.type == "Undo") co_return OnUndo(activity, envelope, batch);
  if (envelope.type == "Accept") co_return OnAnswer(activity, envelope, batch, true);
  if (envelope.type == "Reject") co_return OnAnswer(activity, envelope, batch, false);
  if (envelope.type == "Create") co_return OnCreateOrUpdate(activity, envelope, batch, false);
  if (envelope.type == "Update") co_return OnCreateOrUpdate(activity, envelope, batch, true);
  if (envelope.type == "Delete") co_return OnDelete(envelope, batch);
  if (envelope.type == "Block") co_return OnBlock(envelope, batch);
  if (envelope.type == "Like" || envelope.type == "Announce") {
    co_return OnReaction(envelope, batch, /*add=*/true);
  }
  // Other types are kept as received; later work gives them effects.
  co_return Outcome::kDone;
}

asio::awaitable<void> InboxProcessor::Impl::Run([[maybe_unused]] std::shared_ptr<Impl> self) {
  for (;;) {
    wake_pending = false;
    std::string key, value;
    Status scanned = context.store->Scan(Family::kQueues, kInboxQueue,
                                         [&](std::string_view k, std::string_view v) {
                                           key = k;
                                           value = v;
                                           return false;
                                         });
    if (!scanned) spdlog::error("inbox queue: {}", scanned.error().message);
    if (key.empty()) {
      if (wake_pending) continue;
      timer.expires_after(std::chrono::seconds(60));
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    // Value: the activity id, then "\n" and the attempts so far.
    std::string activity_id = value.substr(0, value.find('\n'));
    int attempts = value.find('\n') == std::string::npos
                       ? 0
                       : std::atoi(value.c_str() + value.find('\n') + 1);
    storage::Batch batch;
    batch.Delete(Family::kQueues, key);
    Outcome outcome = Outcome::kDone;
    if (std::optional<rapidjson::Document> activity = StoredActivity(activity_id)) {
      if (Result<protocol::ActivityEnvelope> envelope = protocol::ReadActivityEnvelope(*activity)) {
        outcome = co_await Process(*activity, *envelope, batch);
      }
    }
    if (outcome == Outcome::kRetry && attempts + 1 < kMaxAttempts) {
      // To the back of the queue, so one unreachable sender holds up no one.
      batch = storage::Batch();
      batch.Delete(Family::kQueues, key);
      Result<uint64_t> sequence = context.store->NextSequence("inbox");
      if (sequence) {
        std::string next = std::string(kInboxQueue) + storage::EncodeUint64(*sequence);
        batch.Put(Family::kQueues, next, activity_id + "\n" + std::to_string(attempts + 1));
      }
      // Wait a little before the next pass, in case the queue holds only it.
      timer.expires_after(std::chrono::seconds(2 << attempts));
      if (Status written = context.store->Write(batch); !written) {
        spdlog::error("inbox queue: {}", written.error().message);
      }
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (Status written = context.store->Write(batch); !written) {
      spdlog::error("inbox queue: {}", written.error().message);
      timer.expires_after(std::chrono::seconds(1));
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    context.deliveries->Wake();
  }
}

InboxProcessor::InboxProcessor(InboxProcessorContext context)
    : impl_(std::make_shared<Impl>(std::move(context))) {}

InboxProcessor::~InboxProcessor() = default;

void InboxProcessor::Start() { asio::co_spawn(impl_->strand, impl_->Run(impl_), asio::detached); }

void InboxProcessor::Wake() {
  asio::post(impl_->strand, [impl = impl_] {
    impl->wake_pending = true;
    impl->timer.cancel();
  });
}

}  // namespace parvis::federation
