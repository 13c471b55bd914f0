// Operator commands on the node's terms and rules (accounts/rules_store.h),
// on the control socket like control_routes.h:
//
//   GET  /control/rules?document=terms|rules
//        -> 200 {"document","current","versions":[...newest first],"text"}
//           (text: the version in force, "" when there is none)
//   POST /control/rules {"document","text","summary","author"}
//        -> 201 the new version; 200 {"unchanged":true,"version"} when the
//           text is the one in force; 400 naming what is refused
#ifndef PARVIS_SERVER_CONTROL_RULES_CONTROL_H_
#define PARVIS_SERVER_CONTROL_RULES_CONTROL_H_

#include <cstdint>
#include <functional>

#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/http/router.h"

namespace parvis::control {

struct RulesControlContext {
  const Config* config;
  storage::Store* store;
  std::function<int64_t()> now;  // seconds since the epoch
};

// Everything in `context` must outlive the router.
void AddRulesControlRoutes(http::Router& router, const RulesControlContext& context);

}  // namespace parvis::control

#endif  // PARVIS_SERVER_CONTROL_RULES_CONTROL_H_
