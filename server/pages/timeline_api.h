// Timelines for scripts, and the public statement of how timelines are
// ordered (docs/timelines.md):
//
//   GET /api/timelines/{home|local|federated|commercial}
//       ?order=chronological|digest  (digest: home only)
//       &before=N                    (chronological: start before entry N)
//       &offset=N                    (digest: skip N ranked items, 0..200)
//       &limit=N                     (1..40, default 20)
//     -> 200 {"timeline","ordering","items":[{"id","sequence","object",
//             "booster"?,"sector","why":[{"reason",...}],"score"?,"inputs"?}],
//             "next"?}
//     home needs `Authorization: Bearer TOKEN` (a C2S token) or the session
//     cookie: 401 without, or with a bad token (any timeline); 400 for a bad
//     parameter, saying which.
//   GET /timelines        the orderings in use, their formulas and inputs (HTML)
//   GET /timelines.json   the same as JSON
//
// Both statements are generated from civic/timeline_ordering.h, the
// constants the ranking uses.
#ifndef PARVIS_SERVER_PAGES_TIMELINE_API_H_
#define PARVIS_SERVER_PAGES_TIMELINE_API_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Everything in `context` must outlive the router.
void AddTimelineApi(http::Router& router, const PagesContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_TIMELINE_API_H_
