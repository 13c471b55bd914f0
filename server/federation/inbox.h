// The one code path for personal and shared inboxes:
//   verify (signature, digest, date, replay, signer = actor) -> validate ->
//   deduplicate by activity id -> durable write (activity + queue entry in
//   one batch) -> 202.
// Processing happens later, from the persisted queue (inbox_processor.h).
#ifndef PARVIS_SERVER_FEDERATION_INBOX_H_
#define PARVIS_SERVER_FEDERATION_INBOX_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/accounts/rate_limiter.h"
#include "server/federation/actor_directory.h"
#include "server/federation/direct_delivery.h"
#include "server/federation/domain_policy.h"
#include "server/federation/signature_verifier.h"
#include "server/http/router.h"

namespace parvis::federation {

// The queue inbox entries wait in (Family::kQueues, key prefix).
inline constexpr std::string_view kInboxQueue = "inbox/";

struct InboxContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  ActorDirectory* directory;
  const DomainPolicy* policy;
  SignatureVerifier* verifier;
  // Deliveries per client and per signing domain (config limits.inbox_*).
  accounts::RateLimiter* limiter;
  std::function<int64_t()> now;
  // Called after an activity was queued, so processing starts at once.
  std::function<void()> on_queued;
  // Offered every verified activity before it is stored; may be null.
  DirectDelivery* direct = nullptr;
};

class Inbox {
 public:
  // `context`'s pointers must outlive the inbox.
  explicit Inbox(InboxContext context);

  // Handles one POST to an inbox; `recipient` is the account whose personal
  // inbox it is, or nullopt for the shared inbox. Request::json holds the
  // parsed body (the route requires JSON).
  boost::asio::awaitable<http::Response> Receive(http::Request& request,
                                                 std::optional<std::string> recipient);

  // Adds POST /inbox, /users/{name}/inbox and /actor/inbox.
  void AddRoutes(http::Router& router);

 private:
  InboxContext context_;
  // Makes the replay and duplicate checks and the write one step.
  std::mutex write_mutex_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_INBOX_H_
