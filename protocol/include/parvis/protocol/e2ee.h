// Client-side cryptography of Parvis end-to-end encrypted messages, version 1
// (docs/e2ee.md is the contract; section numbers below refer to it). Pure
// code: keys, signatures, X3DH, the Double Ratchet, the wire message, the
// JSON documents a client reads and writes, safety numbers and key backups.
// Nothing here does I/O or keeps global state; the caller stores sessions
// and secrets (Session::Serialize) and looks prekey secrets up by id.
#ifndef PARVIS_PROTOCOL_E2EE_H_
#define PARVIS_PROTOCOL_E2EE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"

namespace parvis::protocol::e2ee {

// ---------------------------------------------------------------------------
// Bounds (sections 5, 6, 7). Every parser below enforces them.

inline constexpr size_t kMaxWireMessageBytes = 65536;  // one wire message / body
inline constexpr uint32_t kMaxSkipPerChain = 1000;     // skipped keys in one chain
inline constexpr size_t kMaxSkippedKeys = 2000;        // kept per session
inline constexpr size_t kMaxEntries = 64;              // devices, envelope entries
inline constexpr size_t kPaddingBlock = 256;           // sodium_pad block size
inline constexpr size_t kMaxContentChars = 5000;       // plaintext "content"
inline constexpr size_t kMinPassphraseChars = 12;      // backup passphrase
inline constexpr size_t kMaxJsonBytes = 1 << 20;       // any JSON document read here

using Key32 = std::array<unsigned char, 32>;
using Signature = std::array<unsigned char, 64>;

// ---------------------------------------------------------------------------
// Randomness seam. Every function that needs random bytes draws them from a
// RandomSource, in the order its comment states, so that test vectors can
// replay a fixed list. SystemRandom() is libsodium's randombytes_buf.

using RandomSource = std::function<void(std::span<unsigned char>)>;
RandomSource SystemRandom();

// Initialises libsodium once per process (thread-safe); false if it cannot.
// Every function below calls it; callers need not.
bool EnsureSodium();

// ---------------------------------------------------------------------------
// Encodings and the KDF (section 2).

// base64url without padding, and its strict inverse: any other character,
// '=' padding, an impossible length or non-zero trailing bits are
// kInvalidArgument.
std::string EncodeBase64Url(std::string_view bytes);
Result<std::string> DecodeBase64Url(std::string_view text);

// KDF(key, label, input, n) = BLAKE2b-n("Parvis-E2EE-v1/" || label || 0x00 ||
// input) keyed with `key`, which is 32 bytes or empty (unkeyed). `n` is
// 16..64.
std::string Kdf(std::string_view key, std::string_view label, std::string_view input, size_t n);

// X25519(secret, public); kInvalidArgument when the result is all zero.
Result<Key32> Dh(const Key32& secret, const Key32& public_key);

// ---------------------------------------------------------------------------
// Keys (section 3).

struct SigningKeyPair {  // Ed25519: account key AK, device signing key DS
  Key32 public_key{};
  std::array<unsigned char, 64> secret_key{};  // libsodium's seed || public form
};

struct DhKeyPair {  // X25519: DI, SPK, OPK, ratchet keys
  Key32 public_key{};
  Key32 secret_key{};
};

// An Ed25519 pair from `seed` (crypto_sign_seed_keypair).
SigningKeyPair SigningKeyPairFromSeed(const Key32& seed);
// Draws the 32-byte seed.
SigningKeyPair GenerateSigningKeyPair(const RandomSource& random = SystemRandom());

// An X25519 pair whose public half is crypto_scalarmult_base(secret).
DhKeyPair DhKeyPairFromSecret(const Key32& secret);
// Draws the 32-byte secret.
DhKeyPair GenerateDhKeyPair(const RandomSource& random = SystemRandom());

// A device id is 16 bytes as 22 characters of base64url.
bool IsDeviceId(std::string_view text);
// Draws 16 bytes.
std::string GenerateDeviceId(const RandomSource& random = SystemRandom());

// Everything one device keeps secret. Draw order of GenerateDevice: id (16),
// signing seed (32), identity secret (32).
struct DeviceSecrets {
  std::string id;
  SigningKeyPair signing;  // DS
  DhKeyPair identity;      // DI
};
DeviceSecrets GenerateDevice(const RandomSource& random = SystemRandom());

// What the account key signs about one device.
struct DevicePublic {
  std::string id;
  Key32 signing_key{};   // DS public
  Key32 identity_key{};  // DI public
};
DevicePublic PublicOf(const DeviceSecrets& device);

struct DeviceList {
  uint64_t version = 0;
  std::vector<DevicePublic> devices;  // sorted by id, no duplicates
  Signature signature{};
};

// device_list_bytes of section 3 (devices sorted by the bytes of their id
// text; `lp(device id)` is over the 22-character text).
std::string DeviceListBytes(std::string_view actor_id, uint64_t version,
                            std::vector<DevicePublic> devices);

// A signed list of `devices` (sorted here). kInvalidArgument for version 0,
// a malformed or duplicate id, more than kMaxEntries devices.
Result<DeviceList> SignDeviceList(std::string_view actor_id, uint64_t version,
                                  std::vector<DevicePublic> devices,
                                  const SigningKeyPair& account_key);

// Accepts `list` only if the account key signed it, its devices are sorted
// and unique with valid ids, and its version is at least `min_version` (the
// highest the client has seen; pass 1 the first time).
Status VerifyDeviceList(std::string_view actor_id, const Key32& account_key, const DeviceList& list,
                        uint64_t min_version);

enum class PrekeyKind { kSigned, kOneTime };

struct SignedPrekey {  // public half, as published
  uint32_t id = 0;     // >= 1
  Key32 public_key{};
  Signature signature{};
};

struct PrekeySecret {  // kept on the device, looked up by id
  uint32_t id = 0;
  DhKeyPair pair;
};

// prekey_bytes of section 3.
std::string PrekeyBytes(PrekeyKind kind, std::string_view device_id, uint32_t prekey_id,
                        const Key32& public_key);
// Draws the prekey's 32-byte secret. `id` must be >= 1.
PrekeySecret GeneratePrekey(uint32_t id, const RandomSource& random = SystemRandom());
SignedPrekey SignPrekey(PrekeyKind kind, const DeviceSecrets& device, const PrekeySecret& prekey);
Status VerifyPrekey(PrekeyKind kind, const DevicePublic& device, const SignedPrekey& prekey);

// ---------------------------------------------------------------------------
// X3DH (section 4).

// What the initiator needs of one responder device: its entry from a
// verified device list and the claimed prekeys.
struct PrekeyBundle {
  DevicePublic device;
  SignedPrekey signed_prekey;
  std::optional<SignedPrekey> one_time_prekey;
};

struct X3dhResult {
  Key32 shared_key{};                               // SK
  std::array<unsigned char, 64> associated_data{};  // DI_A public || DI_B public
};

// Initiator side from the ephemeral key EK_A (no randomness here; Session::
// Initiate draws it). Checks both prekey signatures against DS_B.
Result<X3dhResult> X3dhInitiate(const DhKeyPair& own_identity, const DhKeyPair& ephemeral,
                                const PrekeyBundle& bundle);

// Responder side; `one_time_prekey` only when the set-up message named one.
Result<X3dhResult> X3dhRespond(const DhKeyPair& own_identity, const DhKeyPair& signed_prekey,
                               const DhKeyPair* one_time_prekey, const Key32& initiator_identity,
                               const Key32& ephemeral);

// ---------------------------------------------------------------------------
// Wire message (section 6).

inline constexpr unsigned char kWireVersion = 0x01;
inline constexpr unsigned char kTypeSetup = 0x01;
inline constexpr unsigned char kTypeRatchet = 0x02;

struct SetupPart {
  Key32 identity_key{};  // DI_A public
  uint32_t signed_prekey_id = 0;
  uint32_t one_time_prekey_id = 0;  // 0: none
  bool operator==(const SetupPart&) const = default;
};

struct RatchetHeader {
  Key32 ratchet_key{};
  uint32_t previous_count = 0;  // PN
  uint32_t count = 0;           // N
};

struct WireMessage {
  std::optional<SetupPart> setup;  // present exactly for type 1
  RatchetHeader header;
  std::string ciphertext;  // AEAD output, tag included
};

// Splits a message. kInvalidArgument for an unknown version or type or a
// message shorter than its fixed part plus 16; kLimitExceeded above
// kMaxWireMessageBytes. Authenticity is Session's job.
Result<WireMessage> ParseWireMessage(std::string_view bytes);
// Every byte before the ciphertext (version, type, set-up part, header).
std::string WireMessagePrefix(const WireMessage& message);
std::string WriteWireMessage(const WireMessage& message);

// ---------------------------------------------------------------------------
// The Double Ratchet (section 5). A Session is one device's half of a
// pairwise session; it is a value: copy it, store Serialize(), Parse() it
// back. Encrypt and Decrypt change it only when they succeed.

class Session {
 public:
  // Starts a session from a claimed bundle: verifies the prekey signatures,
  // draws EK_A (32 bytes), runs X3DH and the first KDF_RK. Until the first
  // message from the responder decrypts, Encrypt writes set-up messages.
  static Result<Session> Initiate(const DhKeyPair& own_identity, const PrekeyBundle& bundle,
                                  const RandomSource& random = SystemRandom());

  struct Accepted;
  // The responder's side of a set-up message (type 1): `signed_prekey` and
  // `one_time_prekey` are the secrets the message names (ParseWireMessage
  // gives the ids; pass nullopt when the id is 0). Draws one ratchet key (32
  // bytes). kNotFound when an id does not match what was passed (a used or
  // unknown OPK); any failure to authenticate is kInvalidArgument. Once it
  // succeeds, the caller deletes the OPK secret.
  static Result<Accepted> Accept(const DeviceSecrets& own_device, const PrekeySecret& signed_prekey,
                                 const std::optional<PrekeySecret>& one_time_prekey,
                                 std::string_view message,
                                 const RandomSource& random = SystemRandom());

  // Pads `plaintext` (sodium_pad, 256) and returns one wire message: type 1
  // while this is an initiator that has not heard back, else type 2.
  // kLimitExceeded when the message would pass kMaxWireMessageBytes.
  Result<std::string> Encrypt(std::string_view plaintext);

  // Authenticates and decrypts one wire message and returns the unpadded
  // plaintext. Draws 32 bytes when the message starts a DH ratchet step. A
  // type-1 message is accepted only if its set-up part is this session's
  // (a different one is a new session: Accept). Replays, tampering, more
  // than kMaxSkipPerChain skipped keys: kInvalidArgument or kLimitExceeded,
  // and the session is unchanged.
  Result<std::string> Decrypt(std::string_view message,
                              const RandomSource& random = SystemRandom());

  // A versioned JSON text holding secrets: store it as such.
  std::string Serialize() const;
  // kCorruption for anything Serialize would not have written.
  static Result<Session> Parse(std::string_view text);

  bool is_initiator() const { return initiator_; }
  // The initiator has not yet decrypted any message from the responder.
  bool awaiting_reply() const { return initiator_ && !received_; }
  // DI public of the other device.
  Key32 remote_identity() const;
  const SetupPart& setup() const { return setup_; }
  size_t skipped_key_count() const { return skipped_.size(); }

 private:
  struct SkippedKey {
    Key32 ratchet_key{};
    uint32_t count = 0;
    Key32 message_key{};
  };

  Status SkipMessageKeys(uint32_t until);
  Status RatchetStep(const Key32& header_key, const RandomSource& random);
  Result<std::string> DecryptHere(const WireMessage& parsed, const RandomSource& random);

  bool initiator_ = false;
  bool received_ = false;  // a message from the other side has decrypted
  std::array<unsigned char, 64> associated_data_{};
  SetupPart setup_;  // initiator: what it sends; responder: what it accepted
  Key32 root_key_{};
  DhKeyPair sending_ratchet_;
  std::optional<Key32> receiving_ratchet_key_;
  std::optional<Key32> sending_chain_;
  std::optional<Key32> receiving_chain_;
  uint32_t sent_count_ = 0;         // Ns
  uint32_t received_count_ = 0;     // Nr
  uint32_t previous_count_ = 0;     // PN
  std::deque<SkippedKey> skipped_;  // oldest first
};

struct Session::Accepted {
  Session session;
  std::string plaintext;
};

// ---------------------------------------------------------------------------
// The plaintext of one message (section 6).

struct MessagePlaintext {
  std::string id;  // 16 bytes as base64url
  std::string from;
  std::vector<std::string> to;
  std::string sent;  // RFC 3339, "2026-11-22T20:00:00Z"
  std::string content;
};

// Draws 16 bytes.
std::string GenerateMessageId(const RandomSource& random = SystemRandom());
// Compact JSON with members in the order of section 6. kInvalidArgument for
// a malformed id, an empty `from` or `to`, more than kMaxEntries recipients,
// an unparsable `sent`, content over kMaxContentChars or not UTF-8.
Result<std::string> WriteMessagePlaintext(const MessagePlaintext& message);
Result<MessagePlaintext> ParseMessagePlaintext(std::string_view json);

// sodium_pad / sodium_unpad with kPaddingBlock.
std::string PadPlaintext(std::string_view bytes);
Result<std::string> UnpadPlaintext(std::string_view padded);

// ---------------------------------------------------------------------------
// JSON documents (section 7). Parsers check shapes, encodings and bounds;
// signatures are checked by VerifyKeyDirectory / Session::Initiate.

struct DirectoryDevice {
  DevicePublic keys;
  std::optional<SignedPrekey> signed_prekey;
  uint64_t one_time_prekeys = 0;  // how many wait on the node
};

struct KeyDirectory {
  std::string id;
  std::string owner;
  Key32 account_key{};
  uint64_t version = 0;
  std::vector<DirectoryDevice> devices;
  Signature signature{};
};

Result<KeyDirectory> ParseKeyDirectory(std::string_view json);
std::string WriteKeyDirectory(const KeyDirectory& directory);
// The signed part of a directory.
DeviceList DeviceListOf(const KeyDirectory& directory);
// VerifyDeviceList on the owner's list, then every signed prekey's signature.
Status VerifyKeyDirectory(const KeyDirectory& directory, uint64_t min_version);

// {"accountKey":"…","deviceList":{"version":…,"devices":[{"id","signingKey",
// "identityKey"}…],"signature":"…"}} for POST /api/e2ee/publish.
std::string WritePublishRequest(const Key32& account_key, const DeviceList& list);
// {"device":"…","signedPrekey":{…},"oneTimePrekeys":[{…}…]} for POST /api/e2ee/prekeys.
std::string WritePrekeyUpload(std::string_view device_id, const SignedPrekey& signed_prekey,
                              const std::vector<SignedPrekey>& one_time_prekeys);

// The claim answer: {"devices":[{"id":"…","signedPrekey":{"id","key",
// "signature"},"oneTimePrekey":{…}}]} (oneTimePrekey absent when none was
// left). docs/e2ee.md §7 names the members but not this wrapper.
struct ClaimedDevice {
  std::string id;
  SignedPrekey signed_prekey;
  std::optional<SignedPrekey> one_time_prekey;
};
Result<std::vector<ClaimedDevice>> ParseClaimAnswer(std::string_view json);
std::string WriteClaimAnswer(const std::vector<ClaimedDevice>& devices);
// The X3DH bundle of `claimed`, with the device's keys from `directory`
// (which the caller has checked with VerifyKeyDirectory). kNotFound when the
// directory does not list the device. Session::Initiate checks the prekey
// signatures.
Result<PrekeyBundle> BundleFor(const KeyDirectory& directory, const ClaimedDevice& claimed);

// The EncryptedMessage object of section 7. Entries hold decoded bodies.
struct EnvelopeEntry {
  std::string to;
  std::string device;
  std::string body;  // wire message bytes, at most kMaxWireMessageBytes
};

struct EncryptedEnvelope {
  std::string id;
  std::string attributed_to;
  std::vector<std::string> to;
  std::string sender_device;
  std::vector<EnvelopeEntry> messages;
};

// kInvalidArgument for a missing or mistyped member, a wrong "type", bad
// base64url, a malformed device id, an entry whose "to" is not among the
// recipients; kLimitExceeded for more than kMaxEntries entries or
// recipients, or a body over kMaxWireMessageBytes.
Result<EncryptedEnvelope> ParseEncryptedEnvelope(std::string_view json);
std::string WriteEncryptedEnvelope(const EncryptedEnvelope& envelope);

// ---------------------------------------------------------------------------
// Safety numbers (section 8).

// The 30 digits of one party.
std::string SafetyDigits(std::string_view actor_id, const Key32& account_key);
// Both parties' digits sorted and concatenated: 60 digits, no spaces.
std::string SafetyNumber(std::string_view actor_a, const Key32& account_key_a,
                         std::string_view actor_b, const Key32& account_key_b);

// ---------------------------------------------------------------------------
// Key backup (section 10).

struct BackupContent {
  std::string actor;
  std::array<unsigned char, 64> account_key{};  // Ed25519 secret key
};

struct BackupOptions {
  uint64_t opslimit = 2;
  size_t memlimit = 67108864;
};

// The backup document. Draws the salt (16) then the nonce (24).
// kInvalidArgument for a passphrase shorter than kMinPassphraseChars.
Result<std::string> CreateBackup(const BackupContent& content, std::string_view passphrase,
                                 const BackupOptions& options = {},
                                 const RandomSource& random = SystemRandom());
// kInvalidArgument for a malformed document or a wrong passphrase (the two
// cannot be told apart once the document parses); kLimitExceeded for
// opslimit/memlimit beyond libsodium's "sensitive" levels.
Result<BackupContent> OpenBackup(std::string_view document, std::string_view passphrase);

}  // namespace parvis::protocol::e2ee

#endif  // PARVIS_PROTOCOL_E2EE_H_
