// Body digests: RFC 3230 `Digest` (as draft-cavage deployments send it) and
// RFC 9530 `Content-Digest`.
#ifndef PARVIS_PROTOCOL_DIGEST_H_
#define PARVIS_PROTOCOL_DIGEST_H_

#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::protocol {

enum class DigestAlgorithm { kSha256, kSha512 };

// Raw SHA-256 / SHA-512 of `bytes`.
std::string Sha256(std::string_view bytes);
std::string Sha512(std::string_view bytes);

// "SHA-256=<base64>" / "SHA-512=<base64>".
std::string MakeDigestHeader(std::string_view body,
                             DigestAlgorithm algorithm = DigestAlgorithm::kSha256);

// "sha-256=:<base64>:" / "sha-512=:<base64>:".
std::string MakeContentDigestHeader(std::string_view body,
                                    DigestAlgorithm algorithm = DigestAlgorithm::kSha256);

// Checks `body` against whichever of the two header values is non-empty (both
// when both are). Algorithm names are case-insensitive in `Digest`
// ("SHA-256", "sha-256", "SHA-512"); `Content-Digest` is a structured-field
// dictionary whose sha-256 / sha-512 members are byte sequences. Unknown or
// deprecated algorithms (md5, sha, ...) are skipped, but at least one supported
// algorithm must be present (else kUnsupported) and every supported one
// present must match (else kInvalidArgument, naming the header). Neither
// header: kInvalidArgument. Malformed values: kInvalidArgument.
Status VerifyBodyDigest(std::string_view digest_header, std::string_view content_digest_header,
                        std::string_view body);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_DIGEST_H_
