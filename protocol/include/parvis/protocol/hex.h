// Lower-case hexadecimal, for ids made from random or hashed bytes.
#ifndef PARVIS_PROTOCOL_HEX_H_
#define PARVIS_PROTOCOL_HEX_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace parvis::protocol {

std::string EncodeHex(std::string_view bytes);

// `bytes` random bytes from the system's secure source, as hex.
std::string RandomHex(size_t bytes);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_HEX_H_
