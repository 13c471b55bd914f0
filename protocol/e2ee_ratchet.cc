// The Double Ratchet session (docs/e2ee.md §5): set-up from X3DH, Encrypt,
// Decrypt with skipped message keys.
#include <sodium.h>

#include <algorithm>

#include "e2ee_bytes.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AsView;
using internal::ToArray;
using internal::Uc;

namespace {

constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

struct RootStep {
  Key32 root_key;
  Key32 chain_key;
};

// KDF_RK(rk, dh_out).
RootStep KdfRk(const Key32& root_key, const Key32& dh_out) {
  const std::string out = Kdf(AsView(root_key), "root", AsView(dh_out), 64);
  return RootStep{ToArray<32>(std::string_view(out).substr(0, 32)),
                  ToArray<32>(std::string_view(out).substr(32, 32))};
}

// KDF_CK(ck): the message key, and `chain_key` becomes the next one.
Key32 KdfCk(Key32& chain_key) {
  const Key32 message_key = ToArray<32>(Kdf(AsView(chain_key), "message-key", {}, 32));
  chain_key = ToArray<32>(Kdf(AsView(chain_key), "chain-key", {}, 32));
  return message_key;
}

std::string AdditionalData(const std::array<unsigned char, 64>& associated_data,
                           const WireMessage& message) {
  return std::string(AsView(associated_data)) + WireMessagePrefix(message);
}

std::string Seal(const Key32& message_key, std::string_view additional, std::string_view plain) {
  const std::string key_and_nonce = Kdf(AsView(message_key), "aead", {}, 56);
  std::string out(plain.size() + kTagBytes, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data()), &written, Uc(plain), plain.size(),
      Uc(additional), additional.size(), nullptr, Uc(key_and_nonce.substr(32)), Uc(key_and_nonce));
  out.resize(written);
  return out;
}

Result<std::string> Open(const Key32& message_key, std::string_view additional,
                         std::string_view sealed) {
  const std::string key_and_nonce = Kdf(AsView(message_key), "aead", {}, 56);
  if (sealed.size() < kTagBytes) {
    return Fail(ErrorCode::kInvalidArgument, "an encrypted message is truncated");
  }
  std::string out(sealed.size() - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, Uc(sealed),
          sealed.size(), Uc(additional), additional.size(), Uc(key_and_nonce.substr(32)),
          Uc(key_and_nonce)) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "the encrypted message does not authenticate");
  }
  out.resize(written);
  return out;
}

}  // namespace

Result<Session> Session::Initiate(const DhKeyPair& own_identity, const PrekeyBundle& bundle,
                                  const RandomSource& random) {
  const DhKeyPair ephemeral = GenerateDhKeyPair(random);
  auto x3dh = X3dhInitiate(own_identity, ephemeral, bundle);
  if (!x3dh) return std::unexpected(x3dh.error());
  auto dh = Dh(ephemeral.secret_key, bundle.signed_prekey.public_key);
  if (!dh) return std::unexpected(dh.error());
  Session session;
  session.initiator_ = true;
  session.associated_data_ = x3dh->associated_data;
  session.setup_ = SetupPart{own_identity.public_key, bundle.signed_prekey.id,
                             bundle.one_time_prekey ? bundle.one_time_prekey->id : 0};
  session.sending_ratchet_ = ephemeral;
  session.receiving_ratchet_key_ = bundle.signed_prekey.public_key;
  const RootStep step = KdfRk(x3dh->shared_key, *dh);
  session.root_key_ = step.root_key;
  session.sending_chain_ = step.chain_key;
  return session;
}

Result<Session::Accepted> Session::Accept(const DeviceSecrets& own_device,
                                          const PrekeySecret& signed_prekey,
                                          const std::optional<PrekeySecret>& one_time_prekey,
                                          std::string_view message, const RandomSource& random) {
  auto parsed = ParseWireMessage(message);
  if (!parsed) return std::unexpected(parsed.error());
  if (!parsed->setup) {
    return Fail(ErrorCode::kInvalidArgument, "not a set-up message (type 1)");
  }
  const SetupPart& setup = *parsed->setup;
  if (setup.signed_prekey_id != signed_prekey.id) {
    return Fail(ErrorCode::kNotFound, "the message names signed prekey " +
                                          std::to_string(setup.signed_prekey_id) +
                                          ", not the one given");
  }
  if (setup.one_time_prekey_id != 0 &&
      (!one_time_prekey || one_time_prekey->id != setup.one_time_prekey_id)) {
    return Fail(ErrorCode::kNotFound, "one-time prekey " +
                                          std::to_string(setup.one_time_prekey_id) +
                                          " is unknown or already used");
  }
  if (setup.one_time_prekey_id == 0 && one_time_prekey) {
    return Fail(ErrorCode::kInvalidArgument, "the message names no one-time prekey");
  }
  auto x3dh = X3dhRespond(
      own_device.identity, signed_prekey.pair,
      one_time_prekey && setup.one_time_prekey_id != 0 ? &one_time_prekey->pair : nullptr,
      setup.identity_key, parsed->header.ratchet_key);
  if (!x3dh) return std::unexpected(x3dh.error());
  Session session;
  session.initiator_ = false;
  session.associated_data_ = x3dh->associated_data;
  session.setup_ = setup;
  session.root_key_ = x3dh->shared_key;
  session.sending_ratchet_ = signed_prekey.pair;
  auto plaintext = session.DecryptHere(*parsed, random);
  if (!plaintext) return std::unexpected(plaintext.error());
  return Accepted{std::move(session), std::move(*plaintext)};
}

Result<std::string> Session::Encrypt(std::string_view plaintext) {
  if (!sending_chain_) {
    return Fail(ErrorCode::kInvalidArgument, "the session has no sending chain yet");
  }
  if (sent_count_ == UINT32_MAX) {
    return Fail(ErrorCode::kLimitExceeded, "the sending chain is exhausted");
  }
  WireMessage message;
  if (awaiting_reply()) message.setup = setup_;
  message.header = RatchetHeader{sending_ratchet_.public_key, previous_count_, sent_count_};
  const std::string padded = PadPlaintext(plaintext);
  const std::string prefix = WireMessagePrefix(message);
  if (prefix.size() + padded.size() + kTagBytes > kMaxWireMessageBytes) {
    return Fail(ErrorCode::kLimitExceeded, "the plaintext is too long for one message");
  }
  Key32 chain = *sending_chain_;
  const Key32 message_key = KdfCk(chain);
  message.ciphertext = Seal(message_key, AdditionalData(associated_data_, message), padded);
  sending_chain_ = chain;
  ++sent_count_;
  return WriteWireMessage(message);
}

Result<std::string> Session::Decrypt(std::string_view message, const RandomSource& random) {
  auto parsed = ParseWireMessage(message);
  if (!parsed) return std::unexpected(parsed.error());
  // Work on a copy: only a message that authenticates changes the session.
  Session copy = *this;
  auto plaintext = copy.DecryptHere(*parsed, random);
  if (plaintext) *this = std::move(copy);
  return plaintext;
}

Result<std::string> Session::DecryptHere(const WireMessage& message, const RandomSource& random) {
  if (message.setup) {
    if (initiator_) {
      return Fail(ErrorCode::kInvalidArgument, "a set-up message sent to the session's initiator");
    }
    if (*message.setup != setup_) {
      return Fail(ErrorCode::kInvalidArgument,
                  "a set-up message for another session (accept it as a new one)");
    }
  }
  const RatchetHeader& header = message.header;
  const std::string additional = AdditionalData(associated_data_, message);
  auto skipped = std::find_if(skipped_.begin(), skipped_.end(), [&](const SkippedKey& key) {
    return key.ratchet_key == header.ratchet_key && key.count == header.count;
  });
  std::string padded;
  if (skipped != skipped_.end()) {
    auto opened = Open(skipped->message_key, additional, message.ciphertext);
    if (!opened) return opened;
    skipped_.erase(skipped);
    padded = std::move(*opened);
  } else {
    if (!receiving_ratchet_key_ || header.ratchet_key != *receiving_ratchet_key_) {
      if (auto status = SkipMessageKeys(header.previous_count); !status) {
        return std::unexpected(status.error());
      }
      if (auto status = RatchetStep(header.ratchet_key, random); !status) {
        return std::unexpected(status.error());
      }
    } else if (!receiving_chain_ || header.count < received_count_) {
      return Fail(ErrorCode::kInvalidArgument, "a replayed or already-read message");
    }
    if (auto status = SkipMessageKeys(header.count); !status) {
      return std::unexpected(status.error());
    }
    if (received_count_ == UINT32_MAX) {
      return Fail(ErrorCode::kLimitExceeded, "the receiving chain is exhausted");
    }
    const Key32 message_key = KdfCk(*receiving_chain_);
    ++received_count_;
    auto opened = Open(message_key, additional, message.ciphertext);
    if (!opened) return opened;
    padded = std::move(*opened);
  }
  auto plaintext = UnpadPlaintext(padded);
  if (!plaintext) return plaintext;
  received_ = true;
  return plaintext;
}

Status Session::SkipMessageKeys(uint32_t until) {
  if (static_cast<uint64_t>(until) > static_cast<uint64_t>(received_count_) + kMaxSkipPerChain) {
    return Fail(ErrorCode::kLimitExceeded,
                "the message would skip more than 1000 messages of one chain");
  }
  if (!receiving_chain_ || !receiving_ratchet_key_) return Ok();
  while (received_count_ < until) {
    skipped_.push_back(
        SkippedKey{*receiving_ratchet_key_, received_count_, KdfCk(*receiving_chain_)});
    ++received_count_;
    // The oldest keys go first: their messages are the least likely to come.
    if (skipped_.size() > kMaxSkippedKeys) skipped_.pop_front();
  }
  return Ok();
}

Status Session::RatchetStep(const Key32& header_key, const RandomSource& random) {
  previous_count_ = sent_count_;
  sent_count_ = 0;
  received_count_ = 0;
  receiving_ratchet_key_ = header_key;
  auto receiving_dh = Dh(sending_ratchet_.secret_key, header_key);
  if (!receiving_dh) return std::unexpected(receiving_dh.error());
  const RootStep receiving = KdfRk(root_key_, *receiving_dh);
  receiving_chain_ = receiving.chain_key;
  sending_ratchet_ = GenerateDhKeyPair(random);
  auto sending_dh = Dh(sending_ratchet_.secret_key, header_key);
  if (!sending_dh) return std::unexpected(sending_dh.error());
  const RootStep sending = KdfRk(receiving.root_key, *sending_dh);
  root_key_ = sending.root_key;
  sending_chain_ = sending.chain_key;
  return Ok();
}

Key32 Session::remote_identity() const {
  Key32 out{};
  const size_t offset = initiator_ ? 32 : 0;
  std::copy_n(associated_data_.begin() + offset, 32, out.begin());
  return out;
}

}  // namespace parvis::protocol::e2ee
