#include "server/federation/fetch_gate.h"

namespace parvis::federation {

http::AsyncHandler SignedFetch(SignatureVerifier* verifier, bool required, http::Handler inner,
                               bool html_alternative) {
  return [verifier, required, html_alternative, inner = std::move(inner)](
             http::Request& request) -> boost::asio::awaitable<http::Response> {
    if (html_alternative && !request.AcceptsActivityJson()) co_return inner(request);
    bool is_signed = request.Header("signature") || request.Header("signature-input") ||
                     request.Header("authorization");
    if (!is_signed && !required) co_return inner(request);
    std::expected<VerifiedRequest, VerificationFailure> verified =
        co_await verifier->Verify(request, /*check_digest=*/false);
    if (verified) {
      request.verified_actor = verified->signer;
    } else if (required) {
      http::Response refused = http::Response::JsonError(verified.error().status,
                                                         verified.error().reason);
      co_return refused;
    }
    // Without authorized fetch a bad signature only means: asked anonymously.
    co_return inner(request);
  };
}

}  // namespace parvis::federation
