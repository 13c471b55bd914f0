#include "server/pages/rules_pages.h"

#include <charconv>

#include "parvis/protocol/timestamps.h"
#include "server/pages/admin_pages.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using accounts::RulesDocument;
using accounts::RulesStore;
using accounts::RulesVersion;

// The store, with the rules of the node settings adopted as version 1 if
// they were never versioned.
RulesStore OpenRules(const PagesContext& context) {
  RulesStore rules(*context.store, context.now);
  (void)accounts::AdoptSettingsRules(rules, *context.store, *context.config);
  return rules;
}

std::string Heading(const Visitor& visitor, RulesDocument document) {
  return T(visitor, document == RulesDocument::kTerms ? "terms_title" : "rules_title");
}

bool WantsJson(const http::Request& request) {
  return request.QueryParam("format") == "json" ||
         request.Header("accept").value_or("").find("application/json") != std::string_view::npos;
}

// A version number as links write it: digits only, no sign, no leading
// zero, within uint64.
std::optional<uint64_t> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

mustache::data VersionRow(const RulesVersion& version) {
  mustache::data row;
  row.set("number", std::to_string(version.number));
  row.set("effective", protocol::FormatRfc3339Utc(version.effective_at));
  row.set("effective_date", RulesDate(version));
  row.set("summary", version.summary);
  if (!version.author.empty()) row.set("author", version.author);
  row.set("url", RulesVersionUrl(version, ""));  // pages link within the node
  return row;
}

http::Response StorageError(const PagesContext& context, const Visitor& visitor, bool json) {
  if (json) return http::Response::JsonError(503, "storage error");
  return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
}

// GET /about/{document}[/v/{number}].
http::Response DocumentPage(const PagesContext& context, const http::Request& request, RulesDocument document,
                            bool versioned) {
  Visitor visitor = ReadVisitor(context, request);
  const bool json = WantsJson(request);
  const std::string& base_url = context.config->base_url;
  RulesStore rules = OpenRules(context);
  Result<std::vector<RulesVersion>> history = rules.History(document);
  if (!history) return StorageError(context, visitor, json);
  const RulesVersion* shown = history->empty() ? nullptr : &history->front();
  if (versioned) {
    std::optional<uint64_t> number = ParseNumber(request.params.count("number") ? request.params.at("number") : "");
    if (!number) {
      if (json) return http::Response::JsonError(400, "the version is not a number");
      return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "rules_error_number"));
    }
    // History is newest first: version N is at N from the end.
    shown = *number >= 1 && *number <= history->size() ? &(*history)[history->size() - *number] : nullptr;
    if (shown == nullptr || shown->number != *number) {
      if (json) return http::Response::JsonError(404, "no such version");
      return MessagePage(context, visitor, 404, T(visitor, "error_title"), T(visitor, "rules_error_unknown"));
    }
  }
  if (json) {
    if (versioned) return http::Response::Json(200, accounts::RulesVersionJson(*shown, base_url));
    return http::Response::Json(200, accounts::RulesHistoryJson(document, *history, base_url));
  }
  mustache::data data;
  data.set("heading", Heading(visitor, document));
  if (shown != nullptr) {
    mustache::data version = VersionRow(*shown);
    version.set("html", shown->html);
    if (shown != &history->front()) {
      version.set("is_old", true);
      version.set("current_url", "/about/" + std::string(accounts::RulesDocumentName(document)));
    }
    data.set("version", version);
  }
  mustache::data rows(mustache::data::type::list);
  for (const RulesVersion& version : *history) {
    mustache::data row = VersionRow(version);
    if (&version == shown) row.set("shown", true);
    rows.push_back(row);
  }
  data.set("versions", rows);
  if (!history->empty()) data.set("has_versions", true);
  return RenderPage(context, visitor, "rules", Heading(visitor, document), std::move(data));
}

struct Draft {
  RulesDocument document;
  std::string text;
  std::string summary;
  std::string error;
};

// GET /admin/rules: one form per document, holding its current text (or
// the refused draft, with why).
http::Response AdminRulesPage(const PagesContext& context, const http::Request& request,
                              const Draft* draft = nullptr, int status = 200) {
  auto admin = ReadAdmin(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  RulesStore rules = OpenRules(context);
  mustache::data documents(mustache::data::type::list);
  for (RulesDocument document : accounts::kRulesDocuments) {
    Result<std::optional<RulesVersion>> current = rules.Current(document);
    if (!current) return StorageError(context, visitor, false);
    mustache::data entry;
    entry.set("name", accounts::RulesDocumentName(document));
    entry.set("heading", Heading(visitor, document));
    entry.set("public_url", "/about/" + std::string(accounts::RulesDocumentName(document)));
    if (current->has_value()) {
      entry.set("current", VersionRow(**current));
      entry.set("text", (*current)->text);
    }
    if (draft != nullptr && draft->document == document) {
      entry.set("text", draft->text);
      entry.set("summary", draft->summary);
      entry.set("error", draft->error);
    }
    documents.push_back(entry);
  }
  mustache::data data;
  data.set("documents", documents);
  if (request.QueryParam("published")) data.set("notice", T(visitor, "rules_published"));
  if (request.QueryParam("unchanged")) data.set("notice", T(visitor, "rules_unchanged"));
  return RenderPage(context, visitor, "admin_rules", T(visitor, "rules_admin_title"), std::move(data), status);
}

// POST /admin/rules {document, text, summary}.
http::Response PublishRules(const PagesContext& context, const http::Request& request) {
  auto admin = ReadAdminForm(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<AdminForm>(admin).visitor;
  const Form& form = std::get<AdminForm>(admin).form;
  std::optional<RulesDocument> document = accounts::ParseRulesDocument(Field(form, "document"));
  if (!document) return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  Draft draft{*document, Field(form, "text"), Field(form, "summary"), ""};
  // The reason in the admin's language: the text's limits, else the summary's.
  if (!accounts::ValidateRulesText(accounts::NormaliseRulesText(draft.text))) {
    draft.error = T(visitor, "rules_error_text");
    return AdminRulesPage(context, request, &draft, 400);
  }
  RulesStore rules = OpenRules(context);
  Result<std::optional<RulesVersion>> published =
      rules.Publish(*document, draft.text, visitor.account->name, draft.summary);
  if (!published) {
    if (published.error().code != ErrorCode::kInvalidArgument) return StorageError(context, visitor, false);
    draft.error = T(visitor, "rules_error_summary");
    return AdminRulesPage(context, request, &draft, 400);
  }
  std::string name = accounts::RulesDocumentName(*document);
  return Redirect("/admin/rules?" + std::string(published->has_value() ? "published=" : "unchanged=") + name +
                  "#" + name);
}

}  // namespace

std::optional<RulesVersion> CurrentRules(const PagesContext& context, RulesDocument document) {
  Result<std::optional<RulesVersion>> current = OpenRules(context).Current(document);
  if (!current) return std::nullopt;
  return *current;
}

std::string RulesDate(const RulesVersion& version) {
  return protocol::FormatRfc3339Utc(version.effective_at).substr(0, 10);
}

void AddRulesPages(http::Router& router, const PagesContext& context) {
  for (RulesDocument document : accounts::kRulesDocuments) {
    std::string path = "/about/" + std::string(accounts::RulesDocumentName(document));
    router.Add("GET", path, [context, document](http::Request& r) { return DocumentPage(context, r, document, false); });
    router.Add("GET", path + "/v/{number}",
               [context, document](http::Request& r) { return DocumentPage(context, r, document, true); });
  }
  router.Add("GET", "/admin/rules", [context](http::Request& r) { return AdminRulesPage(context, r); });
  router.Add("POST", "/admin/rules", [context](http::Request& r) { return PublishRules(context, r); });
}

}  // namespace parvis::pages
