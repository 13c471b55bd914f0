#include "parvis/protocol/activity_envelope.h"

#include "parvis/protocol/remote_actor.h"

namespace parvis::protocol {

Result<ActivityEnvelope> ReadActivityEnvelope(const rapidjson::Value& activity) {
  if (!activity.IsObject()) return Fail(ErrorCode::kInvalidArgument, "activity is not a JSON object");
  ActivityEnvelope envelope;
  auto id = activity.FindMember("id");
  if (id == activity.MemberEnd() || !id->value.IsString()) {
    return Fail(ErrorCode::kInvalidArgument, "activity has no id");
  }
  envelope.id.assign(id->value.GetString(), id->value.GetStringLength());
  if (!envelope.id.starts_with("https://") && !envelope.id.starts_with("http://")) {
    return Fail(ErrorCode::kInvalidArgument, "activity id is not an http(s) URL");
  }
  auto type = activity.FindMember("type");
  if (type != activity.MemberEnd()) {
    if (type->value.IsString()) {
      envelope.type = type->value.GetString();
    } else if (type->value.IsArray() && !type->value.Empty() && type->value[0].IsString()) {
      envelope.type = type->value[0].GetString();
    }
  }
  if (envelope.type.empty()) return Fail(ErrorCode::kInvalidArgument, "activity has no type");
  auto actor = activity.FindMember("actor");
  if (actor != activity.MemberEnd()) envelope.actor = FirstId(actor->value).value_or("");
  if (envelope.actor.empty()) return Fail(ErrorCode::kInvalidArgument, "activity has no actor");
  auto object = activity.FindMember("object");
  if (object != activity.MemberEnd()) envelope.object_id = FirstId(object->value).value_or("");
  return envelope;
}

}  // namespace parvis::protocol
