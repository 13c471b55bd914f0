// Petitions as documents (docs/protocol.md): the petition an organiser
// publishes (an ActivityStreams Article carrying a `petition` object), the
// Sign activity a signer sends to its home node, the receipt that node
// returns, and the signature log: an append-only list of entries chained by
// SHA-256, from which anyone can recompute the published count.
#ifndef PARVIS_PROTOCOL_PETITION_H_
#define PARVIS_PROTOCOL_PETITION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::protocol {

// The JSON-LD context of documents that use the extension (petitions,
// consultations): ActivityStreams and every parvis: term.
std::string_view CivicContextJson();

// Lifecycle: draft -> open -> successful | expired | withdrawn -> answered.
enum class PetitionState { kDraft, kOpen, kSuccessful, kExpired, kWithdrawn, kAnswered };
const char* PetitionStateName(PetitionState state);  // "draft", "open", ...
std::optional<PetitionState> ParsePetitionState(std::string_view name);

// One entry of a signature log. `signer` is a keyed hash of the signer's
// actor id (the same for a sign and its withdrawal, unlinkable to the actor
// without the home node's secret); `actor` is the actor id when the signer
// chose to be named, else empty.
//
// A move (the signer's account moved, docs/protocol.md) hands the signer's
// live signature `moves` to the actor whose keyed hash is `to`: it stays
// live, under `to`. When `to` already had a live signature (`into`, its
// index), the two were one person: the moved one ends and the count drops.
struct SignatureEntry {
  uint64_t index = 0;
  bool withdrawal = false;
  bool move = false;
  std::string signer;    // 64 hex digits
  std::string actor;     // empty: anonymous (a move: the new actor of a named signature)
  uint64_t withdraws = 0;  // withdrawals: the index of the signature taken back
  uint64_t moves = 0;      // moves: the index of the signature handed on
  std::string to;          // moves: the keyed hash of the actor it moved to
  std::optional<uint64_t> into;  // moves that merge: `to`'s live signature
  int64_t time = 0;      // seconds since the epoch
  std::string prev;      // hash of the previous entry, or the genesis hash
  std::string hash;      // SHA-256 (hex) of the entry's JCS form without "hash"
};

// The hash the first entry's `prev` holds: it binds the log to its petition.
std::string PetitionLogGenesis(std::string_view petition_id);
// Fills `entry.hash` from the other fields.
void SealSignatureEntry(SignatureEntry& entry);
std::string SignatureEntryJson(const SignatureEntry& entry);
// kInvalidArgument naming the bad member.
Result<SignatureEntry> ReadSignatureEntry(const rapidjson::Value& value);

// What a log proves.
struct TallyCheck {
  uint64_t count = 0;    // signatures not withdrawn
  uint64_t entries = 0;
  std::string head;      // hash of the last entry (the genesis hash when empty)
};
// Replays a whole log: indexes consecutive from 0, each `prev` the hash
// before, each hash recomputed, one live signature per signer, withdrawals
// and moves of live signatures by the same signer only, a move to a signer
// with a live signature only as a merge into that one. kInvalidArgument
// says which entry fails and why.
Result<TallyCheck> VerifySignatureLog(std::string_view petition_id,
                                      const std::vector<SignatureEntry>& entries);

// A petition as its home node publishes it.
struct PetitionDocument {
  std::string id;           // https://host/petitions/N
  std::string organiser;    // actor id (attributedTo)
  std::string followers;    // the organiser's followers collection
  std::string title;
  std::string content;      // HTML, sanitised: the text
  std::string addressee;    // who the petition asks (plain text)
  uint64_t threshold = 0;
  int64_t deadline = 0;     // seconds since the epoch
  int64_t published = 0;
  int64_t updated = 0;      // 0: omitted
  PetitionState state = PetitionState::kOpen;
  bool shows_names = true;
  uint64_t count = 0;
  uint64_t entries = 0;
  std::string head;
  std::string answer;       // HTML, sanitised; empty: none yet
  int64_t answered = 0;
};
// The Article: name, content (the text, then a line any reader shows: the
// count, the deadline and a link to sign), url, and the `petition` object.
std::string PetitionArticleJson(const PetitionDocument& petition);
// Reads the `petition` object of an Article received from elsewhere (its
// id, organiser, title and text from the Article). kInvalidArgument when it
// is not a petition or a member has the wrong type.
Result<PetitionDocument> ReadPetitionArticle(const rapidjson::Value& article);

// The activity a signer sends to the petition's organiser.
std::string SignActivityJson(std::string_view id, std::string_view actor,
                             std::string_view petition_id, std::string_view organiser,
                             bool anonymous);
// What the home node answers about a Sign (or an Undo of one): the entry it
// wrote, and the count after it.
struct SignatureReceipt {
  std::string petition;
  uint64_t index = 0;
  std::string hash;
  uint64_t count = 0;
};
// Accept (with a `receipt`) or Reject (with a `summary` saying why) of
// `answered`, embedded as received (id, type, actor, object).
std::string SignatureAnswerJson(std::string_view id, std::string_view organiser,
                                std::string_view signer, const rapidjson::Value& answered,
                                const SignatureReceipt* receipt, std::string_view refusal);
// The receipt of an Accept; nullopt when absent or malformed.
std::optional<SignatureReceipt> ReadSignatureReceipt(const rapidjson::Value& accept);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_PETITION_H_
