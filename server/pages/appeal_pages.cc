#include "server/pages/appeal_pages.h"

#include <charconv>

#include "parvis/protocol/timestamps.h"
#include "server/federation/actor_urls.h"
#include "server/moderation/moderation_service.h"
#include "server/pages/account_pages.h"
#include "server/pages/admin_pages.h"
#include "server/pages/moderation_pages.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using moderation::Report;

struct Pages {
  PagesContext context;
  moderation::ModerationService* service;
};

std::optional<uint64_t> Number(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string ActorOf(const PagesContext& context, const accounts::Account& account) {
  return federation::ActorUrls(context.config->base_url).Actor(account.name);
}

// The page of a decision about `report.target`, with the appeal or its form.
http::Response AppealPage(const PagesContext& context, const Visitor& visitor, const Report& report,
                          mustache::data data, int status = 200) {
  const moderation::Decision& decision = *report.decision;
  data.set("action", ModerationActionLabel(visitor, decision.action));
  data.set("reason", decision.reason);
  data.set("date", protocol::FormatRfc3339Utc(decision.decided));
  mustache::data objects(mustache::data::type::list);
  for (const std::string& object : report.objects) objects.push_back(mustache::data(object));
  data.set("objects", objects);
  if (report.appeal) {
    mustache::data appeal;
    appeal.set("text", report.appeal->text);
    appeal.set("filed", protocol::FormatRfc3339Utc(report.appeal->filed));
    if (report.appeal->upheld) {
      appeal.set("status", T(visitor, *report.appeal->upheld ? "appeal_rejected" : "appeal_granted"));
      appeal.set("reason", report.appeal->reason);
      appeal.set("date", protocol::FormatRfc3339Utc(report.appeal->decided));
    }
    data.set("appeal", appeal);
  } else {
    data.set("can_appeal", true);
  }
  return RenderPage(context, visitor, "appeal", T(visitor, "appeal_page_title"), std::move(data), status);
}

// The report numbered by the route, when it decided about the visitor.
std::variant<Report, http::Response> VisitorsDecision(const Pages& pages, const Visitor& visitor,
                                                      const http::Request& request) {
  std::optional<uint64_t> id = Number(request.params.at("n"));
  if (!id) return MessagePage(pages.context, visitor, 400, T(visitor, "error_title"), T(visitor, "appeal_error_number"));
  Result<std::optional<Report>> report = pages.service->reports().Get(*id);
  if (!report) return MessagePage(pages.context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  // Someone else's reports are as absent as unknown ones.
  if (!report->has_value() || (**report).target != ActorOf(pages.context, *visitor.account) ||
      !(**report).decision || !moderation::Appealable(*(**report).decision)) {
    return MessagePage(pages.context, visitor, 404, T(visitor, "error_title"), T(visitor, "appeal_error_none"));
  }
  return std::move(**report);
}

http::Response ShowAppeal(const Pages& pages, const http::Request& request) {
  Visitor visitor = ReadVisitor(pages.context, request);
  if (!visitor.account) return Redirect("/login");
  auto found = VisitorsDecision(pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&found)) return std::move(*refused);
  const Report& report = std::get<Report>(found);
  mustache::data data;
  data.set("action_url", "/appeals/" + std::to_string(report.id));
  if (request.QueryParam("filed")) data.set("notice", T(visitor, "appeal_filed"));
  return AppealPage(pages.context, visitor, report, std::move(data));
}

boost::asio::awaitable<http::Response> FileAppeal(const Pages* pages, const http::Request& request) {
  Visitor visitor = ReadVisitor(pages->context, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(pages->context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  auto found = VisitorsDecision(*pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&found)) co_return std::move(*refused);
  const Report& report = std::get<Report>(found);
  Result<Report> appealed =
      co_await pages->service->Appeal(report.id, ActorOf(pages->context, *visitor.account), Field(form, "text"));
  if (!appealed) {
    mustache::data data;
    data.set("action_url", "/appeals/" + std::to_string(report.id));
    data.set("error", appealed.error().code == ErrorCode::kAlreadyExists ? T(visitor, "appeal_error_twice")
                                                                        : T(visitor, "appeal_error_text"));
    co_return AppealPage(pages->context, visitor, report, std::move(data), http::StatusForErrorCode(appealed.error().code));
  }
  co_return Redirect("/appeals/" + std::to_string(report.id) + "?filed=1");
}

// A suspended account, which cannot sign in, proves who it is with its
// password again; the same limits as the sign-in form apply.
boost::asio::awaitable<http::Response> FileSuspendedAppeal(const Pages* pages, const http::Request& request) {
  const PagesContext& context = pages->context;
  Visitor visitor = ReadVisitor(context, request);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string name = Field(form, "name");
  std::string name_key = "login/" + name.substr(0, 64);
  for (char& c : name_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int64_t now = context.now();
  int64_t wait = std::max(context.limiter->Attempt(name_key, kLoginPerName, now),
                          context.limiter->Attempt("login-client/" + request.client, kLoginPerClient, now));
  if (wait > 0) {
    http::Response response = MessagePage(context, visitor, 429, T(visitor, "error_title"), T(visitor, "error_rate"));
    response.headers.emplace_back("Retry-After", std::to_string(wait));
    co_return response;
  }
  std::optional<accounts::Account> account;
  if (accounts::ValidateAccountName(name)) {
    Result<std::optional<accounts::Account>> found = context.accounts->FindByName(name);
    if (!found) co_return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
    if (found->has_value()) account = **found;
  }
  Result<bool> matches = account ? context.accounts->CheckPassword(*account, Field(form, "password")) : false;
  if (!matches) co_return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  if (!*matches) co_return MessagePage(context, visitor, 401, T(visitor, "error_title"), T(visitor, "error_login"));
  context.limiter->Reset(name_key);  // as a sign-in that succeeds
  Result<std::optional<Report>> suspension = moderation::SuspensionOf(*context.store, ActorOf(context, *account));
  if (!suspension) co_return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  if (!suspension->has_value() || std::to_string((**suspension).id) != Field(form, "report")) {
    co_return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "appeal_error_none"));
  }
  Result<Report> appealed =
      co_await pages->service->Appeal((**suspension).id, ActorOf(context, *account), Field(form, "text"));
  if (!appealed) {
    co_return MessagePage(context, visitor, http::StatusForErrorCode(appealed.error().code), T(visitor, "error_title"),
                          appealed.error().code == ErrorCode::kAlreadyExists ? T(visitor, "appeal_error_twice")
                                                                             : T(visitor, "appeal_error_text"));
  }
  co_return MessagePage(context, visitor, 200, T(visitor, "appeal_page_title"), T(visitor, "appeal_filed"));
}

boost::asio::awaitable<http::Response> DecideAppeal(const Pages* pages, const http::Request& request) {
  auto admin = ReadAdminForm(pages->context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) co_return std::move(*refused);
  const Visitor& visitor = std::get<AdminForm>(admin).visitor;
  const Form& form = std::get<AdminForm>(admin).form;
  std::optional<uint64_t> id = Number(Field(form, "report"));
  std::string outcome = Field(form, "outcome");
  if (!id || (outcome != "uphold" && outcome != "overturn")) {
    co_return MessagePage(pages->context, visitor, 400, T(visitor, "error_title"), T(visitor, "moderation_error_form"));
  }
  Result<Report> decided =
      co_await pages->service->DecideAppeal(*id, outcome == "uphold", Field(form, "reason"), visitor.account->name);
  if (!decided) {
    co_return MessagePage(pages->context, visitor, http::StatusForErrorCode(decided.error().code),
                          T(visitor, "error_title"), decided.error().message);
  }
  co_return Redirect("/admin/reports?status=all&appeal=" + std::to_string(*id));
}

}  // namespace

http::Response SuspendedPage(const PagesContext& context, const Visitor& visitor, const accounts::Account& account) {
  Result<std::optional<Report>> suspension = moderation::SuspensionOf(*context.store, ActorOf(context, account));
  if (!suspension) return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  if (!suspension->has_value() || !(**suspension).decision) {
    return MessagePage(context, visitor, 403, T(visitor, "error_title"), T(visitor, "account_suspended"));
  }
  mustache::data data;
  data.set("suspended", true);
  data.set("name", account.name);
  data.set("report", std::to_string((**suspension).id));
  data.set("action_url", "/appeals/suspended");
  return AppealPage(context, visitor, **suspension, std::move(data), 403);
}

void AddAppealPages(http::Router& router, const PagesContext& context, moderation::ModerationService* service) {
  auto pages = std::make_shared<Pages>(Pages{context, service});
  router.Add("GET", "/appeals/{n}", [pages](http::Request& request) { return ShowAppeal(*pages, request); });
  router.AddAsync("POST", "/appeals/suspended",
                  [pages](http::Request& request) { return FileSuspendedAppeal(pages.get(), request); });
  router.AddAsync("POST", "/appeals/{n}", [pages](http::Request& request) { return FileAppeal(pages.get(), request); });
  router.AddAsync("POST", "/admin/reports/appeal",
                  [pages](http::Request& request) { return DecideAppeal(pages.get(), request); });
}

}  // namespace parvis::pages
