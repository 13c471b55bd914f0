// Timelines and posting, for signed-in people and visitors:
//
//   GET  /home            the account's home timeline and the composer (signed in)
//   GET  /local           public posts written here
//   GET  /federated       public posts known here, from everywhere
//   GET  /commercial      public posts of commercial authors (the commercial stream)
//   GET  /thread?id=URL   one post, the posts it answers, its replies, a reply form
//   POST /statuses        publish (text, content warning, visibility, reply)
//   POST /react           like or boost a remote post
//   POST /follow          follow @name@host
//   GET  /notifications   what reached the account's inbox
//
// Every timeline pages with ?before=N (the entry to start before). Home,
// local and federated are civic: objects of commercial authors (boosts of
// them included) stay out unless the signed-in person opted in.
#ifndef PARVIS_SERVER_PAGES_TIMELINE_PAGES_H_
#define PARVIS_SERVER_PAGES_TIMELINE_PAGES_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::federation {
struct FollowCommandsContext;
}

namespace parvis::pages {

inline constexpr size_t kTimelinePageSize = 20;

// Everything in `context` and `follows` must outlive the router.
void AddTimelinePages(http::Router& router, const PagesContext& context,
                      const federation::FollowCommandsContext& follows);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_TIMELINE_PAGES_H_
