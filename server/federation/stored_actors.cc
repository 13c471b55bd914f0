#include "server/federation/stored_actors.h"

namespace parvis::federation {

Result<std::optional<StoredActors::Shared>> StoredActors::Find(const std::string& actor_id) const {
  Result<std::optional<std::string>> bytes = store_.Get(storage::Family::kRemoteActors, actor_id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<Shared>();
  const std::string& stored = **bytes;
  if (std::optional<Shared> kept = decoded_.Find(actor_id, stored)) return kept;
  Result<protocol::RemoteActor> actor = protocol::DecodeRemoteActor(stored);
  if (!actor) return std::unexpected(actor.error());
  auto shared = std::make_shared<const protocol::RemoteActor>(*std::move(actor));
  decoded_.Put(actor_id, stored, shared);
  return std::optional<Shared>(std::move(shared));
}

}  // namespace parvis::federation
