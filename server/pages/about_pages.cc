#include "server/pages/about_pages.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/data_policy.h"
#include "parvis/protocol/timestamps.h"
#include "server/accounts/node_settings.h"
#include "server/pages/rules_pages.h"
#include "server/pages/translations.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

std::string Replace(std::string text, std::string_view name, const std::string& value) {
  if (size_t at = text.find(name); at != std::string::npos) text.replace(at, name.size(), value);
  return text;
}

// How long a row of the data policy is kept, in words of `locale`.
std::string KeptText(std::string_view locale, const DataRecordKind& row) {
  const std::string from = Translate(locale, "data_" + std::string(row.id) + "_from");
  switch (row.keep) {
    case Keep::kFor:
      if (row.seconds % kDay == 0) {
        return Replace(Replace(Translate(locale, "data_keep_days"), "{n}", std::to_string(row.seconds / kDay)),
                       "{from}", from);
      }
      return Replace(Replace(Translate(locale, "data_keep_hours"), "{n}", std::to_string(row.seconds / 3600)),
                     "{from}", from);
    case Keep::kUntilDelivered:
      return Replace(Replace(Translate(locale, "data_keep_until_delivered"), "{n}", std::to_string(row.seconds / kDay)),
                     "{from}", from);
    case Keep::kWhileAccount:
      return Translate(locale, "data_keep_while_account");
    case Keep::kNever:
      return Translate(locale, "data_keep_never");
  }
  return "";
}

std::string RowText(std::string_view locale, const DataRecordKind& row, const char* part) {
  return Translate(locale, "data_" + std::string(row.id) + "_" + part);
}

// GET /.well-known/data-policy[?lang=fr]: the table the retention job
// enforces, with the texts of the about page.
http::Response DataPolicyJson(const PagesContext& context, const http::Request& request) {
  const std::string locale = request.QueryParam("lang") == "fr" ? "fr" : "en";
  accounts::NodeSettings settings = accounts::LoadNodeSettings(*context.store, *context.config);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto text = [&](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  text("node", context.config->base_url);
  text("language", locale);
  writer.Key("responsibleEditor");
  writer.StartObject();
  text("name", context.config->editor_name);
  text("contact", context.config->editor_contact);
  writer.EndObject();
  writer.Key("records");
  writer.StartArray();
  for (const DataRecordKind& row : kDataPolicy) {
    writer.StartObject();
    text("id", std::string(row.id));
    text("stored", row.keep == Keep::kNever ? "no" : "yes");
    if (!row.family.empty()) text("columnFamily", std::string(row.family));
    text("keep", KeepName(row.keep));
    if (row.keep == Keep::kFor || row.keep == Keep::kUntilDelivered) {
      writer.Key("seconds");
      writer.Int64(row.seconds);
      text("from", RowText(locale, row, "from"));
    }
    text("what", RowText(locale, row, "what"));
    text("why", RowText(locale, row, "why"));
    text("whoSees", RowText(locale, row, "who"));
    text("kept", KeptText(locale, row));
    writer.EndObject();
  }
  writer.EndArray();
  text("rights", Translate(locale, "data_rights"));
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

http::Response Render(const PagesContext& context, const http::Request& request, std::string_view page) {
  Visitor visitor = ReadVisitor(context, request);
  Result<uint64_t> count = context.accounts->Count();
  if (!count) return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  accounts::NodeSettings settings = accounts::LoadNodeSettings(*context.store, *context.config);
  kainjow::mustache::data data;
  data.set("description", settings.description);
  // The rules in force and the terms' version, from their versioned store.
  for (accounts::RulesDocument document : accounts::kRulesDocuments) {
    std::optional<accounts::RulesVersion> current;
    if (page == "about") current = CurrentRules(context, document);
    if (current) {
      mustache::data version;
      version.set("number", std::to_string(current->number));
      version.set("effective", protocol::FormatRfc3339Utc(current->effective_at));
      version.set("effective_date", RulesDate(*current));
      version.set("html", current->html);
      data.set(accounts::RulesDocumentName(document), version);
    }
  }
  data.set("account_count", std::to_string(*count));
  data.set("registration",
           T(visitor, std::string("registration_") + RegistrationModeName(settings.registration)));
  // The per-domain sector policy, stated with the rule.
  for (auto [key, list] : {std::pair{"commercial_domains", &context.config->commercial_domains},
                           std::pair{"civic_domains", &context.config->civic_domains}}) {
    std::string joined;
    for (const std::string& domain : *list) joined += (joined.empty() ? "" : ", ") + domain;
    if (!joined.empty()) data.set(key, joined);
  }
  kainjow::mustache::list rows;
  for (const DataRecordKind& row : kDataPolicy) {
    kainjow::mustache::data entry;
    entry.set("id", std::string(row.id));
    entry.set("what", RowText(visitor.locale, row, "what"));
    entry.set("why", RowText(visitor.locale, row, "why"));
    entry.set("who", RowText(visitor.locale, row, "who"));
    entry.set("kept", KeptText(visitor.locale, row));
    rows.push_back(entry);
  }
  data.set("data_rows", rows);
  std::string title = page == "home" ? settings.node_name : T(visitor, "about");
  return RenderPage(context, visitor, page, title, std::move(data));
}

}  // namespace

void AddAboutPages(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/", [context](http::Request& r) { return Render(context, r, "home"); });
  router.Add("GET", "/about", [context](http::Request& r) { return Render(context, r, "about"); });
  router.Add("GET", "/.well-known/data-policy", [context](http::Request& r) { return DataPolicyJson(context, r); });
}

}  // namespace parvis::pages
