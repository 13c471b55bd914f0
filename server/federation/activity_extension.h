// A seam for the wings that extend ActivityPub (civic/): the inbox worker
// offers every stored activity to the extension before its own handling, so
// that federation/ needs no knowledge of petitions or votes.
#ifndef PARVIS_SERVER_FEDERATION_ACTIVITY_EXTENSION_H_
#define PARVIS_SERVER_FEDERATION_ACTIVITY_EXTENSION_H_

#include <string>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "parvis/protocol/activity_envelope.h"
#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

// kNotMine: the inbox worker goes on as usual; kDone: handled (the activity
// is still filed in its recipients' inboxes); kRetry: try again later.
// kDone: handled, and filed into its recipients' inboxes as any activity;
// kDropped: handled, and filed nowhere (refused, or not for people to read).
enum class ExtensionOutcome { kNotMine, kDone, kDropped, kRetry };

class ActivityExtension {
 public:
  virtual ~ActivityExtension() = default;
  // Runs on the inbox worker's strand, one activity at a time. Changes that
  // must leave with the queue entry go into `batch`.
  virtual boost::asio::awaitable<ExtensionOutcome> Act(const rapidjson::Value& activity,
                                                       const protocol::ActivityEnvelope& envelope,
                                                       storage::Batch& batch) = 0;
  // A Move the inbox verified (inbox_processor.cc, OnMove): the actor
  // `from` now lives at `to`, whose alsoKnownAs, fetched afresh, names it.
  // Writes on its own; an error makes the worker take the Move again later,
  // so it must be idempotent.
  virtual Status Moved(const std::string& from, const std::string& to) {
    (void)from;
    (void)to;
    return Ok();
  }
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACTIVITY_EXTENSION_H_
