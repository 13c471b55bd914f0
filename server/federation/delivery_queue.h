// Outbound deliveries: persisted in Family::kQueues before anything is sent,
// signed at send time with the sender's key, retried with exponential backoff
// and jitter over about two days, then given up and recorded.
//
// Keys: "delivery/" + due time (8-byte big-endian seconds) + sequence (8
// bytes), so a scan from the start finds what is due first.
#ifndef PARVIS_SERVER_FEDERATION_DELIVERY_QUEUE_H_
#define PARVIS_SERVER_FEDERATION_DELIVERY_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/actor_urls.h"
#include "server/federation/instance_actor.h"
#include "server/http/event_loop.h"
#include "server/http/http_client.h"

namespace parvis::federation {

inline constexpr std::string_view kDeliveryQueue = "delivery/";
inline constexpr std::string_view kFailedDeliveries = "delivery-failed/";

struct DeliveryOptions {
  int max_attempts = 14;               // 1 min doubling, capped at 8 h: about two days
  int64_t first_retry_seconds = 60;
  int64_t max_retry_seconds = 8 * 3600;
  unsigned concurrency = 64;           // deliveries in flight at once
  // Senders whose parsed private keys are kept: parsing both PEM keys for
  // every delivery was most of a fan-out's CPU.
  size_t parsed_senders_kept = 64;
};

// The account that sends a delivery; 0 is the node's instance actor.
inline constexpr storage::AccountId kInstanceSender = 0;

class DomainPolicy;

class DeliveryQueue {
 public:
  // Everything must outlive the queue.
  DeliveryQueue(storage::Store& store, http::EventLoop& loop, http::HttpClient& client,
                accounts::AccountService& accounts, const InstanceActorKeys& instance_keys,
                ActorUrls urls, std::function<int64_t()> now, DeliveryOptions options = {},
                const DomainPolicy* policy = nullptr);
  ~DeliveryQueue();

  // Adds a delivery of `body` to `inbox` by `sender` to `batch`, due now.
  // A delivery to a host the policy refuses (blocked by configuration or by
  // a moderator since it was queued) is dropped when its turn comes.
  // Write the batch, then call Wake().
  Status Enqueue(storage::Batch& batch, storage::AccountId sender, const std::string& inbox,
                 const std::string& body);
  // Looks for due deliveries now rather than at the next timer.
  void Wake();
  // Starts the worker on the loop; it stops when the loop does.
  void Start();

  // Deliveries waiting (due or not) and given up, for metrics and tests.
  uint64_t pending() const;
  uint64_t failed() const;
  // Deliveries answered with a 2xx since this queue was made (the energy
  // figures of footprint/resource_sampler.h).
  uint64_t delivered() const;

  // The delay before attempt `attempt` (1-based), before jitter.
  static int64_t BackoffSeconds(const DeliveryOptions& options, int attempt);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_DELIVERY_QUEUE_H_
