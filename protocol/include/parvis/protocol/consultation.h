// Consultations as documents (docs/protocol.md, "Consultations"): the
// consultation an organiser publishes (an Article carrying a `consultation`
// object with its proposals and their results), a proposal (a Note of the
// home node naming its proposer), and the activities other nodes send to
// the home node: Offer (a proposal), Vote (for, against or abstain; the last
// one counts), Undo of a Vote.
#ifndef PARVIS_PROTOCOL_CONSULTATION_H_
#define PARVIS_PROTOCOL_CONSULTATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::protocol {

enum class VoteChoice { kFor, kAgainst, kAbstain };
const char* VoteChoiceName(VoteChoice choice);  // "for", "against", "abstain"
std::optional<VoteChoice> ParseVoteChoice(std::string_view name);

struct VoteTally {
  uint64_t for_votes = 0, against = 0, abstain = 0;
};

struct ProposalDocument {
  std::string id;        // https://host/consultations/N/proposals/M
  std::string proposer;  // actor id
  std::string content;   // HTML, sanitised
  int64_t published = 0;
  VoteTally votes;
  uint64_t comments = 0;
};

struct ConsultationDocument {
  std::string id;  // https://host/consultations/N
  std::string organiser, followers;
  std::string title;
  std::string content;  // HTML, sanitised
  int64_t published = 0, updated = 0, deadline = 0;
  std::string participation;  // "anyone" or "members"
  bool open = true;           // false once closed
  std::vector<ProposalDocument> proposals;
};

// The Article, with the results of every proposal.
std::string ConsultationArticleJson(const ConsultationDocument& consultation);
// One proposal as a Note attributed to the organiser (whose node holds it),
// in reply to the consultation, naming its proposer.
std::string ProposalNoteJson(const ConsultationDocument& consultation, const ProposalDocument& proposal);
// kInvalidArgument when it is not a consultation or a member has the wrong type.
Result<ConsultationDocument> ReadConsultationArticle(const rapidjson::Value& article);

// Offer of a proposal, Vote on one.
std::string OfferProposalJson(std::string_view id, std::string_view actor, std::string_view consultation,
                              std::string_view organiser, std::string_view text);
std::string VoteActivityJson(std::string_view id, std::string_view actor, std::string_view proposal,
                             std::string_view organiser, VoteChoice choice);
// Accept (with `result`: the proposal's id, for an Offer) or Reject (with
// `summary`) of `answered`, embedded as received.
std::string ConsultationAnswerJson(std::string_view id, std::string_view organiser, std::string_view to,
                                   const rapidjson::Value& answered, bool accepted, std::string_view result);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_CONSULTATION_H_
