#include "server/federation/inbox_processor.h"

#include <atomic>

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
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/account_relations.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_commands.h"
#include "server/federation/inbox.h"
#include "server/federation/inbox_items.h"
#include "server/federation/object_record.h"
#include "server/federation/post_service.h"

namespace parvis::federation {
namespace {

namespace asio = boost::asio;
using storage::Family;

// A queue entry whose sender could not be reached is tried this many times.
constexpr int kMaxAttempts = 5;
// How many missing ancestors of a reply are fetched.
constexpr int kMaxAncestors = 5;

// What processing an entry decided: done (leave the queue), or try later.
enum class Outcome { kDone, kDropped, kRetry };


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
  asio::awaitable<Outcome> Act(const rapidjson::Value& activity,
                               const protocol::ActivityEnvelope& envelope, storage::Batch& batch);
  asio::awaitable<Outcome> OnFollow(const rapidjson::Value& activity,
                                    const protocol::ActivityEnvelope& envelope,
                                    storage::Batch& batch);
  Outcome OnUndo(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
                 storage::Batch& batch);
  Outcome OnAnswer(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
                   storage::Batch& batch, bool accepted);
  asio::awaitable<Outcome> OnCreateOrUpdate(const rapidjson::Value& activity,
                                            const protocol::ActivityEnvelope& envelope,
                                            storage::Batch& batch, bool update);
  // Indexes a newly kept remote object: as a reply, by its hashtags.
  Status IndexObject(const std::string& object_id, const rapidjson::Value& object,
                     storage::Batch& batch);
  asio::awaitable<void> FetchAncestors(std::string parent_id);
  asio::awaitable<Outcome> OnAnnounce(const rapidjson::Value& activity,
                                      const protocol::ActivityEnvelope& envelope,
                                      storage::Batch& batch);
  asio::awaitable<Status> Deliver(const rapidjson::Value& activity,
                                  const protocol::ActivityEnvelope& envelope,
                                  storage::Batch& batch);
  Outcome OnDelete(const protocol::ActivityEnvelope& envelope, storage::Batch& batch);
  Outcome OnActorDeleted(const std::string& actor, storage::Batch& batch);
  Outcome OnBlock(const protocol::ActivityEnvelope& envelope, storage::Batch& batch);
  asio::awaitable<Outcome> OnMove(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope);
  Outcome OnReaction(const protocol::ActivityEnvelope& envelope, storage::Batch& batch, bool add);
  std::optional<accounts::Account> LocalAccount(std::string_view actor_id);
  std::optional<rapidjson::Document> StoredActivity(const std::string& id);

  InboxProcessorContext context;
  ActorUrls urls;
  FollowStore follows;
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  bool wake_pending = false;  // on the strand
  // A wake is posted to the strand and has not run yet: more are not posted
  // (every accepted activity wakes the worker; one post serves them all).
  std::atomic<bool> wake_posted{false};
  // The object the activity being processed brought (a Create's, an
  // Announce's) once kept or found stored; empty otherwise. On the strand.
  std::string kept_object;
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
  std::string actor_id = urls.Actor(account->name);
  // Whom the account blocks (or whose host it blocks) is refused, and not recorded.
  Result<bool> blocked = RelationStore(*context.store).Blocks(account->id, envelope.actor);
  if (!blocked) co_return Outcome::kRetry;
  if (*blocked) {
    std::string reject_id =
        actor_id + "#rejects/follows/" + protocol::EncodeHex(protocol::Sha256(envelope.id).substr(0, 8));
    Status queued = context.deliveries->Enqueue(batch, account->id, follower->inbox,
                                                protocol::RejectActivity(reject_id, actor_id, activity));
    if (!queued) spdlog::error("follow from {}: {}", envelope.actor, queued.error().message);
    co_return Outcome::kDone;
  }
  if (account->manually_approves_followers) {
    // A request: it waits for the account's answer (follow_commands.h).
    follows.Put(batch, account->id, Direction::kFollowers,
                {envelope.actor, envelope.id, FollowState::kPending, context.now()});
    co_return Outcome::kDone;
  }
  follows.Put(batch, account->id, Direction::kFollowers,
              {envelope.actor, envelope.id, FollowState::kAccepted, context.now()});
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

// The first id of a JSON-LD member, or "".
static std::string MemberId(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return "";
  return protocol::FirstId(it->value).value_or("");
}

Status InboxProcessor::Impl::IndexObject(const std::string& object_id,
                                         const rapidjson::Value& object, storage::Batch& batch) {
  std::string parent = MemberId(object, "inReplyTo");
  bool index_reply = !parent.empty();
  std::vector<std::string> tags;
  if (IsPublicObject(object)) {
    auto tag_list = object.FindMember("tag");
    if (tag_list != object.MemberEnd()) {
      auto visit = [&](const rapidjson::Value& tag) {
        if (!tag.IsObject() || protocol::StringMember(tag, "type") != "Hashtag") return;
        std::string name = protocol::StringMember(tag, "name").value_or("");
        if (name.starts_with("#")) name.erase(0, 1);
        if (!name.empty() && name.size() <= 100 && tags.size() < 20) {
          tags.push_back(protocol::LowerAscii(name));
        }
      };
      if (tag_list->value.IsArray()) {
        for (const auto& tag : tag_list->value.GetArray()) visit(tag);
      } else {
        visit(tag_list->value);
      }
    }
  }
  Result<uint64_t> sequence = context.store->NextSequence("remote-index");
  if (!sequence) return std::unexpected(sequence.error());
  std::string suffix = "\n" + storage::EncodeUint64(*sequence);
  // Listed on its author's profile page here.
  std::string author = MemberId(object, "attributedTo");
  if (!author.empty()) batch.Put(Family::kByAuthor, author + suffix, object_id);
  if (index_reply) batch.Put(Family::kReplies, parent + suffix, object_id);
  for (const std::string& tag : tags) batch.Put(Family::kTags, tag + suffix, object_id);
  return Ok();
}

asio::awaitable<void> InboxProcessor::Impl::FetchAncestors(std::string parent_id) {
  // Each missing parent is fetched and kept, up to kMaxAncestors; a thread
  // then reads whole. Failures only leave the thread shorter.
  for (int depth = 0; depth < kMaxAncestors && !parent_id.empty(); ++depth) {
    Result<std::optional<StoredObject>> known = context.posts->Get(parent_id);
    if (!known || known->has_value()) co_return;
    Result<std::optional<StoredObject>> fetched = co_await context.posts->GetOrFetch(parent_id);
    if (!fetched || !fetched->has_value()) {
      spdlog::info("thread: cannot fetch {}: {}", parent_id,
                   fetched ? "gone" : fetched.error().message);
      co_return;
    }
    storage::Batch batch;
    if (!IndexObject(parent_id, (*fetched)->object, batch) || !context.store->Write(batch)) co_return;
    parent_id = MemberId((*fetched)->object, "inReplyTo");
  }
}

asio::awaitable<Outcome> InboxProcessor::Impl::OnAnnounce(const rapidjson::Value& activity,
                                                          const protocol::ActivityEnvelope& envelope,
                                                          storage::Batch& batch) {
  if (envelope.object_id.starts_with(context.config->base_url + "/")) {
    co_return OnReaction(envelope, batch, /*add=*/true);
  }
  // A boost of a remote object, or a group's announce (FEP-1b12) of a
  // member's Create: the object is fetched from its origin, never taken from
  // the announce, which its sender could have forged.
  std::string object_id = envelope.object_id;
  if (const rapidjson::Value* embedded = EmbeddedObject(activity)) {
    std::string type = protocol::StringMember(*embedded, "type").value_or("");
    if (type == "Create" || type == "Update") {
      object_id = MemberId(*embedded, "object");
    } else if (embedded->HasMember("actor")) {
      co_return Outcome::kDone;  // a relayed Like, Delete or Undo: nothing kept for it yet
    }
  }
  if (object_id.empty()) co_return Outcome::kDone;
  Result<std::optional<StoredObject>> known = context.posts->Get(object_id);
  if (!known) co_return Outcome::kRetry;
  if (known->has_value()) {
    if ((*known)->deleted == 0) kept_object = object_id;
    co_return Outcome::kDone;
  }
  Result<std::optional<StoredObject>> fetched = co_await context.posts->GetOrFetch(object_id);
  if (!fetched) {
    spdlog::info("announce {}: cannot fetch {}: {}", envelope.id, object_id, fetched.error().message);
    co_return fetched.error().code == ErrorCode::kUnavailable ? Outcome::kRetry : Outcome::kDone;
  }
  if (!fetched->has_value()) co_return Outcome::kDone;
  if (!IndexObject(object_id, (*fetched)->object, batch)) co_return Outcome::kRetry;
  kept_object = object_id;
  if (context.on_public_object && IsPublicObject((*fetched)->object)) {
    // Its author's document says its sector (and names it on the pages):
    // known before the object is listed. A failed fetch leaves it unknown.
    const std::string& author = (*fetched)->author;
    Result<protocol::RemoteActor> known = co_await context.directory->Get(author, false);
    if (!known) {
      spdlog::info("announce {}: cannot fetch the author {}: {}", envelope.id, author,
                   known.error().message);
    }
    if (!context.on_public_object(batch, object_id, author)) co_return Outcome::kRetry;
  }
  std::string parent = MemberId((*fetched)->object, "inReplyTo");
  if (!parent.empty()) co_await FetchAncestors(parent);
  co_return Outcome::kDone;
}

asio::awaitable<Outcome> InboxProcessor::Impl::OnCreateOrUpdate(
    const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
    storage::Batch& batch, bool update) {
  const rapidjson::Value* object = EmbeddedObject(activity);
  if (object == nullptr) co_return Outcome::kDone;  // bare ids are not fetched
  auto type = object->FindMember("type");
  auto id = object->FindMember("id");
  if (type == object->MemberEnd() || !type->value.IsString() ||
      !IsContentType(type->value.GetString()) || id == object->MemberEnd() ||
      !id->value.IsString()) {
    co_return Outcome::kDone;
  }
  std::string object_id = id->value.GetString();
  std::string author = MemberId(*object, "attributedTo");
  // Only an actor's own objects, on its own server, are taken from it.
  if (author != envelope.actor || HostOf(object_id) != HostOf(envelope.actor)) {
    co_return Outcome::kDone;
  }
  Result<std::optional<StoredObject>> existing = context.posts->Get(object_id);
  if (!existing) co_return Outcome::kRetry;
  if (existing->has_value()) {
    // Never overwrite a local object, another author's, or a deletion.
    if ((*existing)->local || (*existing)->author != author || (*existing)->deleted != 0) {
      co_return Outcome::kDone;
    }
    if (!update) co_return Outcome::kDone;  // a repeated Create changes nothing
  } else {
    // New (an Update of something never seen is kept like a Create).
    if (!IndexObject(object_id, *object, batch)) co_return Outcome::kRetry;
    std::string parent = MemberId(*object, "inReplyTo");
    if (!parent.empty()) co_await FetchAncestors(parent);
  }
  batch.Put(Family::kObjects, object_id, EncodeRemoteRecord(author, *object, 0));
  if (!existing->has_value()) {
    if (!update) kept_object = object_id;
    // Public posts join the federated timeline when first seen.
    if (IsPublicObject(*object)) {
      Result<uint64_t> sequence = context.store->NextSequence("feed");
      if (!sequence) co_return Outcome::kRetry;
      batch.Put(Family::kPublicFeed, "federated/" + storage::EncodeUint64(*sequence), object_id);
      if (context.on_public_object && !context.on_public_object(batch, object_id, author)) {
        co_return Outcome::kRetry;
      }
    }
  }
  co_return Outcome::kDone;
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
  // What it wrote goes too (timelines skip the ids left behind), and its
  // place on profile pages.
  scanned = context.store->Scan(Family::kByAuthor, actor + "\n", [&](std::string_view key, std::string_view object_id) {
    batch.Delete(Family::kByAuthor, key);
    Result<std::optional<StoredObject>> object = context.posts->Get(std::string(object_id));
    if (object && object->has_value() && !(*object)->local && (*object)->author == actor) {
      batch.Delete(Family::kObjects, object_id);
    }
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
  Result<std::optional<StoredObject>> object = context.posts->Get(envelope.object_id);
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

// An account moved (as Mastodon moves them): every local account that
// follows it follows the new actor instead, provided the new actor names
// the old one in alsoKnownAs (so no one can steal followers by a Move).
asio::awaitable<Outcome> InboxProcessor::Impl::OnMove(const rapidjson::Value& activity,
                                                      const protocol::ActivityEnvelope& envelope) {
  if (envelope.object_id != envelope.actor) co_return Outcome::kDone;
  auto target_member = activity.FindMember("target");
  if (target_member == activity.MemberEnd()) co_return Outcome::kDone;
  std::optional<std::string> target = protocol::FirstId(target_member->value);
  if (!target || *target == envelope.actor) co_return Outcome::kDone;
  Result<protocol::RemoteActor> moved_to = co_await context.directory->Get(*target, /*refresh=*/true);
  if (!moved_to) co_return moved_to.error().code == ErrorCode::kUnavailable ? Outcome::kRetry : Outcome::kDone;
  if (std::find(moved_to->also_known_as.begin(), moved_to->also_known_as.end(), envelope.actor) ==
      moved_to->also_known_as.end()) {
    spdlog::info("Move from {} to {} ignored: the target does not name it in alsoKnownAs", envelope.actor, *target);
    co_return Outcome::kDone;
  }
  // Petition signatures follow the account (civic/petition_move.cc).
  if (context.extension != nullptr) {
    if (Status moved = context.extension->Moved(envelope.actor, moved_to->id); !moved) {
      spdlog::error("Move from {}: {}", envelope.actor, moved.error().message);
      co_return Outcome::kRetry;
    }
  }
  Result<protocol::RemoteActor> old = co_await context.directory->Get(envelope.actor, /*refresh=*/true);
  FollowCommandsContext follow_context{.config = context.config,
                                       .store = context.store,
                                       .accounts = context.accounts,
                                       .directory = context.directory,
                                       .deliveries = context.deliveries,
                                       .client = nullptr,
                                       .serving = nullptr,
                                       .now = context.now};
  std::vector<storage::AccountId> movers;
  Status scanned = context.store->Scan(Family::kAccounts, "", [&](std::string_view key, std::string_view) {
    std::optional<storage::AccountId> id = storage::DecodeAccountId(key);
    if (!id) return true;
    Result<std::optional<FollowRecord>> record = follows.Get(*id, Direction::kFollowing, envelope.actor);
    if (record && record->has_value()) movers.push_back(*id);
    return true;
  });
  if (!scanned) co_return Outcome::kRetry;
  for (storage::AccountId id : movers) {
    Result<std::optional<accounts::Account>> account = context.accounts->FindById(id);
    if (!account || !account->has_value()) continue;
    Result<std::optional<FollowRecord>> already = follows.Get(id, Direction::kFollowing, moved_to->id);
    if (already && !already->has_value()) (void)StartFollow(follow_context, **account, *moved_to);
    if (old) (void)StopFollow(follow_context, **account, *old);
  }
  co_return Outcome::kDone;
}

Outcome InboxProcessor::Impl::OnDelete(const protocol::ActivityEnvelope& envelope,
                                       storage::Batch& batch) {
  if (envelope.object_id.empty()) return Outcome::kDone;
  if (envelope.object_id == envelope.actor) return OnActorDeleted(envelope.actor, batch);
  Result<std::optional<StoredObject>> existing = context.posts->Get(envelope.object_id);
  if (!existing || !existing->has_value()) return Outcome::kDone;
  if ((*existing)->local || (*existing)->author != envelope.actor) return Outcome::kDone;
  // The content goes; a Tombstone stays so a late Create cannot revive it.
  rapidjson::Document tombstone(rapidjson::kObjectType);
  tombstone.AddMember("id", rapidjson::Value(envelope.object_id.c_str(), tombstone.GetAllocator()),
                      tombstone.GetAllocator());
  tombstone.AddMember("type", "Tombstone", tombstone.GetAllocator());
  batch.Put(Family::kObjects, envelope.object_id,
            EncodeRemoteRecord(envelope.actor, tombstone, context.now()));
  return Outcome::kDone;
}

// The addresses (to, cc, bto, bcc, audience) of an activity and of the
// object it embeds.
static std::vector<std::string> Addresses(const rapidjson::Value& activity) {
  std::vector<std::string> addresses;
  auto collect = [&](const rapidjson::Value& value) {
    for (const char* field : {"to", "cc", "bto", "bcc", "audience"}) {
      auto it = value.FindMember(field);
      if (it == value.MemberEnd()) continue;
      if (it->value.IsArray()) {
        for (const auto& address : it->value.GetArray()) {
          if (std::optional<std::string> id = protocol::FirstId(address)) addresses.push_back(*id);
        }
      } else if (std::optional<std::string> id = protocol::FirstId(it->value)) {
        addresses.push_back(*id);
      }
    }
  };
  collect(activity);
  if (const rapidjson::Value* object = EmbeddedObject(activity)) collect(*object);
  return addresses;
}

static bool IsPublicAddress(std::string_view address) {
  return address == protocol::kPublicCollection || address == "as:Public" || address == "Public";
}

asio::awaitable<Status> InboxProcessor::Impl::Deliver(const rapidjson::Value& activity,
                                                      const protocol::ActivityEnvelope& envelope,
                                                      storage::Batch& batch) {
  std::vector<storage::AccountId> recipients;
  std::vector<accounts::Account> groups;
  auto add = [&](storage::AccountId id) {
    if (std::find(recipients.begin(), recipients.end(), id) == recipients.end()) {
      recipients.push_back(id);
    }
  };
  std::string sender_followers;
  if (Result<protocol::RemoteActor> sender = co_await context.directory->Get(envelope.actor, false)) {
    sender_followers = sender->followers;
  }
  bool to_followers = false;
  for (const std::string& address : Addresses(activity)) {
    if (std::optional<accounts::Account> account = LocalAccount(address)) {
      add(account->id);
      // A group named in both the activity's and its object's addressing
      // announces once.
      bool listed = std::any_of(groups.begin(), groups.end(),
                                [&](const accounts::Account& group) { return group.id == account->id; });
      if (account->kind == accounts::AccountKind::kGroup && !listed) groups.push_back(*account);
    } else if (IsPublicAddress(address) || (!sender_followers.empty() && address == sender_followers)) {
      to_followers = true;
    }
  }
  // What a Follow, Like, Announce or Block is about: a local actor or note.
  if (!envelope.object_id.empty()) {
    if (std::optional<accounts::Account> account = LocalAccount(envelope.object_id)) {
      add(account->id);
    } else if (envelope.object_id.starts_with(context.config->base_url + "/")) {
      Result<std::optional<StoredObject>> object = context.posts->Get(envelope.object_id);
      if (object && object->has_value() && (*object)->local) add((*object)->account);
    }
  }
  // Posts to the sender's followers (or everyone) reach the accounts here
  // that follow the sender.
  bool post = envelope.type == "Create" || envelope.type == "Announce" || envelope.type == "Update";
  if (to_followers && post) {
    Status scanned = context.store->Scan(
        Family::kAccounts, "", [&](std::string_view key, std::string_view) {
          std::optional<storage::AccountId> id = storage::DecodeAccountId(key);
          if (!id) return true;
          Result<std::optional<FollowRecord>> record =
              follows.Get(*id, Direction::kFollowing, envelope.actor);
          if (record && record->has_value() && (*record)->state == FollowState::kAccepted) add(*id);
          return true;
        });
    if (!scanned) co_return scanned;
  }
  // Nothing reaches an account from whom it blocks: no notification, no
  // home timeline entry.
  RelationStore relations(*context.store);
  std::erase_if(recipients, [&](storage::AccountId id) { return relations.Blocks(id, envelope.actor).value_or(false); });
  for (storage::AccountId id : recipients) {
    if (Status added = AddInboxItem(*context.store, batch, id, envelope.id); !added) co_return added;
  }
  // A post or a boost the recipients may read joins their home timelines.
  if (!kept_object.empty() && (envelope.type == "Create" || envelope.type == "Announce")) {
    std::string entry = kept_object;
    if (envelope.type == "Announce") entry += "\n" + envelope.actor;
    for (storage::AccountId id : recipients) {
      Result<uint64_t> sequence = context.store->NextSequence("feed");
      if (!sequence) co_return std::unexpected(sequence.error());
      batch.Put(Family::kHomeFeed, storage::AccountKey(id, storage::EncodeUint64(*sequence)), entry);
    }
    if (context.on_local_readers && envelope.type == "Create") {
      if (Status noted = context.on_local_readers(batch, kept_object, recipients.size()); !noted) co_return noted;
    }
  }
  // FEP-1b12: a group announces what its members address to it.
  for (const accounts::Account& group : groups) {
    bool relayed = envelope.type == "Create" || envelope.type == "Update" ||
                   envelope.type == "Delete" || envelope.type == "Like" ||
                   envelope.type == "Dislike" || envelope.type == "Undo";
    if (!relayed || envelope.actor == urls.Actor(group.name)) continue;
    Result<std::optional<FollowRecord>> member =
        follows.Get(group.id, Direction::kFollowers, envelope.actor);
    if (!member || !member->has_value() || (*member)->state != FollowState::kAccepted) continue;
    if (Status announced = co_await context.posts->GroupAnnounce(group, activity, batch); !announced) {
      co_return announced;
    }
  }
  co_return Ok();
}

asio::awaitable<Outcome> InboxProcessor::Impl::Process(const rapidjson::Value& activity,
                                                       const protocol::ActivityEnvelope& envelope,
                                                       storage::Batch& batch) {
  kept_object.clear();
  Outcome outcome = co_await Act(activity, envelope, batch);
  if (outcome == Outcome::kDropped) co_return Outcome::kDone;  // handled, filed nowhere
  if (outcome != Outcome::kDone) co_return outcome;
  if (Status delivered = co_await Deliver(activity, envelope, batch); !delivered) {
    spdlog::error("inbox: filing {}: {}", envelope.id, delivered.error().message);
    co_return Outcome::kRetry;
  }
  co_return Outcome::kDone;
}

asio::awaitable<Outcome> InboxProcessor::Impl::Act(const rapidjson::Value& activity,
                                                   const protocol::ActivityEnvelope& envelope,
                                                   storage::Batch& batch) {
  if (context.extension != nullptr) {
    ExtensionOutcome handled = co_await context.extension->Act(activity, envelope, batch);
    if (handled == ExtensionOutcome::kRetry) co_return Outcome::kRetry;
    if (handled == ExtensionOutcome::kDone) co_return Outcome::kDone;
    if (handled == ExtensionOutcome::kDropped) co_return Outcome::kDropped;
  }
  if (envelope.type == "Follow") co_return co_await OnFollow(activity, envelope, batch);
  if (envelope.type == "Undo") co_return OnUndo(activity, envelope, batch);
  if (envelope.type == "Accept") co_return OnAnswer(activity, envelope, batch, true);
  if (envelope.type == "Reject") co_return OnAnswer(activity, envelope, batch, false);
  if (envelope.type == "Create") co_return co_await OnCreateOrUpdate(activity, envelope, batch, false);
  if (envelope.type == "Update") co_return co_await OnCreateOrUpdate(activity, envelope, batch, true);
  if (envelope.type == "Delete") co_return OnDelete(envelope, batch);
  if (envelope.type == "Block") co_return OnBlock(envelope, batch);
  if (envelope.type == "Move") co_return co_await OnMove(activity, envelope);
  if (envelope.type == "Like") co_return OnReaction(envelope, batch, /*add=*/true);
  if (envelope.type == "Announce") co_return co_await OnAnnounce(activity, envelope, batch);
  // Other types are kept as received; later work gives them effects.
  co_return Outcome::kDone;
}

asio::awaitable<void> InboxProcessor::Impl::Run([[maybe_unused]] std::shared_ptr<Impl> self) {
  // Where the next scan starts: just after the last key taken. Scanning from
  // the queue's start stepped over the deletion of every entry taken since
  // the last compaction (40 % of the CPU under load). Keys only grow: the
  // inbox takes a sequence and writes its entry under one lock, and a retry
  // goes to the back with a new sequence.
  std::string from(kInboxQueue);
  // The one exception: the inbox may have taken sequence n - 1 just before
  // this worker took n for a retry, and write it after the worker has
  // already moved past it. Such an entry is looked for by key until it is
  // taken, or once more after an entry the inbox wrote after n was taken
  // (the lock orders them: by then it was written, or never will be).
  struct Straggler {
    std::string key;
    uint64_t retry_sequence;
    bool settled = false;
  };
  std::vector<Straggler> stragglers;
  uint64_t last_retry_sequence = 0;
  auto sequence_of = [](std::string_view key) {
    return storage::DecodeUint64(key.substr(kInboxQueue.size()));
  };
  for (;;) {
    wake_pending = false;
    std::erase_if(stragglers, [&](const Straggler& straggler) {
      Result<std::optional<std::string>> found = context.store->Get(Family::kQueues, straggler.key);
      if (!found) return false;  // looked for again next time
      if (found->has_value() && straggler.key < from) from = straggler.key;
      return straggler.settled && !found->has_value();
    });
    std::string key, value;
    Status scanned = context.store->ScanFrom(Family::kQueues, kInboxQueue, from,
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
    // Value: the activity id, then "\n" and the attempts so far (retries only).
    const bool retried = value.find('\n') != std::string::npos;
    std::string activity_id = value.substr(0, value.find('\n'));
    int attempts = !retried ? 0 : std::atoi(value.c_str() + value.find('\n') + 1);
    std::erase_if(stragglers, [&](const Straggler& straggler) { return straggler.key == key; });
    for (Straggler& straggler : stragglers) {
      if (!retried && key.size() == kInboxQueue.size() + 8 &&
          sequence_of(key) > straggler.retry_sequence) {
        straggler.settled = true;
      }
    }
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
      } else {
        from = key + '\0';
        if (sequence) {
          if (*sequence > 1 && *sequence - 1 != last_retry_sequence) {
            // Only an inbox write that failed stays here for long; bounded all the same.
            if (stragglers.size() == 64) stragglers.erase(stragglers.begin());
            stragglers.push_back({std::string(kInboxQueue) + storage::EncodeUint64(*sequence - 1),
                                  *sequence});
          }
          last_retry_sequence = *sequence;
        }
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
    from = key + '\0';
    context.deliveries->Wake();
    // Lets the loop run other work, and stop, between entries: processing a
    // Create never suspends, so a backlog held an I/O thread (and SIGTERM)
    // until it was empty. What is left stays queued for the next start.
    co_await asio::post(strand, asio::use_awaitable);
  }
}

InboxProcessor::InboxProcessor(InboxProcessorContext context)
    : impl_(std::make_shared<Impl>(std::move(context))) {}

InboxProcessor::~InboxProcessor() = default;

void InboxProcessor::Start() { asio::co_spawn(impl_->strand, impl_->Run(impl_), asio::detached); }

void InboxProcessor::Wake() {
  if (impl_->wake_posted.exchange(true)) return;
  asio::post(impl_->strand, [impl = impl_] {
    // Cleared first: a wake after this point posts again. An exchange, so
    // what a wake that found one posted wrote before it is seen here.
    impl->wake_posted.exchange(false);
    impl->wake_pending = true;
    impl->timer.cancel();
  });
}

}  // namespace parvis::federation
