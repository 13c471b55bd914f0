// FEP-8b32 object integrity proofs: W3C Data Integrity `DataIntegrityProof`
// with the eddsa-jcs-2022 cryptosuite (vc-di-eddsa §3.3), embedded in an
// activity as its `proof` member.
#ifndef PARVIS_PROTOCOL_DATA_INTEGRITY_H_
#define PARVIS_PROTOCOL_DATA_INTEGRITY_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "parvis/protocol/keys.h"
#include "parvis/result.h"

namespace parvis::protocol {

struct DataIntegrityProofOptions {
  // The key's id, e.g. "https://example.com/users/a#ed25519-key".
  std::string verification_method;
  std::string proof_purpose = "assertionMethod";
  // Written as an RFC 3339 UTC date-time ("2025-03-14T17:20:01Z").
  int64_t created_unix = 0;
};

// Signs `document` (a JSON object without a `proof` member) with the Ed25519
// `key` and adds the proof:
//   {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
//    "verificationMethod": ..., "proofPurpose": ..., "created": ...,
//    "proofValue": "z..."}
// The signed bytes are SHA-256(JCS(proof options + the document's @context))
// followed by SHA-256(JCS(document)). A non-object document, an existing
// proof or a non-Ed25519 key is kInvalidArgument.
Status AddEddsaJcsProof(rapidjson::Document& document, const PrivateKey& key,
                        const DataIntegrityProofOptions& options);

// What a document's proof claims, read without checking it, so the server
// can fetch the key named by verification_method.
struct DataIntegrityProofInfo {
  std::string type;
  std::string cryptosuite;
  std::string verification_method;
  std::string proof_purpose;
  std::string created;                  // as written; empty when absent
  std::optional<int64_t> created_unix;  // parsed `created`
};

// Reads the `proof` member. No proof is kNotFound; a proof set (an array) is
// kUnsupported; missing or non-string fields are kInvalidArgument.
Result<DataIntegrityProofInfo> InspectDataIntegrityProof(const rapidjson::Value& document);

// Verifies the eddsa-jcs-2022 proof of `document` with the Ed25519 `key`.
// Another proof type or cryptosuite is kUnsupported; a proof whose @context
// is not a prefix of the document's, a malformed proofValue or a bad
// signature is kInvalidArgument. The caller checks that `key` belongs to
// verification_method's controller and that the purpose suits the use.
Status VerifyEddsaJcsProof(const rapidjson::Value& document, const PublicKey& key);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_DATA_INTEGRITY_H_
