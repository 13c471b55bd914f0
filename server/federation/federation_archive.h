// What federation contributes to an account's archive (accounts/
// account_archive.h): actor.json, outbox.json (every note, all audiences,
// streamed), likes.json and bookmarks.json, and the follow lists as
// Mastodon's CSV files.
#ifndef PARVIS_SERVER_FEDERATION_FEDERATION_ARCHIVE_H_
#define PARVIS_SERVER_FEDERATION_FEDERATION_ARCHIVE_H_

#include "server/accounts/account_archive.h"
#include "server/federation/post_service.h"

namespace parvis::federation {

// `actor_document` renders the account's actor as other servers see it.
// Everything must outlive the section.
accounts::ArchiveSection FederationSection(storage::Store& store, PostService& posts,
                                           std::function<std::string(const accounts::Account&)> actor_document);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_FEDERATION_ARCHIVE_H_
