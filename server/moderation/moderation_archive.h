// What moderation contributes to an account's archive
// (accounts/account_archive.h): the reports the account filed, with this
// node's decision and, for a forwarded one, the other server's outcome.
#ifndef PARVIS_SERVER_MODERATION_MODERATION_ARCHIVE_H_
#define PARVIS_SERVER_MODERATION_MODERATION_ARCHIVE_H_

#include "parvis/storage.h"
#include "server/accounts/account_archive.h"

namespace parvis::moderation {

// `store` must outlive the section.
accounts::ArchiveSection ModerationSection(storage::Store& store);

}  // namespace parvis::moderation

#endif  // PARVIS_SERVER_MODERATION_MODERATION_ARCHIVE_H_
