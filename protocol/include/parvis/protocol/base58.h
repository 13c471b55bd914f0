// Base58btc (the Bitcoin alphabet) and its multibase form ('z' prefix), as
// FEP-521a Multikey `publicKeyMultibase` and Data Integrity `proofValue` use.
#ifndef PARVIS_PROTOCOL_BASE58_H_
#define PARVIS_PROTOCOL_BASE58_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::protocol {

// Longest base58 text DecodeBase58Btc accepts; decoding is quadratic, so the
// bound keeps hostile input cheap (kLimitExceeded beyond it).
inline constexpr size_t kMaxBase58Chars = 4096;

// Encodes `bytes`; each leading zero byte becomes a leading '1'.
std::string EncodeBase58Btc(std::string_view bytes);

// Decodes base58btc text. Characters outside the alphabet (0, O, I, l,
// whitespace, ...) are kInvalidArgument.
Result<std::string> DecodeBase58Btc(std::string_view text);

// "z" + EncodeBase58Btc(bytes).
std::string EncodeMultibaseBase58Btc(std::string_view bytes);

// Decodes multibase text that must use base58btc (leading 'z'); any other
// multibase prefix is kUnsupported.
Result<std::string> DecodeMultibaseBase58Btc(std::string_view text);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_BASE58_H_
