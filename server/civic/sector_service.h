// Civil society or commercial: the sector of every actor, local or remote
// (docs/protocol.md, "Sectors").
//
// How the node decides an actor's sector, first answer wins:
//   1. a moderator's reclassification (Family::kSectors, "actor/" + id);
//   2. a local account: commercial for the commercial kind, civic for every
//      other kind (citizen, association, citizen group, public body);
//      a remote actor: the sector its document declares (parvis:sector);
//   3. a remote actor: the node's per-domain policy (civic.commercial_domains,
//      civic.civic_domains);
//   4. unknown, shown as such.
// Every reclassification is appended to a log ("log/" + sequence) that is
// never rewritten. Commercial public objects are also listed in the
// commercial stream (Family::kPublicFeed, "commercial/" + sequence).
#ifndef PARVIS_SERVER_CIVIC_SECTOR_SERVICE_H_
#define PARVIS_SERVER_CIVIC_SECTOR_SERVICE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/config.h"
#include "parvis/protocol/sector.h"
#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/federation/stored_actors.h"

namespace parvis::civic {

using protocol::Sector;

// The sector an account of this kind has: commercial or civic.
Sector SectorOfKind(accounts::AccountKind kind);

// Where a decision came from.
enum class SectorSource { kModerator, kAccountKind, kDeclared, kDomainPolicy, kNone };
// "moderator", "account", "declared", "domain", "none".
const char* SectorSourceName(SectorSource source);

struct SectorDecision {
  Sector sector = Sector::kUnknown;
  SectorSource source = SectorSource::kNone;
};

// The per-domain policy for `host` (lower case, no port): the sector of the
// most specific listed domain that is `host` or one of its parents,
// commercial on a tie; kUnknown when no list covers it.
Sector DomainSector(const Config& config, std::string_view host);

// One reclassification, as logged.
struct SectorChange {
  uint64_t sequence = 0;  // its place in the log
  int64_t at = 0;         // seconds since the epoch
  std::string moderator;  // the admin's account name, or "operator" for the command line
  std::string actor;      // actor id (URL)
  Sector old_sector = Sector::kUnknown;
  Sector new_sector = Sector::kUnknown;
  std::string reason;
};

// Longest reason accepted, in characters.
inline constexpr size_t kMaxReasonCharacters = 500;

class SectorService {
 public:
  // Everything must outlive the service; `now` gives seconds since the epoch.
  SectorService(storage::Store& store, const Config& config, accounts::AccountService& accounts,
                std::function<int64_t()> now);

  // The sector of the actor `actor_id` and why. Storage errors read as
  // "nothing known" at that step: a label is never worth a failed page.
  SectorDecision Resolve(const std::string& actor_id) const;
  Sector Of(const std::string& actor_id) const { return Resolve(actor_id).sector; }
  // The same for a local account already read.
  SectorDecision ForAccount(const accounts::Account& account) const;

  // The actor id `target` names: a local account's name (or @name, or
  // @name@this-host), or an actor URL, local or of a remote actor known
  // here. kInvalidArgument or kNotFound with a message for people.
  Result<std::string> ActorIdOf(const std::string& target) const;

  // A moderator sets the sector of `target` (see ActorIdOf) to civic or
  // commercial, for `reason` (1 to kMaxReasonCharacters characters). The
  // decision and its log entry are written in one batch; an actor that
  // becomes commercial has its latest public objects added to the
  // commercial stream.
  Result<SectorChange> Reclassify(const std::string& target, Sector sector,
                                  const std::string& moderator, const std::string& reason);

  // The log, newest first, at most `limit` entries.
  Result<std::vector<SectorChange>> Log(size_t limit) const;

  // Adds `object_id` to the commercial stream in `batch`.
  Status AddToCommercialStream(storage::Batch& batch, const std::string& object_id) const;
  // A new public object by `author` is kept here: listed in the commercial
  // stream (in `batch`) when its author is commercial.
  Status NotePublicObject(storage::Batch& batch, const std::string& object_id,
                          const std::string& author) const;

 private:
  Status Backfill(const std::string& actor_id, storage::Batch& batch) const;

  storage::Store& store_;
  federation::StoredActors actors_;  // remote actors decoded, for their declared sector
  const Config& config_;
  accounts::AccountService& accounts_;
  std::function<int64_t()> now_;
  // Serialises Reclassify, so the old sector it logs is the one it replaced.
  std::mutex reclassify_mutex_;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_SECTOR_SERVICE_H_
