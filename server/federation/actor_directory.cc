#include "server/federation/actor_directory.h"

#include <algorithm>

#include "parvis/protocol/json.h"
#include "parvis/protocol/multikey.h"

namespace parvis::federation {
namespace {

using storage::Family;

std::string WithoutFragment(const std::string& url) { return url.substr(0, url.find('#')); }

Result<protocol::PublicKey> ParseKeyMaterial(const protocol::RemoteKey& key) {
  if (key.format == protocol::RemoteKey::Format::kPem) return protocol::ParsePublicKeyPem(key.material);
  return protocol::DecodeMultikey(key.material);
}

// RSA keys shorter than this are refused: they no longer protect anything.
constexpr int kMinRsaBits = 2048;

}  // namespace

ActorDirectory::ActorDirectory(storage::Store& store, http::HttpClient& client,
                               const DomainPolicy& policy,
                               decltype(http::ClientRequest::sign) sign,
                               std::function<int64_t()> now, ActorDirectoryOptions options)
    : store_(store), client_(client), policy_(policy), sign_(std::move(sign)),
      now_(std::move(now)), options_(options), stored_(store, std::max<size_t>(1, options.decoded_actors_kept)), parsed_keys_(std::max<size_t>(1, options.parsed_keys_kept)) {}

Result<protocol::PublicKey> ActorDirectory::Parse(const protocol::RemoteKey& key) {
  // Compared by material, so a key the actor replaced is never used.
  if (std::optional<ParsedKey> parsed = parsed_keys_.Find(key.id);
      parsed && parsed->material == key.material) {
    return parsed->key;
  }
  Result<protocol::PublicKey> parsed = ParseKeyMaterial(key);
  if (parsed) parsed_keys_.Put(key.id, ParsedKey{key.material, *parsed});
  return parsed;
}

Result<std::optional<protocol::RemoteActor>> ActorDirectory::Stored(
    const std::string& actor_id) const {
  Result<std::optional<std::shared_ptr<const protocol::RemoteActor>>> actor = stored_.Find(actor_id);
  if (!actor) return std::unexpected(actor.error());
  if (!actor->has_value()) return std::optional<protocol::RemoteActor>();
  return std::optional<protocol::RemoteActor>(***actor);
}

Status ActorDirectory::Store(const protocol::RemoteActor& actor) {
  storage::Batch batch;
  batch.Put(Family::kRemoteActors, actor.id, protocol::EncodeRemoteActor(actor));
  for (const protocol::RemoteKey& key : actor.keys) {
    if (key.owner == actor.id) batch.Put(Family::kRemoteKeys, key.id, actor.id);
  }
  return store_.Write(batch);
}

boost::asio::awaitable<Result<rapidjson::Document>> ActorDirectory::FetchJson(
    const std::string& url, std::string& final_url) {
  if (!policy_.AllowsUrl(url)) {
    co_return Fail(ErrorCode::kInvalidArgument, "the domain of " + url + " is not federated with");
  }
  http::ClientRequest request{
      .method = "GET",
      .url = url,
      .headers = {{"Accept",
                   "application/activity+json, application/ld+json; "
                   "profile=\"https://www.w3.org/ns/activitystreams\""}},
      .max_redirects = 3,
      .sign = sign_,
  };
  Result<http::ClientResponse> response = co_await client_.Fetch(std::move(request));
  if (!response) co_return std::unexpected(response.error());
  if (response->status == 404 || response->status == 410) {
    co_return Fail(ErrorCode::kNotFound, url + " is gone (" + std::to_string(response->status) + ")");
  }
  if (response->status != 200) {
    co_return Fail(ErrorCode::kUnavailable,
                   "fetching " + url + " returned " + std::to_string(response->status));
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(
      response->body, {.max_bytes = options_.max_document_bytes,
                       .max_depth = options_.max_json_depth});
  if (!doc) co_return Fail(ErrorCode::kInvalidArgument, url + ": " + doc.error().message);
  final_url = response->url;
  co_return std::move(*doc);
}

boost::asio::awaitable<Result<rapidjson::Document>> ActorDirectory::FetchDocument(std::string url) {
  std::string final_url;
  Result<rapidjson::Document> doc = co_await FetchJson(url, final_url);
  if (!doc) co_return std::unexpected(doc.error());
  std::optional<std::string> id =
      doc->IsObject() ? protocol::StringMember(*doc, "id") : std::nullopt;
  // A server speaks only for itself.
  if (!id || !HostOf(*id) || HostOf(*id) != HostOf(final_url)) {
    co_return Fail(ErrorCode::kInvalidArgument, "document from " + final_url + " has no id of its host");
  }
  co_return std::move(*doc);
}

boost::asio::awaitable<Result<protocol::RemoteActor>> ActorDirectory::Fetch(const std::string& url) {
  std::string final_url;
  Result<rapidjson::Document> doc = co_await FetchJson(url, final_url);
  if (!doc) co_return std::unexpected(doc.error());
  Result<protocol::RemoteActor> actor = protocol::ParseRemoteActor(*doc);
  if (!actor) co_return std::unexpected(actor.error());
  // A server speaks only for itself: the id must be on the host that
  // answered (after redirects).
  if (HostOf(actor->id) != HostOf(final_url)) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "document from " + final_url + " claims the id " + actor->id);
  }
  actor->fetched_at = now_();
  if (Status stored = Store(*actor); !stored) co_return std::unexpected(stored.error());
  // Fetched again: its keys are parsed again when next used.
  for (const protocol::RemoteKey& key : actor->keys) parsed_keys_.Erase(key.id);
  co_return std::move(*actor);
}

boost::asio::awaitable<Result<protocol::RemoteActor>> ActorDirectory::Get(std::string actor_id,
                                                                          bool refresh) {
  if (!refresh) {
    Result<std::optional<protocol::RemoteActor>> known = Stored(actor_id);
    if (!known) co_return std::unexpected(known.error());
    if (known->has_value() && now_() - (*known)->fetched_at < options_.max_age_seconds) {
      co_return std::move(**known);
    }
  }
  Result<protocol::RemoteActor> fetched = co_await Fetch(WithoutFragment(actor_id));
  if (!fetched) co_return fetched;
  if (fetched->id != WithoutFragment(actor_id)) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "fetching " + actor_id + " gave the actor " + fetched->id);
  }
  co_return fetched;
}

boost::asio::awaitable<Result<ResolvedKey>> ActorDirectory::ResolveKey(std::string key_id,
                                                                       bool refresh) {
  std::optional<protocol::RemoteActor> actor;
  if (!refresh) {
    Result<std::optional<std::string>> owner = store_.Get(Family::kRemoteKeys, key_id);
    if (!owner) co_return std::unexpected(owner.error());
    if (owner->has_value()) {
      Result<std::optional<protocol::RemoteActor>> known = Stored(**owner);
      if (!known) co_return std::unexpected(known.error());
      if (known->has_value()) actor = std::move(**known);
    }
  }
  if (!actor) {
    // Mastodon's key ids are the actor's id with a fragment; others serve
    // the actor (or a stub naming it) at the key's own URL.
    Result<protocol::RemoteActor> fetched = co_await Fetch(WithoutFragment(key_id));
    if (!fetched) co_return std::unexpected(fetched.error());
    const protocol::RemoteKey* key = protocol::FindKey(*fetched, key_id);
    if (key != nullptr && key->owner != fetched->id) {
      // A key document naming another actor: that actor must list the key.
      Result<protocol::RemoteActor> owner = co_await Get(key->owner, /*refresh=*/true);
      if (!owner) co_return std::unexpected(owner.error());
      fetched = std::move(owner);
    }
    actor = std::move(*fetched);
  }
  const protocol::RemoteKey* key = protocol::FindKey(*actor, key_id);
  if (key == nullptr || key->owner != actor->id) {
    co_return Fail(ErrorCode::kNotFound, "actor " + actor->id + " does not list the key " + key_id);
  }
  Result<protocol::PublicKey> parsed = Parse(*key);
  if (!parsed) co_return std::unexpected(parsed.error());
  if (parsed->type() == protocol::KeyType::kRsa && parsed->bits() < kMinRsaBits) {
    co_return Fail(ErrorCode::kInvalidArgument, "key " + key_id + " is a weak RSA key");
  }
  if (parsed->type() != protocol::KeyType::kRsa && parsed->type() != protocol::KeyType::kEd25519) {
    co_return Fail(ErrorCode::kInvalidArgument, "key " + key_id + " is of an unaccepted type");
  }
  co_return ResolvedKey{std::move(*parsed), key_id, actor->id};
}

}  // namespace parvis::federation
