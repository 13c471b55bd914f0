// What the petition and consultation services need from the rest of the
// node. Everything must outlive the service it is given to.
#ifndef PARVIS_SERVER_CIVIC_CIVIC_CONTEXT_H_
#define PARVIS_SERVER_CIVIC_CIVIC_CONTEXT_H_

#include <cstdint>
#include <functional>

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/post_service.h"

namespace parvis::civic {

struct CivicContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  federation::ActorDirectory* directory;   // remote participants' inboxes
  federation::DeliveryQueue* deliveries;   // Creates, Updates, answers
  federation::PostService* posts;          // fetches remote petitions and consultations
  std::function<int64_t()> now;
  // Called, when set, with the batch that records (`added`) or withdraws a
  // signature of a petition of this node: the amplification signals count
  // it (server/signals/signal_recorder.h).
  std::function<Status(storage::Batch&, const std::string& petition_id, const std::string& organiser,
                       const std::string& signer, bool added)>
      on_signature;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CIVIC_CONTEXT_H_
