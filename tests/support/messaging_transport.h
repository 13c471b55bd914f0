// A messaging client's transport to a node in the same test process: each
// request on a fresh loopback connection, with a bearer token.
#ifndef PARVIS_TESTS_SUPPORT_MESSAGING_TRANSPORT_H_
#define PARVIS_TESTS_SUPPORT_MESSAGING_TRANSPORT_H_

#include <string>

#include "server/messaging/msg_client.h"
#include "support/raw_http.h"
#include "support/test_node.h"

namespace parvis::testing {

inline messaging::Transport TransportFor(TestNode& node, const std::string& token) {
  uint16_t port = node.port();
  return [port, token](std::string_view method, std::string_view target,
                       std::string_view body) -> Result<messaging::HttpAnswer> {
    std::string response = Fetch(port, method, target,
                                 "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n", body);
    if (response.empty()) return std::unexpected(Error{ErrorCode::kUnavailable, "no answer"});
    return messaging::HttpAnswer{StatusOf(response), BodyOf(response)};
  };
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_MESSAGING_TRANSPORT_H_
