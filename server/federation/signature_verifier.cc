#include "server/federation/signature_verifier.h"

#include "parvis/protocol/digest.h"
#include "parvis/protocol/http_signature.h"

namespace parvis::federation {
namespace {

protocol::HttpMessage MessageOf(const http::Request& request, bool https) {
  protocol::HttpMessage message;
  message.method = request.method;
  message.target = request.target;
  message.authority = std::string(request.Header("host").value_or(""));
  message.scheme = https ? "https" : "http";
  message.headers = request.headers;
  return message;
}

std::unexpected<VerificationFailure> Refuse(int status, std::string reason) {
  return std::unexpected(VerificationFailure{status, std::move(reason)});
}

}  // namespace

SignatureVerifier::SignatureVerifier(const Config& config, ActorDirectory& directory,
                                     const DomainPolicy& policy, std::function<int64_t()> now)
    : config_(config), directory_(directory), policy_(policy), now_(std::move(now)) {}

boost::asio::awaitable<std::expected<VerifiedRequest, VerificationFailure>> SignatureVerifier::Verify(
    const http::Request& request, bool check_digest, bool suspended_may_sign) {
  protocol::HttpMessage message = MessageOf(request, config_.https);
  Result<protocol::SignatureInfo> info = protocol::InspectRequestSignature(message);
  if (!info) {
    if (info.error().code == ErrorCode::kNotFound) {
      VerificationFailure failure{401, "the request is not signed"};
      failure.unsigned_request = true;
      co_return std::unexpected(failure);
    }
    co_return Refuse(401, "bad signature: " + info.error().message);
  }
  if (info->key_id.empty()) co_return Refuse(401, "the signature names no key");
  if (!policy_.AllowsUrl(info->key_id)) {
    co_return Refuse(403, "this node does not federate with the signer's domain");
  }
  if (Status policy = protocol::CheckSignaturePolicy(*info, message, now_()); !policy) {
    co_return Refuse(401, policy.error().message);
  }
  if (check_digest) {
    if (Status digest = protocol::VerifyBodyDigest(
            message.FieldValue("digest").value_or(""),
            message.FieldValue("content-digest").value_or(""), request.body);
        !digest) {
      co_return Refuse(401, "body digest: " + digest.error().message);
    }
  }
  // The key, fetched once more if it does not verify: the actor may have
  // rotated it.
  Result<ResolvedKey> key = co_await directory_.ResolveKey(info->key_id, false);
  bool verified = key && protocol::VerifyRequestSignature(message, *info, key->key).has_value();
  if (!verified && (key || key.error().code != ErrorCode::kInvalidArgument)) {
    key = co_await directory_.ResolveKey(info->key_id, true);
    verified = key && protocol::VerifyRequestSignature(message, *info, key->key).has_value();
  }
  if (!key) {
    VerificationFailure failure{401, "cannot get the signer's key: " + key.error().message};
    failure.key_gone = key.error().code == ErrorCode::kNotFound;
    co_return std::unexpected(failure);
  }
  if (!verified) co_return Refuse(401, "the signature does not verify");
  if (!suspended_may_sign && policy_.IsSuspended(key->owner)) co_return Refuse(403, "this node's moderators suspended the signer");
  std::string material = info->key_id + "\n" + message.FieldValue("signature").value_or("") +
                         "\n" + message.FieldValue("signature-input").value_or("") + "\n" +
                         message.FieldValue("authorization").value_or("");
  co_return VerifiedRequest{key->owner, info->key_id, protocol::Sha256(material),
                            info->scheme == protocol::SignatureScheme::kRfc9421};
}

}  // namespace parvis::federation
