// What CLI tests that run the real `parvis` binary share: a call of the
// binary as an operator would make it, and a free loopback port for a node.
#ifndef PARVIS_TESTS_SUPPORT_PARVIS_PROCESS_H_
#define PARVIS_TESTS_SUPPORT_PARVIS_PROCESS_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace parvis::testing {

// `parvis ARGS…` (PARVIS_BINARY_PATH) with `env` and `input` on stdin.
inline ProcessResult Parvis(std::vector<std::string> args, const std::map<std::string, std::string>& env = {},
                            const std::string& input = "") {
  args.insert(args.begin(), PARVIS_BINARY_PATH);
  return RunProcess(args, env, input);
}

// A loopback port nobody listens on now (CLI test binaries link no server code).
inline uint16_t FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_PARVIS_PROCESS_H_
