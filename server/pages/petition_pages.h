// Petition pages: the list (this node's petitions, and those the visitor
// signed anywhere), the form that starts one, one petition (here, or a copy
// of one elsewhere) with its sign or withdraw form and the organiser's
// tools, and the organiser's export.
//
//   GET  /petitions[?page=N]             GET  /petitions/new, POST /petitions/new
//   GET  /petitions/N                    (JSON for servers: civic/petition_routes.h)
//   GET  /petitions/remote?id=URL        a petition of another node
//   POST /petitions/sign {petition, anonymous?}   POST /petitions/unsign {petition}
//   POST /petitions/manage {id, action: open|withdraw|answer, text?}
//   GET  /petitions/N/export?format=csv|json     (the organiser only)
#ifndef PARVIS_SERVER_PAGES_PETITION_PAGES_H_
#define PARVIS_SERVER_PAGES_PETITION_PAGES_H_

#include "server/civic/petition_service.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

void AddPetitionPages(http::Router& router, const PagesContext& context, civic::PetitionService* petitions);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_PETITION_PAGES_H_
