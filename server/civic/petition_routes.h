// Petitions over HTTP (docs/protocol.md):
//
//   GET  /petitions/N            the Article (served by the pages wing, which
//                                 gives browsers the HTML page; PetitionJson)
//   GET  /petitions/N/log        OrderedCollection: totalItems, logHead, first
//   GET  /petitions/N/log?from=I OrderedCollectionPage of up to 500 entries
//
// and the commands (control socket; `parvis admin petition ...`):
//
//   POST /control/petitions/create   {"account","title","text","addressee","threshold",
//                                     "deadline" (RFC 3339),"showsNames"?} -> 201 {"id"}
//   POST /control/petitions/open     {"account","id"}
//   POST /control/petitions/withdraw {"account","id"}
//   POST /control/petitions/answer   {"account","id","text"}
//   POST /control/petitions/sign     {"account","petition","anonymous"?} -> {"state",...}
//   POST /control/petitions/unsign   {"account","petition"}
//   GET  /control/petitions/signatures?account=A&id=URL&format=csv|json
//   GET  /control/petitions/mine?account=A&petition=URL
#ifndef PARVIS_SERVER_CIVIC_PETITION_ROUTES_H_
#define PARVIS_SERVER_CIVIC_PETITION_ROUTES_H_

#include <atomic>

#include "server/civic/petition_service.h"
#include "server/http/router.h"

namespace parvis::civic {

struct PetitionRoutesContext {
  accounts::AccountService* accounts;
  PetitionService* petitions;
  const std::atomic<bool>* serving;
};

// The petition's Article; 404 for drafts and unknown numbers.
http::Response PetitionJson(const PetitionService& petitions, uint64_t number);
// The organiser's export: CSV (index,time,name,hash; "anonymous" for
// signers who chose it or when names are hidden) or JSON.
std::string SignaturesCsv(const std::vector<ExportedSignature>& signatures);
std::string SignaturesJson(const std::vector<ExportedSignature>& signatures);
// The account's own signature of a petition as JSON.
std::string MySignatureJson(const MySignature& mine);

void AddPetitionRoutes(http::Router& public_router, http::Router& control_router,
                       const PetitionRoutesContext& context);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_PETITION_ROUTES_H_
