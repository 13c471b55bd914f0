// draft-cavage Signature and Authorization header values, as Mastodon and
// its peers send them, read by ParseCavageSignature and
// ParseCavageAuthorization, then turned into a signing string over a fixed
// request (draft-cavage-12 Appendix C). Checks cavage_signature.h's promises:
// a keyId and a signature, lower-cased algorithm and header names, at most
// kMaxCavageCoveredHeaders; one signing-string line per covered header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/protocol/cavage_signature.h"
#include "parvis/protocol/http_message.h"
#include "parvis/protocol/keys.h"
#include "fuzz_checks.h"

namespace {

using parvis::fuzz::Fail;
using parvis::fuzz::Lower;

parvis::protocol::HttpMessage Request() {
  parvis::protocol::HttpMessage message;
  message.method = "POST";
  message.target = "/foo?param=value&pet=dog";
  message.authority = "example.com";
  message.headers = {
      {"host", "example.com"},
      {"date", "Sun, 05 Jan 2014 21:31:40 GMT"},
      {"content-type", "application/json"},
      {"digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="},
      {"content-length", "18"},
  };
  return message;
}

void Check(std::string_view input,
           const parvis::Result<parvis::protocol::CavageSignature>& signature) {
  if (!signature) return;
  if (signature->key_id.empty()) Fail("no keyId", input);
  if (signature->signature.empty()) Fail("no signature", input);
  if (Lower(signature->algorithm) != signature->algorithm) Fail("algorithm not lower-case", input);
  if (signature->headers.empty()) Fail("no covered headers", input);
  if (signature->headers.size() > parvis::protocol::kMaxCavageCoveredHeaders) {
    Fail("too many covered headers", input);
  }
  for (const std::string& header : signature->headers) {
    if (header.empty() || Lower(header) != header) Fail("header name", header, input);
  }
  for (auto type : {parvis::protocol::KeyType::kRsa, parvis::protocol::KeyType::kEd25519}) {
    (void)parvis::protocol::ResolveCavageAlgorithm(signature->algorithm, type);
  }
  static const parvis::protocol::HttpMessage request = Request();
  auto signing_string = parvis::protocol::BuildCavageSigningString(
      request, signature->headers, signature->created, signature->expires);
  if (!signing_string) return;
  size_t lines = 1;
  for (char c : *signing_string) lines += c == '\n';
  if (lines != signature->headers.size()) Fail("signing string lines", *signing_string, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Check(input, parvis::protocol::ParseCavageSignature(input));
  Check(input, parvis::protocol::ParseCavageAuthorization(input));
  return 0;
}
