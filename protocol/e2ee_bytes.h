// Byte-string helpers shared by the e2ee_*.cc files (not a public header).
#ifndef PARVIS_PROTOCOL_E2EE_BYTES_H_
#define PARVIS_PROTOCOL_E2EE_BYTES_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee::internal {

inline constexpr std::string_view kLabelPrefix = "Parvis-E2EE-v1/";

template <size_t N>
std::string_view AsView(const std::array<unsigned char, N>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), N};
}

inline const unsigned char* Uc(std::string_view bytes) {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}

// `bytes` into an array; the caller has checked the length.
template <size_t N>
std::array<unsigned char, N> ToArray(std::string_view bytes) {
  std::array<unsigned char, N> out{};
  for (size_t i = 0; i < N && i < bytes.size(); ++i) out[i] = static_cast<unsigned char>(bytes[i]);
  return out;
}

inline void AppendU32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

inline void AppendU64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

inline uint32_t ReadU32(std::string_view bytes, size_t at) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

// lp(x) = u32(length of x) || x.
inline void AppendLp(std::string& out, std::string_view bytes) {
  AppendU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

// Draws `N` bytes from `random`.
template <size_t N>
std::array<unsigned char, N> Draw(const RandomSource& random) {
  std::array<unsigned char, N> out{};
  random(std::span<unsigned char>(out.data(), N));
  return out;
}

// Number of code points, assuming valid UTF-8.
inline size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

// Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
inline bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10FFFF))) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace parvis::protocol::e2ee::internal

#endif  // PARVIS_PROTOCOL_E2EE_BYTES_H_
