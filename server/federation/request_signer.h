// Signs outbound requests as Mastodon does: draft-cavage rsa-sha256 over
// (request-target), host, date and, with a body, digest.
#ifndef PARVIS_SERVER_FEDERATION_REQUEST_SIGNER_H_
#define PARVIS_SERVER_FEDERATION_REQUEST_SIGNER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "parvis/protocol/keys.h"
#include "server/http/http_client.h"

namespace parvis::federation {

// A ClientRequest::sign callback for `key` named `key_id`. `now` gives the
// time in seconds since the epoch (a seam for tests).
decltype(http::ClientRequest::sign) CavageSigner(protocol::PrivateKey key, std::string key_id,
                                                 std::function<int64_t()> now);

// A ClientRequest::sign callback signing with RFC 9421: ed25519 over
// @method, @target-uri, @authority and, with a body, content-digest (SHA-256),
// with created and keyid parameters.
decltype(http::ClientRequest::sign) Rfc9421Signer(protocol::PrivateKey key, std::string key_id,
                                                  std::function<int64_t()> now);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_REQUEST_SIGNER_H_
