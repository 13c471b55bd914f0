// What the node keeps for confidential messaging (docs/e2ee.md), in
// Family::kMessages, every key starting with the owning account's id so
// that export and erasure find it all (docs/storage.md):
//   id + "d"                                -> the published key directory (JSON)
//   id + "o/" + device + "/" + prekey id    -> one one-time prekey (JSON)
//   id + "m/" + device + "/" + arrival + seq -> a waiting ciphertext (sealed JSON)
//   id + "b"                                -> the passphrase-encrypted key backup
// Nothing here is plaintext: the node stores public keys and ciphertexts.
#ifndef PARVIS_SERVER_MESSAGING_MESSAGE_STORE_H_
#define PARVIS_SERVER_MESSAGING_MESSAGE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::messaging {

// A ciphertext waiting for one device.
struct WaitingMessage {
  std::string id;             // opaque to clients (32 hex digits); acknowledges it
  std::string from;           // the sending actor
  std::string sender_device;  // the sending device's id
  std::string body;           // the wire message, base64url as received
  int64_t received = 0;       // seconds since the epoch
};

class MessageStore {
 public:
  // `store` must outlive this. Not synchronised: the caller serialises
  // read-modify-write sequences (claims) itself.
  explicit MessageStore(storage::Store& store) : store_(store) {}

  Result<std::optional<std::string>> Directory(storage::AccountId account) const;
  void PutDirectory(storage::Batch& batch, storage::AccountId account, const std::string& json) const;

  // Number of one-time prekeys waiting for `device`.
  Result<size_t> CountPrekeys(storage::AccountId account, const std::string& device) const;
  void PutPrekey(storage::Batch& batch, storage::AccountId account, const std::string& device,
                 uint32_t prekey_id, const std::string& json) const;
  // The device's lowest-numbered prekey, whose deletion is added to `batch`;
  // nullopt when none is left.
  Result<std::optional<std::string>> TakePrekey(storage::Batch& batch, storage::AccountId account,
                                                const std::string& device) const;

  // Adds the message for `device`, sealed with the account's data key.
  Status PutMessage(storage::Batch& batch, storage::AccountId account, const std::string& device,
                    const WaitingMessage& message) const;
  // At most `limit` messages waiting for `device`, oldest first.
  Result<std::vector<WaitingMessage>> Waiting(storage::AccountId account, const std::string& device,
                                              size_t limit) const;
  // Deletes a message by the id Waiting gave; false if the id is malformed.
  bool Acknowledge(storage::Batch& batch, storage::AccountId account, const std::string& device,
                   std::string_view id) const;

  // Removes a device's prekeys and waiting messages (revocation).
  void ForgetDevice(storage::Batch& batch, storage::AccountId account, const std::string& device) const;

  Result<std::optional<std::string>> Backup(storage::AccountId account) const;
  void PutBackup(storage::Batch& batch, storage::AccountId account, const std::string& json) const;

  // Deletes messages that arrived before `oldest` (seconds); returns how many.
  Result<uint64_t> DeleteArrivedBefore(int64_t oldest);

 private:
  storage::Store& store_;
};

}  // namespace parvis::messaging

#endif  // PARVIS_SERVER_MESSAGING_MESSAGE_STORE_H_
