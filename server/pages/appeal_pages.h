// The single appeal against a moderation decision, from the person it
// concerns, and the moderators' answer (moderation/moderation_appeals.cc):
//
//   GET  /appeals/{n}          the decision of report n about the signed-in
//                              account, its appeal and outcome, or the form
//   POST /appeals/{n}          {text}: appeals, once
//   POST /appeals/suspended    {name, password, report, text}: a suspended
//                              account (it cannot sign in) appeals from the
//                              page the sign-in form shows it
//   POST /admin/reports/appeal {report, outcome=uphold|overturn, reason} (admins)
#ifndef PARVIS_SERVER_PAGES_APPEAL_PAGES_H_
#define PARVIS_SERVER_PAGES_APPEAL_PAGES_H_

#include "server/accounts/account_service.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::moderation {
class ModerationService;
}

namespace parvis::pages {

// What the sign-in form shows a suspended account whose password matched:
// the decision, its reason and the appeal form (403).
http::Response SuspendedPage(const PagesContext& context, const Visitor& visitor, const accounts::Account& account);

void AddAppealPages(http::Router& router, const PagesContext& context, moderation::ModerationService* service);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_APPEAL_PAGES_H_
