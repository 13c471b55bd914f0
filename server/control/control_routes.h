// Operator commands, served only on the control socket (a Unix socket in the
// data directory, mode 0600) and run in-process by the CLI when no node is
// serving, so both paths share one implementation.
//
//   POST /control/accounts       {"name","kind","admin","password"} -> 201 account
//                                (kind: person, organization, group, public_body, commercial)
//   POST /control/backup         {"dir"}                            -> 200 {"dir"}
//   POST /control/tokens         {"account","label"} -> 201 {"token","id","label","created"}
//                                (label optional; the token is in no other answer)
//   POST /control/tokens/list    {"account"}         -> 200 {"tokens":[{"id","label","created"}]}
//   POST /control/tokens/revoke  {"account","id"}    -> 200 {}; 404 unknown account or token
#ifndef PARVIS_SERVER_CONTROL_CONTROL_ROUTES_H_
#define PARVIS_SERVER_CONTROL_CONTROL_ROUTES_H_

#include <cstdint>
#include <functional>

#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/http/router.h"

namespace parvis::control {

struct ControlContext {
  storage::Store* store;
  accounts::AccountService* accounts;
  // Seconds since the epoch, for records' creation times; unset: the system clock.
  std::function<int64_t()> now;
};

// Everything in `context` must outlive the router.
void AddControlRoutes(http::Router& router, const ControlContext& context);

// Maps an error to the HTTP status a control client understands.
int StatusForError(ErrorCode code);

}  // namespace parvis::control

#endif  // PARVIS_SERVER_CONTROL_CONTROL_ROUTES_H_
