#include "parvis/protocol/message_signature.h"

#include <algorithm>

#include "message_components.h"
#include "parvis/protocol/base64.h"

namespace parvis::protocol {
namespace {

std::unexpected<Error> Malformed(std::string what) {
  return Fail(ErrorCode::kInvalidArgument, what);
}

// Copies the well-known signature parameters (§2.3) out of the inner list.
Status ReadParameters(MessageSignature& out) {
  for (const auto& [name, value] : out.input.params) {
    if (name == "created" || name == "expires") {
      const int64_t* time = std::get_if<int64_t>(&value);
      if (!time) return Malformed("signature parameter " + name + " must be an integer");
      (name == "created" ? out.created : out.expires) = *time;
    } else if (name == "keyid" || name == "alg" || name == "nonce" || name == "tag") {
      const std::string* text = std::get_if<std::string>(&value);
      if (!text) return Malformed("signature parameter " + name + " must be a string");
      if (name == "keyid") out.keyid = *text;
      if (name == "alg") out.alg = *text;
      if (name == "nonce") out.nonce = *text;
      if (name == "tag") out.tag = *text;
    }
  }
  return Ok();
}

SignatureAlgorithm NaturalAlgorithm(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return SignatureAlgorithm::kRsaPkcs1Sha256;
    case KeyType::kEd25519:
      return SignatureAlgorithm::kEd25519;
    case KeyType::kEcdsaP256:
      return SignatureAlgorithm::kEcdsaP256Sha256;
    case KeyType::kHmacSecret:
      return SignatureAlgorithm::kHmacSha256;
  }
  return SignatureAlgorithm::kRsaPkcs1Sha256;
}

}  // namespace

sf::Item Component(std::string name, sf::Parameters params) {
  return sf::Item{sf::BareItem{std::move(name)}, std::move(params)};
}

Result<MessageSignature> ParseMessageSignature(const HttpMessage& message, std::string_view label) {
  const std::optional<std::string> input_field = message.FieldValue("signature-input");
  if (!input_field) return Malformed("no Signature-Input field");
  const std::optional<std::string> signature_field = message.FieldValue("signature");
  if (!signature_field) return Malformed("no Signature field");
  auto inputs = sf::ParseDictionary(*input_field);
  if (!inputs) return Fail(inputs.error().code, "Signature-Input: " + inputs.error().message);
  auto signatures = sf::ParseDictionary(*signature_field);
  if (!signatures) return Fail(signatures.error().code, "Signature: " + signatures.error().message);
  if (inputs->empty()) return Malformed("Signature-Input is empty");

  MessageSignature out;
  out.label = label.empty() ? inputs->front().first : std::string(label);
  const sf::ListMember* input = sf::FindMember(*inputs, out.label);
  if (!input) return Malformed("Signature-Input has no signature labelled \"" + out.label + "\"");
  const sf::InnerList* list = std::get_if<sf::InnerList>(input);
  if (!list) return Malformed("Signature-Input member \"" + out.label + "\" is not an inner list");
  if (list->items.size() > kMaxCoveredComponents) {
    return Fail(ErrorCode::kLimitExceeded, "signature \"" + out.label + "\" covers more than " +
                                               std::to_string(kMaxCoveredComponents) +
                                               " components");
  }
  for (const sf::Item& item : list->items) {
    if (!std::holds_alternative<std::string>(item.value)) {
      return Malformed("Signature-Input member \"" + out.label +
                       "\" lists a component that is not a string");
    }
  }
  out.input = *list;
  if (auto st = ReadParameters(out); !st) return std::unexpected(st.error());

  const sf::ListMember* signature = sf::FindMember(*signatures, out.label);
  if (!signature) return Malformed("Signature has no signature labelled \"" + out.label + "\"");
  const sf::Item* item = std::get_if<sf::Item>(signature);
  const sf::ByteSequence* bytes = item ? std::get_if<sf::ByteSequence>(&item->value) : nullptr;
  if (!bytes) return Malformed("Signature member \"" + out.label + "\" is not a byte sequence");
  out.signature = bytes->bytes;
  return out;
}

Result<std::string> BuildSignatureBase(const HttpMessage& message, const sf::InnerList& input,
                                       const HttpMessage* request) {
  if (input.items.size() > kMaxCoveredComponents) {
    return Fail(ErrorCode::kLimitExceeded,
                "more than " + std::to_string(kMaxCoveredComponents) + " covered components");
  }
  std::vector<std::string> seen;
  std::string base;
  for (const sf::Item& component : input.items) {
    auto identifier = sf::SerializeItem(component);
    if (!identifier) return identifier;
    if (std::find(seen.begin(), seen.end(), *identifier) != seen.end()) {
      return Malformed("component " + *identifier + " is covered twice");
    }
    seen.push_back(*identifier);
    auto value = ComponentValue(message, component, request);
    if (!value) return value;
    base += *identifier + ": " + *value + "\n";
  }
  auto params = sf::SerializeInnerList(input);
  if (!params) return params;
  return base + "\"@signature-params\": " + *params;
}

Status VerifyMessageSignature(const HttpMessage& message, const MessageSignature& signature,
                              const PublicKey& key, std::optional<SignatureAlgorithm> algorithm,
                              const HttpMessage* request) {
  if (!signature.alg.empty()) {
    const auto named = SignatureAlgorithmFromName(signature.alg);
    if (!named) {
      return Fail(ErrorCode::kUnsupported,
                  "unsupported signature algorithm \"" + signature.alg + "\"");
    }
    if (algorithm && *algorithm != *named) {
      return Fail(ErrorCode::kInvalidArgument, "signature says alg=\"" + signature.alg +
                                                   "\" but the key is for " +
                                                   SignatureAlgorithmName(*algorithm));
    }
    algorithm = named;
  }
  const SignatureAlgorithm chosen = algorithm.value_or(NaturalAlgorithm(key.type()));
  auto base = BuildSignatureBase(message, signature.input, request);
  if (!base) return std::unexpected(base.error());
  return VerifyBytes(key, chosen, *base, signature.signature);
}

Result<SignatureFields> SignMessage(const HttpMessage& message, const PrivateKey& key,
                                    SignatureAlgorithm algorithm, const MessageSignOptions& options,
                                    const HttpMessage* request) {
  if (!SignatureAlgorithmFromName(SignatureAlgorithmName(algorithm))) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(SignatureAlgorithmName(algorithm)) + " is not an RFC 9421 algorithm");
  }
  sf::InnerList input;
  input.items = options.components;
  // The order of RFC 9421's own examples (created, keyid, alg, expires, ...).
  if (options.created) input.params.emplace_back("created", *options.created);
  if (!options.keyid.empty()) input.params.emplace_back("keyid", options.keyid);
  if (options.include_alg)
    input.params.emplace_back("alg", std::string(SignatureAlgorithmName(algorithm)));
  if (options.expires) input.params.emplace_back("expires", *options.expires);
  if (!options.nonce.empty()) input.params.emplace_back("nonce", options.nonce);
  if (!options.tag.empty()) input.params.emplace_back("tag", options.tag);

  auto base = BuildSignatureBase(message, input, request);
  if (!base) return std::unexpected(base.error());
  auto signature = SignBytes(key, algorithm, *base);
  if (!signature) return std::unexpected(signature.error());

  sf::Dictionary input_field{{options.label, input}};
  sf::Dictionary signature_field{
      {options.label, sf::Item{sf::ByteSequence{std::move(*signature)}, {}}}};
  auto input_text = sf::SerializeDictionary(input_field);
  if (!input_text) return std::unexpected(input_text.error());
  auto signature_text = sf::SerializeDictionary(signature_field);
  if (!signature_text) return std::unexpected(signature_text.error());
  return SignatureFields{std::move(*input_text), std::move(*signature_text)};
}

}  // namespace parvis::protocol
