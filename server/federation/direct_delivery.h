// A seam for activities that must not be kept as received (encrypted
// messages): after the inbox has verified the signature and the actor, it
// offers the activity here first. A taker files what it needs in `batch`,
// which the inbox writes together with the replay record, and answers; the
// activity itself is then neither stored in Family::kActivities nor queued.
#ifndef PARVIS_SERVER_FEDERATION_DIRECT_DELIVERY_H_
#define PARVIS_SERVER_FEDERATION_DIRECT_DELIVERY_H_

#include <optional>

#include <rapidjson/document.h>

#include "parvis/protocol/activity_envelope.h"
#include "parvis/storage.h"
#include "server/http/request.h"

namespace parvis::federation {

class DirectDelivery {
 public:
  virtual ~DirectDelivery() = default;
  // nullopt: not for this taker (the inbox goes on as usual). Otherwise the
  // answer to send; a 2xx answer means `batch` holds the delivery, which the
  // inbox writes (503 if it cannot). Called under the inbox's write lock:
  // it must only read and fill `batch`, never block on the network.
  virtual std::optional<http::Response> Take(const rapidjson::Value& activity,
                                             const protocol::ActivityEnvelope& envelope,
                                             storage::Batch& batch) = 0;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_DIRECT_DELIVERY_H_
