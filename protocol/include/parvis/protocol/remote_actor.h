// What Parvis keeps of a remote actor's document: addresses and keys, read
// from any of the JSON-LD shapes servers send (single value or array, object
// or bare id, publicKey and FEP-521a assertionMethod).
#ifndef PARVIS_PROTOCOL_REMOTE_ACTOR_H_
#define PARVIS_PROTOCOL_REMOTE_ACTOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/protocol/sector.h"
#include "parvis/result.h"

namespace parvis::protocol {

struct RemoteKey {
  enum class Format { kPem, kMultibase } format = Format::kPem;
  std::string id;        // key id ("https://x.example/users/a#main-key")
  std::string owner;     // owner or controller; the actor when absent
  std::string material;  // PEM text or publicKeyMultibase
};

struct RemoteActor {
  std::string id;
  std::string type;               // Person, Service, Application, Group, Organization
  std::string preferred_username;
  std::string name;
  std::string inbox;
  std::string shared_inbox;       // empty if none
  std::string outbox;
  std::string followers;
  std::string url;
  std::vector<RemoteKey> keys;
  // What the document declares (parvis:sector); kUnknown when it says
  // nothing usable. The node's own decision may differ (server/civic).
  Sector sector = Sector::kUnknown;
  std::vector<std::string> also_known_as;  // alsoKnownAs, at most 16 ids
  std::string moved_to;                    // movedTo; empty when not moved
  // When the account was created (the document's RFC 3339 `published`);
  // 0 when absent or unreadable. Not checked against the clock here.
  int64_t published = 0;
  int64_t fetched_at = 0;         // set by whoever stores it
};

// The first id in a JSON-LD value: a string, an object's "id" (or "@id" or
// "href"), or the first such element of an array.
std::optional<std::string> FirstId(const rapidjson::Value& value);

// Reads an actor document. kInvalidArgument names what is missing or
// wrong: not an object, no http(s) id, not an actor type, no inbox.
Result<RemoteActor> ParseRemoteActor(const rapidjson::Value& document);

// The key with this id, if the actor lists it.
const RemoteKey* FindKey(const RemoteActor& actor, std::string_view key_id);

// Storage form (compact JSON) and back.
std::string EncodeRemoteActor(const RemoteActor& actor);
Result<RemoteActor> DecodeRemoteActor(std::string_view json);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_REMOTE_ACTOR_H_
