// Signatures that follow their signer's account when it moves
// (docs/protocol.md, "Moves"): on the home node, a verified Move hands each
// live signature of the old actor to the new one, with a move entry in the
// log; on the signer's old node, the organisers to tell.
#include <set>

#include <spdlog/spdlog.h>

#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "server/civic/petition_impl.h"
#include "server/civic/petition_store.h"
#include "server/civic/record_json.h"

namespace parvis::civic {

using storage::Family;

Result<std::string> PetitionService::Impl::MovedTo(uint64_t number, const std::string& signer) const {
  Result<std::optional<std::string>> bytes = context.store->Get(Family::kPetitions, MovedKey(number, signer));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::string();
  Result<rapidjson::Document> doc = ParseRecord(**bytes, "moved signer");
  if (!doc) return std::unexpected(doc.error());
  return RecordString(*doc, "movedTo");
}

Result<size_t> PetitionService::MoveSignatures(const std::string& from, const std::string& to) {
  if (from.empty() || to.empty() || from == to) return Fail(ErrorCode::kInvalidArgument, "a move needs two actors");
  std::lock_guard lock(impl_->mutex);
  std::vector<Petition> petitions;
  int64_t now = impl_->context.now();
  Status scanned = impl_->context.store->Scan(Family::kPetitions, kPetitionPrefix,
                                              [&](std::string_view, std::string_view value) {
                                                Result<Petition> petition = DecodePetition(value);
                                                if (petition && petition->TakesSignatures(now)) {
                                                  petitions.push_back(std::move(*petition));
                                                }
                                                return true;
                                              });
  if (!scanned) return std::unexpected(scanned.error());
  // One batch for every petition: a crash moves all or none, and a replayed
  // Move then finds nothing left to move.
  storage::Batch batch;
  size_t moved = 0;
  for (Petition& petition : petitions) {
    const uint64_t number = petition.number;
    std::string old_signer = Impl::SignerHash(petition, from);
    Result<std::optional<std::string>> live = impl_->context.store->Get(Family::kPetitions, SignerKey(number, old_signer));
    if (!live) return std::unexpected(live.error());
    if (!live->has_value()) continue;
    Result<SignerRecord> record = DecodeSigner(**live);
    if (!record) return std::unexpected(record.error());
    std::string new_signer = Impl::SignerHash(petition, to);
    Result<std::optional<std::string>> theirs = impl_->context.store->Get(Family::kPetitions, SignerKey(number, new_signer));
    if (!theirs) return std::unexpected(theirs.error());
    std::optional<SignerRecord> merged_into;
    if (theirs->has_value()) {
      Result<SignerRecord> other = DecodeSigner(**theirs);
      if (!other) return std::unexpected(other.error());
      merged_into = *other;
    }
    protocol::SignatureEntry entry{.index = petition.entries,
                                   .move = true,
                                   .signer = old_signer,
                                   .moves = record->index,
                                   .to = new_signer,
                                   .time = now,
                                   .prev = petition.head};
    if (merged_into) {
      // One person signed twice, under two actors: the new actor's own
      // signature stays, the moved one ends.
      entry.into = merged_into->index;
    } else if (!record->anonymous && petition.shows_names) {
      entry.actor = to;
    }
    protocol::SealSignatureEntry(entry);
    batch.Put(Family::kPetitions, LogKey(number, entry.index), protocol::SignatureEntryJson(entry));
    batch.Delete(Family::kPetitions, SignerKey(number, old_signer));
    batch.Put(Family::kPetitions, MovedKey(number, old_signer), RecordWriter().Str("movedTo", to).Done());
    // `to` may itself have moved away from here before, and now comes back.
    batch.Delete(Family::kPetitions, MovedKey(number, new_signer));
    if (!merged_into) {
      SignerRecord handed = *record;
      handed.actor = to;
      batch.Put(Family::kPetitions, SignerKey(number, new_signer), EncodeSigner(handed));
      // A local new account sees the signature as its own, and may withdraw it.
      if (std::optional<accounts::Account> account = impl_->LocalAccount(to)) {
        MySignature mine{.petition = impl_->Id(number),
                         .state = MySignatureState::kSigned,
                         .anonymous = record->anonymous,
                         .activity = to + "/signatures/" + protocol::RandomHex(16),
                         .index = entry.index,
                         .hash = entry.hash,
                         .at = now};
        batch.Put(Family::kPetitions, MineKey(account->id, mine.petition), EncodeMine(mine, petition.organiser));
      }
    } else {
      petition.count -= 1;
    }
    petition.entries += 1;
    petition.head = entry.hash;
    petition.updated = now;
    impl_->Save(batch, petition, /*dirty=*/true);
    spdlog::info("petition {}: signature {} moved from {} to {}{}", number, record->index, from, to,
                 merged_into ? " (merged: it had signed too)" : "");
    ++moved;
  }
  if (moved == 0) return moved;
  if (Status written = impl_->context.store->Write(batch); !written) return std::unexpected(written.error());
  return moved;
}

Status PetitionService::Moved(const std::string& from, const std::string& to) {
  Result<size_t> moved = MoveSignatures(from, to);
  if (!moved) return std::unexpected(moved.error());
  return Ok();
}

Result<std::vector<std::string>> PetitionService::OrganisersElsewhere(storage::AccountId account) const {
  std::set<std::string> organisers;
  Status scanned = impl_->context.store->Scan(
      Family::kPetitions, MineKey(account, ""), [&](std::string_view, std::string_view value) {
        std::string organiser;
        Result<MySignature> mine = DecodeMine(value, &organiser);
        bool live = mine && (mine->state == MySignatureState::kSigned || mine->state == MySignatureState::kPending ||
                             mine->state == MySignatureState::kWithdrawing);
        if (live && !organiser.empty() && !NumberFromId(mine->petition)) organisers.insert(organiser);
        return true;
      });
  if (!scanned) return std::unexpected(scanned.error());
  return std::vector<std::string>(organisers.begin(), organisers.end());
}

}  // namespace parvis::civic
