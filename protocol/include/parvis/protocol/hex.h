// Lower-case hexadecimal, for ids made from random or hashed bytes.
#ifndef PARVIS_PROTOCOL_HEX_H_
#define PARVIS_PROTOCOL_HEX_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parvis::protocol {

std::string EncodeHex(std::string_view bytes);

// The bytes of lower- or upper-case hexadecimal text; nullopt for an odd
// length or any other character.
std::optional<std::string> DecodeHex(std::string_view text);

// `bytes` random bytes from the system's secure source, as hex.
std::string RandomHex(size_t bytes);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_HEX_H_
