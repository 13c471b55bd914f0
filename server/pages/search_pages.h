// Finding people and topics:
//
//   GET /search?q=...   accounts here whose name starts with q; hashtags
//                       starting with q; for "@name@host", that account
//                       (looked up by WebFinger) with a follow button
//   GET /tags/{tag}     public posts known here with #tag, newest first
#ifndef PARVIS_SERVER_PAGES_SEARCH_PAGES_H_
#define PARVIS_SERVER_PAGES_SEARCH_PAGES_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::federation {
struct FollowCommandsContext;
}

namespace parvis::pages {

// Everything in `context` and `follows` must outlive the router.
void AddSearchPages(http::Router& router, const PagesContext& context,
                    const federation::FollowCommandsContext& follows);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_SEARCH_PAGES_H_
