#include "server/pages/moderation_pages.h"

#include <charconv>

#include "parvis/protocol/timestamps.h"
#include "server/accounts/rules_store.h"
#include "server/annotations/annotation_store.h"
#include "server/civic/ordering_usage.h"
#include "server/footprint/resource_totals.h"
#include "server/moderation/transparency.h"
#include "server/pages/admin_pages.h"
#include "server/pages/web_forms.h"
#include "server/signals/signal_recorder.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using moderation::Report;
using protocol::ModerationAction;
using protocol::ReportCategory;

struct Pages {
  PagesContext context;
  moderation::ModerationService* service;
};

// Most reports the queue shows at once.
constexpr size_t kQueuePage = 100;

std::string CategoryLabel(const Visitor& visitor, ReportCategory category) {
  return T(visitor, std::string("report_category_") + protocol::ReportCategoryName(category));
}

std::string ActionLabel(const Visitor& visitor, ModerationAction action) { return ModerationActionLabel(visitor, action); }

mustache::data Categories(const Visitor& visitor, std::string_view chosen) {
  mustache::data list(mustache::data::type::list);
  for (ReportCategory category : protocol::kAllReportCategories) {
    mustache::data item;
    item.set("value", protocol::ReportCategoryName(category));
    item.set("label", CategoryLabel(visitor, category));
    if (chosen == protocol::ReportCategoryName(category)) item.set("chosen", true);
    list.push_back(std::move(item));
  }
  return list;
}

mustache::data DecisionData(const Visitor& visitor, const moderation::Decision& decision) {
  mustache::data data;
  data.set("action", ActionLabel(visitor, decision.action));
  data.set("reason", decision.reason);
  data.set("by", decision.moderator);
  data.set("date", protocol::FormatRfc3339Utc(decision.decided));
  return data;
}

mustache::data ReportData(const Visitor& visitor, const Report& report) {
  mustache::data data;
  data.set("id", std::to_string(report.id));
  data.set("target", report.target);
  mustache::data objects(mustache::data::type::list);
  for (const std::string& object : report.objects) objects.push_back(mustache::data(object));
  data.set("objects", objects);
  data.set("category", CategoryLabel(visitor, report.category));
  data.set("comment", report.comment);
  data.set("created", protocol::FormatRfc3339Utc(report.created));
  data.set("origin", T(visitor, report.origin == moderation::ReportOrigin::kLocal ? "report_origin_local"
                                                                                  : "report_origin_remote"));
  data.set("reporter", report.reporter_actor);
  if (!report.flag_out.empty()) data.set("forwarded", true);
  if (report.decision) {
    data.set("decision", DecisionData(visitor, *report.decision));
  } else {
    data.set("open", true);
  }
  if (report.outcome) data.set("outcome", DecisionData(visitor, *report.outcome));
  if (report.appeal) {
    mustache::data appeal;
    appeal.set("text", report.appeal->text);
    appeal.set("filed", protocol::FormatRfc3339Utc(report.appeal->filed));
    if (!report.appeal->upheld) {
      appeal.set("appeal_open", true);
    } else {
      appeal.set("status", T(visitor, *report.appeal->upheld ? "appeal_rejected" : "appeal_granted"));
      appeal.set("reason", report.appeal->reason);
      appeal.set("by", report.appeal->moderator);
      appeal.set("date", protocol::FormatRfc3339Utc(report.appeal->decided));
    }
    data.set("appeal", appeal);
  }
  return data;
}

http::Response ReportForm(const Pages& pages, const Visitor& visitor, const std::string& target,
                          const std::string& object, const Form& form, const std::string& error, int status) {
  mustache::data data;
  data.set("target", target);
  if (!object.empty()) data.set("object", object);
  data.set("categories", Categories(visitor, Field(form, "category")));
  data.set("comment", Field(form, "comment"));
  if (!error.empty()) data.set("error", error);
  return RenderPage(pages.context, visitor, "report", T(visitor, "report_title"), std::move(data), status);
}

http::Response ShowReportForm(const Pages& pages, const http::Request& request) {
  Visitor visitor = ReadVisitor(pages.context, request);
  if (!visitor.account) return Redirect("/login");
  std::string target = request.QueryParam("target").value_or("");
  if (target.empty()) return MessagePage(pages.context, visitor, 400, T(visitor, "error_title"), T(visitor, "report_error_target"));
  return ReportForm(pages, visitor, target, request.QueryParam("object").value_or(""), {}, "", 200);
}

boost::asio::awaitable<http::Response> FileReport(const Pages* pages, const http::Request& request) {
  Visitor visitor = ReadVisitor(pages->context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(pages->context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string target = Field(form, "target");
  std::string object = Field(form, "object");
  std::optional<ReportCategory> category = protocol::ParseReportCategory(Field(form, "category"));
  if (!category) co_return ReportForm(*pages, visitor, target, object, form, T(visitor, "report_error_category"), 400);
  moderation::ReportRequest report{.target = target, .category = *category, .comment = Field(form, "comment"),
                                   .reveal = Field(form, "reveal") == "on"};
  if (!object.empty()) report.objects.push_back(object);
  Result<Report> filed = co_await pages->service->FileReport(*visitor.account, std::move(report));
  if (!filed) {
    bool theirs = filed.error().code == ErrorCode::kInvalidArgument;
    co_return ReportForm(*pages, visitor, target, object, form,
                         theirs ? filed.error().message : T(visitor, "report_error_unavailable"), theirs ? 400 : 503);
  }
  co_return Redirect("/reports?filed=" + std::to_string(filed->id));
}

http::Response MyReports(const Pages& pages, const http::Request& request) {
  Visitor visitor = ReadVisitor(pages.context, request);
  if (!visitor.account) return Redirect("/login");
  Result<std::vector<Report>> filed = pages.service->reports().FiledBy(visitor.account->id);
  if (!filed) return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  mustache::data list(mustache::data::type::list);
  for (auto it = filed->rbegin(); it != filed->rend(); ++it) list.push_back(ReportData(visitor, *it));
  mustache::data data;
  data.set("reports", list);
  if (filed->empty()) data.set("none", true);
  if (request.QueryParam("filed")) data.set("notice", T(visitor, "report_filed"));
  return RenderPage(pages.context, visitor, "my_reports", T(visitor, "my_reports"), std::move(data));
}

http::Response Queue(const Pages& pages, const http::Request& request, const std::string& error = "",
                     int status = 200) {
  auto admin = ReadAdmin(pages.context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  std::string want_status = request.QueryParam("status").value_or("open");
  std::string want_category = request.QueryParam("category").value_or("");
  std::string want_origin = request.QueryParam("origin").value_or("");
  Result<std::vector<Report>> reports = pages.service->reports().List(1000);
  if (!reports) return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  mustache::data list(mustache::data::type::list);
  size_t shown = 0;
  for (const Report& report : *reports) {
    if (want_status == "open" && report.decision) continue;
    if (want_status == "decided" && !report.decision) continue;
    if (want_status == "appealed" && (!report.appeal || report.appeal->upheld)) continue;
    if (!want_category.empty() && want_category != protocol::ReportCategoryName(report.category)) continue;
    if (want_origin == "local" && report.origin != moderation::ReportOrigin::kLocal) continue;
    if (want_origin == "remote" && report.origin != moderation::ReportOrigin::kRemote) continue;
    if (++shown > kQueuePage) break;
    list.push_back(ReportData(visitor, report));
  }
  mustache::data actions(mustache::data::type::list);
  for (ModerationAction action :
       {ModerationAction::kDismiss, ModerationAction::kRemoveObject, ModerationAction::kMarkSensitive,
        ModerationAction::kLimitAccount, ModerationAction::kSuspendAccount, ModerationAction::kBlockDomain,
        ModerationAction::kReclassify}) {
    mustache::data item;
    item.set("value", protocol::ModerationActionName(action));
    item.set("label", ActionLabel(visitor, action));
    actions.push_back(std::move(item));
  }
  mustache::data data;
  data.set("reports", list);
  if (shown == 0) data.set("none", true);
  data.set("actions", actions);
  data.set("categories", Categories(visitor, want_category));
  for (const char* value : {"open", "decided", "appealed", "all"}) {
    if (want_status == value) data.set(std::string("status_") + value, true);
  }
  for (const char* value : {"local", "remote"}) {
    if (want_origin == value) data.set(std::string("origin_") + value, true);
  }
  if (request.QueryParam("decided")) data.set("notice", T(visitor, "moderation_decided"));
  if (request.QueryParam("appeal")) data.set("notice", T(visitor, "appeal_decided"));
  if (!error.empty()) data.set("error", error);
  return RenderPage(pages.context, visitor, "admin_reports", T(visitor, "moderation_queue"), std::move(data), status);
}

boost::asio::awaitable<http::Response> DecideReport(const Pages* pages, const http::Request& request) {
  auto admin = ReadAdminForm(pages->context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) co_return std::move(*refused);
  const Visitor& visitor = std::get<AdminForm>(admin).visitor;
  const Form& form = std::get<AdminForm>(admin).form;
  std::string id_text = Field(form, "report");
  uint64_t id = 0;
  auto [end, parsed] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  std::optional<ModerationAction> action = protocol::ParseModerationAction(Field(form, "action"));
  if (parsed != std::errc() || end != id_text.data() + id_text.size() || !action) {
    co_return Queue(*pages, request, T(visitor, "moderation_error_form"), 400);
  }
  Result<Report> decided =
      co_await pages->service->Decide(id, *action, Field(form, "reason"), visitor.account->name, Field(form, "sector"));
  if (!decided) {
    int status = http::StatusForErrorCode(decided.error().code);
    if (decided.error().code == ErrorCode::kUnsupported) status = 501;
    co_return Queue(*pages, request, decided.error().message, status);
  }
  co_return Redirect("/admin/reports?decided=" + std::to_string(id));
}

http::Response AuditLog(const Pages& pages, const http::Request& request) {
  auto admin = ReadAdmin(pages.context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  Result<std::vector<moderation::AuditEntry>> entries = pages.service->reports().Audit();
  Result<bool> holds = pages.service->AuditChainHolds();
  if (!entries || !holds) return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  mustache::data list(mustache::data::type::list);
  for (const moderation::AuditEntry& entry : *entries) {
    mustache::data item;
    item.set("sequence", std::to_string(entry.sequence));
    item.set("at", protocol::FormatRfc3339Utc(entry.at));
    item.set("moderator", entry.moderator);
    item.set("report", std::to_string(entry.report));
    item.set("action", entry.action);
    item.set("target", entry.target);
    item.set("reason", entry.reason);
    item.set("hash", entry.hash.substr(0, 16));
    list.push_back(std::move(item));
  }
  mustache::data data;
  data.set("entries", list);
  data.set(*holds ? "chain_holds" : "chain_broken", true);
  return RenderPage(pages.context, visitor, "admin_audit", T(visitor, "moderation_audit"), std::move(data));
}

// A date (YYYY-MM-DD) as seconds at its start, UTC.
std::optional<int64_t> Day(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  Result<int64_t> at = protocol::ParseRfc3339(text + "T00:00:00Z");
  return at ? std::optional<int64_t>(*at) : std::nullopt;
}

// GET /about/transparency[?from=YYYY-MM-DD&to=YYYY-MM-DD][&format=json]: the
// last 365 days by default; `to` is included.
http::Response Transparency(const Pages& pages, const http::Request& request) {
  Visitor visitor = ReadVisitor(pages.context, request);
  constexpr int64_t kDaySeconds = 24 * 3600;
  int64_t now = pages.context.now();
  int64_t to = now + 1;  // exclusive: this second counts
  int64_t from = now - 365 * kDaySeconds;
  std::optional<std::string> from_text = request.QueryParam("from");
  std::optional<std::string> to_text = request.QueryParam("to");
  bool json = request.QueryParam("format") == "json" ||
              request.Header("accept").value_or("").find("application/json") != std::string_view::npos;
  if (std::optional<http::Response> refused = LimitCostlyPage(pages.context, visitor, request, json)) {
    return std::move(*refused);
  }
  if (from_text || to_text) {
    std::optional<int64_t> start = from_text ? Day(*from_text) : std::optional<int64_t>(from);
    std::optional<int64_t> end = to_text ? Day(*to_text) : std::optional<int64_t>(now - now % kDaySeconds);
    if (!start || !end || *end < *start || *end - *start > 10 * 366 * kDaySeconds) {
      if (json) return http::Response::JsonError(400, "from and to must be dates (YYYY-MM-DD), from first, at most ten years apart");
      return MessagePage(pages.context, visitor, 400, T(visitor, "error_title"), T(visitor, "transparency_error_period"));
    }
    from = *start;
    to = *end + kDaySeconds;
  }
  Result<moderation::TransparencyReport> report =
      moderation::BuildTransparencyReport(pages.service->reports(), from, to);
  if (!report) {
    if (json) return http::Response::JsonError(503, "storage unavailable");
    return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  }
  Result<std::map<std::string, uint64_t>> orderings = civic::OrderingUsage::Count(*pages.context.store, from, to);
  if (!orderings) {
    if (json) return http::Response::JsonError(503, "storage unavailable");
    return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  }
  std::vector<std::pair<std::string, std::string>> sections;
  {
    std::string body = R"({"offered":["chronological","digest"],"default":"chronological","homePagesServed":{)";
    bool first = true;
    for (const auto& [name, count] : *orderings) {
      body += (first ? "\"" : ",\"") + name + "\":" + std::to_string(count);
      first = false;
    }
    sections.emplace_back("orderings", body + "}}");
    sections.emplace_back("domainBlocks", R"({"decidedInForce":)" + std::to_string(report->domain_blocks_in_force) +
                                              R"(,"configured":)" + std::to_string(pages.context.config->blocklist.size()) + "}");
  }
  Result<signals::LabelCounts> labels = signals::CountLabelsIssued(*pages.context.store, from, to);
  Result<footprint::ResourceTotals> resources = footprint::SumResources(*pages.context.store, from, to);
  Result<uint64_t> notes = annotations::CountContextNotes(*pages.context.store, from, to);
  Result<uint64_t> replies = annotations::CountRightsOfReply(*pages.context.store, from, to);
  Result<uint64_t> rules_versions = accounts::CountRulesVersionsPublished(*pages.context.store, from, to);
  if (!labels || !resources || !notes || !replies || !rules_versions) {
    if (json) return http::Response::JsonError(503, "storage unavailable");
    return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  }
  {
    std::string by_signal;
    for (const auto& [signal, count] : labels->by_signal) {
      by_signal += (by_signal.empty() ? "\"" : ",\"") + signal + "\":" + std::to_string(count);
    }
    sections.emplace_back("amplificationLabels",
                          R"({"issued":)" + std::to_string(labels->total) + R"(,"bySignal":{)" + by_signal + "}}");
    sections.emplace_back("contextNotes", R"({"attached":)" + std::to_string(*notes) + R"(,"rightsOfReply":)" +
                                              std::to_string(*replies) + "}");
    sections.emplace_back("rules", R"({"versionsPublished":)" + std::to_string(*rules_versions) + "}");
    char energy[256];
    std::snprintf(energy, sizeof energy,
                  R"({"cpuSeconds":%.3f,"bytesIn":%llu,"bytesOut":%llu,"deliveries":%llu,"peakResidentBytes":%llu,)"
                  R"("storageBytes":%llu,"kWh":%.6f,"gCO2e":%.3f})",
                  resources->cpu_seconds, static_cast<unsigned long long>(resources->bytes_in),
                  static_cast<unsigned long long>(resources->bytes_out),
                  static_cast<unsigned long long>(resources->deliveries),
                  static_cast<unsigned long long>(resources->peak_rss_bytes),
                  static_cast<unsigned long long>(resources->storage_bytes), resources->kwh, resources->grams);
    sections.emplace_back("resources", energy);
  }
  if (json) return http::Response::Json(200, moderation::TransparencyJson(*report, sections));
  mustache::data data;
  data.set("blocks_in_force", std::to_string(report->domain_blocks_in_force));
  data.set("blocks_configured", std::to_string(pages.context.config->blocklist.size()));
  data.set("appeals_filed", std::to_string(report->appeals_filed));
  data.set("appeals_granted", std::to_string(report->appeals_granted));
  data.set("appeals_rejected", std::to_string(report->appeals_rejected));
  data.set("appeals_open", std::to_string(report->appeals_open_at_end));
  mustache::data ordering_rows(mustache::data::type::list);
  for (const auto& [name, count] : *orderings) {
    mustache::data row;
    row.set("name", name);
    if (name == "chronological") row.set("default", true);
    row.set("count", std::to_string(count));
    ordering_rows.push_back(std::move(row));
  }
  data.set("orderings", ordering_rows);
  data.set("labels_issued", std::to_string(labels->total));
  mustache::data label_rows(mustache::data::type::list);
  for (const auto& [signal, count] : labels->by_signal) {
    mustache::data row;
    row.set("signal", T(visitor, "transparency_signal_" + signal));
    row.set("count", std::to_string(count));
    label_rows.push_back(std::move(row));
  }
  data.set("label_signals", label_rows);
  data.set("context_notes", std::to_string(*notes));
  data.set("rights_of_reply", std::to_string(*replies));
  data.set("rules_versions", std::to_string(*rules_versions));
  data.set("cpu_seconds", std::to_string(static_cast<int64_t>(resources->cpu_seconds)));
  data.set("bytes_in", std::to_string(resources->bytes_in));
  data.set("bytes_out", std::to_string(resources->bytes_out));
  data.set("deliveries", std::to_string(resources->deliveries));
  data.set("peak_rss_mb", std::to_string(resources->peak_rss_bytes / (1024 * 1024)));
  data.set("storage_mb", std::to_string(resources->storage_bytes / (1024 * 1024)));
  {
    char energy[64];
    std::snprintf(energy, sizeof energy, "%.4f kWh · %.2f gCO2e", resources->kwh, resources->grams);
    data.set("energy", std::string(energy));
  }
  data.set("from", protocol::FormatRfc3339Utc(from).substr(0, 10));
  data.set("to", protocol::FormatRfc3339Utc(to - 1).substr(0, 10));
  data.set("received", std::to_string(report->received_total));
  mustache::data categories(mustache::data::type::list);
  for (const auto& [category, counts] : report->received) {
    mustache::data row;
    row.set("label", CategoryLabel(visitor, category));
    row.set("local", std::to_string(counts[0]));
    row.set("remote", std::to_string(counts[1]));
    categories.push_back(std::move(row));
  }
  data.set("categories", categories);
  mustache::data actions(mustache::data::type::list);
  for (const auto& [action, count] : report->actions) {
    mustache::data row;
    row.set("label", ActionLabel(visitor, action));
    row.set("count", std::to_string(count));
    actions.push_back(std::move(row));
  }
  data.set("actions", actions);
  data.set("decided", std::to_string(report->decided));
  data.set("median", std::to_string(report->median_seconds / 3600) + " h " + std::to_string(report->median_seconds % 3600 / 60) + " min");
  data.set("p90", std::to_string(report->p90_seconds / 3600) + " h " + std::to_string(report->p90_seconds % 3600 / 60) + " min");
  data.set("forwarded", std::to_string(report->forwarded));
  data.set("outcomes", std::to_string(report->outcomes_received));
  data.set("open_at_end", std::to_string(report->open_at_end));
  data.set("json_url", "/about/transparency?from=" + protocol::FormatRfc3339Utc(from).substr(0, 10) + "&to=" + protocol::FormatRfc3339Utc(to - 1).substr(0, 10) + "&format=json");
  return RenderPage(pages.context, visitor, "transparency", T(visitor, "transparency_title"), std::move(data));
}

}  // namespace

std::string ModerationActionLabel(const Visitor& visitor, ModerationAction action) {
  std::string key = std::string("moderation_action_") + protocol::ModerationActionName(action);
  for (char& c : key) {
    if (c == '-') c = '_';
  }
  return T(visitor, key);
}

void AddModerationPages(http::Router& router, const PagesContext& context, moderation::ModerationService* service) {
  auto pages = std::make_shared<Pages>(Pages{context, service});
  router.Add("GET", "/report", [pages](http::Request& request) { return ShowReportForm(*pages, request); });
  router.AddAsync("POST", "/report", [pages](http::Request& request) { return FileReport(pages.get(), request); });
  router.Add("GET", "/reports", [pages](http::Request& request) { return MyReports(*pages, request); });
  router.Add("GET", "/admin/reports", [pages](http::Request& request) { return Queue(*pages, request); });
  router.AddAsync("POST", "/admin/reports/decide",
                  [pages](http::Request& request) { return DecideReport(pages.get(), request); });
  router.Add("GET", "/admin/reports/audit", [pages](http::Request& request) { return AuditLog(*pages, request); });
  router.Add("GET", "/about/transparency", [pages](http::Request& request) { return Transparency(*pages, request); });
}

}  // namespace parvis::pages
