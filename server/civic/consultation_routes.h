// Consultations over HTTP (docs/protocol.md, "Consultations"):
//
//   GET  /consultations/N                the Article (by the pages wing, which
//                                          serves browsers HTML: ConsultationJson)
//   GET  /consultations/N/proposals/M    a proposal as a Note
//
// and the commands (control socket):
//
//   POST /control/consultations/create  {"account","title","text","deadline" (RFC 3339),
//                                         "participation"?: "anyone"|"members"} -> 201 {"id"}
//   POST /control/consultations/propose {"account","consultation","text"} -> {"id"} ("" if sent elsewhere)
//   POST /control/consultations/vote    {"account","proposal","choice": "for"|"against"|"abstain"|null}
//   POST /control/consultations/comment {"account","proposal","text"}
//   GET  /control/consultations/mine?account=A&proposal=URL
#ifndef PARVIS_SERVER_CIVIC_CONSULTATION_ROUTES_H_
#define PARVIS_SERVER_CIVIC_CONSULTATION_ROUTES_H_

#include <atomic>

#include "server/civic/consultation_service.h"
#include "server/http/router.h"

namespace parvis::civic {

struct ConsultationRoutesContext {
  accounts::AccountService* accounts;
  ConsultationService* consultations;
  const std::atomic<bool>* serving;
};

http::Response ConsultationJson(const ConsultationService& consultations, uint64_t number);

void AddConsultationRoutes(http::Router& public_router, http::Router& control_router,
                           const ConsultationRoutesContext& context);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CONSULTATION_ROUTES_H_
