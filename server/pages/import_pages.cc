#include "server/pages/import_pages.h"

#include <kainjow/mustache.hpp>

#include "parvis/protocol/import_formats.h"
#include "server/pages/multipart_form.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using protocol::ImportList;

std::string ListLabel(const Visitor& visitor, ImportList list) {
  std::string key = std::string("import_list_") + protocol::ImportListName(list);
  for (char& c : key) {
    if (c == '-') c = '_';
  }
  return T(visitor, key);
}

void AddFailures(mustache::data& failures, const std::vector<federation::ImportFailure>& listed,
                 const std::string& prefix) {
  for (const federation::ImportFailure& failure : listed) {
    mustache::data row;
    row.set("item", prefix + failure.item);
    row.set("reason", failure.reason);
    failures.push_back(std::move(row));
  }
}

mustache::data JobData(const Visitor& visitor, const federation::ImportJob& job) {
  mustache::data data;
  data.set("running", job.running);
  data.set("file_name", job.file_name);
  if (job.error) data.set("job_error", job.error->message);
  if (!job.report) return data;
  const federation::ImportReport& report = *job.report;
  data.set("has_report", true);
  mustache::data failures(mustache::data::type::list);
  if (report.history) {
    const federation::ImportHistoryReport& history = *report.history;
    mustache::data posts;
    posts.set("kept", std::to_string(history.kept));
    posts.set("already", std::to_string(history.already));
    posts.set("failed", std::to_string(history.failed));
    posts.set("boosts", std::to_string(history.boosts));
    posts.set("direct", std::to_string(history.direct));
    posts.set("attachments", std::to_string(history.attachments));
    data.set("posts", posts);
    AddFailures(failures, history.failures, "outbox.json ");
  }
  mustache::data lists(mustache::data::type::list);
  for (const auto& [list, outcome] : report.lists) {
    mustache::data row;
    row.set("label", ListLabel(visitor, list));
    row.set("done", std::to_string(outcome.done));
    row.set("already", std::to_string(outcome.already));
    row.set("failed", std::to_string(outcome.failed));
    lists.push_back(std::move(row));
    AddFailures(failures, outcome.failures, "");
  }
  data.set("lists", lists);
  data.set("has_failures", !failures.is_empty_list());
  data.set("failures", failures);
  return data;
}

std::string LimitText(const PagesContext& context, const Visitor& visitor) {
  uint64_t bytes = context.config->limits.body_bytes;
  std::string size = bytes >= (1 << 20) ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes >> 10) + " KiB";
  return T(visitor, "import_limit") + " " + size + ".";
}

http::Response ShowPage(const PagesContext& context, federation::ImportJobs* jobs, const Visitor& visitor,
                        std::string error = "", int status = 200) {
  mustache::data data;
  if (std::optional<federation::ImportJob> job = jobs->Last(visitor.account->id)) {
    data.set("job", JobData(visitor, *job));
  }
  if (!error.empty()) data.set("error", error);
  data.set("limit_text", LimitText(context, visitor));
  return RenderPage(context, visitor, "import", T(visitor, "import_title"), std::move(data), status);
}

boost::asio::awaitable<http::Response> StartImport(const PagesContext& context, federation::ImportJobs* jobs,
                                                   const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) co_return Redirect("/login");
  Result<MultipartForm> form = ParseMultipartForm(request.Header("content-type").value_or(""), request.body);
  if (!form) co_return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  if (!PassesCsrf(request, form->fields, context.config->base_url)) {
    co_return MessagePage(context, visitor, 403, T(visitor, "error_title"), T(visitor, "error_csrf"));
  }
  auto file = form->files.find("file");
  if (file == form->files.end() || file->second.bytes.empty()) {
    co_return ShowPage(context, jobs, visitor, T(visitor, "import_error_file"), 400);
  }
  federation::ImportInput input;
  input.file_name = file->second.filename;
  input.bytes = std::move(file->second.bytes);
  const std::string& list = form->fields["list"];
  if (!list.empty()) {
    input.list = protocol::ParseImportListName(list);
    if (!input.list) co_return ShowPage(context, jobs, visitor, T(visitor, "import_error_list"), 400);
  }
  Status started = co_await jobs->Start(*visitor.account, std::move(input));
  if (!started) co_return ShowPage(context, jobs, visitor, T(visitor, "import_error_busy"), 409);
  co_return Redirect("/settings/import");
}

}  // namespace

void AddImportPages(http::Router& router, const PagesContext& context, federation::ImportJobs* jobs) {
  router.Add("GET", "/settings/import", [context, jobs](http::Request& request) {
    Visitor visitor = ReadVisitor(context, request);
    if (!visitor.account) return Redirect("/login");
    return ShowPage(context, jobs, visitor);
  });
  router.AddAsync("POST", "/settings/import",
                  [context, jobs](http::Request& request) { return StartImport(context, jobs, request); });
}

}  // namespace parvis::pages
