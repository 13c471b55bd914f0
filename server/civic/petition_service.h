// Petitions (docs/protocol.md, "Petitions"). On its home node a petition is
// a record in Family::kPetitions with its signature log; only that node
// decides who signed: local accounts sign through this service directly,
// accounts elsewhere by a Sign activity to the organiser, answered with an
// Accept carrying a receipt (or a Reject saying why). Changes reach remote
// nodes as Update(Article), at most one per petition every few seconds.
//
// A local account may sign petitions of other nodes too: the service sends
// the Sign, and keeps the account's own record of it ("m/" keys) with the
// receipt once the home node answers.
//
// Thread safety: every method may be called from any thread; changes to one
// node's petitions are serialised by one mutex, so log indexes never clash.
#ifndef PARVIS_SERVER_CIVIC_PETITION_SERVICE_H_
#define PARVIS_SERVER_CIVIC_PETITION_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "parvis/config.h"
#include "parvis/protocol/petition.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/civic/civic_context.h"
#include "server/federation/activity_extension.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/post_service.h"
#include "server/http/event_loop.h"

namespace parvis::civic {

// What an organiser writes.
struct PetitionDraft {
  std::string title;      // 1 to 200 characters
  std::string text;       // Markdown, 1 to 5000 characters
  std::string addressee;  // who is asked: 1 to 200 characters
  uint64_t threshold = 0; // 1 to 100,000,000
  int64_t deadline = 0;   // seconds since the epoch, in the future, within 2 years
  bool shows_names = true;
};

// A petition of this node, as stored.
struct Petition {
  uint64_t number = 0;
  storage::AccountId account = 0;  // the organiser
  std::string organiser;           // its actor id
  std::string organiser_name;
  std::string title, source, content, addressee;
  uint64_t threshold = 0;
  int64_t deadline = 0;
  bool shows_names = true;
  // The state as stored; `State(now)` gives the one in force.
  protocol::PetitionState stored_state = protocol::PetitionState::kDraft;
  int64_t published = 0, updated = 0;
  uint64_t count = 0, entries = 0;
  std::string head;
  std::string answer, answer_source;
  int64_t answered = 0;
  std::string secret;  // hex; keys the signer hashes, never published
  int notified = 0;    // milestones already announced: 0..3 (33 %, 66 %, 100 %)

  // Open and successful petitions become successful or expired at the
  // deadline; the others keep their stored state.
  protocol::PetitionState State(int64_t now) const;
  // Whether signatures and withdrawals are taken now.
  bool TakesSignatures(int64_t now) const;
};

// A local account's own signature of a petition (here or elsewhere).
enum class MySignatureState { kPending, kSigned, kRefused, kWithdrawing, kWithdrawn };
const char* MySignatureStateName(MySignatureState state);
struct MySignature {
  std::string petition;  // id
  MySignatureState state = MySignatureState::kPending;
  bool anonymous = false;
  std::string activity;  // the Sign's id
  uint64_t index = 0;    // receipt, once signed
  std::string hash;
  std::string refusal;   // why the home node refused
  int64_t at = 0;
};

// One signature as the organiser's export shows it.
struct ExportedSignature {
  uint64_t index = 0;
  int64_t time = 0;
  std::string actor;  // empty: counted anonymously (or names hidden)
  std::string hash;
};

class PetitionService : public federation::ActivityExtension {
 public:
  explicit PetitionService(CivicContext context);
  ~PetitionService() override;

  // Petitions are written by associations, citizen groups and public
  // bodies (kInvalidArgument for other kinds, naming the rule).
  Result<uint64_t> Create(const accounts::Account& organiser, const PetitionDraft& draft);
  // draft -> open: published (Create to the organiser's followers).
  boost::asio::awaitable<Status> Open(const accounts::Account& organiser, uint64_t number);
  // The organiser withdraws an open petition.
  boost::asio::awaitable<Status> Withdraw(const accounts::Account& organiser, uint64_t number);
  // The addressee's answer (Markdown), attached by the organiser once the
  // petition succeeded or expired; signing ends; every signer is told.
  boost::asio::awaitable<Status> Answer(const accounts::Account& organiser, uint64_t number,
                                        std::string text);

  Result<std::optional<Petition>> Get(uint64_t number) const;
  // Newest first; drafts only for their organiser (`viewer`, 0: nobody).
  Result<std::vector<Petition>> List(storage::AccountId viewer) const;
  std::string Id(uint64_t number) const;
  std::optional<uint64_t> NumberFromId(std::string_view id) const;
  protocol::PetitionDocument Document(const Petition& petition) const;
  // Log entries [from, from + max).
  Result<std::vector<protocol::SignatureEntry>> Log(uint64_t number, uint64_t from,
                                                    size_t max) const;
  // The organiser's export; names only where the signer chose to be named
  // and the petition shows names.
  Result<std::vector<ExportedSignature>> Signatures(uint64_t number) const;

  // A local account signs (or withdraws from) any petition by id: recorded
  // at once here, or sent to the home node and pending until it answers.
  boost::asio::awaitable<Result<MySignature>> Sign(const accounts::Account& account,
                                                   std::string petition_id, bool anonymous);
  boost::asio::awaitable<Result<MySignature>> Unsign(const accounts::Account& account,
                                                     std::string petition_id);
  Result<std::optional<MySignature>> Mine(storage::AccountId account,
                                          const std::string& petition_id) const;
  // Every petition the account signed or tried to (at most 500).
  Result<std::vector<MySignature>> AllMine(storage::AccountId account) const;

  // An account moved from actor `from` to `to`, which names `from` in
  // alsoKnownAs (checked by the caller). Each live signature of `from` on
  // this node's petitions that still take signatures goes to `to`, with a
  // move entry in the log: the count stays, or drops by one when `to` had
  // signed too (a merge). `from` can then neither sign nor withdraw there.
  // Returns how many signatures moved; a second call moves none.
  Result<size_t> MoveSignatures(const std::string& from, const std::string& to);
  // The organisers of petitions elsewhere that `account` signed (or is
  // signing or withdrawing from): their nodes must hear of its move.
  Result<std::vector<std::string>> OrganisersElsewhere(storage::AccountId account) const;

  // Inbox: Sign and Undo(Sign) for petitions here; Accept and Reject of the
  // Signs our accounts sent.
  boost::asio::awaitable<federation::ExtensionOutcome> Act(
      const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
      storage::Batch& batch) override;
  // A Move the inbox verified: MoveSignatures.
  Status Moved(const std::string& from, const std::string& to) override;

  // Sends the pending Updates and closes petitions past their deadline,
  // every two seconds on `loop`, until the loop stops. Stop before `loop`
  // is destroyed.
  void Start(http::EventLoop& loop);
  void Stop();
  // One round of that work (tests call it directly).
  boost::asio::awaitable<void> PublishPending();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_PETITION_SERVICE_H_
