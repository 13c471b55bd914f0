// Notes and articles written by local accounts: composed (mentions,
// hashtags, replies), stored, listed in the outbox, delivered to followers
// and to the mentioned (one delivery per shared inbox), edited, pinned and
// deleted as Tombstones. Also reactions, and the group announces of
// FEP-1b12. Record formats: object_record.h.
#ifndef PARVIS_SERVER_FEDERATION_POST_SERVICE_H_
#define PARVIS_SERVER_FEDERATION_POST_SERVICE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "parvis/config.h"
#include "parvis/protocol/note.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/object_record.h"

namespace parvis::http {
class HttpClient;
}

namespace parvis::federation {

struct PostContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  ActorDirectory* directory;
  DeliveryQueue* deliveries;
  http::HttpClient* client;  // WebFinger lookups of mentioned handles
  std::function<int64_t()> now;
  // Called, when set, for each new public object written here, with the
  // batch that writes it: the civic layer lists commercial authors' objects
  // in their own stream (civic/sector_service.h).
  std::function<Status(storage::Batch&, const std::string& object_id, const std::string& author)>
      on_public_object;
  // Called, when set, with the batch that queues the deliveries of a local
  // note's Create or Update to `inboxes` (`body_bytes` each): the energy
  // label counts them (footprint/post_energy.h).
  std::function<Status(storage::Batch&, const accounts::Account& author, const std::string& object_id,
                       const std::vector<std::string>& inboxes, size_t body_bytes)>
      on_fan_out;
  // Called, when set, with the batch that sends a local account's Like or
  // Announce of `object_id` (by `author`), or its Undo (`added` false): the
  // amplification signals record it (server/signals/signal_recorder.h).
  std::function<Status(storage::Batch&, const std::string& object_id, const std::string& author,
                       const std::string& actor, const std::string& type, bool added)>
      on_reaction;
};

// What an author writes. Text is plain (1 to 5000 characters) with @mentions
// and #hashtags; `summary` is a content warning; a `title` makes an Article.
struct PostDraft {
  std::string text;
  std::string summary;
  protocol::Visibility visibility = protocol::Visibility::kPublic;
  std::string in_reply_to;  // id of a known or fetchable object
  std::string title;
  // Actors addressed besides those @mentioned in the text (a C2S client's
  // to and cc): each becomes a Mention tag and a recipient.
  std::vector<std::string> addressed;
  // Marks the note a right of reply (annotations/annotation_service.h
  // decides who may); an edit keeps the mark.
  bool right_of_reply = false;
};

// Most notes an account may pin, as on Mastodon.
inline constexpr size_t kMaxPinned = 5;

class PostService {
 public:
  explicit PostService(PostContext context) : context_(std::move(context)) {}

  // Publishes; returns the note's id.
  boost::asio::awaitable<Result<std::string>> Publish(const accounts::Account& account,
                                                      PostDraft draft);
  // Replaces the text (and title, content warning) of one of the account's
  // notes and sends an Update to its audience. Visibility and parent stay.
  boost::asio::awaitable<Status> Edit(const accounts::Account& account, std::string note_id,
                                      PostDraft draft);
  // Deletes one of the account's notes: Tombstone here, Delete to the audience.
  boost::asio::awaitable<Status> Delete(const accounts::Account& account, std::string note_id);
  // Pins a public or unlisted note to the featured collection (Add to the
  // followers), or unpins it (Remove).
  boost::asio::awaitable<Status> Pin(const accounts::Account& account, std::string note_id,
                                     bool undo);

  // Likes or announces (boosts) a remote object, or undoes it. A Like goes
  // to the object's author; an Announce also to the account's followers.
  boost::asio::awaitable<Status> React(const accounts::Account& account, std::string type,
                                       std::string object_id, bool undo);

  // FEP-1b12: the local group announces `activity` (embedded as received)
  // to its followers; the deliveries go into `batch`.
  boost::asio::awaitable<Status> GroupAnnounce(const accounts::Account& group,
                                               const rapidjson::Value& activity,
                                               storage::Batch& batch);

  Result<std::optional<StoredObject>> Get(const std::string& id) const;
  // Get, or for an unknown remote id a signed fetch of it, kept as a remote
  // object when its author is on its host.
  boost::asio::awaitable<Result<std::optional<StoredObject>>> GetOrFetch(const std::string& id);
  // Ids of the account's pinned notes, oldest pin first.
  Result<std::vector<std::string>> Pinned(storage::AccountId account) const;
  // The account's accepted followers' inboxes, one per shared inbox, in a
  // stable order.
  boost::asio::awaitable<Result<std::vector<std::string>>> AudienceInboxes(
      const accounts::Account& account);

 private:
  struct Composed;
  boost::asio::awaitable<Result<Composed>> Compose(const accounts::Account& account,
                                                   const PostDraft& draft,
                                                   protocol::LocalNote& note);
  boost::asio::awaitable<Result<std::vector<std::string>>> NoteInboxes(
      const accounts::Account& account, const protocol::LocalNote& note,
      const std::vector<std::string>& extra);
  Status Enqueue(storage::Batch& batch, const accounts::Account& account,
                 const std::vector<std::string>& inboxes, const std::string& body);

  PostContext context_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_POST_SERVICE_H_
