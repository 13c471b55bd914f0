// The transparency report (/about/transparency, docs/moderation.md): what
// moderation did over a period, computed from the records themselves
// (report_store.h) every time it is asked, never kept or edited by hand.
#ifndef PARVIS_SERVER_MODERATION_TRANSPARENCY_H_
#define PARVIS_SERVER_MODERATION_TRANSPARENCY_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/moderation/report_store.h"

namespace parvis::moderation {

struct TransparencyReport {
  int64_t from = 0;  // seconds, inclusive
  int64_t to = 0;    // seconds, exclusive
  // Reports received in the period (by their arrival), by category: [local, remote].
  std::map<protocol::ReportCategory, std::array<uint64_t, 2>> received;
  uint64_t received_total = 0;
  uint64_t forwarded = 0;          // local reports sent on to another server as a Flag
  uint64_t outcomes_received = 0;  // of those, answered by that server
  // Decisions made in the period, by action; and the time from report to decision.
  std::map<protocol::ModerationAction, uint64_t> actions;
  uint64_t decided = 0;
  int64_t median_seconds = 0;  // 0 when nothing was decided
  int64_t p90_seconds = 0;
  uint64_t open_at_end = 0;    // received by the end of the period, undecided then
  // Appeals filed in the period; answered in it (granted: the decision
  // lifted; rejected: kept); filed by its end and unanswered then.
  uint64_t appeals_filed = 0;
  uint64_t appeals_granted = 0;
  uint64_t appeals_rejected = 0;
  uint64_t appeals_open_at_end = 0;
  // Servers blocked by a moderator's decision and still blocked at the end
  // of the period (an appeal granted lifts a block).
  uint64_t domain_blocks_in_force = 0;
};

Result<TransparencyReport> BuildTransparencyReport(const ReportStore& reports, int64_t from, int64_t to);
// The report as JSON; `sections` are more members (name, JSON value) that
// other layers compute for the same period (orderings, labels, resources…).
std::string TransparencyJson(const TransparencyReport& report,
                             const std::vector<std::pair<std::string, std::string>>& sections = {});

}  // namespace parvis::moderation

#endif  // PARVIS_SERVER_MODERATION_TRANSPARENCY_H_
