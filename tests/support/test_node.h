// A whole node in-process on a free loopback port, with its data in a
// temporary folder, for tests that speak HTTP to it.
#ifndef PARVIS_TESTS_SUPPORT_TEST_NODE_H_
#define PARVIS_TESTS_SUPPORT_TEST_NODE_H_

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "server/node.h"
#include "support/raw_http.h"
#include "support/temp_dir.h"

namespace parvis::testing {

class TestNode {
 public:
  // `settings` are PARVIS_* variables on top of a data folder and port 0.
  // A federating node gets a port chosen up front, a base URL naming it,
  // and may reach other nodes on loopback.
  explicit TestNode(std::map<std::string, std::string> settings = {}, bool federating = false) {
    settings.emplace("PARVIS_DATA_DIR", dir_.Sub("data"));
    if (federating) {
      uint16_t port = FreePort();
      fixed_port_ = port;
      settings.emplace("PARVIS_LISTEN_PORT", std::to_string(port));
      settings.emplace("PARVIS_BASE_URL", "http://127.0.0.1:" + std::to_string(port));
      settings.emplace("PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true");
    }
    settings.emplace("PARVIS_LISTEN_PORT", "0");
    settings_ = std::move(settings);
    Start();
  }

  // Stops the node (gracefully) and closes its database; Start opens it again
  // with the same settings, data and, for a federating node, port.
  void Stop() { node_.reset(); }
  void Start() {
    Result<Config> config = LoadConfig({.environment = settings_});
    if (!config) {
      ADD_FAILURE() << config.error().message;
      return;
    }
    Result<std::unique_ptr<Node>> node = Node::Open(*config);
    if (!node) {
      ADD_FAILURE() << node.error().message;
      return;
    }
    node_ = std::move(*node);
    if (Status serving = node_->Serve(false); !serving) ADD_FAILURE() << serving.error().message;
  }

  Node& node() { return *node_; }
  uint16_t port() const {
    if (fixed_port_ != 0) return fixed_port_;
    return node_ ? node_->port() : 0;
  }
  const TempDir& dir() const { return dir_; }

  // Creates an account through the operator command; fails the test if refused.
  void CreateAccount(const std::string& name, const std::string& kind = "person") {
    http::Response created = node_->CallControl(
        "POST", "/control/accounts",
        R"({"name":")" + name + R"(","kind":")" + kind + R"(","password":"password123"})");
    EXPECT_EQ(created.status, 201) << created.body;
  }

  std::string Get(const std::string& target, const std::string& headers = "") {
    return Fetch(port(), "GET", target, headers);
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::string Handle(const std::string& name) const {
    return "acct:" + name + "@127.0.0.1:" + std::to_string(port());
  }

  // A port nobody listens on right now.
  static uint16_t FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t length = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

 private:
  TempDir dir_;
  std::map<std::string, std::string> settings_;
  uint16_t fixed_port_ = 0;  // a federating node's port, kept across restarts
  std::unique_ptr<Node> node_;
};

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_TEST_NODE_H_
