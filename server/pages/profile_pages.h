// Profile pages: GET /@{name} shows a local account (its pinned and latest
// posts, its counts); ActivityStreams clients asking for it are sent to the
// actor document at /users/{name}.
#ifndef PARVIS_SERVER_PAGES_PROFILE_PAGES_H_
#define PARVIS_SERVER_PAGES_PROFILE_PAGES_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Everything in `context` must outlive the router.
void AddProfilePages(http::Router& router, const PagesContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_PROFILE_PAGES_H_
