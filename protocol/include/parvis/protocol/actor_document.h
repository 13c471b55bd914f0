// The ActivityStreams document of a local actor, as Mastodon, GoToSocial and
// Fedify expect it: collections, shared inbox, RSA publicKey (#main-key) and
// an Ed25519 Multikey in assertionMethod (FEP-521a).
#ifndef PARVIS_PROTOCOL_ACTOR_DOCUMENT_H_
#define PARVIS_PROTOCOL_ACTOR_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace parvis::protocol {

struct LocalActor {
  std::string type;  // Person, Organization, Group, Application
  std::string id;
  std::string preferred_username;
  std::string name;
  std::string summary;    // HTML, already sanitised
  std::string url;        // profile page
  std::string inbox, outbox, followers, following, featured, shared_inbox;
  bool manually_approves_followers = false;
  int64_t published = 0;  // seconds since the epoch; 0: omitted
  std::string rsa_key_id;
  std::string rsa_public_pem;
  std::string ed25519_key_id;
  std::string ed25519_multibase;
  std::string icon_url;         // avatar; empty: none
  std::string icon_media_type;  // its type ("image/png")
  std::string sector;           // "civic" or "commercial" (parvis:sector); empty: omitted
  std::vector<std::string> also_known_as;  // alsoKnownAs; empty: omitted
  std::string moved_to;                   // movedTo; empty: omitted
  std::string e2ee_keys;        // key directory for encrypted messages (parvis:e2eeKeys); empty: omitted
};

// Compact JSON with @context.
std::string ActorDocument(const LocalActor& actor);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_ACTOR_DOCUMENT_H_
