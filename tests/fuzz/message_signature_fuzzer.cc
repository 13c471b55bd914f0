// RFC 9421 signatures as they arrive: the Signature-Input and Signature
// fields (structured-field dictionaries, RFC 8941), read by
// ParseMessageSignature and turned into a signature base.
//
// Input: lines. 1: Signature-Input value; 2: Signature value; 3: the label
// asked for (may be empty); 4: the request target (path and query, for
// @path, @query and @query-param). Checks: what the structured-field parser
// accepts serializes, and the serialized form parses back to itself; a
// signature base ends with the "@signature-params" line that serializing
// the parsed input gives.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/http_message.h"
#include "parvis/protocol/message_signature.h"
#include "parvis/protocol/structured_fields.h"
#include "fuzz_checks.h"

namespace {

namespace sf = parvis::protocol::sf;
using parvis::fuzz::Fail;

std::vector<std::string_view> Lines(std::string_view input, size_t count) {
  std::vector<std::string_view> lines;
  while (lines.size() + 1 < count) {
    size_t end = input.find('\n');
    if (end == std::string_view::npos) break;
    lines.push_back(input.substr(0, end));
    input.remove_prefix(end + 1);
  }
  lines.push_back(input);
  lines.resize(count);
  return lines;
}

// Serializing what was parsed succeeds, and is a fixed point.
template <typename Parsed, typename Parse, typename Serialize>
void CheckRoundTrip(std::string_view text, Parse parse, Serialize serialize) {
  auto parsed = parse(text);
  if (!parsed) return;
  auto serialized = serialize(*parsed);
  if (!serialized) Fail("parsed but does not serialize", serialized.error().message, text);
  auto reparsed = parse(*serialized);
  if (!reparsed) Fail("serialized form does not parse", *serialized, text);
  auto again = serialize(*reparsed);
  if (!again || *again != *serialized) Fail("serialized form changes", *serialized, text);
}

parvis::protocol::HttpMessage Request(std::string_view target) {
  parvis::protocol::HttpMessage message;
  message.method = "POST";
  message.target = target.empty() ? "/foo?param=Value&Pet=dog" : std::string(target);
  message.authority = "example.com";
  message.headers = {
      {"host", "example.com"},
      {"date", "Tue, 20 Apr 2021 02:07:55 GMT"},
      {"content-type", "application/json"},
      {"content-digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"},
      {"content-length", "18"},
      {"example-dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)"},
  };
  return message;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines = Lines(input, 4);

  for (std::string_view field : {lines[0], lines[1]}) {
    CheckRoundTrip<sf::Dictionary>(field, sf::ParseDictionary, sf::SerializeDictionary);
    CheckRoundTrip<sf::List>(field, sf::ParseList, sf::SerializeList);
    CheckRoundTrip<sf::Item>(field, sf::ParseItem, sf::SerializeItem);
  }

  parvis::protocol::HttpMessage message = Request(lines[3]);
  message.headers.emplace_back("signature-input", std::string(lines[0]));
  message.headers.emplace_back("signature", std::string(lines[1]));
  auto signature = parvis::protocol::ParseMessageSignature(message, lines[2]);
  if (!signature) return 0;
  auto base = parvis::protocol::BuildSignatureBase(message, signature->input);
  if (!base) return 0;
  auto params = sf::SerializeInnerList(signature->input);
  if (!params) Fail("input parsed but does not serialize", params.error().message, input);
  std::string last_line = "\"@signature-params\": " + *params;
  if (!base->ends_with(last_line)) Fail("signature base does not end with its params", *base);
  // A verifier rebuilds the same base from the same message.
  auto again = parvis::protocol::BuildSignatureBase(message, signature->input);
  if (!again || *again != *base) Fail("signature base changes", *base);
  return 0;
}
