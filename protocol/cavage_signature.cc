#include "parvis/protocol/cavage_signature.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "parvis/protocol/base64.h"

namespace parvis::protocol {
namespace {

constexpr size_t kMaxTimestampDigits = 15;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::unexpected<Error> Malformed(std::string what) {
  return Fail(ErrorCode::kInvalidArgument, "malformed Signature header: " + what);
}

// name="value" or name=token pairs, in order, with spaces allowed around
// '=' and ','.
Result<std::vector<std::pair<std::string, std::string>>> SplitParameters(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  const auto skip_spaces = [&] {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
  };
  skip_spaces();
  while (pos < text.size()) {
    const size_t name_start = pos;
    while (pos < text.size() && IsNameChar(text[pos])) ++pos;
    if (pos == name_start)
      return Malformed("expected a parameter name at byte " + std::to_string(pos));
    std::string name(text.substr(name_start, pos - name_start));
    skip_spaces();
    if (pos >= text.size() || text[pos] != '=') return Malformed("expected '=' after " + name);
    ++pos;
    skip_spaces();
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && pos < text.size()) {
          value.push_back(text[pos++]);
          continue;
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          return Malformed("control character in " + name);
        }
        value.push_back(c);
      }
      if (!closed) return Malformed("unterminated quoted value of " + name);
    } else {
      const size_t value_start = pos;
      while (pos < text.size() && text[pos] != ',' && !IsSpace(text[pos]) && text[pos] != '"')
        ++pos;
      if (pos == value_start) return Malformed("empty value of " + name);
      value = std::string(text.substr(value_start, pos - value_start));
    }
    params.emplace_back(std::move(name), std::move(value));
    skip_spaces();
    if (pos >= text.size()) break;
    if (text[pos] != ',') return Malformed("expected ',' at byte " + std::to_string(pos));
    ++pos;
    skip_spaces();
    if (pos >= text.size()) return Malformed("trailing ','");
  }
  return params;
}

Result<int64_t> ParseTimestamp(std::string_view name, std::string_view value) {
  int64_t out = 0;
  const bool digits_only =
      !value.empty() && value.size() <= kMaxTimestampDigits &&
      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits_only) {
    return Malformed(std::string(name) + " must be a Unix time in whole seconds");
  }
  std::from_chars(value.data(), value.data() + value.size(), out);
  return out;
}

// The draft (§2.3) forbids (created)/(expires) with algorithms that name
// their hash, so a signer cannot be made to vouch for a time it never saw.
bool ForbidsTimePseudoHeaders(std::string_view algorithm) {
  return algorithm.starts_with("rsa") || algorithm.starts_with("hmac") ||
         algorithm.starts_with("ecdsa");
}

bool QuotableValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

}  // namespace

Result<CavageSignature> ParseCavageSignature(std::string_view value) {
  if (value.size() > kMaxCavageHeaderBytes) {
    return Fail(ErrorCode::kLimitExceeded, "Signature header is " + std::to_string(value.size()) +
                                               " bytes, more than the limit of " +
                                               std::to_string(kMaxCavageHeaderBytes));
  }
  auto params = SplitParameters(value);
  if (!params) return std::unexpected(params.error());
  std::map<std::string, std::string, std::less<>> known;
  for (auto& [name, param] : *params) {
    if (name != "keyId" && name != "algorithm" && name != "headers" && name != "signature" &&
        name != "created" && name != "expires") {
      continue;  // the draft lets senders add parameters
    }
    if (!known.emplace(name, std::move(param)).second) {
      return Malformed("parameter " + name + " appears twice");
    }
  }
  CavageSignature out;
  if (auto it = known.find("keyId"); it != known.end() && !it->second.empty()) {
    out.key_id = it->second;
  } else {
    return Malformed("keyId is missing");
  }
  auto signature = known.find("signature");
  if (signature == known.end() || signature->second.empty())
    return Malformed("signature is missing");
  auto bytes = DecodeBase64(signature->second);
  if (!bytes) return Malformed("signature is not base64");
  out.signature = std::move(*bytes);
  if (auto it = known.find("algorithm"); it != known.end()) out.algorithm = Lower(it->second);
  if (auto it = known.find("headers"); it != known.end()) {
    std::string_view list = it->second;
    size_t pos = 0;
    while (pos < list.size()) {
      while (pos < list.size() && list[pos] == ' ') ++pos;
      const size_t start = pos;
      while (pos < list.size() && list[pos] != ' ') ++pos;
      if (pos > start) out.headers.push_back(Lower(list.substr(start, pos - start)));
      if (out.headers.size() > kMaxCavageCoveredHeaders) {
        return Fail(
            ErrorCode::kLimitExceeded,
            "Signature covers more than " + std::to_string(kMaxCavageCoveredHeaders) + " headers");
      }
    }
    if (out.headers.empty()) return Malformed("headers is empty");
  } else {
    out.headers = {"date"};
    out.headers_defaulted = true;
  }
  for (const char* name : {"created", "expires"}) {
    auto it = known.find(name);
    if (it == known.end()) continue;
    auto time = ParseTimestamp(name, it->second);
    if (!time) return std::unexpected(time.error());
    (std::string_view(name) == "created" ? out.created : out.expires) = *time;
  }
  return out;
}

Result<CavageSignature> ParseCavageAuthorization(std::string_view value) {
  constexpr std::string_view kScheme = "signature";
  if (value.size() <= kScheme.size() || Lower(value.substr(0, kScheme.size())) != kScheme ||
      !IsSpace(value[kScheme.size()])) {
    return Fail(ErrorCode::kInvalidArgument,
                "Authorization header does not use the Signature scheme");
  }
  return ParseCavageSignature(value.substr(kScheme.size() + 1));
}

Result<std::string> BuildCavageSigningString(const HttpMessage& message,
                                             const std::vector<std::string>& headers,
                                             std::optional<int64_t> created,
                                             std::optional<int64_t> expires) {
  if (headers.empty()) return Fail(ErrorCode::kInvalidArgument, "signature covers no headers");
  std::vector<std::string> seen;
  std::string out;
  for (const std::string& raw_name : headers) {
    const std::string name = Lower(raw_name);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return Fail(ErrorCode::kInvalidArgument, "header \"" + name + "\" is covered twice");
    }
    seen.push_back(name);
    std::string value;
    if (name == "(request-target)") {
      if (message.method.empty() || message.target.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "(request-target) is covered but the message has no method or target");
      }
      value = Lower(message.method) + " " + message.target;
    } else if (name == "(created)" || name == "(expires)") {
      const std::optional<int64_t>& time = name == "(created)" ? created : expires;
      if (!time) {
        return Fail(ErrorCode::kInvalidArgument, name + " is covered but the " +
                                                     name.substr(1, name.size() - 2) +
                                                     " parameter is missing");
      }
      value = std::to_string(*time);
    } else if (name.starts_with("(")) {
      return Fail(ErrorCode::kInvalidArgument, "unknown pseudo-header " + name);
    } else {
      std::optional<std::string> field = message.FieldValue(name);
      if (!field && name == "host" && !message.authority.empty()) field = message.authority;
      if (!field) {
        return Fail(ErrorCode::kInvalidArgument, "covered header \"" + name + "\" is absent");
      }
      value = std::move(*field);
    }
    if (!out.empty()) out.push_back('\n');
    out += name + ": " + value;
  }
  return out;
}

Result<SignatureAlgorithm> ResolveCavageAlgorithm(std::string_view algorithm, KeyType key_type) {
  const auto needs = [&](KeyType wanted, SignatureAlgorithm result) -> Result<SignatureAlgorithm> {
    if (key_type != wanted) {
      return Fail(ErrorCode::kInvalidArgument, "algorithm " + std::string(algorithm) +
                                                   " needs an " + KeyTypeName(wanted) +
                                                   " key, not " + KeyTypeName(key_type));
    }
    return result;
  };
  if (algorithm.empty() || algorithm == "hs2019") {
    if (key_type == KeyType::kRsa) return SignatureAlgorithm::kRsaPkcs1Sha256;
    if (key_type == KeyType::kEd25519) return SignatureAlgorithm::kEd25519;
    return Fail(ErrorCode::kInvalidArgument,
                std::string("hs2019 is not supported with ") + KeyTypeName(key_type) + " keys");
  }
  if (algorithm == "rsa-sha256") return needs(KeyType::kRsa, SignatureAlgorithm::kRsaPkcs1Sha256);
  if (algorithm == "rsa-sha512") return needs(KeyType::kRsa, SignatureAlgorithm::kRsaPkcs1Sha512);
  if (algorithm == "ed25519") return needs(KeyType::kEd25519, SignatureAlgorithm::kEd25519);
  return Fail(ErrorCode::kUnsupported,
              "unsupported draft-cavage algorithm \"" + std::string(algorithm) + "\"");
}

Status VerifyCavageSignature(const HttpMessage& message, const CavageSignature& signature,
                             const PublicKey& key) {
  auto algorithm = ResolveCavageAlgorithm(signature.algorithm, key.type());
  if (!algorithm) return std::unexpected(algorithm.error());
  if (ForbidsTimePseudoHeaders(signature.algorithm)) {
    for (const std::string& name : signature.headers) {
      if (name == "(created)" || name == "(expires)") {
        return Fail(ErrorCode::kInvalidArgument,
                    name + " may not be covered with algorithm " + signature.algorithm);
      }
    }
  }
  auto signing_string =
      BuildCavageSigningString(message, signature.headers, signature.created, signature.expires);
  if (!signing_string) return std::unexpected(signing_string.error());
  return VerifyBytes(key, *algorithm, *signing_string, signature.signature);
}

Result<std::string> SignCavage(const HttpMessage& message, const PrivateKey& key,
                               const CavageSignOptions& options) {
  if (options.key_id.empty() || !QuotableValue(options.key_id)) {
    return Fail(ErrorCode::kInvalidArgument,
                "keyId is empty or contains '\"', '\\' or a control character");
  }
  std::string algorithm_name = Lower(options.algorithm);
  if (algorithm_name.empty())
    algorithm_name = key.type() == KeyType::kRsa ? "rsa-sha256" : "hs2019";
  auto algorithm = ResolveCavageAlgorithm(algorithm_name, key.type());
  if (!algorithm) return std::unexpected(algorithm.error());
  const std::vector<std::string> headers =
      options.headers.empty() ? std::vector<std::string>{"date"} : options.headers;
  for (const std::string& name : headers) {
    if (!QuotableValue(name) || name.find(' ') != std::string::npos || name.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "header name \"" + name + "\" cannot be covered");
    }
    const std::string lower = Lower(name);
    if ((lower == "(created)" || lower == "(expires)") &&
        ForbidsTimePseudoHeaders(algorithm_name)) {
      return Fail(ErrorCode::kInvalidArgument,
                  lower + " may not be covered with algorithm " + algorithm_name);
    }
  }
  auto signing_string =
      BuildCavageSigningString(message, headers, options.created, options.expires);
  if (!signing_string) return std::unexpected(signing_string.error());
  auto signature = SignBytes(key, *algorithm, *signing_string);
  if (!signature) return std::unexpected(signature.error());

  std::string out = "keyId=\"" + options.key_id + "\",algorithm=\"" + algorithm_name + "\"";
  if (options.created) out += ",created=" + std::to_string(*options.created);
  if (options.expires) out += ",expires=" + std::to_string(*options.expires);
  if (!options.headers.empty()) {
    out += ",headers=\"";
    for (size_t i = 0; i < headers.size(); ++i) {
      if (i > 0) out.push_back(' ');
      out += Lower(headers[i]);
    }
    out += "\"";
  }
  out += ",signature=\"" + EncodeBase64(*signature) + "\"";
  return out;
}

}  // namespace parvis::protocol
