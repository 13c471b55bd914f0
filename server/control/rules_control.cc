#include "server/control/rules_control.h"

#include <optional>
#include <string>

#include "parvis/protocol/json.h"
#include "server/accounts/rules_store.h"
#include "server/control/control_routes.h"

namespace parvis::control {
namespace {

using accounts::RulesDocument;
using accounts::RulesStore;
using accounts::RulesVersion;

http::Response ErrorResponse(const Error& error) {
  return http::Response::JsonError(StatusForError(error.code), error.message);
}

constexpr std::string_view kDocumentRequired = "document must be \"terms\" or \"rules\"";

http::Response Show(const RulesControlContext& context, http::Request& request) {
  std::optional<RulesDocument> document =
      accounts::ParseRulesDocument(request.QueryParam("document").value_or(""));
  if (!document) return http::Response::JsonError(400, std::string(kDocumentRequired));
  RulesStore rules(*context.store, context.now);
  if (Result<bool> adopted = accounts::AdoptSettingsRules(rules, *context.store, *context.config); !adopted) {
    return ErrorResponse(adopted.error());
  }
  Result<std::vector<RulesVersion>> history = rules.History(*document);
  if (!history) return ErrorResponse(history.error());
  Result<rapidjson::Document> listing =
      protocol::ParseJson(accounts::RulesHistoryJson(*document, *history, context.config->base_url), {});
  if (!listing) return ErrorResponse(listing.error());
  // The listing, with the current text for the operator to edit.
  const std::string text = history->empty() ? "" : history->front().text;
  listing->AddMember("text", rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                                              listing->GetAllocator()),
                     listing->GetAllocator());
  return http::Response::Json(200, protocol::WriteJson(*listing));
}

http::Response Publish(const RulesControlContext& context, http::Request& request) {
  const rapidjson::Document& body = request.json;
  if (!body.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  std::optional<RulesDocument> document =
      accounts::ParseRulesDocument(protocol::StringMember(body, "document").value_or(""));
  if (!document) return http::Response::JsonError(400, std::string(kDocumentRequired));
  std::optional<std::string> text = protocol::StringMember(body, "text");
  std::optional<std::string> summary = protocol::StringMember(body, "summary");
  if (!text || !summary) return http::Response::JsonError(400, "text and summary are required strings");
  std::string author = protocol::StringMember(body, "author").value_or("operator");
  RulesStore rules(*context.store, context.now);
  if (Result<bool> adopted = accounts::AdoptSettingsRules(rules, *context.store, *context.config); !adopted) {
    return ErrorResponse(adopted.error());
  }
  Result<std::optional<RulesVersion>> published = rules.Publish(*document, *text, author, *summary);
  if (!published) return ErrorResponse(published.error());
  if (!published->has_value()) {
    Result<std::optional<RulesVersion>> current = rules.Current(*document);
    uint64_t number = current && current->has_value() ? (*current)->number : 0;
    return http::Response::Json(200, R"({"unchanged":true,"version":)" + std::to_string(number) + "}");
  }
  return http::Response::Json(201, accounts::RulesVersionJson(**published, context.config->base_url));
}

}  // namespace

void AddRulesControlRoutes(http::Router& router, const RulesControlContext& context) {
  router.Add("GET", "/control/rules", [context](http::Request& request) { return Show(context, request); });
  router.Add("POST", "/control/rules", [context](http::Request& request) { return Publish(context, request); },
             {.json_body = true});
}

}  // namespace parvis::control
