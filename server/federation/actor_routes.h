// Local actors for other servers (ActivityStreams JSON): /users/{name} (a
// browser is sent to the profile page, pages/profile_pages.h) and the
// instance actor /actor.
#ifndef PARVIS_SERVER_FEDERATION_ACTOR_ROUTES_H_
#define PARVIS_SERVER_FEDERATION_ACTOR_ROUTES_H_

#include <functional>
#include <string>

#include "parvis/config.h"
#include "server/accounts/account_service.h"
#include "server/federation/instance_actor.h"
#include "server/federation/signature_verifier.h"
#include "server/http/router.h"

namespace parvis::federation {

class DomainPolicy;

struct ActorContext {
  const Config* config;
  accounts::AccountService* accounts;
  const InstanceActorKeys* instance_keys;
  SignatureVerifier* verifier;  // signed GETs (authorized fetch)
  // The sector published on an account's actor ("civic" or "commercial"),
  // as the civic layer decides it; unset: from the account's kind alone.
  std::function<std::string(const accounts::Account&)> sector_of;
  // A local account the moderators suspended answers 410, as a deleted one.
  const DomainPolicy* policy = nullptr;
};

// `context` must outlive `router`.
// The account's actor document as a response (also for the profile URL),
// publishing `sector` ("civic" or "commercial").
http::Response ActorResponse(const Config& config, const accounts::Account& account,
                             const std::string& sector);

void AddActorRoutes(http::Router& router, const ActorContext& context);

// "Person", "Organization", "Group": the ActivityStreams type of an account.
const char* ActorType(accounts::AccountKind kind);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACTOR_ROUTES_H_
