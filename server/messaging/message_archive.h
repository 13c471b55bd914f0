// What confidential messaging contributes to an account's archive
// (accounts/account_archive.h): the key directory, the ciphertexts waiting
// for each device (as ciphertext: the node has no key to open them) and the
// passphrase-encrypted key backup.
#ifndef PARVIS_SERVER_MESSAGING_MESSAGE_ARCHIVE_H_
#define PARVIS_SERVER_MESSAGING_MESSAGE_ARCHIVE_H_

#include "parvis/storage.h"
#include "server/accounts/account_archive.h"

namespace parvis::messaging {

// `store` must outlive the section.
accounts::ArchiveSection MessagingSection(storage::Store& store);

}  // namespace parvis::messaging

#endif  // PARVIS_SERVER_MESSAGING_MESSAGE_ARCHIVE_H_
