// Notes written by local accounts: stored, listed in the outbox, delivered
// to followers' inboxes (one delivery per shared inbox), deleted as
// Tombstones. Also the store of remote objects the inbox keeps.
//
// Family::kObjects value (JSON):
//   local:  {"local":true, "account":ID, "visibility":..., "content":HTML,
//            "summary":..., "published":T, "outbox":KEY, "deleted":T|0}
//   remote: {"local":false, "author":ACTOR, "object":{...}, "deleted":T|0}
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

namespace parvis::federation {

struct PostContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  ActorDirectory* directory;
  DeliveryQueue* deliveries;
  std::function<int64_t()> now;
};

// A stored object, local or remote.
struct StoredObject {
  bool local = false;
  storage::AccountId account = 0;  // local only
  std::string author;              // actor id
  int64_t deleted = 0;             // 0: not deleted
  protocol::LocalNote note;        // local only
  std::string outbox_key;          // local only
  rapidjson::Document object;      // remote only: as received
};

class PostService {
 public:
  explicit PostService(PostContext context) : context_(std::move(context)) {}

  // Publishes a note by `account`; returns the note's id. Content is plain
  // text (1 to 5000 characters); `summary` is a content warning.
  boost::asio::awaitable<Result<std::string>> Publish(const accounts::Account& account,
                                                      std::string text, std::string summary,
                                                      protocol::Visibility visibility);
  // Deletes one of the account's notes: Tombstone here, Delete to the audience.
  boost::asio::awaitable<Status> Delete(const accounts::Account& account, std::string note_id);

  // Likes or announces (boosts) a remote object, or undoes it. A Like goes
  // to the object's author; an Announce also to the account's followers.
  boost::asio::awaitable<Status> React(const accounts::Account& account, std::string type,
                                       std::string object_id, bool undo);

  Result<std::optional<StoredObject>> Get(const std::string& id) const;
  // The record of a remote object (see the family comment).
  static std::string RemoteRecord(const std::string& author, const rapidjson::Value& object,
                                  int64_t deleted);

 private:
  // Followers' inboxes, one per shared inbox, in a stable order.
  boost::asio::awaitable<Result<std::vector<std::string>>> AudienceInboxes(
      const accounts::Account& account);
  std::string LocalRecord(const StoredObject& object) const;

  PostContext context_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_POST_SERVICE_H_
