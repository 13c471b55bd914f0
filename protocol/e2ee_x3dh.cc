// X3DH session set-up (docs/e2ee.md §4).
#include "e2ee_bytes.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

using internal::AsView;
using internal::ToArray;

namespace {

// SK and AD from the DH outputs, in the order of §4.
Result<X3dhResult> Derive(const std::vector<Result<Key32>>& dhs, const Key32& initiator_identity,
                          const Key32& responder_identity) {
  std::string input(32, '\xFF');
  for (const auto& dh : dhs) {
    if (!dh) return std::unexpected(dh.error());
    input.append(AsView(*dh));
  }
  X3dhResult out;
  out.shared_key = ToArray<32>(Kdf({}, "x3dh", input, 32));
  std::copy(initiator_identity.begin(), initiator_identity.end(), out.associated_data.begin());
  std::copy(responder_identity.begin(), responder_identity.end(), out.associated_data.begin() + 32);
  return out;
}

}  // namespace

Result<X3dhResult> X3dhInitiate(const DhKeyPair& own_identity, const DhKeyPair& ephemeral,
                                const PrekeyBundle& bundle) {
  if (auto status = VerifyPrekey(PrekeyKind::kSigned, bundle.device, bundle.signed_prekey);
      !status) {
    return std::unexpected(status.error());
  }
  if (bundle.one_time_prekey) {
    if (auto status = VerifyPrekey(PrekeyKind::kOneTime, bundle.device, *bundle.one_time_prekey);
        !status) {
      return std::unexpected(status.error());
    }
  }
  std::vector<Result<Key32>> dhs;
  dhs.push_back(Dh(own_identity.secret_key, bundle.signed_prekey.public_key));
  dhs.push_back(Dh(ephemeral.secret_key, bundle.device.identity_key));
  dhs.push_back(Dh(ephemeral.secret_key, bundle.signed_prekey.public_key));
  if (bundle.one_time_prekey) {
    dhs.push_back(Dh(ephemeral.secret_key, bundle.one_time_prekey->public_key));
  }
  return Derive(dhs, own_identity.public_key, bundle.device.identity_key);
}

Result<X3dhResult> X3dhRespond(const DhKeyPair& own_identity, const DhKeyPair& signed_prekey,
                               const DhKeyPair* one_time_prekey, const Key32& initiator_identity,
                               const Key32& ephemeral) {
  std::vector<Result<Key32>> dhs;
  dhs.push_back(Dh(signed_prekey.secret_key, initiator_identity));
  dhs.push_back(Dh(own_identity.secret_key, ephemeral));
  dhs.push_back(Dh(signed_prekey.secret_key, ephemeral));
  if (one_time_prekey != nullptr) dhs.push_back(Dh(one_time_prekey->secret_key, ephemeral));
  return Derive(dhs, initiator_identity, own_identity.public_key);
}

}  // namespace parvis::protocol::e2ee
