// Consultations (docs/protocol.md, "Consultations"): a question put by an
// association, citizen group or public body for a period; participants
// propose, comment on proposals, and vote for, against or abstain on each
// proposal, once, changing their vote until the close. As with petitions the
// home node alone decides: local accounts act through this service,
// accounts elsewhere by Offer (a proposal), Vote, Undo(Vote) and replies
// (Create of a Note in reply to a proposal) sent to the organiser. Results
// travel to other nodes in Update(Article), at most one per consultation
// every two seconds.
//
// Who takes part: "anyone", or "members": the organiser's accepted
// followers and the accounts of its node.
//
// Thread safety: any thread; changes are serialised by one mutex.
#ifndef PARVIS_SERVER_CIVIC_CONSULTATION_SERVICE_H_
#define PARVIS_SERVER_CIVIC_CONSULTATION_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "parvis/protocol/consultation.h"
#include "server/civic/civic_context.h"
#include "server/federation/activity_extension.h"
#include "server/http/event_loop.h"

namespace parvis::civic {

struct ConsultationDraft {
  std::string title;  // the question: 1 to 200 characters
  std::string text;   // Markdown, 1 to 5000 characters
  int64_t deadline = 0;
  std::string participation = "anyone";  // or "members"
};

struct Consultation {
  uint64_t number = 0;
  storage::AccountId account = 0;
  std::string organiser, organiser_name;
  std::string title, source, content;
  int64_t published = 0, updated = 0, deadline = 0;
  std::string participation;
  uint64_t proposals = 0;
  bool closed_announced = false;

  bool Open(int64_t now) const { return now < deadline; }
};

struct Proposal {
  uint64_t index = 0;
  std::string proposer;  // actor id
  std::string content;   // HTML
  int64_t published = 0;
  protocol::VoteTally votes;
  uint64_t comments = 0;
};

struct ProposalComment {
  std::string author;   // actor id
  std::string content;  // HTML
  int64_t at = 0;
};

// A local account's vote on a proposal here or elsewhere.
struct MyVote {
  protocol::VoteChoice choice = protocol::VoteChoice::kAbstain;
  std::string state;  // "pending" (sent), "counted", "refused", "withdrawn"
  std::string refusal;
};

class ConsultationService : public federation::ActivityExtension {
 public:
  explicit ConsultationService(CivicContext context);
  ~ConsultationService() override;

  // Opens a consultation at once and sends its Create to the followers.
  boost::asio::awaitable<Result<uint64_t>> Create(const accounts::Account& organiser, ConsultationDraft draft);

  Result<std::optional<Consultation>> Get(uint64_t number) const;
  Result<std::vector<Consultation>> List() const;  // newest first, at most 200
  Result<std::vector<Proposal>> Proposals(uint64_t number) const;
  Result<std::vector<ProposalComment>> Comments(uint64_t number, uint64_t index) const;
  std::string Id(uint64_t number) const;
  std::optional<uint64_t> NumberFromId(std::string_view id) const;
  // (consultation number, proposal index) of a proposal id of this node.
  std::optional<std::pair<uint64_t, uint64_t>> ProposalFromId(std::string_view id) const;
  protocol::ConsultationDocument Document(const Consultation& consultation) const;

  // A local account proposes (returns the proposal's id here, or "" when
  // sent elsewhere), votes (nullopt withdraws the vote), or comments, on a
  // consultation here or elsewhere, by id.
  boost::asio::awaitable<Result<std::string>> Propose(const accounts::Account& account, std::string consultation_id,
                                                      std::string text);
  boost::asio::awaitable<Status> Vote(const accounts::Account& account, std::string proposal_id,
                                      std::optional<protocol::VoteChoice> choice);
  boost::asio::awaitable<Status> Comment(const accounts::Account& account, std::string proposal_id,
                                         std::string text);
  Result<std::optional<MyVote>> Mine(storage::AccountId account, const std::string& proposal_id) const;

  // Inbox: Offer, Vote, Undo(Vote) and replies to proposals of this node;
  // Accept and Reject of our accounts' Offers and Votes.
  boost::asio::awaitable<federation::ExtensionOutcome> Act(const rapidjson::Value& activity,
                                                           const protocol::ActivityEnvelope& envelope,
                                                           storage::Batch& batch) override;

  // Sends pending Updates (and one at each close) every two seconds on
  // `loop`; Stop before the loop is destroyed.
  void Start(http::EventLoop& loop);
  void Stop();
  boost::asio::awaitable<void> PublishPending();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CONSULTATION_SERVICE_H_
