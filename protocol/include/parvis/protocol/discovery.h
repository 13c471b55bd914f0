// Documents that let other servers find a node and its accounts: WebFinger
// (RFC 7033), host-meta (RFC 6415) and NodeInfo 2.1. Pure builders and
// parsers; the server fills them from storage.
#ifndef PARVIS_PROTOCOL_DISCOVERY_H_
#define PARVIS_PROTOCOL_DISCOVERY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"

namespace parvis::protocol {

// Longest WebFinger resource accepted.
inline constexpr size_t kMaxWebFingerResource = 512;

// What a WebFinger `resource` asks for: an account (`acct:name@host`, also
// without the scheme, with a leading '@') or a URL (an actor id).
struct WebFingerResource {
  enum class Kind { kAccount, kUrl } kind = Kind::kAccount;
  std::string name;  // kAccount: the user part, as given
  std::string host;  // kAccount: lower-case host[:port]
  std::string url;   // kUrl
};

// kInvalidArgument with a reason for empty, oversized, malformed input, or
// a scheme other than acct, http and https.
Result<WebFingerResource> ParseWebFingerResource(std::string_view resource);

struct WebFingerAccount {
  std::string subject;            // acct:name@host
  std::vector<std::string> aliases;
  std::string actor_id;           // rel=self, application/activity+json
  std::string profile_url;        // rel=profile-page, text/html
};

// The JRD document (application/jrd+json).
std::string WebFingerDocument(const WebFingerAccount& account);

// host-meta XRD pointing at the node's WebFinger endpoint.
std::string HostMetaDocument(std::string_view base_url);

// /.well-known/nodeinfo: links to the 2.1 document.
std::string NodeInfoLinksDocument(std::string_view base_url);

struct NodeInfo {
  std::string software_version;
  bool open_registrations = false;
  uint64_t total_users = 0;
  uint64_t active_month = 0;
  uint64_t active_halfyear = 0;
  uint64_t local_posts = 0;
  std::string node_name;
  std::string node_description;
  std::string editor_name;
  std::string editor_contact;
  std::string registration_mode;   // open, approval, invite, closed
  std::string federation_mode;     // open, allowlist
  std::vector<std::string> civic_features;
  // The civil-society / commercial rule (docs/protocol.md, "Sectors"),
  // published as metadata.sectors.
  struct Sectors {
    bool commercial_labelled = true;             // every commercial object carries the label
    bool commercial_stream = true;               // commercial objects have their own stream
    bool commercial_in_civic_timelines = false;  // by default; a person may opt in
    bool label_kept_when_boosted = true;         // the label follows the object's author
    bool moderator_reclassification = true;      // moderators can override, logged
    std::vector<std::string> commercial_domains;  // the per-domain policy
    std::vector<std::string> civic_domains;
  } sectors;
};

// The NodeInfo 2.1 document, with Parvis's metadata (docs/federation.md).
std::string NodeInfoDocument(const NodeInfo& info);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_DISCOVERY_H_
