// The node's own actor (an Application at /actor), which signs fetches and
// deliveries made on behalf of the node rather than of one account.
#ifndef PARVIS_SERVER_FEDERATION_INSTANCE_ACTOR_H_
#define PARVIS_SERVER_FEDERATION_INSTANCE_ACTOR_H_

#include <string>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

struct InstanceActorKeys {
  std::string rsa_public_pem;
  std::string rsa_private_pem;
  std::string ed25519_multibase;
  std::string ed25519_private_pem;
};

// The keys stored in Family::kMeta under "instance_actor", made and stored
// on the first call. The data directory (mode 0700) protects them: they
// belong to no account, so no account's data key seals them.
Result<InstanceActorKeys> LoadOrCreateInstanceKeys(storage::Store& store);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_INSTANCE_ACTOR_H_
