// Blocks, mutes, domain blocks and bookmarks of a local account
// (account_relations.h), for the operator on the control socket, the web
// pages and the account import.
//
//   POST /control/block           {"account", "target"}  target: actor URL or acct:name@host
//   POST /control/unblock         {"account", "target"}
//   POST /control/mute            {"account", "target", "hide_notifications"?: true}
//   POST /control/unmute          {"account", "target"}
//   POST /control/domain-block    {"account", "host"}
//   POST /control/domain-unblock  {"account", "host"}
//   POST /control/bookmark        {"account", "object"}
//   POST /control/unbookmark      {"account", "object"}
//   GET  /control/relations?account=NAME   blocks, mutes, domain blocks, bookmarks
#ifndef PARVIS_SERVER_FEDERATION_RELATION_COMMANDS_H_
#define PARVIS_SERVER_FEDERATION_RELATION_COMMANDS_H_

#include <string>

#include "server/federation/follow_commands.h"

namespace parvis::federation {

// Longest actor id, host or object id the commands take.
inline constexpr size_t kMaxRelationTarget = 2048;

void AddRelationCommands(http::Router& router, const FollowCommandsContext& context);

// Records the block of `actor_id` by `account`, ends the follows both ways
// (an Undo(Follow) goes to `remote` for ours) and, when `remote` is given,
// delivers a Block to its inbox. `remote` is nullptr for a local actor or
// one that could not be fetched. Blocking an actor already blocked changes
// nothing. kInvalidArgument for the account itself, a malformed id, or a
// `remote` whose id is not `actor_id`.
Status BlockActor(const FollowCommandsContext& context, const accounts::Account& account,
                  const std::string& actor_id, const protocol::RemoteActor* remote);
// Removes the block; an Undo(Block) goes to `remote` when given. Unblocking
// an actor not blocked changes nothing.
Status UnblockActor(const FollowCommandsContext& context, const accounts::Account& account,
                    const std::string& actor_id, const protocol::RemoteActor* remote);

// Mutes `actor_id` (again, with the new `hide_notifications`); no one is told.
Status MuteActor(const FollowCommandsContext& context, const accounts::Account& account,
                 const std::string& actor_id, bool hide_notifications);
Status UnmuteActor(const FollowCommandsContext& context, const accounts::Account& account,
                   const std::string& actor_id);

// Blocks every actor on `host` (lower-cased; "example.org" or "host:port")
// and removes the account's followers there. kInvalidArgument for a
// malformed host or the node's own.
Status BlockDomain(const FollowCommandsContext& context, const accounts::Account& account,
                   const std::string& host);
Status UnblockDomain(const FollowCommandsContext& context, const accounts::Account& account,
                     const std::string& host);

// Bookmarks a post this node knows (Family::kObjects, not deleted), else
// kNotFound; false when it was bookmarked already.
Result<bool> AddBookmark(const FollowCommandsContext& context, const accounts::Account& account,
                         const std::string& object_id);
// Removing a bookmark that is not there changes nothing.
Status RemoveBookmark(const FollowCommandsContext& context, const accounts::Account& account,
                      const std::string& object_id);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_RELATION_COMMANDS_H_
