// ActivityPub client-to-server for local accounts, with a bearer token
// (`parvis admin token NAME`; accounts/token_store.h):
//
//   POST /users/{name}/outbox  an activity, or a bare Note/Article (wrapped in
//                              a Create)                       -> 201, Location
//   GET  /users/{name}/inbox   the activities addressed to the account,
//                              newest first, paged             -> 200
//
// Accepted from clients: Create (Note, Article), Update and Delete of the
// account's notes, Like, Announce, Follow, and Undo of those three. The
// addressing of a Create decides its visibility: Public in `to` is public,
// Public in `cc` unlisted, the account's followers collection followers-only,
// named actors only direct. An optional extension (c2s_extension.h) is
// offered each activity first: node.cc gives it petitions (Sign, Undo of a
// Sign, Create and Update of a petition). See docs/federation.md for curl
// examples.
#ifndef PARVIS_SERVER_FEDERATION_C2S_ROUTES_H_
#define PARVIS_SERVER_FEDERATION_C2S_ROUTES_H_

#include <atomic>

#include "server/federation/c2s_extension.h"
#include "server/federation/follow_commands.h"
#include "server/federation/post_service.h"
#include "server/http/router.h"

namespace parvis::federation {

struct C2sContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  PostService* posts;
  FollowCommandsContext follows;  // Follow and Undo(Follow)
  C2sExtension* extension = nullptr;  // optional; offered every activity first
};

// Everything in `context` must outlive the router.
void AddC2sRoutes(http::Router& router, const C2sContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_C2S_ROUTES_H_
