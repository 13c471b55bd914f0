// FEP-521a Multikey `publicKeyMultibase` values: multibase base58btc ('z')
// over a multicodec-prefixed key.
#ifndef PARVIS_PROTOCOL_MULTIKEY_H_
#define PARVIS_PROTOCOL_MULTIKEY_H_

#include <string>
#include <string_view>

#include "parvis/protocol/keys.h"
#include "parvis/result.h"

namespace parvis::protocol {

// Ed25519 keys become "z6Mk..." (multicodec ed25519-pub, 0xed 0x01, then the
// 32 raw bytes). RSA keys use rsa-pub (0x85 0x24, then PKCS#1 DER). Other key
// types are kUnsupported.
Result<std::string> EncodeMultikey(const PublicKey& key);

// Decodes either form. Another multibase prefix or multicodec is
// kUnsupported; a wrong length or bad base58 is kInvalidArgument.
Result<PublicKey> DecodeMultikey(std::string_view public_key_multibase);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_MULTIKEY_H_
