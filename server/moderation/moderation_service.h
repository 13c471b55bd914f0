// Reports and what moderators decide about them (docs/moderation.md).
//
//   - A local account reports an actor and some of its posts, local or
//     remote, with a category and a comment. A report about another
//     server's content is also forwarded there as a `Flag`, from the node's
//     instance actor unless the reporter chose to be named.
//   - A `Flag` received about this node's accounts or posts becomes a report
//     (once per Flag id).
//   - A moderator decides once per report, with a reason; each decision is
//     appended to the audit log (report_store.h) and takes effect here. When
//     the report came from another server, the decision goes back to it as
//     `Accept` or `Reject` of its Flag; a decision received for a report
//     this node forwarded is kept as that report's outcome.
//
// Control routes (AddModerationCommands):
//   POST /control/reports         {"account","target","objects"?,"category","comment"?,"reveal"?}
//                                 -> 201 the report
//   GET  /control/reports[?account=NAME]  newest first; NAME: the reports that account filed
//   POST /control/reports/decide  {"report","action","reason","moderator","sector"?} -> 200 the report
//   POST /control/reports/appeal  {"report","text","account"}  the affected account appeals -> 200
//   POST /control/reports/appeal/decide {"report","uphold","reason","moderator"} -> 200 the report
//   GET  /control/reports/audit   the audit log, oldest first, and whether its chain holds
//
// The affected person is told of a decision: an account of this node by a
// notification, another server's account by a direct note from the
// instance actor, whose reply is its appeal. Each decision may be appealed
// once; an appeal that is upheld overturns it (moderation_actions.cc says
// what can be undone).
#ifndef PARVIS_SERVER_MODERATION_MODERATION_SERVICE_H_
#define PARVIS_SERVER_MODERATION_MODERATION_SERVICE_H_

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "parvis/config.h"
#include "server/accounts/account_service.h"
#include "server/federation/activity_extension.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/domain_policy.h"
#include "server/federation/post_service.h"
#include "server/http/router.h"
#include "server/moderation/report_store.h"

namespace parvis::civic {
class SectorService;
}

namespace parvis::moderation {

struct ModerationContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  federation::ActorDirectory* directory;
  federation::DeliveryQueue* deliveries;
  federation::PostService* posts;
  federation::DomainPolicy* policy;  // suspensions and blocked servers take effect there
  std::function<int64_t()> now;
  civic::SectorService* sectors = nullptr;  // reclassify; unset: the action is refused
};

// Content warning put on a post marked sensitive that had none.
inline constexpr std::string_view kSensitiveWarning = "Sensitive content (marked by the moderators)";

struct ReportRequest {
  std::string target;                // the reported actor's id
  std::vector<std::string> objects;  // its posts, by id
  protocol::ReportCategory category = protocol::ReportCategory::kOther;
  std::string comment;
  bool reveal = false;   // named in the forwarded Flag (else the instance actor is)
  bool forward = true;   // forward to the target's server when it is another
};

// Longest moderator's reason.
inline constexpr size_t kMaxReason = 1000;

class ModerationService : public federation::ActivityExtension {
 public:
  explicit ModerationService(ModerationContext context) : context_(std::move(context)), reports_(*context_.store) {}

  boost::asio::awaitable<Result<Report>> FileReport(const accounts::Account& reporter, ReportRequest request);
  // `sector` is the new sector of a reclassification ("civic" or "commercial").
  boost::asio::awaitable<Result<Report>> Decide(uint64_t report, protocol::ModerationAction action,
                                                std::string reason, std::string moderator,
                                                std::string sector = "");
  // The affected actor (`appellant`) appeals the report's decision, once.
  boost::asio::awaitable<Result<Report>> Appeal(uint64_t report, const std::string& appellant, std::string text);
  // A moderator keeps (`uphold`) or overturns the decision appealed.
  boost::asio::awaitable<Result<Report>> DecideAppeal(uint64_t report, bool uphold, std::string reason,
                                                      std::string moderator);

  // Flags and decisions received.
  boost::asio::awaitable<federation::ExtensionOutcome> Act(const rapidjson::Value& activity,
                                                           const protocol::ActivityEnvelope& envelope,
                                                           storage::Batch& batch) override;

  // Sets the suspensions and server blocks decided before on the policy
  // (at start-up).
  Status LoadDecisions();

  const ReportStore& reports() const { return reports_; }
  // The actor id of a local account.
  std::string ActorOf(const accounts::Account& account) const;
  // Whether every audit entry's `previous` is the hash of the one before and
  // its `hash` that of itself.
  Result<bool> AuditChainHolds() const;

 private:
  boost::asio::awaitable<federation::ExtensionOutcome> ReceiveFlag(const rapidjson::Value& activity,
                                                                   const protocol::ActivityEnvelope& envelope);
  boost::asio::awaitable<federation::ExtensionOutcome> ReceiveDecision(const protocol::ModerationDecision& decision,
                                                                       const protocol::ActivityEnvelope& envelope);
  boost::asio::awaitable<federation::ExtensionOutcome> ReceiveAppeal(const rapidjson::Value& activity,
                                                                     const protocol::ActivityEnvelope& envelope);
  // Makes the decision take effect; fills what undoing it needs.
  boost::asio::awaitable<Status> Apply(const Report& report, Decision& decision);
  // Undoes what can be undone of the report's decision (an appeal upheld).
  boost::asio::awaitable<Status> Reverse(const Report& report);
  boost::asio::awaitable<Status> SetSensitive(const std::string& object_id, bool sensitive,
                                              const std::string& summary_before, Decision* decision);
  Status RemoveFollowsWith(const std::string& host);
  Status SendActorDelete(const accounts::Account& account);
  // Tells the person the decision concerns (after Decide), and the reporter.
  boost::asio::awaitable<Status> TellDecision(Report& report);
  boost::asio::awaitable<Status> TellAppealOutcome(const Report& report);
  // A direct note from the instance actor to `actor`; its id.
  boost::asio::awaitable<Result<std::string>> SendNotice(const std::string& actor, const std::string& text,
                                                         const std::string& in_reply_to);
  // Adds "<base>/reports/N#event" to the local account's notifications.
  Status Notify(storage::AccountId account, uint64_t report, std::string_view event);

  ModerationContext context_;
  ReportStore reports_;
  std::mutex decide_mutex_;  // one decision at a time: the audit chain and "once per report"
};

void AddModerationCommands(http::Router& control_router, ModerationService* service,
                           accounts::AccountService* accounts);

// The decision in force against `actor` by a suspension (for the login
// page of a suspended account): its report, if any.
Result<std::optional<Report>> SuspensionOf(storage::Store& store, const std::string& actor);

// Whether a decision concerns a person, who is told of it and may appeal:
// every action but a dismissal, and a server block (which concerns a
// whole server).
bool Appealable(const Decision& decision);

// The report as JSON (control routes, pages).
std::string ReportJson(const Report& report);

}  // namespace parvis::moderation

#endif  // PARVIS_SERVER_MODERATION_MODERATION_SERVICE_H_
