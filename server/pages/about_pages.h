// The node's front page (GET /) and its about page (GET /about): what the
// node is, who is responsible for it, how to join.
#ifndef PARVIS_SERVER_PAGES_ABOUT_PAGES_H_
#define PARVIS_SERVER_PAGES_ABOUT_PAGES_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Everything in `context` must outlive the router.
void AddAboutPages(http::Router& router, const PagesContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_ABOUT_PAGES_H_
