#include "server/http/address_policy.h"

#include <string>

#include <gtest/gtest.h>

namespace parvis::http {
namespace {

TEST(AddressPolicy, RefusesEveryNonPublicRange) {
  const struct {
    std::string address;
    bool is_public;
  } cases[] = {
      {"127.0.0.1", false},        {"127.255.1.2", false},      {"10.1.2.3", false},
      {"172.16.0.1", false},       {"172.31.255.255", false},   {"172.32.0.1", true},
      {"192.168.1.1", false},      {"169.254.169.254", false},  {"100.64.0.1", false},
      {"100.128.0.1", true},       {"0.0.0.0", false},          {"0.1.2.3", false},
      {"224.0.0.1", false},        {"255.255.255.255", false},  {"240.0.0.1", false},
      {"192.0.2.10", false},       {"198.51.100.7", false},     {"203.0.113.9", false},
      {"198.18.0.1", false},       {"8.8.8.8", true},           {"1.1.1.1", true},
      {"93.184.216.34", true},     {"::1", false},              {"::", false},
      {"fe80::1", false},          {"fc00::1", false},          {"fd12:3456::1", false},
      {"ff02::1", false},          {"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false},
      {"::ffff:8.8.8.8", true},    {"64:ff9b::7f00:1", false},  {"64:ff9b::808:808", true},
      {"::127.0.0.1", false},      {"2001:db8::1", false},      {"100::1", false},
      {"2606:4700::1111", true},   {"2a01:4f8::1", true},       {"fec0::1", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsPublicAddress(boost::asio::ip::make_address(c.address)), c.is_public)
        << c.address;
  }
}

}  // namespace
}  // namespace parvis::http
