// Key pairs, device ids, the signed device list and prekey signatures
// (docs/e2ee.md §3).
#include <sodium.h>

#include <algorithm>

#include "e2ee_bytes.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AppendLp;
using internal::AppendU32;
using internal::AppendU64;
using internal::AsView;
using internal::Draw;
using internal::kLabelPrefix;
using internal::Uc;

namespace {

constexpr size_t kDeviceIdBytes = 16;

// char may be signed; the spec orders ids bytewise, so compare unsigned.
bool BytewiseLess(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  });
}

bool ById(const DevicePublic& a, const DevicePublic& b) { return BytewiseLess(a.id, b.id); }

Status CheckDevices(const std::vector<DevicePublic>& devices, bool require_sorted) {
  if (devices.size() > kMaxEntries) {
    return Fail(ErrorCode::kLimitExceeded, "a device list names more than 64 devices");
  }
  for (size_t i = 0; i < devices.size(); ++i) {
    if (!IsDeviceId(devices[i].id)) {
      return Fail(ErrorCode::kInvalidArgument, "device id \"" + devices[i].id + "\" is malformed");
    }
    if (i > 0 && !BytewiseLess(devices[i - 1].id, devices[i].id)) {
      if (devices[i - 1].id == devices[i].id) {
        return Fail(ErrorCode::kInvalidArgument, "device " + devices[i].id + " is listed twice");
      }
      if (require_sorted) {
        return Fail(ErrorCode::kInvalidArgument, "the device list is not sorted by id");
      }
    }
  }
  return Ok();
}

}  // namespace

SigningKeyPair SigningKeyPairFromSeed(const Key32& seed) {
  EnsureSodium();
  SigningKeyPair pair;
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

SigningKeyPair GenerateSigningKeyPair(const RandomSource& random) {
  return SigningKeyPairFromSeed(Draw<32>(random));
}

DhKeyPair DhKeyPairFromSecret(const Key32& secret) {
  EnsureSodium();
  DhKeyPair pair;
  pair.secret_key = secret;
  crypto_scalarmult_base(pair.public_key.data(), secret.data());
  return pair;
}

DhKeyPair GenerateDhKeyPair(const RandomSource& random) {
  return DhKeyPairFromSecret(Draw<32>(random));
}

bool IsDeviceId(std::string_view text) {
  if (text.size() != 22) return false;
  auto bytes = DecodeBase64Url(text);
  return bytes.has_value() && bytes->size() == kDeviceIdBytes;
}

std::string GenerateDeviceId(const RandomSource& random) {
  return EncodeBase64Url(AsView(Draw<kDeviceIdBytes>(random)));
}

DeviceSecrets GenerateDevice(const RandomSource& random) {
  DeviceSecrets device;
  device.id = GenerateDeviceId(random);
  device.signing = GenerateSigningKeyPair(random);
  device.identity = GenerateDhKeyPair(random);
  return device;
}

DevicePublic PublicOf(const DeviceSecrets& device) {
  return DevicePublic{device.id, device.signing.public_key, device.identity.public_key};
}

std::string DeviceListBytes(std::string_view actor_id, uint64_t version,
                            std::vector<DevicePublic> devices) {
  std::stable_sort(devices.begin(), devices.end(), ById);
  std::string out;
  out.append(kLabelPrefix).append("device-list").push_back('\0');
  AppendLp(out, actor_id);
  AppendU64(out, version);
  AppendU32(out, static_cast<uint32_t>(devices.size()));
  for (const auto& device : devices) {
    AppendLp(out, device.id);
    out.append(AsView(device.signing_key));
    out.append(AsView(device.identity_key));
  }
  return out;
}

Result<DeviceList> SignDeviceList(std::string_view actor_id, uint64_t version,
                                  std::vector<DevicePublic> devices,
                                  const SigningKeyPair& account_key) {
  EnsureSodium();
  if (version == 0) return Fail(ErrorCode::kInvalidArgument, "a device list version starts at 1");
  std::sort(devices.begin(), devices.end(), ById);
  if (auto status = CheckDevices(devices, true); !status) return std::unexpected(status.error());
  DeviceList list;
  list.version = version;
  const std::string bytes = DeviceListBytes(actor_id, version, devices);
  crypto_sign_detached(list.signature.data(), nullptr, Uc(bytes), bytes.size(),
                       account_key.secret_key.data());
  list.devices = std::move(devices);
  return list;
}

Status VerifyDeviceList(std::string_view actor_id, const Key32& account_key, const DeviceList& list,
                        uint64_t min_version) {
  EnsureSodium();
  if (list.version == 0) return Fail(ErrorCode::kInvalidArgument, "device list version 0");
  if (list.version < min_version) {
    return Fail(ErrorCode::kInvalidArgument, "device list version " + std::to_string(list.version) +
                                                 " is older than version " +
                                                 std::to_string(min_version) + " seen before");
  }
  if (auto status = CheckDevices(list.devices, true); !status) return status;
  const std::string bytes = DeviceListBytes(actor_id, list.version, list.devices);
  if (crypto_sign_verify_detached(list.signature.data(), Uc(bytes), bytes.size(),
                                  account_key.data()) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "the device list signature does not verify");
  }
  return Ok();
}

std::string PrekeyBytes(PrekeyKind kind, std::string_view device_id, uint32_t prekey_id,
                        const Key32& public_key) {
  std::string out;
  out.append(kLabelPrefix)
      .append(kind == PrekeyKind::kSigned ? "signed-prekey" : "one-time-prekey")
      .push_back('\0');
  AppendLp(out, device_id);
  AppendU32(out, prekey_id);
  out.append(AsView(public_key));
  return out;
}

PrekeySecret GeneratePrekey(uint32_t id, const RandomSource& random) {
  return PrekeySecret{id, GenerateDhKeyPair(random)};
}

SignedPrekey SignPrekey(PrekeyKind kind, const DeviceSecrets& device, const PrekeySecret& prekey) {
  EnsureSodium();
  SignedPrekey out;
  out.id = prekey.id;
  out.public_key = prekey.pair.public_key;
  const std::string bytes = PrekeyBytes(kind, device.id, prekey.id, prekey.pair.public_key);
  crypto_sign_detached(out.signature.data(), nullptr, Uc(bytes), bytes.size(),
                       device.signing.secret_key.data());
  return out;
}

Status VerifyPrekey(PrekeyKind kind, const DevicePublic& device, const SignedPrekey& prekey) {
  EnsureSodium();
  if (prekey.id == 0) return Fail(ErrorCode::kInvalidArgument, "prekey id 0");
  const std::string bytes = PrekeyBytes(kind, device.id, prekey.id, prekey.public_key);
  if (crypto_sign_verify_detached(prekey.signature.data(), Uc(bytes), bytes.size(),
                                  device.signing_key.data()) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(kind == PrekeyKind::kSigned ? "signed" : "one-time") + " prekey " +
                    std::to_string(prekey.id) + " of device " + device.id + " has a bad signature");
  }
  return Ok();
}

}  // namespace parvis::protocol::e2ee
