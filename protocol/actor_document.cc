#include "parvis/protocol/actor_document.h"

#include "parvis/protocol/timestamps.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parvis::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Member(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// Optional members are left out rather than sent empty.
void OptionalMember(Writer& writer, const char* key, const std::string& value) {
  if (!value.empty()) Member(writer, key, value);
}

}  // namespace

std::string ActorDocument(const LocalActor& actor) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("@context");
  writer.StartArray();
  writer.String("https://www.w3.org/ns/activitystreams");
  writer.String("https://w3id.org/security/v1");
  writer.String("https://w3id.org/security/data-integrity/v1");
  // did/v1 defines assertionMethod: without it JSON-LD readers (Fedify) drop
  // the Ed25519 key.
  writer.String("https://www.w3.org/ns/did/v1");
  writer.String("https://w3id.org/security/multikey/v1");
  writer.StartObject();
  Member(writer, "manuallyApprovesFollowers", "as:manuallyApprovesFollowers");
  Member(writer, "toot", "http://joinmastodon.org/ns#");
  writer.Key("featured");
  writer.StartObject();
  Member(writer, "@id", "toot:featured");
  Member(writer, "@type", "@id");
  writer.EndObject();
  Member(writer, "discoverable", "toot:discoverable");
  // The Parvis vocabulary (docs/protocol.md), inline so nothing is fetched.
  Member(writer, "parvis", "https://parvis.org/ns#");
  Member(writer, "sector", "parvis:sector");
  for (const char* term : {"alsoKnownAs", "movedTo"}) {
    writer.Key(term);
    writer.StartObject();
    Member(writer, "@id", std::string("as:") + term);
    Member(writer, "@type", "@id");
    writer.EndObject();
  }
  writer.Key("e2eeKeys");
  writer.StartObject();
  Member(writer, "@id", "parvis:e2eeKeys");
  Member(writer, "@type", "@id");
  writer.EndObject();
  writer.EndObject();
  writer.EndArray();
  Member(writer, "id", actor.id);
  Member(writer, "type", actor.type);
  Member(writer, "preferredUsername", actor.preferred_username);
  OptionalMember(writer, "name", actor.name);
  Member(writer, "summary", actor.summary);
  OptionalMember(writer, "url", actor.url);
  Member(writer, "inbox", actor.inbox);
  Member(writer, "outbox", actor.outbox);
  OptionalMember(writer, "followers", actor.followers);
  OptionalMember(writer, "following", actor.following);
  OptionalMember(writer, "featured", actor.featured);
  writer.Key("endpoints");
  writer.StartObject();
  Member(writer, "sharedInbox", actor.shared_inbox);
  writer.EndObject();
  writer.Key("manuallyApprovesFollowers");
  writer.Bool(actor.manually_approves_followers);
  writer.Key("discoverable");
  writer.Bool(true);
  if (actor.published != 0) Member(writer, "published", FormatRfc3339Utc(actor.published));
  OptionalMember(writer, "sector", actor.sector);
  OptionalMember(writer, "e2eeKeys", actor.e2ee_keys);
  if (!actor.also_known_as.empty()) {
    writer.Key("alsoKnownAs");
    writer.StartArray();
    for (const std::string& alias : actor.also_known_as) writer.String(alias.c_str(), static_cast<rapidjson::SizeType>(alias.size()));
    writer.EndArray();
  }
  OptionalMember(writer, "movedTo", actor.moved_to);
  if (!actor.icon_url.empty()) {
    writer.Key("icon");
    writer.StartObject();
    Member(writer, "type", "Image");
    Member(writer, "mediaType", actor.icon_media_type);
    Member(writer, "url", actor.icon_url);
    writer.EndObject();
  }
  writer.Key("publicKey");
  writer.StartObject();
  Member(writer, "id", actor.rsa_key_id);
  Member(writer, "owner", actor.id);
  Member(writer, "publicKeyPem", actor.rsa_public_pem);
  writer.EndObject();
  writer.Key("assertionMethod");
  writer.StartArray();
  writer.StartObject();
  Member(writer, "id", actor.ed25519_key_id);
  Member(writer, "type", "Multikey");
  Member(writer, "controller", actor.id);
  Member(writer, "publicKeyMultibase", actor.ed25519_multibase);
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace parvis::protocol
