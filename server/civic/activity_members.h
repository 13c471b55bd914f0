// Reading the members of a client's activity (C2S): ids in any JSON-LD
// shape, embedded objects, URLs.
#ifndef PARVIS_SERVER_CIVIC_ACTIVITY_MEMBERS_H_
#define PARVIS_SERVER_CIVIC_ACTIVITY_MEMBERS_H_

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "parvis/protocol/remote_actor.h"

namespace parvis::civic {

// The first id member `name` holds (a string, an object's id, a list's first), or "".
inline std::string IdMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return "";
  return protocol::FirstId(it->value).value_or("");
}

// Member `name` when it is an object, else null.
inline const rapidjson::Value* ObjectMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

inline bool IsUrl(std::string_view text) { return text.starts_with("https://") || text.starts_with("http://"); }

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_ACTIVITY_MEMBERS_H_
