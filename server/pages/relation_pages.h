// Blocks, mutes, domain blocks and bookmarks for signed-in people
// (federation/relation_commands.h does the work):
//
//   POST /block, /unblock, /mute, /unmute   {actor, back?, hide_notifications?}
//   POST /domain-block, /domain-unblock     {host}
//   POST /bookmark, /unbookmark             {object, back?}
//   GET  /bookmarks?after=CURSOR            saved posts, newest first, paged
//   GET  /settings/relations                blocked and muted accounts, blocked
//                                           domains, with their buttons
//
// `back` is a path on this node to return to (a profile, a timeline);
// anything else returns to the settings page.
#ifndef PARVIS_SERVER_PAGES_RELATION_PAGES_H_
#define PARVIS_SERVER_PAGES_RELATION_PAGES_H_

#include <string>

#include <kainjow/mustache.hpp>

#include "server/federation/account_relations.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::federation {
struct FollowCommandsContext;
}

namespace parvis::pages {

// Posts per bookmarks page.
inline constexpr size_t kBookmarksPageSize = 20;

// Everything in `context` and `follows` must outlive the router.
void AddRelationPages(http::Router& router, const PagesContext& context,
                      const federation::FollowCommandsContext& follows);

// What the signed-in visitor hides (blocks, mutes, blocked hosts), read
// once per page; empty for anonymous visitors or when storage fails.
federation::HiddenSet HiddenFor(const PagesContext& context, const Visitor& visitor);

// Sets "relation" in a profile's data for the signed-in visitor looking at
// `actor_id` (not themselves): the actor, whether it is blocked or muted,
// and `back`, the page to return to after a button.
void SetRelationButtons(const PagesContext& context, const Visitor& visitor, const std::string& actor_id,
                        const std::string& back, kainjow::mustache::data& data);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_RELATION_PAGES_H_
