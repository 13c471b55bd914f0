// Deleting a local account (docs/storage.md, "Erasing an account"):
//
//   POST /control/accounts/delete  {"account"}  -> 200 {"account","erased","deliveries"}
//   POST /control/accounts/finish-erasures      -> 200 {"finished":[ids],"waiting":[ids]}
//
// The first erases the account's content at once (account_erasure.h, step
// 1) and queues Delete(actor), signed by the account, to every server that
// follows it or that it follows; its actor answers 410 Gone with a
// Tombstone from then on. The second (also run every ten minutes) finishes
// the erasure of accounts whose Deletes have all left: keys destroyed,
// files compacted.
#ifndef PARVIS_SERVER_FEDERATION_ACCOUNT_DELETION_H_
#define PARVIS_SERVER_FEDERATION_ACCOUNT_DELETION_H_

#include "server/federation/follow_commands.h"

namespace parvis::federation {

// Step 1 and the Deletes; the number of records erased and deliveries queued.
struct DeletionOutcome {
  size_t erased = 0;
  size_t deliveries = 0;
};
Result<DeletionOutcome> DeleteAccount(const FollowCommandsContext& context, const accounts::Account& account);

// Delete of the actor (it is gone), addressed to everyone.
std::string DeleteActorActivity(const std::string& actor, int64_t now);
// The inboxes (shared ones where known) of every server that follows the
// account or that it follows, once each.
Result<std::vector<std::string>> KnownServerInboxes(storage::Store& store, const ActorDirectory& directory,
                                                    storage::AccountId account);

// Step 2 for every account whose deliveries are done; the ids finished.
Result<std::vector<storage::AccountId>> FinishErasures(storage::Store& store);

void AddAccountDeletionCommands(http::Router& router, const FollowCommandsContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACCOUNT_DELETION_H_
