#include "server/messaging/messaging_routes.h"

#include <variant>

#include "parvis/protocol/http_signature.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/messaging_requests.h"
#include "server/accounts/bearer_auth.h"

namespace parvis::messaging {
namespace {

constexpr accounts::RateLimit kClaimsPerSigner{60, 60};

http::Response Answer(const Outcome<std::string>& outcome, int status = 200) {
  if (!outcome) return http::Response::JsonError(outcome.error().status, outcome.error().message);
  return http::Response::Json(status, *outcome);
}

// The caller: a token's account, else the browser session's, else a 401.
std::variant<accounts::Account, http::Response> Caller(const MessagingRoutesContext& context,
                                                       const http::Request& request) {
  if (auto bearer = accounts::BearerAccount(*context.store, *context.accounts, request)) {
    return *std::move(bearer);
  }
  if (context.session_account) {
    if (std::optional<accounts::Account> account = context.session_account(request)) return *std::move(account);
  }
  return accounts::BearerUnauthorized("sign in, or send Authorization: Bearer TOKEN (parvis admin token NAME)");
}

// `handle(account)` for a signed-in caller.
http::Handler Authenticated(const MessagingRoutesContext& context,
                            std::function<http::Response(const accounts::Account&, http::Request&)> handle) {
  return [&context, handle = std::move(handle)](http::Request& request) {
    std::variant<accounts::Account, http::Response> caller = Caller(context, request);
    if (auto* refused = std::get_if<http::Response>(&caller)) return *std::move(refused);
    return handle(std::get<accounts::Account>(caller), request);
  };
}

Result<std::optional<accounts::Account>> Owner(const MessagingRoutesContext& context, const std::string& name) {
  if (!accounts::ValidateAccountName(name)) return std::optional<accounts::Account>();
  return context.accounts->FindByName(name);
}

boost::asio::awaitable<http::Response> RemoteClaim(const MessagingRoutesContext* context, http::Request* request) {
  Result<std::optional<accounts::Account>> owner = Owner(*context, request->params["name"]);
  if (!owner) co_return http::Response::JsonError(503, "storage unavailable");
  if (!owner->has_value()) co_return http::Response::JsonError(404, "no such account");
  std::expected<federation::VerifiedRequest, federation::VerificationFailure> signed_by =
      co_await context->verifier->Verify(*request, /*check_digest=*/true);
  if (!signed_by) co_return http::Response::JsonError(signed_by.error().status, signed_by.error().reason);
  const int64_t now = context->now();
  if (int64_t wait = context->limiter->Attempt("e2ee-claim/" + signed_by->signer, kClaimsPerSigner, now)) {
    http::Response response = http::Response::JsonError(429, "too many claims; try again later");
    response.headers.emplace_back("Retry-After", std::to_string(wait));
    co_return response;
  }
  // A signed claim spends prekeys: the same signature cannot claim twice.
  Result<std::optional<std::string>> seen =
      context->store->Get(storage::Family::kReplay, signed_by->fingerprint);
  if (!seen) co_return http::Response::JsonError(503, "storage unavailable");
  if (seen->has_value()) co_return http::Response::JsonError(401, "this signature was already used");
  storage::Batch replay;
  replay.Put(storage::Family::kReplay, signed_by->fingerprint,
             storage::EncodeUint64(static_cast<uint64_t>(now + 2 * protocol::kDefaultSignatureSkewSeconds)));
  if (Status written = context->store->Write(replay); !written) {
    co_return http::Response::JsonError(503, "storage unavailable");
  }
  Result<std::vector<std::string>> devices =
      protocol::ReadStringList(request->json, "devices", protocol::e2ee::kMaxEntries);
  if (!devices) co_return http::Response::FromError(devices.error());
  co_return Answer(context->messaging->Claim(**owner, *devices));
}

boost::asio::awaitable<http::Response> ApiDirectory(const MessagingRoutesContext* context, http::Request* request) {
  std::variant<accounts::Account, http::Response> caller = Caller(*context, *request);
  if (auto* refused = std::get_if<http::Response>(&caller)) co_return *std::move(refused);
  std::optional<std::string> actor = request->QueryParam("actor");
  if (!actor || actor->empty()) co_return http::Response::JsonError(400, "the actor parameter is required");
  co_return Answer(co_await context->messaging->DirectoryOf(*actor));
}

boost::asio::awaitable<http::Response> ApiClaim(const MessagingRoutesContext* context, http::Request* request) {
  std::variant<accounts::Account, http::Response> caller = Caller(*context, *request);
  if (auto* refused = std::get_if<http::Response>(&caller)) co_return *std::move(refused);
  std::optional<std::string> actor =
      request->json.IsObject() ? protocol::StringMember(request->json, "actor") : std::nullopt;
  if (!actor) co_return http::Response::JsonError(400, "body.actor must be an actor id");
  Result<std::vector<std::string>> devices =
      protocol::ReadStringList(request->json, "devices", protocol::e2ee::kMaxEntries);
  if (!devices) co_return http::Response::FromError(devices.error());
  co_return Answer(co_await context->messaging->ClaimFrom(std::get<accounts::Account>(caller), *actor,
                                                          *std::move(devices)));
}

boost::asio::awaitable<http::Response> ApiSend(const MessagingRoutesContext* context, http::Request* request) {
  std::variant<accounts::Account, http::Response> caller = Caller(*context, *request);
  if (auto* refused = std::get_if<http::Response>(&caller)) co_return *std::move(refused);
  co_return Answer(co_await context->messaging->Send(std::get<accounts::Account>(caller), request->body), 201);
}

}  // namespace

void AddMessagingRoutes(http::Router& router, MessagingRoutesContext context_value) {
  // The routes keep the context alive as long as the router.
  auto context = std::make_shared<const MessagingRoutesContext>(std::move(context_value));
  const MessagingRoutesContext* raw = context.get();
  http::RouteOptions json{.json_body = true};

  router.Add("GET", "/users/{name}/e2ee", [context](http::Request& request) {
    Result<std::optional<accounts::Account>> owner = Owner(*context, request.params["name"]);
    if (!owner) return http::Response::JsonError(503, "storage unavailable");
    if (!owner->has_value()) return http::Response::JsonError(404, "no such account");
    Outcome<std::string> directory = context->messaging->DirectoryDocument(**owner);
    if (!directory) return http::Response::JsonError(directory.error().status, directory.error().message);
    return http::Response::ActivityJson(200, *directory);
  });
  router.AddAsync("POST", "/users/{name}/e2ee/claim",
                  [raw, context](http::Request& request) { return RemoteClaim(raw, &request); }, json);

  router.AddAsync("GET", "/api/e2ee/directory",
                  [raw, context](http::Request& request) { return ApiDirectory(raw, &request); });
  router.AddAsync("POST", "/api/e2ee/claim",
                  [raw, context](http::Request& request) { return ApiClaim(raw, &request); }, json);
  router.AddAsync("POST", "/api/e2ee/messages",
                  [raw, context](http::Request& request) { return ApiSend(raw, &request); }, json);
  router.Add("POST", "/api/e2ee/publish",
             Authenticated(*raw, [raw](const accounts::Account& account, http::Request& request) {
               return Answer(raw->messaging->Publish(account, request.json));
             }),
             json);
  router.Add("POST", "/api/e2ee/prekeys",
             Authenticated(*raw, [raw](const accounts::Account& account, http::Request& request) {
               return Answer(raw->messaging->UploadPrekeys(account, request.json));
             }),
             json);
  router.Add("GET", "/api/e2ee/messages",
             Authenticated(*raw, [raw](const accounts::Account& account, http::Request& request) {
               std::optional<std::string> device = request.QueryParam("device");
               if (!device) return http::Response::JsonError(400, "the device parameter is required");
               return Answer(raw->messaging->Waiting(account, *device));
             }));
  router.Add("POST", "/api/e2ee/messages/ack",
             Authenticated(*raw, [raw](const accounts::Account& account, http::Request& request) {
               return Answer(raw->messaging->Acknowledge(account, request.json));
             }),
             json);
  router.Add("PUT", "/api/e2ee/backup",
             Authenticated(*raw, [raw](const accounts::Account& account, http::Request& request) {
               return Answer(raw->messaging->PutBackup(account, request.json));
             }),
             json);
  router.Add("GET", "/api/e2ee/backup",
             Authenticated(*raw, [raw](const accounts::Account& account, http::Request&) {
               return Answer(raw->messaging->Backup(account));
             }));
}

}  // namespace parvis::messaging
