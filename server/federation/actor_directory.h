// Remote actors and their public keys: read from storage when known, else
// fetched (signed by the instance actor) and stored. The inbox asks it for
// the key of every signature it checks.
#ifndef PARVIS_SERVER_FEDERATION_ACTOR_DIRECTORY_H_
#define PARVIS_SERVER_FEDERATION_ACTOR_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "parvis/protocol/keys.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/federation/domain_policy.h"
#include "server/federation/lru_cache.h"
#include "server/federation/stored_actors.h"
#include "server/http/http_client.h"

namespace parvis::federation {

struct ResolvedKey {
  protocol::PublicKey key;
  std::string key_id;
  std::string owner;  // the actor the key belongs to, as that actor's document says
};

struct ActorDirectoryOptions {
  // How long a stored actor is used before it is fetched again.
  int64_t max_age_seconds = 24 * 3600;
  // Largest actor document accepted.
  size_t max_document_bytes = 256 << 10;
  unsigned max_json_depth = 32;
  // Parsed public keys kept, by key id: decoding a PEM key takes OpenSSL
  // about 300 µs, more than checking the signature. About 2 KB each (RSA-2048).
  size_t parsed_keys_kept = 2048;
  // Stored actors kept decoded (stored_actors.h), for the signatures and the
  // pages: about 1.5 KB each.
  size_t decoded_actors_kept = 2048;
};

class ActorDirectory {
 public:
  // Everything must outlive the directory. `sign` signs fetches (the
  // instance actor's key); `now` gives seconds since the epoch.
  ActorDirectory(storage::Store& store, http::HttpClient& client, const DomainPolicy& policy,
                 decltype(http::ClientRequest::sign) sign, std::function<int64_t()> now,
                 ActorDirectoryOptions options = {});

  // The actor `actor_id`. Fails with kInvalidArgument for a blocked domain
  // or a document that is not an actor, kNotFound when the actor is gone
  // (404/410), kUnavailable when its server does not answer.
  boost::asio::awaitable<Result<protocol::RemoteActor>> Get(std::string actor_id, bool refresh);

  // The key `key_id` and its owner. A key is only accepted if its owner's
  // document lists it, and the document's id is on the host it came from.
  boost::asio::awaitable<Result<ResolvedKey>> ResolveKey(std::string key_id, bool refresh);

  // The actor as last stored, without fetching; nullopt if never seen.
  Result<std::optional<protocol::RemoteActor>> Stored(const std::string& actor_id) const;
  // The same, shared and not copied (pages read many).
  const StoredActors& stored_actors() const { return stored_; }

  // Any ActivityStreams document at `url` (a note a reply points to), signed
  // as the instance actor, with the same limits as actors. Its `id` must be
  // on the host that answered. Nothing is stored.
  boost::asio::awaitable<Result<rapidjson::Document>> FetchDocument(std::string url);

 private:
  boost::asio::awaitable<Result<rapidjson::Document>> FetchJson(const std::string& url,
                                                                std::string& final_url);
  boost::asio::awaitable<Result<protocol::RemoteActor>> Fetch(const std::string& url);
  Status Store(const protocol::RemoteActor& actor);
  // `key` parsed, from parsed_keys_ when its material is the same.
  Result<protocol::PublicKey> Parse(const protocol::RemoteKey& key);

  struct ParsedKey {
    std::string material;  // as the actor's document gave it
    protocol::PublicKey key;
  };

  storage::Store& store_;
  http::HttpClient& client_;
  const DomainPolicy& policy_;
  decltype(http::ClientRequest::sign) sign_;
  std::function<int64_t()> now_;
  ActorDirectoryOptions options_;
  StoredActors stored_;  // decoded actors, kept by their stored bytes
  LruCache<std::string, ParsedKey> parsed_keys_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACTOR_DIRECTORY_H_
