// The pages of moderation (moderation/moderation_service.h):
//
//   GET  /report?target=ACTOR[&object=POST]  the report form (signed in)
//   POST /report                              files it; forwarded as a Flag when remote
//   GET  /reports                             the visitor's reports and what became of them
//   GET  /admin/reports[?status=open|decided|appealed|all&category=C&origin=local|remote]  the queue (admins)
//   POST /admin/reports/decide                {report, action, reason, sector?}: one decision (admins)
//   GET  /admin/reports/audit                 the audit log and whether its chain holds (admins)
#ifndef PARVIS_SERVER_PAGES_MODERATION_PAGES_H_
#define PARVIS_SERVER_PAGES_MODERATION_PAGES_H_

#include "server/http/router.h"
#include "server/moderation/moderation_service.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// The visitor's words for a moderation action.
std::string ModerationActionLabel(const Visitor& visitor, protocol::ModerationAction action);

void AddModerationPages(http::Router& router, const PagesContext& context, moderation::ModerationService* service);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_MODERATION_PAGES_H_
