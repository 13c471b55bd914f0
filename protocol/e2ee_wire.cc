// The wire format of one encrypted message (docs/e2ee.md §6).
#include "e2ee_bytes.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AppendU32;
using internal::AsView;
using internal::ReadU32;
using internal::ToArray;

namespace {

constexpr size_t kSetupBytes = 32 + 4 + 4;
constexpr size_t kHeaderBytes = 32 + 4 + 4;
constexpr size_t kTagBytes = 16;

}  // namespace

Result<WireMessage> ParseWireMessage(std::string_view bytes) {
  if (bytes.size() > kMaxWireMessageBytes) {
    return Fail(ErrorCode::kLimitExceeded, "an encrypted message is over 65536 bytes");
  }
  if (bytes.size() < 2)
    return Fail(ErrorCode::kInvalidArgument, "an encrypted message is truncated");
  if (static_cast<unsigned char>(bytes[0]) != kWireVersion) {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown encrypted message version " +
                    std::to_string(static_cast<unsigned char>(bytes[0])));
  }
  const auto type = static_cast<unsigned char>(bytes[1]);
  if (type != kTypeSetup && type != kTypeRatchet) {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown encrypted message type " + std::to_string(type));
  }
  const size_t fixed = 2 + (type == kTypeSetup ? kSetupBytes : 0) + kHeaderBytes;
  if (bytes.size() < fixed + kTagBytes) {
    return Fail(ErrorCode::kInvalidArgument, "an encrypted message is truncated");
  }
  WireMessage message;
  size_t at = 2;
  if (type == kTypeSetup) {
    SetupPart setup;
    setup.identity_key = ToArray<32>(bytes.substr(at, 32));
    setup.signed_prekey_id = ReadU32(bytes, at + 32);
    setup.one_time_prekey_id = ReadU32(bytes, at + 36);
    message.setup = setup;
    at += kSetupBytes;
  }
  message.header.ratchet_key = ToArray<32>(bytes.substr(at, 32));
  message.header.previous_count = ReadU32(bytes, at + 32);
  message.header.count = ReadU32(bytes, at + 36);
  at += kHeaderBytes;
  message.ciphertext = std::string(bytes.substr(at));
  return message;
}

std::string WireMessagePrefix(const WireMessage& message) {
  std::string out;
  out.push_back(static_cast<char>(kWireVersion));
  out.push_back(static_cast<char>(message.setup ? kTypeSetup : kTypeRatchet));
  if (message.setup) {
    out.append(AsView(message.setup->identity_key));
    AppendU32(out, message.setup->signed_prekey_id);
    AppendU32(out, message.setup->one_time_prekey_id);
  }
  out.append(AsView(message.header.ratchet_key));
  AppendU32(out, message.header.previous_count);
  AppendU32(out, message.header.count);
  return out;
}

std::string WriteWireMessage(const WireMessage& message) {
  return WireMessagePrefix(message) + message.ciphertext;
}

}  // namespace parvis::protocol::e2ee
