// The records of Family::kObjects: notes written here and remote objects
// kept as received. Both decode to one StoredObject.
//
//   local:  {"local":true, "account":ID, "author":ACTOR, "type":"Note"|"Article",
//            "name":TITLE, "visibility":..., "content":HTML, "source":TEXT,
//            "summary":..., "published":T, "updated":T|0, "inReplyTo":ID,
//            "mentions":[ACTOR...], "tags":[{"type","href","name"}...],
//            "outbox":KEY, "deleted":T|0, "importedFrom":ID (history imported
//            from another server: its id there; absent otherwise),
//            "rightOfReply":true (a right of reply, server/annotations/; absent otherwise)}
//   remote: {"local":false, "author":ACTOR, "object":{...}, "deleted":T|0}
//
// Fields after "outbox" in the local record were added in schema 1 without
// a migration: absent, they read as empty.
#ifndef PARVIS_SERVER_FEDERATION_OBJECT_RECORD_H_
#define PARVIS_SERVER_FEDERATION_OBJECT_RECORD_H_

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "parvis/protocol/note.h"
#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

// A stored object, local or remote.
struct StoredObject {
  bool local = false;
  storage::AccountId account = 0;  // local only
  std::string author;              // actor id
  int64_t deleted = 0;             // 0: not deleted
  protocol::LocalNote note;        // local only
  std::string source;              // local only: the text as written
  std::string outbox_key;          // local only
  std::string imported_from;       // local only: the post's id on the server it was imported from
  rapidjson::Document object;      // remote only: as received
};

std::string EncodeLocalRecord(const StoredObject& object);
std::string EncodeRemoteRecord(const std::string& author, const rapidjson::Value& object,
                               int64_t deleted);
// kCorruption when the bytes are not a record.
Result<StoredObject> DecodeObjectRecord(const std::string& id, std::string_view bytes);

// Whether a remote object is addressed to everyone (Public in to or cc, in
// any of the spellings servers use).
bool IsPublicObject(const rapidjson::Value& object);
// Whether `actor` may see the object: public and unlisted to anyone;
// followers-only to accepted followers (`is_follower`) and the mentioned;
// direct to the mentioned only. An empty `actor` is an anonymous reader.
bool MayRead(const protocol::LocalNote& note, std::string_view actor, bool is_follower);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_OBJECT_RECORD_H_
