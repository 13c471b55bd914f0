#include "printable_key.h"

namespace parvis::storage {

namespace {
constexpr size_t kMaxShownBytes = 48;
}  // namespace

std::string PrintableKey(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  const size_t shown = key.size() < kMaxShownBytes ? key.size() : kMaxShownBytes;
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (shown < key.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace parvis::storage
