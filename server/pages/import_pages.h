// The settings page that brings data from another server
// (federation/account_import.h), started in the background
// (federation/import_jobs.h):
//
//   GET  /settings/import   the form, and the running or last import's report
//   POST /settings/import   multipart: file (archive or CSV), list (optional), csrf
//                           -> 303 to /settings/import; 409 while one runs
#ifndef PARVIS_SERVER_PAGES_IMPORT_PAGES_H_
#define PARVIS_SERVER_PAGES_IMPORT_PAGES_H_

#include "server/federation/import_jobs.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

void AddImportPages(http::Router& router, const PagesContext& context, federation::ImportJobs* jobs);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_IMPORT_PAGES_H_
