// Client-to-server authentication by `Authorization: Bearer TOKEN`
// (token_store.h), shared by every JSON API that clients call.
#ifndef PARVIS_SERVER_ACCOUNTS_BEARER_AUTH_H_
#define PARVIS_SERVER_ACCOUNTS_BEARER_AUTH_H_

#include <optional>
#include <variant>

#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/http/request.h"

namespace parvis::accounts {

// nullopt when the request has no Authorization header. Otherwise the
// token's account, or the answer to send: 401 with WWW-Authenticate for a
// malformed header or an unknown or revoked token, 503 when storage fails.
std::optional<std::variant<Account, http::Response>> BearerAccount(storage::Store& store,
                                                                   const AccountService& accounts,
                                                                   const http::Request& request);

// 401 with `message` and a WWW-Authenticate header naming the Bearer scheme.
http::Response BearerUnauthorized(std::string_view message);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_BEARER_AUTH_H_
