// Collections of local actors: followers and following (outbox, featured,
// replies, likes and shares come with posts), paged as Mastodon pages them.
#ifndef PARVIS_SERVER_FEDERATION_COLLECTION_ROUTES_H_
#define PARVIS_SERVER_FEDERATION_COLLECTION_ROUTES_H_

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/signature_verifier.h"
#include "server/http/router.h"

namespace parvis::federation {


struct CollectionContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  SignatureVerifier* verifier;  // signed GETs (authorized fetch)
};

// Adds GET /users/{name}/followers and /users/{name}/following.
void AddCollectionRoutes(http::Router& router, const CollectionContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_COLLECTION_ROUTES_H_
