// The node's part in confidential messaging (docs/e2ee.md): a key directory
// per account, one-time prekeys handed out once each, and a relay that keeps
// ciphertexts only until each device has acknowledged them. It holds no key
// that could open a message and never sees a plaintext.
#ifndef PARVIS_SERVER_MESSAGING_MESSAGING_SERVICE_H_
#define PARVIS_SERVER_MESSAGING_MESSAGING_SERVICE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "parvis/config.h"
#include "parvis/data_policy.h"
#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/direct_delivery.h"
#include "server/http/http_client.h"
#include "server/messaging/message_store.h"

namespace parvis::messaging {

// A message nobody fetched is deleted after this long.
inline constexpr int64_t kMessageLifetimeSeconds = RetentionSeconds("encrypted_messages");  // the data policy's
// One-time prekeys that may wait per device.
inline constexpr size_t kMaxWaitingPrekeys = 100;
// Messages one GET returns.
inline constexpr size_t kMessagesPerFetch = 100;
// A key backup document's size limit.
inline constexpr size_t kMaxBackupBytes = 4096;

struct MessagingContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  federation::ActorDirectory* directory;  // remote actors' inboxes and documents
  federation::DeliveryQueue* deliveries;
  http::HttpClient* client;               // claims at other nodes
  std::function<int64_t()> now;
};

// Failures carry the HTTP status the routes answer with.
struct MessagingError {
  int status;
  std::string message;
};
template <typename T>
using Outcome = std::expected<T, MessagingError>;

class MessagingService : public federation::DirectDelivery {
 public:
  // `context`'s pointers must outlive the service.
  explicit MessagingService(MessagingContext context);

  // The account's key directory document (JSON), with the number of
  // one-time prekeys left per device; 404 when it has published none.
  Outcome<std::string> DirectoryDocument(const accounts::Account& owner) const;
  // POST /api/e2ee/publish (docs/e2ee.md section 11).
  Outcome<std::string> Publish(const accounts::Account& account, const rapidjson::Value& body);
  // POST /api/e2ee/prekeys.
  Outcome<std::string> UploadPrekeys(const accounts::Account& account, const rapidjson::Value& body);
  // Hands out, for each named device of `owner`, its signed prekey and one
  // one-time prekey, removed in the same write (the claim answer's JSON).
  // Unknown devices and devices without a signed prekey are left out.
  Outcome<std::string> Claim(const accounts::Account& owner, const std::vector<std::string>& devices);

  // GET /api/e2ee/directory?actor=URL: a local account's directory, or a
  // remote actor's, fetched from its node. `actor` may also be a handle
  // (acct:name@host, @name@host), found by WebFinger; the directory's
  // `owner` gives the actor id.
  boost::asio::awaitable<Outcome<std::string>> DirectoryOf(std::string actor);
  // POST /api/e2ee/claim: a claim at `actor`'s node, signed by `caller`.
  boost::asio::awaitable<Outcome<std::string>> ClaimFrom(accounts::Account caller, std::string actor,
                                                         std::vector<std::string> devices);
  // POST /api/e2ee/messages: stores the entries for local devices and
  // queues one Create(EncryptedMessage) per remote node.
  boost::asio::awaitable<Outcome<std::string>> Send(accounts::Account sender, std::string body_json);

  // GET /api/e2ee/messages?device=ID and POST /api/e2ee/messages/ack.
  Outcome<std::string> Waiting(const accounts::Account& account, const std::string& device) const;
  Outcome<std::string> Acknowledge(const accounts::Account& account, const rapidjson::Value& body);

  // PUT and GET /api/e2ee/backup.
  Outcome<std::string> PutBackup(const accounts::Account& account, const rapidjson::Value& body);
  Outcome<std::string> Backup(const accounts::Account& account) const;

  // Deletes messages older than kMessageLifetimeSeconds; returns how many.
  Result<uint64_t> Prune();

  // federation::DirectDelivery: Create(EncryptedMessage) from other nodes.
  std::optional<http::Response> Take(const rapidjson::Value& activity,
                                     const protocol::ActivityEnvelope& envelope,
                                     storage::Batch& batch) override;

 private:
  struct LocalRecipient;
  // The local account whose actor id is `actor`, if any.
  Result<std::optional<accounts::Account>> LocalAccount(std::string_view actor) const;
  // Files `entries` for local accounts' devices into `batch`; 422 for a
  // device its account does not list.
  Outcome<size_t> FileLocally(storage::Batch& batch, const std::string& from, const std::string& sender_device,
                              const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& entries);
  boost::asio::awaitable<Outcome<std::string>> RemoteDirectoryUrl(std::string actor);

  MessagingContext context_;
  MessageStore messages_;
  // Serialises read-modify-write of directories and prekey claims.
  std::mutex mutex_;
};

}  // namespace parvis::messaging

#endif  // PARVIS_SERVER_MESSAGING_MESSAGING_SERVICE_H_
