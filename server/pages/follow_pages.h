// People elsewhere and follow requests:
//
//   GET  /remote?id=ACTOR     a remote account: name, handle, presentation,
//                             whether the visitor follows it, follow/unfollow
//   POST /unfollow            {actor}
//   GET  /follow-requests     who asks to follow the account (manual approval)
//   POST /follow-requests     {actor, accept: 1|0}
#ifndef PARVIS_SERVER_PAGES_FOLLOW_PAGES_H_
#define PARVIS_SERVER_PAGES_FOLLOW_PAGES_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::federation {
struct FollowCommandsContext;
}

namespace parvis::pages {

// Everything in `context` and `follows` must outlive the router.
void AddFollowPages(http::Router& router, const PagesContext& context,
                    const federation::FollowCommandsContext& follows);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_FOLLOW_PAGES_H_
