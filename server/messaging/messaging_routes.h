// HTTP routes of confidential messaging (docs/e2ee.md sections 7 and 11).
//
// For other nodes (public):
//   GET  /users/{name}/e2ee        the account's key directory (activity+json); 404 if none
//   POST /users/{name}/e2ee/claim  {"devices":[…]} with an HTTP signature by any actor:
//                                  one signed prekey and one one-time prekey per device
//                                  (a signature is good for one claim; 60 claims a minute
//                                  per signer)
// For the account's own clients (Bearer token, or a browser session whose
// request carries the X-Parvis-CSRF header):
//   GET  /api/e2ee/directory?actor=URL     POST /api/e2ee/publish
//   POST /api/e2ee/prekeys                 POST /api/e2ee/claim {"actor","devices"}
//   POST /api/e2ee/messages                GET  /api/e2ee/messages?device=ID
//   POST /api/e2ee/messages/ack            PUT|GET /api/e2ee/backup
// Every error is {"error": message}: 400 malformed, 401 not signed in, 403 a
// device that is not the caller's, 404 nothing published, 409 version or
// account key conflict, 413/422 bounds and unknown devices, 502 a peer failed.
#ifndef PARVIS_SERVER_MESSAGING_MESSAGING_ROUTES_H_
#define PARVIS_SERVER_MESSAGING_MESSAGING_ROUTES_H_

#include <functional>
#include <optional>

#include "server/accounts/account_service.h"
#include "server/accounts/rate_limiter.h"
#include "server/federation/signature_verifier.h"
#include "server/http/router.h"
#include "server/messaging/messaging_service.h"

namespace parvis::messaging {

struct MessagingRoutesContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  MessagingService* messaging;
  federation::SignatureVerifier* verifier;
  accounts::RateLimiter* limiter;
  std::function<int64_t()> now;
  // The signed-in account of a browser session whose request passes the
  // anti-forgery check (pages/), or nullopt. May be empty.
  std::function<std::optional<accounts::Account>(const http::Request&)> session_account;
};

// Everything in `context` must outlive `router`.
void AddMessagingRoutes(http::Router& router, MessagingRoutesContext context);

}  // namespace parvis::messaging

#endif  // PARVIS_SERVER_MESSAGING_MESSAGING_ROUTES_H_
