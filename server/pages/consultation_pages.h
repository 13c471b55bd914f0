// Consultation pages: the list, the form that opens one, one consultation
// (here, or a copy of one elsewhere) with its proposals, their results and
// comments, and the forms to propose, vote (for, against, abstain; changed
// until the close) and comment. No JavaScript.
//
//   GET  /consultations             GET/POST /consultations/new
//   GET  /consultations/N           (JSON for servers: civic/consultation_routes.h)
//   GET  /consultations/remote?id=URL
//   POST /consultations/propose {consultation, text}
//   POST /consultations/vote {proposal, choice: for|against|abstain|withdraw}
//   POST /consultations/comment {proposal, text}
#ifndef PARVIS_SERVER_PAGES_CONSULTATION_PAGES_H_
#define PARVIS_SERVER_PAGES_CONSULTATION_PAGES_H_

#include "server/civic/consultation_service.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

void AddConsultationPages(http::Router& router, const PagesContext& context,
                          civic::ConsultationService* consultations);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_CONSULTATION_PAGES_H_
