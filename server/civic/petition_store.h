// The records of petitions in Family::kPetitions (docs/storage.md): their
// keys and JSON forms. Internal to server/civic.
#ifndef PARVIS_SERVER_CIVIC_PETITION_STORE_H_
#define PARVIS_SERVER_CIVIC_PETITION_STORE_H_

#include <string>
#include <string_view>

#include "parvis/result.h"
#include "server/civic/petition_service.h"

namespace parvis::civic {

std::string PetitionKey(uint64_t number);                            // "p/" + number
std::string LogKey(uint64_t number, uint64_t index);                 // "l/" + number + index
std::string SignerKey(uint64_t number, std::string_view signer);     // "s/" + number + hash
std::string SignerPrefix(uint64_t number);
std::string MineKey(storage::AccountId account, std::string_view petition_id);  // "m/" ...
std::string DirtyKey(uint64_t number);                               // "d/" + number
// The actor a signer's live signature moved to (its account moved): "t/" +
// number + hash; JSON {"movedTo": actor}. Keeps the old actor from signing
// or withdrawing again.
std::string MovedKey(uint64_t number, std::string_view signer);
inline constexpr std::string_view kDirtyPrefix = "d/";
inline constexpr std::string_view kPetitionPrefix = "p/";

std::string EncodePetition(const Petition& petition);
Result<Petition> DecodePetition(std::string_view bytes);

// A live signature as the home node keeps it (never published).
struct SignerRecord {
  std::string actor;
  uint64_t index = 0;
  bool anonymous = false;
  std::string activity;  // the Sign's id; "" for local signers
  int64_t at = 0;
};
std::string EncodeSigner(const SignerRecord& signer);
Result<SignerRecord> DecodeSigner(std::string_view bytes);

// `organiser` is kept with the account's own signature, to check answers.
std::string EncodeMine(const MySignature& mine, std::string_view organiser);
Result<MySignature> DecodeMine(std::string_view bytes, std::string* organiser = nullptr);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_PETITION_STORE_H_
