#include "parvis/protocol/digest.h"

#include <sodium.h>

#include <optional>

#include "parvis/protocol/base64.h"
#include "parvis/protocol/structured_fields.h"

namespace parvis::protocol {
namespace {

std::string Hash(DigestAlgorithm algorithm, std::string_view bytes) {
  return algorithm == DigestAlgorithm::kSha256 ? Sha256(bytes) : Sha512(bytes);
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<DigestAlgorithm> AlgorithmNamed(std::string_view lower_name) {
  if (lower_name == "sha-256") return DigestAlgorithm::kSha256;
  if (lower_name == "sha-512") return DigestAlgorithm::kSha512;
  return std::nullopt;
}

// Compares one claimed digest with the body's; `checked` counts matches.
Status CheckOne(std::string_view header, DigestAlgorithm algorithm, std::string_view claimed,
                std::string_view body, int& checked) {
  const std::string actual = Hash(algorithm, body);
  if (claimed.size() != actual.size() ||
      sodium_memcmp(claimed.data(), actual.data(), actual.size()) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(header) + " " +
                    (algorithm == DigestAlgorithm::kSha256 ? "sha-256" : "sha-512") +
                    " does not match the body");
  }
  ++checked;
  return Ok();
}

Status CheckDigestHeader(std::string_view value, std::string_view body, int& checked) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string_view member = Trim(value.substr(start, comma - start));
    start = comma + 1;
    const size_t equals = member.find('=');
    if (member.empty() || equals == std::string_view::npos || equals == 0) {
      return Fail(ErrorCode::kInvalidArgument, "malformed Digest header: expected algorithm=value");
    }
    const auto algorithm = AlgorithmNamed(LowerAscii(member.substr(0, equals)));
    if (!algorithm) continue;  // md5, sha, unixsum...: not ours to judge
    auto claimed = DecodeBase64(member.substr(equals + 1));
    if (!claimed) {
      return Fail(ErrorCode::kInvalidArgument, "malformed Digest header: value is not base64");
    }
    if (auto st = CheckOne("Digest", *algorithm, *claimed, body, checked); !st) return st;
  }
  return Ok();
}

Status CheckContentDigest(std::string_view value, std::string_view body, int& checked) {
  auto dict = sf::ParseDictionary(value);
  if (!dict) {
    return Fail(dict.error().code, "malformed Content-Digest header: " + dict.error().message);
  }
  for (const auto& [key, member] : *dict) {
    const auto algorithm = AlgorithmNamed(key);
    if (!algorithm) continue;
    const sf::Item* item = std::get_if<sf::Item>(&member);
    const sf::ByteSequence* bytes = item ? std::get_if<sf::ByteSequence>(&item->value) : nullptr;
    if (!bytes) {
      return Fail(ErrorCode::kInvalidArgument,
                  "malformed Content-Digest header: " + key + " is not a byte sequence");
    }
    if (auto st = CheckOne("Content-Digest", *algorithm, bytes->bytes, body, checked); !st) {
      return st;
    }
  }
  return Ok();
}

}  // namespace

std::string Sha256(std::string_view bytes) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

std::string Sha512(std::string_view bytes) {
  unsigned char out[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

std::string MakeDigestHeader(std::string_view body, DigestAlgorithm algorithm) {
  return (algorithm == DigestAlgorithm::kSha256 ? "SHA-256=" : "SHA-512=") +
         EncodeBase64(Hash(algorithm, body));
}

std::string MakeContentDigestHeader(std::string_view body, DigestAlgorithm algorithm) {
  return (algorithm == DigestAlgorithm::kSha256 ? "sha-256=:" : "sha-512=:") +
         EncodeBase64(Hash(algorithm, body)) + ":";
}

Status VerifyBodyDigest(std::string_view digest_header, std::string_view content_digest_header,
                        std::string_view body) {
  if (Trim(digest_header).empty() && Trim(content_digest_header).empty()) {
    return Fail(ErrorCode::kInvalidArgument, "no Digest or Content-Digest header");
  }
  int checked = 0;
  if (!Trim(digest_header).empty()) {
    if (auto st = CheckDigestHeader(digest_header, body, checked); !st) return st;
  }
  if (!Trim(content_digest_header).empty()) {
    if (auto st = CheckContentDigest(content_digest_header, body, checked); !st) return st;
  }
  if (checked == 0) {
    return Fail(ErrorCode::kUnsupported,
                "no supported digest algorithm (sha-256 or sha-512) in Digest or Content-Digest");
  }
  return Ok();
}

}  // namespace parvis::protocol
