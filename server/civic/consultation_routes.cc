#include "server/civic/consultation_routes.h"

#include <charconv>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/civic_rules.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {
namespace {

using federation::JsonString;


std::optional<accounts::Account> FindAccount(const ConsultationRoutesContext& context,
                                             const std::optional<std::string>& name) {
  if (!name || !accounts::ValidateAccountName(*name)) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account || !account->has_value()) return std::nullopt;
  return **account;
}

enum class Command { kCreate, kPropose, kVote, kComment };

boost::asio::awaitable<http::Response> Run(ConsultationRoutesContext context, http::Request& request,
                                           Command command) {
  if (!context.serving->load()) co_return http::Response::JsonError(503, "the node must be serving");
  std::optional<accounts::Account> account = FindAccount(context, protocol::StringMember(request.json, "account"));
  if (!account) co_return http::Response::JsonError(404, "no such account");
  std::string text = protocol::StringMember(request.json, "text").value_or("");
  if (command == Command::kCreate) {
    ConsultationDraft draft{.title = protocol::StringMember(request.json, "title").value_or(""),
                            .text = text,
                            .participation = protocol::StringMember(request.json, "participation").value_or("anyone")};
    Result<int64_t> deadline =
        protocol::ParseRfc3339(protocol::StringMember(request.json, "deadline").value_or(""));
    if (!deadline) co_return http::Response::JsonError(400, "deadline must be an RFC 3339 date");
    draft.deadline = *deadline;
    Result<uint64_t> number = co_await context.consultations->Create(*account, std::move(draft));
    if (!number) co_return http::Response::FromError(number.error());
    co_return http::Response::Json(201, "{\"id\":" + JsonString(context.consultations->Id(*number)) + "}");
  }
  if (command == Command::kPropose) {
    std::string consultation = protocol::StringMember(request.json, "consultation").value_or("");
    if (!consultation.starts_with("http")) co_return http::Response::JsonError(400, "consultation must be a URL");
    Result<std::string> id = co_await context.consultations->Propose(*account, consultation, text);
    if (!id) co_return http::Response::FromError(id.error());
    co_return http::Response::Json(200, "{\"id\":" + JsonString(*id) + "}");
  }
  std::string proposal = protocol::StringMember(request.json, "proposal").value_or("");
  if (!proposal.starts_with("http")) co_return http::Response::JsonError(400, "proposal must be a URL");
  Status done = Ok();
  if (command == Command::kVote) {
    auto it = request.json.FindMember("choice");
    std::optional<protocol::VoteChoice> choice;
    if (it == request.json.MemberEnd() || !(it->value.IsNull() || it->value.IsString())) {
      co_return http::Response::JsonError(400, "choice is for, against, abstain, or null to withdraw");
    }
    if (it->value.IsString()) {
      choice = protocol::ParseVoteChoice(it->value.GetString());
      if (!choice) co_return http::Response::JsonError(400, "choice is for, against, abstain, or null to withdraw");
    }
    done = co_await context.consultations->Vote(*account, proposal, choice);
  } else {
    done = co_await context.consultations->Comment(*account, proposal, text);
  }
  if (!done) co_return http::Response::FromError(done.error());
  co_return http::Response::Json(200, "{}");
}

}  // namespace

http::Response ConsultationJson(const ConsultationService& consultations, uint64_t number) {
  Result<std::optional<Consultation>> c = consultations.Get(number);
  if (!c) return http::Response::FromError(c.error());
  if (!c->has_value()) return http::Response::JsonError(404, "no such consultation");
  return http::Response::ActivityJson(200, protocol::ConsultationArticleJson(consultations.Document(**c)));
}

void AddConsultationRoutes(http::Router& public_router, http::Router& control_router,
                           const ConsultationRoutesContext& context) {
  public_router.Add("GET", "/consultations/{number}/proposals/{index}", [context](http::Request& request) {
    std::optional<uint64_t> number = ParseDecimal(request.params["number"]);
    std::optional<uint64_t> index = ParseDecimal(request.params["index"]);
    Result<std::optional<Consultation>> c =
        number ? context.consultations->Get(*number) : Result<std::optional<Consultation>>(std::nullopt);
    if (!c) return http::Response::FromError(c.error());
    if (!c->has_value() || !index) return http::Response::JsonError(404, "no such proposal");
    protocol::ConsultationDocument doc = context.consultations->Document(**c);
    for (const protocol::ProposalDocument& p : doc.proposals) {
      if (p.id == doc.id + "/proposals/" + std::to_string(*index)) {
        return http::Response::ActivityJson(200, protocol::ProposalNoteJson(doc, p));
      }
    }
    return http::Response::JsonError(404, "no such proposal");
  });
  http::RouteOptions json{.json_body = true};
  const std::pair<const char*, Command> commands[] = {{"/control/consultations/create", Command::kCreate},
                                                      {"/control/consultations/propose", Command::kPropose},
                                                      {"/control/consultations/vote", Command::kVote},
                                                      {"/control/consultations/comment", Command::kComment}};
  for (const auto& [path, command] : commands) {
    Command which = command;
    control_router.AddAsync(
        "POST", path, [context, which](http::Request& request) { return Run(context, request, which); }, json);
  }
  control_router.Add("GET", "/control/consultations/mine", [context](http::Request& request) {
    std::optional<accounts::Account> account = FindAccount(context, request.QueryParam("account"));
    if (!account) return http::Response::JsonError(404, "no such account");
    Result<std::optional<MyVote>> mine =
        context.consultations->Mine(account->id, request.QueryParam("proposal").value_or(""));
    if (!mine) return http::Response::FromError(mine.error());
    if (!mine->has_value()) return http::Response::JsonError(404, "no vote on this proposal");
    return http::Response::Json(200, "{\"choice\":" + JsonString(protocol::VoteChoiceName((*mine)->choice)) +
                                         ",\"state\":" + JsonString((*mine)->state) +
                                         ",\"refusal\":" + JsonString((*mine)->refusal) + "}");
  });
}

}  // namespace parvis::civic
