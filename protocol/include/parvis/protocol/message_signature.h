// RFC 9421 HTTP Message Signatures: `Signature-Input` + `Signature`.
#ifndef PARVIS_PROTOCOL_MESSAGE_SIGNATURE_H_
#define PARVIS_PROTOCOL_MESSAGE_SIGNATURE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/http_message.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/signature_algorithm.h"
#include "parvis/protocol/structured_fields.h"
#include "parvis/result.h"

namespace parvis::protocol {

// More covered components than this is kLimitExceeded.
inline constexpr size_t kMaxCoveredComponents = 64;

// One signature of a message, as named by its label.
struct MessageSignature {
  std::string label;
  // The covered components and signature parameters exactly as parsed from
  // Signature-Input; serializing it gives the "@signature-params" value.
  sf::InnerList input;
  // The decoded signature bytes from the Signature field.
  std::string signature;

  // Signature parameters, when present with the right type.
  std::optional<int64_t> created;
  std::optional<int64_t> expires;
  std::string keyid;
  std::string alg;
  std::string nonce;
  std::string tag;
};

// Reads the signature labelled `label` (the first one in Signature-Input when
// empty) from the message's Signature-Input and Signature fields. Missing
// fields or label, a member that is not an inner list of strings, a Signature
// member that is not a byte sequence, or a parameter of the wrong type
// (created="x") is kInvalidArgument.
Result<MessageSignature> ParseMessageSignature(const HttpMessage& message,
                                               std::string_view label = {});

// A component identifier: a name ("@method", "content-digest") with optional
// parameters (name="Pet", sf, key="a", bs, req).
sf::Item Component(std::string name, sf::Parameters params = {});

// The signature base (RFC 9421 §2.5) for `input`'s covered components and
// parameters, lines joined with "\n", no trailing newline. Supports the
// derived components @method, @target-uri, @authority, @scheme,
// @request-target, @path, @query, @query-param;name=..., @status, and fields
// with the sf, key, bs and req parameters (`req` reads `request`, which must
// then be given). An absent field, an unknown component or parameter, a
// repeated identifier, a query parameter that is absent or repeated, or
// @status on a request is kInvalidArgument.
Result<std::string> BuildSignatureBase(const HttpMessage& message, const sf::InnerList& input,
                                       const HttpMessage* request = nullptr);

// Checks `signature` over `message` with `key`. The algorithm is, in order:
// `algorithm` when given (e.g. what the key is registered for); the `alg`
// parameter; the natural one for the key type (RSA: rsa-v1_5-sha256,
// Ed25519: ed25519, P-256: ecdsa-p256-sha256, HMAC: hmac-sha256). When both
// `algorithm` and `alg` are given they must agree. An unknown `alg` is
// kUnsupported. Does not judge time or coverage: see CheckSignaturePolicy.
Status VerifyMessageSignature(const HttpMessage& message, const MessageSignature& signature,
                              const PublicKey& key,
                              std::optional<SignatureAlgorithm> algorithm = std::nullopt,
                              const HttpMessage* request = nullptr);

struct MessageSignOptions {
  std::string label = "sig1";
  // Covered components in order, e.g. {Component("@method"),
  // Component("@target-uri"), Component("content-digest")}.
  std::vector<sf::Item> components;
  // Signature parameters, written in this order when set.
  std::optional<int64_t> created;
  std::optional<int64_t> expires;
  std::string keyid;
  bool include_alg = false;  // write alg="<name>"
  std::string nonce;
  std::string tag;
};

struct SignatureFields {
  std::string signature_input;  // value for the Signature-Input field
  std::string signature;        // value for the Signature field
};

// Signs `message` with `algorithm` (which must fit the key) and returns the
// two field values, each a one-member dictionary named options.label.
Result<SignatureFields> SignMessage(const HttpMessage& message, const PrivateKey& key,
                                    SignatureAlgorithm algorithm, const MessageSignOptions& options,
                                    const HttpMessage* request = nullptr);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_MESSAGE_SIGNATURE_H_
