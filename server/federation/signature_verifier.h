// Checks the HTTP signature of an incoming request (POST to an inbox, or a
// signed GET): coverage and freshness, body digest, domain policy, the key
// (fetched, and fetched again once on failure for key rotation), and the
// signature itself. Replay protection is the caller's (the inbox keeps it).
#ifndef PARVIS_SERVER_FEDERATION_SIGNATURE_VERIFIER_H_
#define PARVIS_SERVER_FEDERATION_SIGNATURE_VERIFIER_H_

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "parvis/config.h"
#include "server/federation/actor_directory.h"
#include "server/federation/domain_policy.h"
#include "server/http/router.h"

namespace parvis::federation {

struct VerifiedRequest {
  std::string signer;       // the actor that owns the key
  std::string key_id;
  std::string fingerprint;  // identifies this signature, for replay checks
  bool rfc9421 = false;     // signed with RFC 9421 (else draft-cavage)
};

struct VerificationFailure {
  int status = 401;         // 401, or 403 for a refused domain, 503 for storage
  std::string reason;
  bool unsigned_request = false;
  bool key_gone = false;    // the key's actor answered 404/410
};

class SignatureVerifier {
 public:
  // All references must outlive the verifier.
  SignatureVerifier(const Config& config, ActorDirectory& directory, const DomainPolicy& policy,
                    std::function<int64_t()> now);

  // `check_digest`: the body must match a covered Digest / Content-Digest
  // (POST); a GET has no body to check. A signer a moderator suspended is
  // refused (403) unless `suspended_may_sign` (the inbox, which lets a
  // suspended actor's appeal through and nothing else).
  boost::asio::awaitable<std::expected<VerifiedRequest, VerificationFailure>> Verify(
      const http::Request& request, bool check_digest, bool suspended_may_sign = false);

 private:
  const Config& config_;
  ActorDirectory& directory_;
  const DomainPolicy& policy_;
  std::function<int64_t()> now_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_SIGNATURE_VERIFIER_H_
