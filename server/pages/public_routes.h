// Routes every visitor may call: health, metrics, static files.
#ifndef PARVIS_SERVER_PAGES_PUBLIC_ROUTES_H_
#define PARVIS_SERVER_PAGES_PUBLIC_ROUTES_H_

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/http/metrics.h"
#include "server/http/router.h"

namespace parvis::pages {

struct PublicContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  http::Metrics* metrics;
};

// Adds GET /healthz, /metrics and /static/{file}. Everything in `context`
// must outlive the router.
void AddPublicRoutes(http::Router& router, const PublicContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_PUBLIC_ROUTES_H_
