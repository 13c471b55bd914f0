// The bodies a messaging client sends to its own node (docs/e2ee.md section
// 11), read strictly: exact key lengths, base64url without padding, bounds.
// Signatures are checked by the caller with e2ee::VerifyDeviceList and
// e2ee::VerifyPrekey.
#ifndef PARVIS_PROTOCOL_MESSAGING_REQUESTS_H_
#define PARVIS_PROTOCOL_MESSAGING_REQUESTS_H_

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/protocol/e2ee.h"
#include "parvis/result.h"

namespace parvis::protocol {

inline constexpr size_t kMaxPrekeysPerUpload = 100;
inline constexpr size_t kMaxMessageRecipients = 64;
inline constexpr size_t kMaxMessageEntries = 256;

// POST /api/e2ee/publish: {"accountKey","deviceList":{"version","devices":
// [{"id","signingKey","identityKey"}],"signature"},"reset"?}
struct PublishRequest {
  e2ee::Key32 account_key{};
  e2ee::DeviceList list;
  bool reset = false;
};
Result<PublishRequest> ReadPublishRequest(const rapidjson::Value& body);

// POST /api/e2ee/prekeys: {"device","signedPrekey"?,"oneTimePrekeys"?:[…]},
// each prekey {"id","key","signature"}.
struct PrekeyUpload {
  std::string device;
  std::optional<e2ee::SignedPrekey> signed_prekey;
  std::vector<e2ee::SignedPrekey> one_time_prekeys;
};
Result<PrekeyUpload> ReadPrekeyUpload(const rapidjson::Value& body);

// POST /api/e2ee/messages: {"to":[actor…],"senderDevice","entries":
// [{"actor","device","body"}]}. Bodies stay base64url text; each decodes to
// a wire message that ParseWireMessage accepts. Every entry's actor is
// among `to` or is `sender`.
struct OutgoingEntry {
  std::string actor;
  std::string device;
  std::string body;  // base64url, as sent
};
struct OutgoingMessage {
  std::vector<std::string> to;
  std::string sender_device;
  std::vector<OutgoingEntry> entries;
};
Result<OutgoingMessage> ReadOutgoingMessage(const rapidjson::Value& body, std::string_view sender);

// {"device","ids":[…]} (acknowledgements) and {"actor"?,"devices":[…]}
// (claims): a device id and a list of at most `max` non-empty strings.
Result<std::vector<std::string>> ReadStringList(const rapidjson::Value& body, const char* member,
                                                size_t max);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_MESSAGING_REQUESTS_H_
