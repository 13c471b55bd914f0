// How other servers find this node and its accounts: WebFinger, host-meta
// and NodeInfo (docs/federation.md).
#ifndef PARVIS_SERVER_FEDERATION_DISCOVERY_ROUTES_H_
#define PARVIS_SERVER_FEDERATION_DISCOVERY_ROUTES_H_

#include "parvis/config.h"
#include "server/accounts/account_service.h"
#include "server/http/router.h"

namespace parvis::federation {

struct DiscoveryContext {
  const Config* config;
  accounts::AccountService* accounts;
  const storage::Store* store;  // node settings changed by admins (accounts/node_settings.h)
};

// Adds GET /.well-known/webfinger, /.well-known/host-meta,
// /.well-known/nodeinfo and /nodeinfo/2.1. `context` must outlive `router`.
void AddDiscoveryRoutes(http::Router& router, const DiscoveryContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_DISCOVERY_ROUTES_H_
