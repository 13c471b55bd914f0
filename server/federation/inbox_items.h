// Each local account's inbox as a client reads it (ActivityPub C2S): the ids
// of activities addressed to the account, in arrival order, in
// Family::kInboxItems under the account's id.
#ifndef PARVIS_SERVER_FEDERATION_INBOX_ITEMS_H_
#define PARVIS_SERVER_FEDERATION_INBOX_ITEMS_H_

#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

// Adds `activity_id` to the account's inbox, in `batch`.
Status AddInboxItem(storage::Store& store, storage::Batch& batch, storage::AccountId account,
                    std::string_view activity_id);

// The account's inbox items, newest first.
Result<std::vector<std::string>> ListInboxItems(const storage::Store& store,
                                                storage::AccountId account);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_INBOX_ITEMS_H_
