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

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_ACTIVITIES_H_
