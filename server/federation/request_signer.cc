#include "server/federation/request_signer.h"

#include "parvis/protocol/cavage_signature.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/message_signature.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::federation {

decltype(http::ClientRequest::sign) CavageSigner(protocol::PrivateKey key, std::string key_id,
                                                 std::function<int64_t()> now) {
  return [key = std::move(key), key_id = std::move(key_id), now = std::move(now)](
             const protocol::HttpMessage& message,
             std::string_view body) -> Result<http::ClientRequest::Headers> {
    http::ClientRequest::Headers added;
    protocol::HttpMessage signed_message = message;
    std::string date = protocol::FormatHttpDate(now());
    added.emplace_back("Date", date);
    signed_message.headers.emplace_back("date", date);
    std::vector<std::string> covered = {"(request-target)", "host", "date"};
    if (message.method != "GET" && message.method != "HEAD") {
      std::string digest = protocol::MakeDigestHeader(body);
      added.emplace_back("Digest", digest);
      signed_message.headers.emplace_back("digest", digest);
      covered.push_back("digest");
    }
    Result<std::string> signature = protocol::SignCavage(
        signed_message, key, {.key_id = key_id, .headers = covered, .algorithm = "rsa-sha256"});
    if (!signature) return std::unexpected(signature.error());
    added.emplace_back("Signature", *signature);
    return added;
  };
}

decltype(http::ClientRequest::sign) Rfc9421Signer(protocol::PrivateKey key, std::string key_id,
                                                  std::function<int64_t()> now) {
  return [key = std::move(key), key_id = std::move(key_id), now = std::move(now)](
             const protocol::HttpMessage& message,
             std::string_view body) -> Result<http::ClientRequest::Headers> {
    http::ClientRequest::Headers added;
    protocol::HttpMessage signed_message = message;
    std::vector<protocol::sf::Item> components = {protocol::Component("@method"),
                                                  protocol::Component("@target-uri"),
                                                  protocol::Component("@authority")};
    if (message.method != "GET" && message.method != "HEAD") {
      std::string digest = protocol::MakeContentDigestHeader(body);
      added.emplace_back("Content-Digest", digest);
      signed_message.headers.emplace_back("content-digest", digest);
      components.push_back(protocol::Component("content-digest"));
    }
    Result<protocol::SignatureFields> fields = protocol::SignMessage(
        signed_message, key, protocol::SignatureAlgorithm::kEd25519,
        {.components = std::move(components), .created = now(), .keyid = key_id});
    if (!fields) return std::unexpected(fields.error());
    added.emplace_back("Signature-Input", fields->signature_input);
    added.emplace_back("Signature", fields->signature);
    return added;
  };
}

}  // namespace parvis::federation
