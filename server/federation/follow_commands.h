// Operator and client commands that make a local account follow, or stop
// following, a remote actor, and list an account's follows. They are served
// on the control socket (and later to signed-in users and C2S clients).
//
//   POST /control/follow    {"account", "target"}  target: actor URL or acct:name@host
//   POST /control/unfollow  {"account", "target"}
//   GET  /control/follows?account=NAME             followers and following, with states
//   POST /control/approval  {"account", "manual"}  follow requests wait for an answer (or not)
//   POST /control/answer    {"account", "actor", "accept"}  Accept or Reject a pending request
#ifndef PARVIS_SERVER_FEDERATION_FOLLOW_COMMANDS_H_
#define PARVIS_SERVER_FEDERATION_FOLLOW_COMMANDS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "parvis/config.h"
#include "server/accounts/account_service.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/http/http_client.h"
#include "server/http/router.h"

namespace parvis::federation {

struct FollowCommandsContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  ActorDirectory* directory;
  DeliveryQueue* deliveries;
  http::HttpClient* client;
  // Remote lookups need the node's event loop running.
  const std::atomic<bool>* serving;
  std::function<int64_t()> now;
  // Called, when set, as an account moves to `target` (which names it in
  // alsoKnownAs), before the Move leaves: the civic layer hands its
  // signatures of this node's petitions to `target`, and returns the actors
  // (organisers of petitions elsewhere it signed) whose servers must get
  // the Move besides its followers'.
  std::function<Result<std::vector<std::string>>(const accounts::Account& account, const std::string& actor,
                                                 const std::string& target)>
      on_move;
};

void AddFollowCommands(http::Router& router, const FollowCommandsContext& context);

// Sends a Follow of `remote` by `account` and records it as pending;
// returns the Follow's id.
Result<std::string> StartFollow(const FollowCommandsContext& context,
                                const accounts::Account& account,
                                const protocol::RemoteActor& remote);
// Answers a pending follow request from `actor` with Accept (the follower
// is recorded) or Reject (the request goes). kNotFound if none is pending.
boost::asio::awaitable<Status> AnswerFollow(const FollowCommandsContext& context,
                                           const accounts::Account& account, std::string actor,
                                           bool accepted);
// Undoes the account's follow of `remote`; returns the Undo's id. kNotFound
// when the account does not follow it.
Result<std::string> StopFollow(const FollowCommandsContext& context,
                               const accounts::Account& account,
                               const protocol::RemoteActor& remote);

// The actor id behind `acct:name@host` (or `name@host`, `@name@host`), by
// WebFinger over https (and over http too when private addresses are
// allowed, as in tests on loopback).
boost::asio::awaitable<Result<std::string>> LookupAccount(http::HttpClient& client,
                                                          std::string handle, bool allow_http);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_FOLLOW_COMMANDS_H_
