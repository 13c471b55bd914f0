// What the civic wing contributes to an account's archive (accounts/
// account_archive.h): petitions it organised and signed (with receipts),
// consultations it opened, its proposals and votes.
#ifndef PARVIS_SERVER_CIVIC_CIVIC_ARCHIVE_H_
#define PARVIS_SERVER_CIVIC_CIVIC_ARCHIVE_H_

#include "parvis/storage.h"
#include "server/accounts/account_archive.h"

namespace parvis::civic {

// `store` must outlive the section.
accounts::ArchiveSection CivicSection(storage::Store& store);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CIVIC_ARCHIVE_H_
