// Which IP addresses the node may fetch from or deliver to. Remote content
// must never make the node reach into its own machine or private network
// (server-side request forgery), unless the operator allows it (tests).
#ifndef PARVIS_SERVER_HTTP_ADDRESS_POLICY_H_
#define PARVIS_SERVER_HTTP_ADDRESS_POLICY_H_

#include <boost/asio/ip/address.hpp>

namespace parvis::http {

// False for loopback, private (RFC 1918, unique-local), link-local, carrier
// NAT, unspecified, multicast, broadcast, documentation and benchmarking
// ranges, and for IPv4 addresses of those kinds mapped or translated into IPv6.
bool IsPublicAddress(const boost::asio::ip::address& address);

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_ADDRESS_POLICY_H_
