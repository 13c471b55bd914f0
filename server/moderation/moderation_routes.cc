// The control routes of moderation_service.h.
#include <charconv>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "server/moderation/moderation_service.h"

namespace parvis::moderation {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Commands {
  ModerationService* service;
  accounts::AccountService* accounts;
};

std::string List(const std::vector<Report>& reports) {
  std::string body = "{\"reports\":[";
  for (size_t i = 0; i < reports.size(); ++i) body += (i ? "," : "") + ReportJson(reports[i]);
  return body + "]}";
}

boost::asio::awaitable<http::Response> File(Commands commands, http::Request& request) {
  const rapidjson::Value& json = request.json;
  std::optional<std::string> name = protocol::StringMember(json, "account");
  std::optional<std::string> target = protocol::StringMember(json, "target");
  std::optional<std::string> category = protocol::StringMember(json, "category");
  if (!name || !target || !category) {
    co_return http::Response::JsonError(400, "account, target and category are required strings");
  }
  ReportRequest report{.target = *target, .comment = protocol::StringMember(json, "comment").value_or("")};
  std::optional<protocol::ReportCategory> parsed = protocol::ParseReportCategory(*category);
  if (!parsed) {
    co_return http::Response::JsonError(
        400, "category must be illegal, harassment, hate, disinformation, spam, commercial or other");
  }
  report.category = *parsed;
  auto objects = json.FindMember("objects");
  if (objects != json.MemberEnd()) {
    if (!objects->value.IsArray()) co_return http::Response::JsonError(400, "objects must be an array of ids");
    for (const auto& object : objects->value.GetArray()) {
      if (!object.IsString()) co_return http::Response::JsonError(400, "objects must be an array of ids");
      report.objects.emplace_back(object.GetString(), object.GetStringLength());
    }
  }
  auto reveal = json.FindMember("reveal");
  if (reveal != json.MemberEnd()) {
    if (!reveal->value.IsBool()) co_return http::Response::JsonError(400, "reveal must be true or false");
    report.reveal = reveal->value.GetBool();
  }
  Result<std::optional<accounts::Account>> account = commands.accounts->FindByName(*name);
  if (!account) co_return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) co_return http::Response::JsonError(404, "no such account");
  Result<Report> filed = co_await commands.service->FileReport(**account, std::move(report));
  if (!filed) co_return http::Response::FromError(filed.error());
  co_return http::Response::Json(201, ReportJson(*filed));
}

http::Response ListReports(Commands commands, http::Request& request) {
  std::optional<std::string> name = request.QueryParam("account");
  if (name) {
    Result<std::optional<accounts::Account>> account = commands.accounts->FindByName(*name);
    if (!account) return http::Response::JsonError(503, "storage unavailable");
    if (!account->has_value()) return http::Response::JsonError(404, "no such account");
    Result<std::vector<Report>> filed = commands.service->reports().FiledBy((*account)->id);
    if (!filed) return http::Response::FromError(filed.error());
    return http::Response::Json(200, List(*filed));
  }
  Result<std::vector<Report>> reports = commands.service->reports().List(200);
  if (!reports) return http::Response::FromError(reports.error());
  return http::Response::Json(200, List(*reports));
}

boost::asio::awaitable<http::Response> Decide(Commands commands, http::Request& request) {
  const rapidjson::Value& json = request.json;
  auto report = json.IsObject() ? json.FindMember("report") : json.MemberEnd();
  std::optional<std::string> action = protocol::StringMember(json, "action");
  std::optional<std::string> reason = protocol::StringMember(json, "reason");
  std::optional<std::string> moderator = protocol::StringMember(json, "moderator");
  if (report == json.MemberEnd() || !report->value.IsUint64() || !action || !reason || !moderator ||
      moderator->empty()) {
    co_return http::Response::JsonError(400, "report (a number), action, reason and moderator are required");
  }
  std::optional<protocol::ModerationAction> parsed = protocol::ParseModerationAction(*action);
  if (!parsed) co_return http::Response::JsonError(400, "unknown action");
  std::optional<std::string> sector = protocol::StringMember(json, "sector");
  if (json.HasMember("sector") && !sector) co_return http::Response::JsonError(400, "sector must be a string");
  Result<Report> decided = co_await commands.service->Decide(report->value.GetUint64(), *parsed, *reason,
                                                             *moderator, sector.value_or(""));
  if (!decided) {
    if (decided.error().code == ErrorCode::kUnsupported) co_return http::Response::JsonError(501, decided.error().message);
    co_return http::Response::FromError(decided.error());
  }
  co_return http::Response::Json(200, ReportJson(*decided));
}

// The affected account (by name) appeals.
boost::asio::awaitable<http::Response> FileAppeal(Commands commands, http::Request& request) {
  const rapidjson::Value& json = request.json;
  auto report = json.IsObject() ? json.FindMember("report") : json.MemberEnd();
  std::optional<std::string> name = protocol::StringMember(json, "account");
  std::optional<std::string> text = protocol::StringMember(json, "text");
  if (report == json.MemberEnd() || !report->value.IsUint64() || !name || !text) {
    co_return http::Response::JsonError(400, "report (a number), account and text are required");
  }
  Result<std::optional<accounts::Account>> account = commands.accounts->FindByName(*name);
  if (!account) co_return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) co_return http::Response::JsonError(404, "no such account");
  std::string actor = commands.service->ActorOf(**account);
  Result<Report> appealed = co_await commands.service->Appeal(report->value.GetUint64(), actor, *text);
  if (!appealed) co_return http::Response::FromError(appealed.error());
  co_return http::Response::Json(200, ReportJson(*appealed));
}

boost::asio::awaitable<http::Response> DecideAppeal(Commands commands, http::Request& request) {
  const rapidjson::Value& json = request.json;
  auto report = json.IsObject() ? json.FindMember("report") : json.MemberEnd();
  auto uphold = json.IsObject() ? json.FindMember("uphold") : json.MemberEnd();
  std::optional<std::string> reason = protocol::StringMember(json, "reason");
  std::optional<std::string> moderator = protocol::StringMember(json, "moderator");
  if (report == json.MemberEnd() || !report->value.IsUint64() || uphold == json.MemberEnd() ||
      !uphold->value.IsBool() || !reason || !moderator || moderator->empty()) {
    co_return http::Response::JsonError(400, "report (a number), uphold (true or false), reason and moderator are required");
  }
  Result<Report> decided = co_await commands.service->DecideAppeal(report->value.GetUint64(), uphold->value.GetBool(),
                                                                   *reason, *moderator);
  if (!decided) co_return http::Response::FromError(decided.error());
  co_return http::Response::Json(200, ReportJson(*decided));
}

http::Response Audit(Commands commands) {
  Result<std::vector<AuditEntry>> entries = commands.service->reports().Audit();
  Result<bool> holds = commands.service->AuditChainHolds();
  if (!entries || !holds) return http::Response::JsonError(503, "storage unavailable");
  std::string body = "{\"chainHolds\":" + std::string(*holds ? "true" : "false") + ",\"entries\":[";
  for (size_t i = 0; i < entries->size(); ++i) body += (i ? "," : "") + AuditEntryJson((*entries)[i], true);
  return http::Response::Json(200, body + "]}");
}

}  // namespace

void AddModerationCommands(http::Router& control_router, ModerationService* service,
                           accounts::AccountService* accounts) {
  Commands commands{service, accounts};
  http::RouteOptions json{.json_body = true};
  control_router.AddAsync(
      "POST", "/control/reports", [commands](http::Request& request) { return File(commands, request); }, json);
  control_router.Add("GET", "/control/reports",
                     [commands](http::Request& request) { return ListReports(commands, request); });
  control_router.AddAsync(
      "POST", "/control/reports/decide", [commands](http::Request& request) { return Decide(commands, request); },
      json);
  control_router.AddAsync(
      "POST", "/control/reports/appeal", [commands](http::Request& request) { return FileAppeal(commands, request); },
      json);
  control_router.AddAsync(
      "POST", "/control/reports/appeal/decide",
      [commands](http::Request& request) { return DecideAppeal(commands, request); }, json);
  control_router.Add("GET", "/control/reports/audit", [commands](http::Request&) { return Audit(commands); });
}

}  // namespace parvis::moderation
