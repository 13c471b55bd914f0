#include "server/accounts/bearer_auth.h"

#include "parvis/protocol/note_text.h"
#include "server/accounts/token_store.h"

namespace parvis::accounts {

http::Response BearerUnauthorized(std::string_view message) {
  http::Response response = http::Response::JsonError(401, message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"parvis\", error=\"invalid_token\"");
  return response;
}

std::optional<std::variant<Account, http::Response>> BearerAccount(storage::Store& store,
                                                                   const AccountService& accounts,
                                                                   const http::Request& request) {
  std::optional<std::string_view> header = request.Header("authorization");
  if (!header) return std::nullopt;
  if (protocol::LowerAscii(header->substr(0, 7)) != "bearer ") {
    return BearerUnauthorized("the Authorization header must be: Bearer TOKEN");
  }
  std::string_view token = header->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  Result<std::optional<storage::AccountId>> owner = TokenStore(store).Verify(token);
  if (!owner) return http::Response::JsonError(503, "storage unavailable");
  if (!owner->has_value()) return BearerUnauthorized("the token is unknown or revoked");
  Result<std::optional<Account>> account = accounts.FindById(**owner);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) return BearerUnauthorized("the token's account is gone");
  return **account;
}

}  // namespace parvis::accounts
