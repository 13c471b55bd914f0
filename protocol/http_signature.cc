#include "parvis/protocol/http_signature.h"

#include <algorithm>

#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool Covers(const SignatureInfo& info, std::string_view name) {
  return std::find(info.covered.begin(), info.covered.end(), name) != info.covered.end();
}

std::unexpected<Error> Uncovered(std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument, "signature does not cover " + std::string(what));
}

Result<SignatureInfo> FromCavage(CavageSignature parsed) {
  SignatureInfo info;
  info.scheme = SignatureScheme::kDraftCavage;
  info.key_id = parsed.key_id;
  info.algorithm = parsed.algorithm;
  info.covered = parsed.headers;
  // An unsigned created time proves nothing, so it cannot stand in for a
  // date; an unsigned expiry is still honoured, since that can only reject.
  if (Covers(info, "(created)")) info.created = parsed.created;
  info.expires = parsed.expires;
  info.parsed = std::move(parsed);
  return info;
}

Result<SignatureInfo> FromRfc9421(MessageSignature parsed) {
  SignatureInfo info;
  info.scheme = SignatureScheme::kRfc9421;
  info.key_id = parsed.keyid;
  info.algorithm = parsed.alg;
  for (const sf::Item& component : parsed.input.items) {
    std::string name = std::get<std::string>(component.value);
    auto params = sf::SerializeParameters(component.params);
    if (!params) return std::unexpected(params.error());
    info.covered.push_back(name + *params);
  }
  info.created = parsed.created;
  info.expires = parsed.expires;
  info.parsed = std::move(parsed);
  return info;
}

Status CheckTime(std::string_view what, int64_t when, int64_t now, int64_t skew) {
  if (when > now + skew) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " is " + std::to_string(when - now) + " seconds in the future");
  }
  if (when < now - skew) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " is " + std::to_string(now - when) + " seconds old");
  }
  return Ok();
}

}  // namespace

const char* SignatureSchemeName(SignatureScheme scheme) {
  return scheme == SignatureScheme::kRfc9421 ? "rfc9421" : "draft-cavage-12";
}

Result<SignatureInfo> InspectRequestSignature(const HttpMessage& request) {
  if (request.FieldValue("signature-input")) {
    auto parsed = ParseMessageSignature(request);
    if (!parsed) return std::unexpected(parsed.error());
    return FromRfc9421(std::move(*parsed));
  }
  if (const auto header = request.FieldValue("signature")) {
    auto parsed = ParseCavageSignature(*header);
    if (!parsed) return std::unexpected(parsed.error());
    return FromCavage(std::move(*parsed));
  }
  if (const auto authorization = request.FieldValue("authorization")) {
    auto parsed = ParseCavageAuthorization(*authorization);
    if (parsed) return FromCavage(std::move(*parsed));
    // Another scheme (Bearer, Basic) is not a signature.
    if (!Upper(*authorization).starts_with("SIGNATURE ")) {
      return Fail(ErrorCode::kNotFound, "request is not signed");
    }
    return std::unexpected(parsed.error());
  }
  return Fail(ErrorCode::kNotFound, "request is not signed");
}

Status VerifyRequestSignature(const HttpMessage& request, const SignatureInfo& info,
                              const PublicKey& key) {
  if (const auto* cavage = std::get_if<CavageSignature>(&info.parsed)) {
    return VerifyCavageSignature(request, *cavage, key);
  }
  return VerifyMessageSignature(request, std::get<MessageSignature>(info.parsed), key);
}

Status CheckSignaturePolicy(const SignatureInfo& info, const HttpMessage& request, int64_t now_unix,
                            int64_t max_skew_seconds) {
  const bool rfc9421 = info.scheme == SignatureScheme::kRfc9421;
  const bool covers_target =
      rfc9421 ? Covers(info, "@method") && (Covers(info, "@target-uri") || Covers(info, "@path") ||
                                            Covers(info, "@request-target"))
              : Covers(info, "(request-target)");
  if (!covers_target) return Uncovered("the request target");
  const bool covers_host =
      rfc9421 ? Covers(info, "@authority") || Covers(info, "@target-uri") : Covers(info, "host");
  if (!covers_host) return Uncovered("the host");
  const bool covers_date = Covers(info, "date");
  if (!covers_date && !info.created) return Uncovered("the date");
  const std::string method = Upper(request.method);
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    const bool covers_digest = Covers(info, "digest") || Covers(info, "content-digest");
    if (!covers_digest) return Uncovered("the digest");
  }
  if (covers_date) {
    const auto header = request.FieldValue("date");
    if (!header) return Fail(ErrorCode::kInvalidArgument, "covered Date header is absent");
    auto date = ParseHttpDate(*header);
    if (!date) return Fail(ErrorCode::kInvalidArgument, "Date header: " + date.error().message);
    if (auto st = CheckTime("Date header", *date, now_unix, max_skew_seconds); !st) return st;
  }
  if (info.created) {
    if (auto st = CheckTime("signature creation time", *info.created, now_unix, max_skew_seconds);
        !st) {
      return st;
    }
  }
  if (info.expires && *info.expires < now_unix) {
    return Fail(ErrorCode::kInvalidArgument,
                "signature expired " + std::to_string(now_unix - *info.expires) + " seconds ago");
  }
  return Ok();
}

}  // namespace parvis::protocol
