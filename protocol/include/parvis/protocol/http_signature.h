// One entry point for signed inbound requests, whichever scheme the sender
// used: RFC 9421 (Signature-Input + Signature) or draft-cavage-12 (Signature,
// or Authorization: Signature). The server calls, in order:
//   InspectRequestSignature  -> which key to fetch (key_id)
//   CheckSignaturePolicy     -> does the signature cover enough, and is it fresh
//   VerifyRequestSignature   -> with the fetched key
//   VerifyBodyDigest         -> (digest.h) the body matches the covered digest
#ifndef PARVIS_PROTOCOL_HTTP_SIGNATURE_H_
#define PARVIS_PROTOCOL_HTTP_SIGNATURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "parvis/protocol/cavage_signature.h"
#include "parvis/protocol/http_message.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/message_signature.h"
#include "parvis/result.h"

namespace parvis::protocol {

enum class SignatureScheme { kDraftCavage, kRfc9421 };

// "draft-cavage-12" or "rfc9421".
const char* SignatureSchemeName(SignatureScheme scheme);

// Default for CheckSignaturePolicy's max_skew_seconds.
inline constexpr int64_t kDefaultSignatureSkewSeconds = 3600;

struct SignatureInfo {
  SignatureScheme scheme = SignatureScheme::kDraftCavage;
  // cavage keyId or RFC 9421 keyid parameter: the key to fetch. May be empty
  // for RFC 9421 (keyid is optional there); the server then cannot verify.
  std::string key_id;
  // As the sender named it ("rsa-sha256", "hs2019", "ed25519",
  // "rsa-v1_5-sha256"); empty when absent.
  std::string algorithm;
  // Covered components in order: cavage names as sent ("(request-target)",
  // "host", "date", "digest", "(created)"); RFC 9421 identifiers without
  // quotes ("@method", "@path", "content-digest", "@query-param;name=\"a\"").
  std::vector<std::string> covered;
  // Creation and expiry times. RFC 9421: the created/expires parameters
  // (always signed). cavage: created only when "(created)" is covered (an
  // unsigned one proves nothing); expires whenever present (honouring an
  // unsigned expiry can only reject).
  std::optional<int64_t> created;
  std::optional<int64_t> expires;
  // What the verifier needs; which alternative matches `scheme`.
  std::variant<CavageSignature, MessageSignature> parsed;
};

// Finds and parses the request's signature: RFC 9421 when Signature-Input is
// present (the first label), else the cavage Signature header, else an
// Authorization header using the Signature scheme. No signature at all is
// kNotFound; a malformed one kInvalidArgument (or kLimitExceeded).
Result<SignatureInfo> InspectRequestSignature(const HttpMessage& request);

// Verifies the signature `info` describes with `key`. Neither time nor
// coverage is judged here: call CheckSignaturePolicy too.
Status VerifyRequestSignature(const HttpMessage& request, const SignatureInfo& info,
                              const PublicKey& key);

// Pure policy, no cryptography. Every request signature must cover the
// target ("(request-target)", or "@method" with "@target-uri", "@path" or
// "@request-target"), the host ("host", "@authority" or "@target-uri") and a
// date ("date", or a signed created time). POST, PUT and PATCH must also
// cover the body digest ("digest" or "content-digest"). The covered Date
// header (IMF-fixdate) and the created time must lie within max_skew_seconds
// of now; an expires time before now fails. Errors are kInvalidArgument and
// name what is wrong: "signature does not cover the digest".
Status CheckSignaturePolicy(const SignatureInfo& info, const HttpMessage& request, int64_t now_unix,
                            int64_t max_skew_seconds = kDefaultSignatureSkewSeconds);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_HTTP_SIGNATURE_H_
