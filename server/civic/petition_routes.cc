#include "server/civic/petition_routes.h"

#include <charconv>
#include <variant>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/civic_rules.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {
namespace {

using federation::JsonString;

constexpr size_t kLogPageSize = 500;

std::optional<accounts::Account> FindAccount(const PetitionRoutesContext& context,
                                             const std::optional<std::string>& name) {
  if (!name || !accounts::ValidateAccountName(*name)) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account || !account->has_value()) return std::nullopt;
  return **account;
}


// The account and petition a command names, or the answer that says why not.
struct Target {
  accounts::Account account;
  uint64_t number = 0;
};
std::variant<Target, http::Response> ReadTarget(const PetitionRoutesContext& context,
                                                const http::Request& request) {
  std::optional<accounts::Account> account =
      FindAccount(context, protocol::StringMember(request.json, "account"));
  if (!account) return http::Response::JsonError(404, "no such account");
  std::optional<std::string> id = protocol::StringMember(request.json, "id");
  std::optional<uint64_t> number = id ? context.petitions->NumberFromId(*id) : std::nullopt;
  if (!number) return http::Response::JsonError(400, "id must be the URL of a petition of this node");
  return Target{*account, *number};
}

http::Response StatusResponse(const Status& status) {
  if (!status) return http::Response::FromError(status.error());
  return http::Response::Json(200, "{}");
}

boost::asio::awaitable<http::Response> Create(PetitionRoutesContext context, http::Request& request) {
  std::optional<accounts::Account> account =
      FindAccount(context, protocol::StringMember(request.json, "account"));
  if (!account) co_return http::Response::JsonError(404, "no such account");
  PetitionDraft draft{.title = protocol::StringMember(request.json, "title").value_or(""),
                      .text = protocol::StringMember(request.json, "text").value_or(""),
                      .addressee = protocol::StringMember(request.json, "addressee").value_or("")};
  auto threshold = request.json.FindMember("threshold");
  if (threshold == request.json.MemberEnd() || !threshold->value.IsUint64()) {
    co_return http::Response::JsonError(400, "threshold must be a whole number");
  }
  draft.threshold = threshold->value.GetUint64();
  Result<int64_t> deadline = protocol::ParseRfc3339(protocol::StringMember(request.json, "deadline").value_or(""));
  if (!deadline) co_return http::Response::JsonError(400, "deadline must be an RFC 3339 date");
  draft.deadline = *deadline;
  if (auto names = request.json.FindMember("showsNames"); names != request.json.MemberEnd()) {
    if (!names->value.IsBool()) co_return http::Response::JsonError(400, "showsNames must be true or false");
    draft.shows_names = names->value.GetBool();
  }
  Result<uint64_t> number = context.petitions->Create(*account, draft);
  if (!number) co_return http::Response::FromError(number.error());
  co_return http::Response::Json(201, "{\"id\":" + JsonString(context.petitions->Id(*number)) + "}");
}

boost::asio::awaitable<http::Response> Sign(PetitionRoutesContext context, http::Request& request,
                                            bool undo) {
  if (!context.serving->load()) co_return http::Response::JsonError(503, "the node must be serving");
  std::optional<accounts::Account> account =
      FindAccount(context, protocol::StringMember(request.json, "account"));
  if (!account) co_return http::Response::JsonError(404, "no such account");
  std::optional<std::string> petition = protocol::StringMember(request.json, "petition");
  if (!petition || !(petition->starts_with("https://") || petition->starts_with("http://"))) {
    co_return http::Response::JsonError(400, "petition must be the URL of a petition");
  }
  bool anonymous = false;
  if (auto it = request.json.FindMember("anonymous"); it != request.json.MemberEnd()) {
    if (!it->value.IsBool()) co_return http::Response::JsonError(400, "anonymous must be true or false");
    anonymous = it->value.GetBool();
  }
  // (g++ 12 miscompiles co_await inside ?:)
  Result<MySignature> mine = Fail(ErrorCode::kInvalidArgument, "");
  if (undo) {
    mine = co_await context.petitions->Unsign(*account, *petition);
  } else {
    mine = co_await context.petitions->Sign(*account, *petition, anonymous);
  }
  if (!mine) co_return http::Response::FromError(mine.error());
  co_return http::Response::Json(200, MySignatureJson(*mine));
}

enum class Change { kOpen, kWithdraw, kAnswer };

boost::asio::awaitable<http::Response> Lifecycle(PetitionRoutesContext context, http::Request& request,
                                                 Change change) {
  if (!context.serving->load()) co_return http::Response::JsonError(503, "the node must be serving");
  auto target = ReadTarget(context, request);
  if (auto* response = std::get_if<http::Response>(&target)) co_return std::move(*response);
  Target t = std::get<Target>(target);
  Status done = Ok();
  if (change == Change::kOpen) {
    done = co_await context.petitions->Open(t.account, t.number);
  } else if (change == Change::kWithdraw) {
    done = co_await context.petitions->Withdraw(t.account, t.number);
  } else {
    done = co_await context.petitions->Answer(t.account, t.number,
                                              protocol::StringMember(request.json, "text").value_or(""));
  }
  co_return StatusResponse(done);
}

http::Response Log(const PetitionRoutesContext& context, http::Request& request) {
  std::optional<uint64_t> number = ParseDecimal(request.params["number"]);
  Result<std::optional<Petition>> petition =
      number ? context.petitions->Get(*number) : Result<std::optional<Petition>>(std::nullopt);
  if (!petition) return http::Response::FromError(petition.error());
  if (!petition->has_value() || (*petition)->stored_state == protocol::PetitionState::kDraft) {
    return http::Response::JsonError(404, "no such petition");
  }
  std::string id = context.petitions->Id(*number);
  std::string log = id + "/log";
  std::optional<std::string> from_text = request.QueryParam("from");
  if (!from_text) {
    return http::Response::ActivityJson(
        200, "{\"@context\":" + std::string(protocol::CivicContextJson()) + ",\"id\":" + JsonString(log) +
                 ",\"type\":\"OrderedCollection\",\"petition\":" + JsonString(id) +
                 ",\"totalItems\":" + std::to_string((*petition)->entries) +
                 ",\"signatureCount\":" + std::to_string((*petition)->count) +
                 ",\"logHead\":" + JsonString((*petition)->head) + ",\"first\":" + JsonString(log + "?from=0") + "}");
  }
  std::optional<uint64_t> from = ParseDecimal(*from_text);
  if (!from) return http::Response::JsonError(400, "from must be a whole number");
  Result<std::vector<protocol::SignatureEntry>> entries = context.petitions->Log(*number, *from, kLogPageSize);
  if (!entries) return http::Response::FromError(entries.error());
  std::string body = "{\"@context\":" + std::string(protocol::CivicContextJson()) +
                     ",\"id\":" + JsonString(log + "?from=" + std::to_string(*from)) +
                     ",\"type\":\"OrderedCollectionPage\",\"partOf\":" + JsonString(log) +
                     ",\"startIndex\":" + std::to_string(*from) + ",\"orderedItems\":[";
  for (size_t i = 0; i < entries->size(); ++i) {
    if (i > 0) body += ",";
    body += protocol::SignatureEntryJson((*entries)[i]);
  }
  body += "]";
  uint64_t next = *from + entries->size();
  if (entries->size() == kLogPageSize && next < (*petition)->entries) {
    body += ",\"next\":" + JsonString(log + "?from=" + std::to_string(next));
  }
  body += "}";
  return http::Response::ActivityJson(200, std::move(body));
}

http::Response Signatures(const PetitionRoutesContext& context, http::Request& request) {
  std::optional<accounts::Account> account = FindAccount(context, request.QueryParam("account"));
  if (!account) return http::Response::JsonError(404, "no such account");
  std::optional<std::string> id = request.QueryParam("id");
  std::optional<uint64_t> number = id ? context.petitions->NumberFromId(*id) : std::nullopt;
  if (!number) return http::Response::JsonError(400, "id must be the URL of a petition of this node");
  Result<std::optional<Petition>> petition = context.petitions->Get(*number);
  if (!petition) return http::Response::FromError(petition.error());
  if (!petition->has_value() || (*petition)->account != account->id) {
    return http::Response::JsonError(404, "no such petition of this account");
  }
  Result<std::vector<ExportedSignature>> signatures = context.petitions->Signatures(*number);
  if (!signatures) return http::Response::FromError(signatures.error());
  std::string format = request.QueryParam("format").value_or("json");
  if (format == "csv") {
    http::Response response = http::Response::Text(200, SignaturesCsv(*signatures));
    for (auto& [name, value] : response.headers) {
      if (name == "Content-Type") value = "text/csv; charset=utf-8";
    }
    return response;
  }
  if (format != "json") return http::Response::JsonError(400, "format is csv or json");
  return http::Response::Json(200, SignaturesJson(*signatures));
}

}  // namespace

http::Response PetitionJson(const PetitionService& petitions, uint64_t number) {
  Result<std::optional<Petition>> petition = petitions.Get(number);
  if (!petition) return http::Response::FromError(petition.error());
  if (!petition->has_value() || (*petition)->stored_state == protocol::PetitionState::kDraft) {
    return http::Response::JsonError(404, "no such petition");
  }
  return http::Response::ActivityJson(200, protocol::PetitionArticleJson(petitions.Document(**petition)));
}

std::string SignaturesCsv(const std::vector<ExportedSignature>& signatures) {
  std::string csv = "index,time,signer,hash\r\n";
  for (const ExportedSignature& s : signatures) {
    std::string who = s.actor.empty() ? "anonymous" : s.actor;
    // Actor ids are URLs; quote anyway, doubling quotes, and defuse
    // spreadsheet formulas.
    std::string quoted = "\"";
    if (!who.empty() && (who[0] == '=' || who[0] == '+' || who[0] == '-' || who[0] == '@')) quoted += "'";
    for (char c : who) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    csv += std::to_string(s.index) + "," + protocol::FormatRfc3339Utc(s.time) + "," + quoted + "," + s.hash + "\r\n";
  }
  return csv;
}

std::string SignaturesJson(const std::vector<ExportedSignature>& signatures) {
  std::string json = "[";
  for (size_t i = 0; i < signatures.size(); ++i) {
    const ExportedSignature& s = signatures[i];
    if (i > 0) json += ",";
    json += "{\"index\":" + std::to_string(s.index) + ",\"time\":" + JsonString(protocol::FormatRfc3339Utc(s.time)) +
            ",\"signer\":" + (s.actor.empty() ? std::string("null") : JsonString(s.actor)) +
            ",\"anonymous\":" + (s.actor.empty() ? "true" : "false") + ",\"hash\":" + JsonString(s.hash) + "}";
  }
  return json + "]";
}

std::string MySignatureJson(const MySignature& mine) {
  return "{\"petition\":" + JsonString(mine.petition) + ",\"state\":" +
         JsonString(MySignatureStateName(mine.state)) + ",\"anonymous\":" + (mine.anonymous ? "true" : "false") +
         ",\"index\":" + std::to_string(mine.index) + ",\"hash\":" + JsonString(mine.hash) +
         ",\"refusal\":" + JsonString(mine.refusal) + "}";
}

void AddPetitionRoutes(http::Router& public_router, http::Router& control_router,
                       const PetitionRoutesContext& context) {
  public_router.Add("GET", "/petitions/{number}/log",
                    [context](http::Request& request) { return Log(context, request); });
  http::RouteOptions json{.json_body = true};
  control_router.AddAsync(
      "POST", "/control/petitions/create",
      [context](http::Request& request) { return Create(context, request); }, json);
  for (Change change : {Change::kOpen, Change::kWithdraw, Change::kAnswer}) {
    static constexpr const char* kPaths[] = {"/control/petitions/open", "/control/petitions/withdraw",
                                             "/control/petitions/answer"};
    control_router.AddAsync(
        "POST", kPaths[static_cast<int>(change)],
        [context, change](http::Request& request) { return Lifecycle(context, request, change); }, json);
  }
  control_router.AddAsync(
      "POST", "/control/petitions/sign",
      [context](http::Request& request) { return Sign(context, request, false); }, json);
  control_router.AddAsync(
      "POST", "/control/petitions/unsign",
      [context](http::Request& request) { return Sign(context, request, true); }, json);
  control_router.Add("GET", "/control/petitions/signatures",
                     [context](http::Request& request) { return Signatures(context, request); });
  control_router.Add("GET", "/control/petitions/mine", [context](http::Request& request) {
    std::optional<accounts::Account> account = FindAccount(context, request.QueryParam("account"));
    if (!account) return http::Response::JsonError(404, "no such account");
    std::string petition = request.QueryParam("petition").value_or("");
    Result<std::optional<MySignature>> mine = context.petitions->Mine(account->id, petition);
    if (!mine) return http::Response::FromError(mine.error());
    if (!mine->has_value()) return http::Response::JsonError(404, "no signature of this petition");
    return http::Response::Json(200, MySignatureJson(**mine));
  });
}

}  // namespace parvis::civic
