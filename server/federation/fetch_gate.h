// Signed GETs: a handler wrapped here learns who asks (Request::
// verified_actor) when the request is signed, and with authorized fetch on,
// unsigned or badly signed requests never reach it (401; 403 for a refused
// domain), as in Mastodon's secure mode.
#ifndef PARVIS_SERVER_FEDERATION_FETCH_GATE_H_
#define PARVIS_SERVER_FEDERATION_FETCH_GATE_H_

#include "server/federation/signature_verifier.h"
#include "server/http/router.h"

namespace parvis::federation {

// `verifier` must outlive the handler. With `html_alternative`, requests
// that do not ask for ActivityStreams JSON (browsers) are never refused: the
// pages people read stay public.
http::AsyncHandler SignedFetch(SignatureVerifier* verifier, bool required, http::Handler inner,
                               bool html_alternative = false);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_FETCH_GATE_H_
