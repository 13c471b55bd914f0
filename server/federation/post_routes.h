// Notes over HTTP: each local note at its id (JSON for servers, 410 with a
// Tombstone once deleted; followers-only and direct notes only to signed
// requests by those who may read them), its replies, likes and shares, the
// outbox and featured collections, and the commands that publish, edit,
// pin and delete (control socket; C2S in c2s_routes.h).
//
//   POST /control/post    {"account", "content", "summary"?, "visibility"?,
//                          "inReplyTo"?, "title"?}                         -> 201 {"id"}
//   POST /control/edit    {"account", "id", "content", "summary"?, "title"?} -> 200
//   POST /control/pin     {"account", "id", "undo"?}                        -> 200
//   POST /control/delete  {"account", "id"}                                 -> 200
//   GET  /control/object?id=URL                                             -> the stored record
#ifndef PARVIS_SERVER_FEDERATION_POST_ROUTES_H_
#define PARVIS_SERVER_FEDERATION_POST_ROUTES_H_

#include <atomic>

#include "server/federation/post_service.h"
#include "server/federation/signature_verifier.h"
#include "server/http/router.h"

namespace parvis::federation {

struct PostRoutesContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  PostService* posts;
  const std::atomic<bool>* serving;
  SignatureVerifier* verifier;  // signed GETs (authorized fetch)
};

void AddPostRoutes(http::Router& public_router, http::Router& control_router,
                   const PostRoutesContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_POST_ROUTES_H_
