// Pages of one's account: register (following the node's registration
// mode), log in and out, settings (profile, language, password).
//
//   GET/POST /register, GET/POST /login, POST /logout,
//   GET /settings, POST /settings/profile, POST /settings/password,
//   POST /settings/export (AddDataExportPage)
#ifndef PARVIS_SERVER_PAGES_ACCOUNT_PAGES_H_
#define PARVIS_SERVER_PAGES_ACCOUNT_PAGES_H_

#include "server/accounts/account_archive.h"
#include "server/http/router.h"
#include "server/federation/follow_commands.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Limits on attempts, per account name and per client.
inline constexpr accounts::RateLimit kLoginPerName{5, 15 * 60};
inline constexpr accounts::RateLimit kLoginPerClient{20, 15 * 60};
inline constexpr accounts::RateLimit kRegisterPerClient{5, 60 * 60};
// "Download my data": one archive a minute per account, so the page cannot be
// used to keep the node busy.
inline constexpr accounts::RateLimit kExportPerAccount{1, 60};

// Everything in `context` must outlive the router.
// `follows` serves account deletion (POST /settings/delete), which tells the
// servers that know the account.
void AddAccountPages(http::Router& router, const PagesContext& context,
                     const federation::FollowCommandsContext& follows);

// The wings' archive sections for the options asked (node.cc lists them, as
// for the operator's export).
using ArchiveSections = std::function<std::vector<accounts::ArchiveSection>(const accounts::ExportOptions&)>;

// POST /settings/export: the signed-in account's archive, the current
// password confirming (and a passphrase of kMinExportPassphrase bytes or
// more with "with_keys"), as an attachment (application/x-tar). The archive
// is built in an encrypted nameless scratch file in the data directory
// (accounts/scratch_file.h) and streamed from it, never held in memory.
// kExportPerAccount applies (429 and Retry-After), and one archive is built
// at a time on the node (503 and Retry-After).
void AddDataExportPage(http::Router& router, const PagesContext& context, ArchiveSections sections);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_ACCOUNT_PAGES_H_
