#include "server/moderation/transparency.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/timestamps.h"

namespace parvis::moderation {
namespace {

// Reports read at most (the oldest beyond are left out, and the report says
// nothing it cannot count: the node keeps far fewer on any real instance).
constexpr size_t kMaxReports = 1000000;

// The nearest-rank percentile `p` (0-100] of sorted `values`.
int64_t Percentile(const std::vector<int64_t>& sorted, int p) {
  if (sorted.empty()) return 0;
  size_t rank = (static_cast<size_t>(p) * sorted.size() + 99) / 100;
  return sorted[std::max<size_t>(rank, 1) - 1];
}

}  // namespace

Result<TransparencyReport> BuildTransparencyReport(const ReportStore& reports, int64_t from, int64_t to) {
  Result<std::vector<Report>> all = reports.List(kMaxReports);
  if (!all) return std::unexpected(all.error());
  TransparencyReport out;
  out.from = from;
  out.to = to;
  for (protocol::ReportCategory category : protocol::kAllReportCategories) out.received[category] = {0, 0};
  std::vector<int64_t> delays;
  for (const Report& report : *all) {
    if (report.created >= from && report.created < to) {
      out.received[report.category][report.origin == ReportOrigin::kLocal ? 0 : 1]++;
      ++out.received_total;
      if (!report.flag_out.empty()) {
        ++out.forwarded;
        if (report.outcome) ++out.outcomes_received;
      }
    }
    if (report.decision && report.decision->decided >= from && report.decision->decided < to) {
      ++out.actions[report.decision->action];
      ++out.decided;
      delays.push_back(std::max<int64_t>(0, report.decision->decided - report.created));
    }
    bool received_by_end = report.created < to;
    bool decided_by_end = report.decision && report.decision->decided < to;
    if (received_by_end && !decided_by_end) ++out.open_at_end;
    if (const std::optional<Appeal>& appeal = report.appeal) {
      if (appeal->filed >= from && appeal->filed < to) ++out.appeals_filed;
      bool answered = appeal->upheld.has_value();
      if (answered && appeal->decided >= from && appeal->decided < to) {
        ++(*appeal->upheld ? out.appeals_rejected : out.appeals_granted);
      }
      if (appeal->filed < to && !(answered && appeal->decided < to)) ++out.appeals_open_at_end;
    }
    if (decided_by_end && report.decision->action == protocol::ModerationAction::kBlockDomain) {
      bool lifted = report.appeal && report.appeal->upheld == false && report.appeal->decided < to;
      if (!lifted) ++out.domain_blocks_in_force;
    }
  }
  std::sort(delays.begin(), delays.end());
  out.median_seconds = Percentile(delays, 50);
  out.p90_seconds = Percentile(delays, 90);
  return out;
}

std::string TransparencyJson(const TransparencyReport& report,
                             const std::vector<std::pair<std::string, std::string>>& sections) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("from");
  writer.String(protocol::FormatRfc3339Utc(report.from).c_str());
  writer.Key("to");
  writer.String(protocol::FormatRfc3339Utc(report.to).c_str());
  writer.Key("reports");
  writer.StartObject();
  writer.Key("received");
  writer.Uint64(report.received_total);
  writer.Key("byCategory");
  writer.StartObject();
  for (const auto& [category, counts] : report.received) {
    writer.Key(protocol::ReportCategoryName(category));
    writer.StartObject();
    writer.Key("local");
    writer.Uint64(counts[0]);
    writer.Key("remote");
    writer.Uint64(counts[1]);
    writer.EndObject();
  }
  writer.EndObject();
  writer.Key("forwarded");
  writer.Uint64(report.forwarded);
  writer.Key("outcomesReceived");
  writer.Uint64(report.outcomes_received);
  writer.Key("openAtEnd");
  writer.Uint64(report.open_at_end);
  writer.EndObject();
  writer.Key("decisions");
  writer.StartObject();
  writer.Key("total");
  writer.Uint64(report.decided);
  writer.Key("byAction");
  writer.StartObject();
  for (const auto& [action, count] : report.actions) {
    writer.Key(protocol::ModerationActionName(action));
    writer.Uint64(count);
  }
  writer.EndObject();
  writer.Key("medianSecondsToDecision");
  writer.Int64(report.median_seconds);
  writer.Key("p90SecondsToDecision");
  writer.Int64(report.p90_seconds);
  writer.Key("domainBlocksInForce");
  writer.Uint64(report.domain_blocks_in_force);
  writer.EndObject();
  writer.Key("appeals");
  writer.StartObject();
  writer.Key("filed");
  writer.Uint64(report.appeals_filed);
  writer.Key("granted");
  writer.Uint64(report.appeals_granted);
  writer.Key("rejected");
  writer.Uint64(report.appeals_rejected);
  writer.Key("openAtEnd");
  writer.Uint64(report.appeals_open_at_end);
  writer.EndObject();
  for (const auto& [name, json] : sections) {
    writer.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    writer.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace parvis::moderation
