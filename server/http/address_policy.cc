#include "server/http/address_policy.h"

#include <array>
#include <cstdint>

namespace parvis::http {
namespace {

struct Range4 {
  uint32_t network;
  int prefix;
};

// IANA special-purpose IPv4 registry, the ranges that are not the public internet.
constexpr std::array<Range4, 16> kNonPublic4 = {{
    {0x00000000, 8},   // "this network"
    {0x0A000000, 8},   // private
    {0x64400000, 10},  // carrier-grade NAT
    {0x7F000000, 8},   // loopback
    {0xA9FE0000, 16},  // link-local (and cloud metadata)
    {0xAC100000, 12},  // private
    {0xC0000000, 24},  // IETF protocol assignments
    {0xC0000200, 24},  // documentation
    {0xC0586300, 24},  // 6to4 relay anycast
    {0xC0A80000, 16},  // private
    {0xC6120000, 15},  // benchmarking
    {0xC6336400, 24},  // documentation
    {0xCB007100, 24},  // documentation
    {0xE0000000, 4},   // multicast
    {0xF0000000, 4},   // reserved, and broadcast
    {0xFFFFFFFF, 32},  // broadcast
}};

bool IsPublic4(uint32_t address) {
  for (const Range4& range : kNonPublic4) {
    uint32_t mask = range.prefix == 0 ? 0 : ~uint32_t{0} << (32 - range.prefix);
    if ((address & mask) == range.network) return false;
  }
  return true;
}

uint32_t Embedded4(const std::array<unsigned char, 16>& bytes) {
  return uint32_t{bytes[12]} << 24 | uint32_t{bytes[13]} << 16 | uint32_t{bytes[14]} << 8 |
         uint32_t{bytes[15]};
}

bool IsPublic6(const boost::asio::ip::address_v6& address) {
  std::array<unsigned char, 16> b = address.to_bytes();
  if (address.is_unspecified() || address.is_loopback() || address.is_multicast() ||
      address.is_link_local() || address.is_site_local()) {
    return false;
  }
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible: judge the IPv4 address.
  if (address.is_v4_mapped()) return IsPublic4(Embedded4(b));
  bool leading_zeros = true;
  for (int i = 0; i < 12; ++i) leading_zeros = leading_zeros && b[i] == 0;
  if (leading_zeros) return IsPublic4(Embedded4(b));
  // NAT64 well-known prefix 64:ff9b::/96 translates to IPv4.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    bool zeros = true;
    for (int i = 4; i < 12; ++i) zeros = zeros && b[i] == 0;
    if (zeros) return IsPublic4(Embedded4(b));
  }
  if ((b[0] & 0xfe) == 0xfc) return false;                 // unique local fc00::/7
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // doc
  if (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 &&
      b[6] == 0 && b[7] == 0) {
    return false;  // discard-only 100::/64
  }
  return true;
}

}  // namespace

bool IsPublicAddress(const boost::asio::ip::address& address) {
  if (address.is_v4()) return IsPublic4(address.to_v4().to_uint());
  return IsPublic6(address.to_v6());
}

}  // namespace parvis::http
