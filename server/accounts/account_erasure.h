// Erasing a local account from every column family (docs/storage.md,
// "Erasing an account"), in two steps:
//  1. EraseAccountContent: in one batch, everything the account has and
//     every index entry pointing at it (notes, outbox, follows, feeds, tags,
//     replies, reactions, tokens, sessions, media, messages, its petition and
//     consultation records, its pending deliveries), and its name, which is
//     marked gone ("gone/" + SHA-256 of the lower-case name, in kMeta). What stays is what signs the
//     Delete the node sends on its behalf: a record with no profile, the
//     sealed private keys and the data key.
//  2. FinishAccountErasure, once no delivery by the account waits: the rest
//     of its records, its data key destroyed, and every family compacted so
//     the bytes leave the data directory's files.
#ifndef PARVIS_SERVER_ACCOUNTS_ACCOUNT_ERASURE_H_
#define PARVIS_SERVER_ACCOUNTS_ACCOUNT_ERASURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"

namespace parvis::accounts {

// Adds to `batch` the deletion of everything step 1 removes; returns how
// many records. `actor_id` is the account's actor URL. Reads only.
Result<size_t> EraseAccountContent(const storage::Store& store, const Account& account,
                                   const std::string& actor_id, int64_t now, storage::Batch& batch);

// When the account named `name` (any case) was erased, if it was.
Result<std::optional<int64_t>> ErasedSince(const storage::Store& store, std::string_view name);

// Accounts whose erasure waits for step 2.
Result<std::vector<storage::AccountId>> PendingErasures(const storage::Store& store);

// True while a delivery sent by `account` waits in the queue.
Result<bool> HasPendingDeliveries(const storage::Store& store, storage::AccountId account);

// Step 2 for `account`: fails with kBusy while deliveries by it wait.
Status FinishAccountErasure(storage::Store& store, storage::AccountId account);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_ACCOUNT_ERASURE_H_
