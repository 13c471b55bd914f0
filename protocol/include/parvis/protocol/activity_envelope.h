// The parts of an incoming activity the inbox needs before storing it: its
// id, type, actor and object, from any JSON-LD shape.
#ifndef PARVIS_PROTOCOL_ACTIVITY_ENVELOPE_H_
#define PARVIS_PROTOCOL_ACTIVITY_ENVELOPE_H_

#include <string>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::protocol {

struct ActivityEnvelope {
  std::string id;
  std::string type;       // the first type given
  std::string actor;      // the actor's id
  std::string object_id;  // the object's id, or "" if none or embedded without id
};

// kInvalidArgument, naming what is wrong: not an object, no http(s) id, no
// type, no actor.
Result<ActivityEnvelope> ReadActivityEnvelope(const rapidjson::Value& activity);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_ACTIVITY_ENVELOPE_H_
