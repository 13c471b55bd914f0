// Pages of one's account: register (following the node's registration
// mode), log in and out, settings (profile, language, password).
//
//   GET/POST /register, GET/POST /login, POST /logout,
//   GET /settings, POST /settings/profile, POST /settings/password
#ifndef PARVIS_SERVER_PAGES_ACCOUNT_PAGES_H_
#define PARVIS_SERVER_PAGES_ACCOUNT_PAGES_H_

#include "server/http/router.h"
#include "server/federation/follow_commands.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Limits on attempts, per account name and per client.
inline constexpr accounts::RateLimit kLoginPerName{5, 15 * 60};
inline constexpr accounts::RateLimit kLoginPerClient{20, 15 * 60};
inline constexpr accounts::RateLimit kRegisterPerClient{5, 60 * 60};

// Everything in `context` must outlive the router.
// `follows` serves account deletion (POST /settings/delete), which tells the
// servers that know the account.
void AddAccountPages(http::Router& router, const PagesContext& context,
                     const federation::FollowCommandsContext& follows);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_ACCOUNT_PAGES_H_
