// A confidential-messaging client (docs/e2ee.md) for one device, as
// `parvis msg` uses it: its secrets live in one state file on the device
// (mode 0600, replaced atomically); it talks to its own node over the JSON
// API of section 11 through a Transport. The node sees only public keys and
// ciphertexts.
#ifndef PARVIS_SERVER_MESSAGING_MSG_CLIENT_H_
#define PARVIS_SERVER_MESSAGING_MSG_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"

namespace parvis::messaging {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// One request to the device's own node, authenticated by the transport
// (a bearer token): `target` is a path with its query, `body` JSON or empty.
using Transport =
    std::function<Result<HttpAnswer>(std::string_view method, std::string_view target, std::string_view body)>;

struct ReceivedMessage {
  std::string id;
  std::string from;
  std::string sender_device;
  std::vector<std::string> to;
  std::string sent;
  std::string content;
};

struct RejectedMessage {
  std::string from;
  std::string reason;
};

struct ReadOutcome {
  std::vector<ReceivedMessage> messages;
  std::vector<RejectedMessage> rejected;  // acknowledged too: they cannot become readable
  // Left on the node, unread: their sender's account key changed since it
  // was pinned. AcceptNewKey, after comparing safety numbers, releases them.
  std::vector<RejectedMessage> held;
};

struct PeerKeys {
  std::string actor;
  std::string safety_number;  // 60 digits
  bool verified = false;      // confirmed out of band on this device
  bool first_seen = false;    // pinned just now (trust on first use)
  bool key_changed = false;   // the published key is not the pinned one; the number is the new key's
};

class MessagingClient {
 public:
  // A new device of `actor`, its state written to `state_file` (which must
  // not exist). With `restore_passphrase`, the account key comes from the
  // backup stored on the node and the device joins the published list;
  // otherwise a new account key is made (`reset` must be true to replace a
  // published one). Publishes the device list and uploads prekeys.
  static Result<std::unique_ptr<MessagingClient>> Create(std::string state_file, Transport transport,
                                                         std::string actor,
                                                         std::optional<std::string> restore_passphrase,
                                                         bool reset);
  // Loads a device's state written by Create.
  static Result<std::unique_ptr<MessagingClient>> Open(std::string state_file, Transport transport);
  ~MessagingClient();

  // Encrypts `text` for every device of every recipient and for this
  // account's other devices, and hands the ciphertexts to the node. Returns
  // the message's id. Fails before sending anything if a recipient's account
  // key changed since it was pinned.
  Result<std::string> Send(const std::vector<std::string>& to, std::string_view text);
  // Fetches, authenticates, decrypts and acknowledges what waits for this device.
  Result<ReadOutcome> Read();
  // The safety number with `actor` (pinning its account key if new).
  Result<PeerKeys> Peer(const std::string& actor);
  // Records `actor`'s pinned key as checked out of band.
  Status MarkVerified(const std::string& actor);
  // Pins `actor`'s newly published account key (after its safety number was
  // compared) and forgets the sessions made with the old one.
  Status AcceptNewKey(const std::string& actor);
  // Publishes the device list without `device_id` (not this device).
  Status Revoke(const std::string& device_id);
  // Stores the account key on the node, encrypted with `passphrase`.
  Status StoreBackup(std::string_view passphrase);

  const std::string& actor() const;
  const std::string& device_id() const;
  // The devices of the account's current published list.
  Result<std::vector<std::string>> Devices();

 private:
  struct State;
  MessagingClient(std::string state_file, Transport transport, std::unique_ptr<State> state);
  std::string state_file_;
  Transport transport_;
  std::unique_ptr<State> state_;
};

}  // namespace parvis::messaging

#endif  // PARVIS_SERVER_MESSAGING_MSG_CLIENT_H_
