// draft-cavage-http-signatures-12, the `Signature` header most ActivityPub
// servers (Mastodon and its peers) send and expect.
#ifndef PARVIS_PROTOCOL_CAVAGE_SIGNATURE_H_
#define PARVIS_PROTOCOL_CAVAGE_SIGNATURE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/http_message.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/signature_algorithm.h"
#include "parvis/result.h"

namespace parvis::protocol {

// Longer Signature / Authorization values are kLimitExceeded.
inline constexpr size_t kMaxCavageHeaderBytes = 16 * 1024;
// More names in `headers` is kLimitExceeded.
inline constexpr size_t kMaxCavageCoveredHeaders = 64;

struct CavageSignature {
  std::string key_id;
  // Lower-cased; empty when the parameter is absent.
  std::string algorithm;
  // Lower-cased, in order. When the parameter is absent this is {"date"}, as
  // Mastodon and the draft's own C.1 example do (§2.1.6 says "(created)").
  std::vector<std::string> headers;
  bool headers_defaulted = false;
  // The decoded signature bytes.
  std::string signature;
  std::optional<int64_t> created;
  std::optional<int64_t> expires;
};

// Parses a Signature header value: comma-separated name="value" parameters,
// spaces allowed around commas; created/expires may be bare integers.
// Unknown parameters are ignored; a repeated known one, a missing keyId or
// signature, bad base64 or an empty headers list is kInvalidArgument.
Result<CavageSignature> ParseCavageSignature(std::string_view value);

// Parses an Authorization header value "Signature keyId=...". Another scheme
// is kInvalidArgument.
Result<CavageSignature> ParseCavageAuthorization(std::string_view value);

// The signing string: one "name: value" line per covered header, joined with
// "\n". "(request-target)" is the lower-cased method, a space and the target
// as sent; "(created)"/"(expires)" need the matching argument; "host" falls
// back to message.authority; repeated headers are joined with ", ". An absent
// header, an unknown pseudo-header or a repeated name is kInvalidArgument.
Result<std::string> BuildCavageSigningString(const HttpMessage& message,
                                             const std::vector<std::string>& headers,
                                             std::optional<int64_t> created = std::nullopt,
                                             std::optional<int64_t> expires = std::nullopt);

// What `algorithm` means with a key of `key_type`: "rsa-sha256" and
// "rsa-sha512" need an RSA key (PKCS#1 v1.5); "hs2019" or no algorithm is
// decided by the key (RSA: PKCS#1 v1.5 SHA-256, as Mastodon does; Ed25519);
// "ed25519" needs an Ed25519 key. A mismatch is kInvalidArgument, an unknown
// name kUnsupported.
Result<SignatureAlgorithm> ResolveCavageAlgorithm(std::string_view algorithm, KeyType key_type);

// Rebuilds the signing string from `message` and checks `signature` with
// `key`. Besides a bad signature, fails when "(created)" or "(expires)" is
// covered under an rsa*, hmac* or ecdsa* algorithm (the draft's §2.3 rule).
// Does not judge time or coverage: see CheckSignaturePolicy.
Status VerifyCavageSignature(const HttpMessage& message, const CavageSignature& signature,
                             const PublicKey& key);

struct CavageSignOptions {
  std::string key_id;
  // Covered headers in order. The default suits a POST with a Digest header;
  // a GET leaves "digest" out. Empty means the draft's default ("date") and
  // writes no headers parameter.
  std::vector<std::string> headers = {"(request-target)", "host", "date", "digest"};
  // Written as is; empty picks "rsa-sha256" for RSA keys and "hs2019" for
  // Ed25519 keys.
  std::string algorithm;
  std::optional<int64_t> created;
  std::optional<int64_t> expires;
};

// Signs `message` and returns the Signature header value:
//   keyId="...",algorithm="...",headers="...",signature="..."
// (created/expires are written before headers when set).
Result<std::string> SignCavage(const HttpMessage& message, const PrivateKey& key,
                               const CavageSignOptions& options);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_CAVAGE_SIGNATURE_H_
