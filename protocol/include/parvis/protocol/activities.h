// Activities Parvis sends, as JSON text with the ActivityStreams context.
#ifndef PARVIS_PROTOCOL_ACTIVITIES_H_
#define PARVIS_PROTOCOL_ACTIVITIES_H_

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace parvis::protocol {

// Follow of `object` by `actor`.
std::string FollowActivity(std::string_view id, std::string_view actor, std::string_view object);

// Accept or Reject of a Follow: `follow` is the Follow as received (embedded,
// as Mastodon does, so the receiver need not fetch it).
std::string AcceptActivity(std::string_view id, std::string_view actor,
                           const rapidjson::Value& follow);
std::string RejectActivity(std::string_view id, std::string_view actor,
                           const rapidjson::Value& follow);

// Like or Announce of `object` by `actor`, addressed to `to` and `cc`.
std::string ReactionActivity(std::string_view type, std::string_view id, std::string_view actor,
                             std::string_view object, const std::vector<std::string>& to,
                             const std::vector<std::string>& cc);

// Undo of `activity` (embedded) by `actor`.
std::string UndoActivity(std::string_view id, std::string_view actor,
                         const rapidjson::Value& activity);

// Add or Remove of `object` to or from `target` (the featured collection),
// public, with the actor's followers in cc (as Mastodon sends pins).
std::string CollectionChangeActivity(std::string_view type, std::string_view id,
                                     std::string_view actor, std::string_view object,
                                     std::string_view target, std::string_view followers);

// FEP-1b12: a group's Announce of an activity a member addressed to it, the
// activity embedded as received; public, the group's followers in cc.
std::string GroupAnnounceActivity(std::string_view id, std::string_view group,
                                  std::string_view followers, const rapidjson::Value& activity);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_ACTIVITIES_H_
