// The node's terms of use and rules, every version public
// (accounts/rules_store.h), and the admin page that publishes new ones.
//
//   GET  /about/terms, /about/rules            current version + every version's date and summary
//   GET  /about/terms/v/N, /about/rules/v/N    version N (400 malformed N, 404 unknown)
//        all four: JSON with ?format=json or Accept: application/json
//   GET  /admin/rules                          the forms (admins only)
//   POST /admin/rules {document, text, summary} a new version, unless the text is unchanged
#ifndef PARVIS_SERVER_PAGES_RULES_PAGES_H_
#define PARVIS_SERVER_PAGES_RULES_PAGES_H_

#include <optional>

#include "server/accounts/rules_store.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// The current version of `document` (rules migrated from the node settings
// first); nullopt when there is none or storage fails.
std::optional<accounts::RulesVersion> CurrentRules(const PagesContext& context, accounts::RulesDocument document);

// "2026-11-23", the date a page shows for a version.
std::string RulesDate(const accounts::RulesVersion& version);

// Everything in `context` must outlive the router.
void AddRulesPages(http::Router& router, const PagesContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_RULES_PAGES_H_
