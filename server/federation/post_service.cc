#include "server/federation/post_service.h"

#include <algorithm>
#include <set>

#include "parvis/protocol/activities.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/markdown.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_commands.h"
#include "server/federation/follow_store.h"
#include "server/federation/inbox_items.h"

namespace parvis::federation {
namespace {

using storage::Family;

constexpr size_t kMaxNoteCharacters = 5000;
constexpr size_t kMaxSummaryCharacters = 500;
constexpr size_t kMaxTitleCharacters = 200;

using protocol::CountCharacters;

// "host[:port]" of the node's base URL, lower case: a mention of
// "name@" + this is local.
std::string OwnAuthority(const std::string& base_url) {
  size_t start = base_url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return protocol::LowerAscii(base_url.substr(start, base_url.find('/', start) - start));
}

Status ValidateDraft(const PostDraft& draft) {
  size_t characters = CountCharacters(draft.text);
  if (characters == 0 || characters > kMaxNoteCharacters) {
    return Fail(ErrorCode::kInvalidArgument, "a post has 1 to 5000 characters");
  }
  if (CountCharacters(draft.summary) > kMaxSummaryCharacters) {
    return Fail(ErrorCode::kInvalidArgument, "a content warning has at most 500 characters");
  }
  if (draft.addressed.size() > 20) {
    return Fail(ErrorCode::kInvalidArgument, "a post addresses at most 20 actors");
  }
  if (CountCharacters(draft.title) > kMaxTitleCharacters) {
    return Fail(ErrorCode::kInvalidArgument, "a title has at most 200 characters");
  }
  for (const std::string* field : {&draft.text, &draft.summary, &draft.title}) {
    for (char c : *field) {
      if (c == '\0') return Fail(ErrorCode::kInvalidArgument, "text must not contain NUL bytes");
    }
  }
  return Ok();
}

}  // namespace

struct PostService::Composed {
  std::vector<std::string> remote_inboxes;            // the mentioned, a remote parent's author
  std::vector<storage::AccountId> local_recipients;   // the mentioned here, a local parent's author
  std::vector<std::string> hashtags;                  // lower case
};

Result<std::optional<StoredObject>> PostService::Get(const std::string& id) const {
  Result<std::optional<std::string>> bytes = context_.store->Get(Family::kObjects, id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<StoredObject>();
  Result<StoredObject> object = DecodeObjectRecord(id, **bytes);
  if (!object) return std::unexpected(object.error());
  return std::optional<StoredObject>(std::move(*object));
}

boost::asio::awaitable<Result<std::optional<StoredObject>>> PostService::GetOrFetch(
    const std::string& id) {
  Result<std::optional<StoredObject>> known = Get(id);
  if (!known || known->has_value()) co_return known;
  ActorUrls urls(context_.config->base_url);
  if (id.starts_with(context_.config->base_url + "/")) co_return std::optional<StoredObject>();
  Result<rapidjson::Document> document = co_await context_.directory->FetchDocument(id);
  if (!document) {
    if (document.error().code == ErrorCode::kNotFound) co_return std::optional<StoredObject>();
    co_return std::unexpected(document.error());
  }
  std::optional<std::string> fetched_id = protocol::StringMember(*document, "id");
  auto attributed = document->FindMember("attributedTo");
  std::string author = attributed == document->MemberEnd()
                           ? ""
                           : protocol::FirstId(attributed->value).value_or("");
  if (fetched_id != id || author.empty() || HostOf(author) != HostOf(id)) {
    co_return Fail(ErrorCode::kInvalidArgument, id + " is not an object its host's actor wrote");
  }
  storage::Batch batch;
  batch.Put(Family::kObjects, id, EncodeRemoteRecord(author, *document, 0));
  if (Status written = context_.store->Write(batch); !written) {
    co_return std::unexpected(written.error());
  }
  co_return Get(id);
}

Result<std::vector<std::string>> PostService::Pinned(storage::AccountId account) const {
  std::vector<std::string> ids;
  Status scanned = context_.store->Scan(Family::kFeatured, storage::EncodeAccountId(account),
                                        [&](std::string_view, std::string_view id) {
                                          ids.emplace_back(id);
                                          return true;
                                        });
  if (!scanned) return std::unexpected(scanned.error());
  return ids;
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

boost::asio::awaitable<Result<std::vector<std::string>>> PostService::NoteInboxes(
    const accounts::Account& account, const protocol::LocalNote& note,
    const std::vector<std::string>& extra) {
  std::vector<std::string> inboxes;
  if (note.visibility != protocol::Visibility::kDirect) {
    Result<std::vector<std::string>> followers = co_await AudienceInboxes(account);
    if (!followers) co_return std::unexpected(followers.error());
    inboxes = std::move(*followers);
  }
  for (const std::string& inbox : extra) {
    if (std::find(inboxes.begin(), inboxes.end(), inbox) == inboxes.end()) inboxes.push_back(inbox);
  }
  co_return inboxes;
}

Status PostService::Enqueue(storage::Batch& batch, const accounts::Account& account,
                            const std::vector<std::string>& inboxes, const std::string& body) {
  for (const std::string& inbox : inboxes) {
    if (Status queued = context_.deliveries->Enqueue(batch, account.id, inbox, body); !queued) {
      return queued;
    }
  }
  return Ok();
}

boost::asio::awaitable<Result<PostService::Composed>> PostService::Compose(
    const accounts::Account& account, const PostDraft& draft, protocol::LocalNote& note) {
  if (Status valid = ValidateDraft(draft); !valid) co_return std::unexpected(valid.error());
  ActorUrls urls(context_.config->base_url);
  std::string self = urls.Actor(account.name);
  std::string own = OwnAuthority(context_.config->base_url);
  Composed composed;
  protocol::TextLinks links;
  links.tag_base = context_.config->base_url + "/tags/";
  note.mentions.clear();
  note.tags.clear();
  auto add_local = [&](storage::AccountId id) {
    if (id != account.id && std::find(composed.local_recipients.begin(),
                                      composed.local_recipients.end(),
                                      id) == composed.local_recipients.end()) {
      composed.local_recipients.push_back(id);
    }
  };
  auto add_remote = [&](const protocol::RemoteActor& actor) {
    const std::string& inbox = actor.shared_inbox.empty() ? actor.inbox : actor.shared_inbox;
    if (std::find(composed.remote_inboxes.begin(), composed.remote_inboxes.end(), inbox) ==
        composed.remote_inboxes.end()) {
      composed.remote_inboxes.push_back(inbox);
    }
  };
  // Mentions: local names directly, others through WebFinger. A handle that
  // does not resolve stays text, as on Mastodon.
  for (const std::string& handle : protocol::FindMentions(draft.text)) {
    size_t at = handle.find('@');
    std::string name = handle.substr(0, at);
    std::string host = at == std::string::npos ? own : protocol::LowerAscii(handle.substr(at + 1));
    protocol::MentionLink link;
    if (host == own) {
      Result<std::optional<accounts::Account>> local = context_.accounts->FindByName(name);
      if (!local) co_return std::unexpected(local.error());
      if (!local->has_value()) continue;
      link = {urls.Actor((*local)->name), urls.Profile((*local)->name), (*local)->name};
      add_local((*local)->id);
    } else {
      std::string lookup = name + "@" + host;
      Result<std::string> actor_id =
          co_await LookupAccount(*context_.client, lookup, context_.config->allow_private_addresses);
      if (!actor_id) continue;
      Result<protocol::RemoteActor> actor = co_await context_.directory->Get(*actor_id, false);
      if (!actor) continue;
      link = {actor->id, actor->url.empty() ? actor->id : actor->url, name};
      add_remote(*actor);
    }
    links.mentions[protocol::LowerAscii(handle)] = link;
    if (link.actor_id == self) continue;
    if (std::find(note.mentions.begin(), note.mentions.end(), link.actor_id) == note.mentions.end()) {
      note.mentions.push_back(link.actor_id);
      note.tags.push_back({"Mention", link.actor_id, "@" + name + "@" + host});
    }
  }
  for (const std::string& actor_id : draft.addressed) {
    if (actor_id == self ||
        std::find(note.mentions.begin(), note.mentions.end(), actor_id) != note.mentions.end()) {
      continue;
    }
    std::string tag_name;
    std::optional<std::string> local_name = urls.NameFromUrl(actor_id);
    if (local_name && urls.Actor(*local_name) == actor_id) {
      Result<std::optional<accounts::Account>> local = context_.accounts->FindByName(*local_name);
      if (!local) co_return std::unexpected(local.error());
      if (!local->has_value() || urls.Actor((*local)->name) != actor_id) {
        co_return Fail(ErrorCode::kInvalidArgument, "no such account to address: " + actor_id);
      }
      add_local((*local)->id);
      tag_name = "@" + (*local)->name + "@" + own;
    } else {
      Result<protocol::RemoteActor> actor = co_await context_.directory->Get(actor_id, false);
      if (!actor) {
        co_return Fail(actor.error().code == ErrorCode::kUnavailable ? ErrorCode::kUnavailable
                                                                     : ErrorCode::kInvalidArgument,
                       "cannot address " + actor_id + ": " + actor.error().message);
      }
      add_remote(*actor);
      tag_name = "@" + actor->preferred_username + "@" + AuthorityOf(actor->id).value_or("");
    }
    note.mentions.push_back(actor_id);
    note.tags.push_back({"Mention", actor_id, tag_name});
  }
  if (note.visibility == protocol::Visibility::kDirect && note.mentions.empty()) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "a direct post must mention at least one other account that exists");
  }
  for (const std::string& tag : protocol::FindHashtags(draft.text)) {
    std::string lower = protocol::LowerAscii(tag);
    note.tags.push_back({"Hashtag", links.tag_base + lower, "#" + tag});
    composed.hashtags.push_back(lower);
  }
  // The parent's author hears of a public reply, as on Mastodon.
  if (!note.in_reply_to.empty()) {
    Result<std::optional<StoredObject>> parent = Get(note.in_reply_to);
    if (parent && parent->has_value() && (*parent)->deleted == 0) {
      if ((*parent)->local) {
        add_local((*parent)->account);
      } else if (note.visibility == protocol::Visibility::kPublic ||
                 note.visibility == protocol::Visibility::kUnlisted) {
        Result<protocol::RemoteActor> author = co_await context_.directory->Get((*parent)->author, false);
        if (author) add_remote(*author);
      }
    }
  }
  note.type = draft.title.empty() ? "Note" : "Article";
  note.name = draft.title;
  note.summary = draft.summary;
  // Our own Markdown output, sanitised anyway: one allowlist for all HTML.
  Result<std::string> safe = protocol::SanitizeHtml(protocol::RenderMarkdown(draft.text, links));
  if (!safe) co_return std::unexpected(safe.error());
  note.content_html = std::move(*safe);
  co_return composed;
}

boost::asio::awaitable<Result<std::string>> PostService::Publish(const accounts::Account& account,
                                                                 PostDraft draft) {
  if (Status valid = ValidateDraft(draft); !valid) co_return std::unexpected(valid.error());
  ActorUrls urls(context_.config->base_url);
  std::string author = urls.Actor(account.name);
  if (!draft.in_reply_to.empty()) {
    Result<std::optional<StoredObject>> parent = co_await GetOrFetch(draft.in_reply_to);
    if (!parent) co_return std::unexpected(parent.error());
    bool readable = parent->has_value() && (*parent)->deleted == 0 &&
                    (!(*parent)->local || MayRead((*parent)->note, author, false));
    if (!readable) co_return Fail(ErrorCode::kNotFound, "no such post to reply to: " + draft.in_reply_to);
  }
  Result<uint64_t> sequence = context_.store->NextSequence("status");
  if (!sequence) co_return std::unexpected(sequence.error());
  StoredObject object;
  object.local = true;
  object.account = account.id;
  object.author = author;
  object.source = draft.text;
  protocol::LocalNote& note = object.note;
  note.id = author + "/statuses/" + std::to_string(*sequence);
  note.author = author;
  note.followers = urls.Followers(account.name);
  note.url = note.id;
  note.published = context_.now();
  note.visibility = draft.visibility;
  note.in_reply_to = draft.in_reply_to;
  note.right_of_reply = draft.right_of_reply && !draft.in_reply_to.empty();
  Result<Composed> composed = co_await Compose(account, draft, note);
  if (!composed) co_return std::unexpected(composed.error());
  Result<std::vector<std::string>> inboxes =
      co_await NoteInboxes(account, note, composed->remote_inboxes);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  object.outbox_key = storage::AccountKey(account.id, storage::EncodeUint64(*sequence));
  std::string create_id = note.id + "/activity";
  std::string create = protocol::CreateNoteActivity(note, create_id);
  storage::Batch batch;
  batch.Put(Family::kObjects, note.id, EncodeLocalRecord(object));
  batch.Put(Family::kOutbox, object.outbox_key, note.id);
  if (!note.in_reply_to.empty()) {
    batch.Put(Family::kReplies, note.in_reply_to + "\n" + storage::EncodeUint64(*sequence), note.id);
  }
  if (note.visibility == protocol::Visibility::kPublic) {
    for (const std::string& tag : composed->hashtags) {
      batch.Put(Family::kTags, tag + "\n" + storage::EncodeUint64(*sequence), note.id);
    }
  }
  for (storage::AccountId recipient : composed->local_recipients) {
    if (Status added = AddInboxItem(*context_.store, batch, recipient, create_id); !added) {
      co_return std::unexpected(added.error());
    }
  }
  // Timelines: the author's and the mentioned accounts' here; the public
  // ones when public.
  std::vector<storage::AccountId> readers = composed->local_recipients;
  readers.push_back(account.id);
  for (storage::AccountId reader : readers) {
    Result<uint64_t> feed = context_.store->NextSequence("feed");
    if (!feed) co_return std::unexpected(feed.error());
    batch.Put(Family::kHomeFeed, storage::AccountKey(reader, storage::EncodeUint64(*feed)), note.id);
  }
  if (note.visibility == protocol::Visibility::kPublic) {
    for (std::string_view timeline : {"local/", "federated/"}) {
      Result<uint64_t> feed = context_.store->NextSequence("feed");
      if (!feed) co_return std::unexpected(feed.error());
      batch.Put(Family::kPublicFeed, std::string(timeline) + storage::EncodeUint64(*feed), note.id);
    }
    if (context_.on_public_object) {
      if (Status noted = context_.on_public_object(batch, note.id, author); !noted) {
        co_return std::unexpected(noted.error());
      }
    }
  }
  if (context_.on_fan_out) {
    if (Status noted = context_.on_fan_out(batch, account, note.id, *inboxes, create.size()); !noted) {
      co_return std::unexpected(noted.error());
    }
  }
  if (Status queued = Enqueue(batch, account, *inboxes, create); !queued) {
    co_return std::unexpected(queued.error());
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return note.id;
}

boost::asio::awaitable<Status> PostService::Edit(const accounts::Account& account,
                                                 std::string note_id, PostDraft draft) {
  Result<std::optional<StoredObject>> stored = Get(note_id);
  if (!stored) co_return std::unexpected(stored.error());
  if (!stored->has_value() || !(*stored)->local || (*stored)->account != account.id ||
      (*stored)->deleted != 0) {
    co_return Fail(ErrorCode::kNotFound, "no such post of " + account.name);
  }
  StoredObject& object = **stored;
  draft.visibility = object.note.visibility;
  // The kind stays: an Article keeps its title unless given a new one.
  if (object.note.type == "Article" && draft.title.empty()) draft.title = object.note.name;
  if (object.note.type != "Article" && !draft.title.empty()) {
    co_return Fail(ErrorCode::kInvalidArgument, "only an Article has a title");
  }
  // Who was addressed stays addressed (a direct note keeps its audience).
  draft.addressed = object.note.mentions;
  Result<Composed> composed = co_await Compose(account, draft, object.note);
  if (!composed) co_return std::unexpected(composed.error());
  object.source = draft.text;
  // Strictly later than the last change, so each Update has its own id.
  object.note.updated = std::max(context_.now(), std::max(object.note.published, object.note.updated) + 1);
  Result<std::vector<std::string>> inboxes =
      co_await NoteInboxes(account, object.note, composed->remote_inboxes);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  std::string update_id = note_id + "/updates/" + std::to_string(object.note.updated);
  std::string update = protocol::UpdateNoteActivity(object.note, update_id);
  storage::Batch batch;
  batch.Put(Family::kObjects, note_id, EncodeLocalRecord(object));
  for (storage::AccountId recipient : composed->local_recipients) {
    if (Status added = AddInboxItem(*context_.store, batch, recipient, update_id); !added) {
      co_return std::unexpected(added.error());
    }
  }
  if (context_.on_fan_out) {
    if (Status noted = context_.on_fan_out(batch, account, note_id, *inboxes, update.size()); !noted) {
      co_return std::unexpected(noted.error());
    }
  }
  if (Status queued = Enqueue(batch, account, *inboxes, update); !queued) {
    co_return std::unexpected(queued.error());
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return Ok();
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
  std::vector<std::string> mentioned;
  for (const std::string& actor_id : object.note.mentions) {
    Result<protocol::RemoteActor> actor = co_await context_.directory->Get(actor_id, false);
    if (actor) mentioned.push_back(actor->shared_inbox.empty() ? actor->inbox : actor->shared_inbox);
  }
  Result<std::vector<std::string>> inboxes = co_await NoteInboxes(account, object.note, mentioned);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  std::string activity = protocol::DeleteNoteActivity(object.note, note_id + "/delete");
  // The content goes now; the record stays as a Tombstone (410).
  object.deleted = context_.now();
  object.note.content_html.clear();
  object.note.summary.clear();
  object.note.name.clear();
  object.source.clear();
  storage::Batch batch;
  // The outbox entry stays, so the Tombstone is still found from the
  // account (export, erasure); the outbox collection skips it.
  batch.Put(Family::kObjects, note_id, EncodeLocalRecord(object));
  Status unpinned = context_.store->Scan(
      Family::kFeatured, storage::EncodeAccountId(account.id),
      [&](std::string_view key, std::string_view id) {
        if (id == note_id) batch.Delete(Family::kFeatured, key);
        return true;
      });
  if (!unpinned) co_return std::unexpected(unpinned.error());
  if (Status queued = Enqueue(batch, account, *inboxes, activity); !queued) {
    co_return std::unexpected(queued.error());
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return Ok();
}

boost::asio::awaitable<Status> PostService::Pin(const accounts::Account& account,
                                                std::string note_id, bool undo) {
  Result<std::optional<StoredObject>> stored = Get(note_id);
  if (!stored) co_return std::unexpected(stored.error());
  if (!stored->has_value() || !(*stored)->local || (*stored)->account != account.id ||
      (*stored)->deleted != 0) {
    co_return Fail(ErrorCode::kNotFound, "no such post of " + account.name);
  }
  protocol::Visibility visibility = (*stored)->note.visibility;
  if (!undo && visibility != protocol::Visibility::kPublic &&
      visibility != protocol::Visibility::kUnlisted) {
    co_return Fail(ErrorCode::kInvalidArgument, "only public and unlisted posts can be pinned");
  }
  std::string pinned_key;
  size_t count = 0;
  Status scanned = context_.store->Scan(Family::kFeatured, storage::EncodeAccountId(account.id),
                                        [&](std::string_view key, std::string_view id) {
                                          ++count;
                                          if (id == note_id) pinned_key = key;
                                          return true;
                                        });
  if (!scanned) co_return std::unexpected(scanned.error());
  if (undo == pinned_key.empty()) co_return Ok();  // already as asked
  storage::Batch batch;
  if (undo) {
    batch.Delete(Family::kFeatured, pinned_key);
  } else {
    if (count >= kMaxPinned) {
      co_return Fail(ErrorCode::kInvalidArgument,
                     "at most " + std::to_string(kMaxPinned) + " posts can be pinned");
    }
    Result<uint64_t> sequence = context_.store->NextSequence("featured");
    if (!sequence) co_return std::unexpected(sequence.error());
    batch.Put(Family::kFeatured, storage::AccountKey(account.id, storage::EncodeUint64(*sequence)),
              note_id);
  }
  ActorUrls urls(context_.config->base_url);
  std::string actor = urls.Actor(account.name);
  std::string hex = protocol::EncodeHex(protocol::Sha256(note_id).substr(0, 12));
  Result<uint64_t> change = context_.store->NextSequence("featured-activity");
  if (!change) co_return std::unexpected(change.error());
  std::string body = protocol::CollectionChangeActivity(
      undo ? "Remove" : "Add", actor + "#featured/" + hex + "/" + std::to_string(*change), actor,
      note_id, urls.Featured(account.name), urls.Followers(account.name));
  Result<std::vector<std::string>> inboxes = co_await AudienceInboxes(account);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  if (Status queued = Enqueue(batch, account, *inboxes, body); !queued) {
    co_return std::unexpected(queued.error());
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return Ok();
}

boost::asio::awaitable<Status> PostService::GroupAnnounce(const accounts::Account& group,
                                                          const rapidjson::Value& activity,
                                                          storage::Batch& batch) {
  std::optional<std::string> activity_id = protocol::StringMember(activity, "id");
  if (!activity_id) co_return Fail(ErrorCode::kInvalidArgument, "the activity has no id");
  ActorUrls urls(context_.config->base_url);
  std::string actor = urls.Actor(group.name);
  std::string id = actor + "/announces/" +
                   protocol::EncodeHex(protocol::Sha256(*activity_id).substr(0, 16));
  std::string body = protocol::GroupAnnounceActivity(id, actor, urls.Followers(group.name), activity);
  Result<std::vector<std::string>> inboxes = co_await AudienceInboxes(group);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  co_return Enqueue(batch, group, *inboxes, body);
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
  if (context_.on_reaction) {
    if (Status noted = context_.on_reaction(batch, object_id, (*stored)->author, actor, type, !undo); !noted) {
      co_return std::unexpected(noted.error());
    }
  }
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
