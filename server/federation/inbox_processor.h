// Acts on what the inbox stored, in arrival order, from the persisted queue
// (Family::kQueues, prefix kInboxQueue): follows, their answers and undos,
// objects (with their replies, hashtags and missing parents), reactions,
// blocks, deletions; then files the activity in each local recipient's
// inbox, and lets a local group announce what its members address to it.
// An entry leaves the queue in the same batch as the changes it causes, so a
// crash replays it at most once more, and every effect is idempotent.
#ifndef PARVIS_SERVER_FEDERATION_INBOX_PROCESSOR_H_
#define PARVIS_SERVER_FEDERATION_INBOX_PROCESSOR_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/activity_extension.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/follow_store.h"
#include "server/federation/post_service.h"
#include "server/http/event_loop.h"

namespace parvis::federation {

struct InboxProcessorContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  ActorDirectory* directory;
  DeliveryQueue* deliveries;
  PostService* posts;
  http::EventLoop* loop;
  std::function<int64_t()> now;
  // Called, when set, for each public remote object first kept here (by a
  // Create, or fetched for a boost), with the batch that keeps it: the civic
  // layer lists commercial authors' objects in their own stream.
  std::function<Status(storage::Batch&, const std::string& object_id, const std::string& author)>
      on_public_object;
  // Called, when set, for a remote post received by a Create, with the
  // accounts here it reaches (their home timelines) and the batch that files
  // it: the energy label's expected reads (footprint/post_energy.h).
  std::function<Status(storage::Batch&, const std::string& object_id, size_t local_readers)>
      on_local_readers;
  // Petitions and other extensions; may be null. Must outlive the processor.
  ActivityExtension* extension = nullptr;
};

class InboxProcessor {
 public:
  explicit InboxProcessor(InboxProcessorContext context);
  ~InboxProcessor();

  // Starts the worker on the loop; it stops when the loop does.
  void Start();
  // Looks at the queue now (after the inbox stored something).
  void Wake();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_INBOX_PROCESSOR_H_
