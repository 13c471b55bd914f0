// Operator commands on sectors, on the control socket (control_routes.h):
//
//   POST /control/sector      {"actor","sector","reason","moderator"?}
//                             -> 200 {"actor","old","new","at"}; 400 bad input
//                             (says which), 404 unknown actor
//   GET  /control/sector?actor=NAME_OR_ID -> 200 {"actor","sector","source"}
//   GET  /control/sector/log  -> 200 {"changes":[{"at","moderator","actor","old","new","reason"}]}
//                             (newest first, at most 200)
//
// `actor` is a local account's name (or @name@this-host) or an actor id
// (URL); a remote actor must be known here. `moderator` defaults to
// "operator".
#ifndef PARVIS_SERVER_CIVIC_SECTOR_ROUTES_H_
#define PARVIS_SERVER_CIVIC_SECTOR_ROUTES_H_

#include "server/civic/sector_service.h"
#include "server/http/router.h"

namespace parvis::civic {

// `sectors` must outlive `control_router`.
void AddSectorControlRoutes(http::Router& control_router, SectorService& sectors);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_SECTOR_ROUTES_H_
