// Moving an account to another server, as Mastodon does it:
//
//   POST /control/accounts/alias {"account","alias"}   alias: actor id or name@host
//        -> 200 {"account","alsoKnownAs":[…]}: the account (the new home) names the old
//           actor as itself, which a Move needs
//   POST /control/accounts/move  {"account","target"}  target: actor id or name@host
//        -> 200 {"account","movedTo","deliveries"}: refused (409) unless the target names
//           this account in alsoKnownAs; the actor then carries movedTo and every
//           follower's server gets Move, and re-follows the target; the home
//           node of each petition it signed gets it too (FollowCommandsContext::on_move)
//
// The receiving side is in inbox_processor.cc (OnMove).
#ifndef PARVIS_SERVER_FEDERATION_ACCOUNT_MOVE_H_
#define PARVIS_SERVER_FEDERATION_ACCOUNT_MOVE_H_

#include "server/federation/follow_commands.h"

namespace parvis::federation {

void AddAccountMoveCommands(http::Router& router, const FollowCommandsContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACCOUNT_MOVE_H_
