// A deliberately plain HTTP client on POSIX sockets, so tests can send
// exactly the bytes they want (partial, oversized, malformed, pipelined) and
// see exactly what the server answers.
#ifndef PARVIS_TESTS_SUPPORT_RAW_HTTP_H_
#define PARVIS_TESTS_SUPPORT_RAW_HTTP_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace parvis::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; ok() tells whether it worked. A
  // `receive_buffer` (bytes) makes a slow reader: the peer's large writes wait.
  explicit RawConnection(uint16_t port, std::chrono::milliseconds receive_timeout =
                                            std::chrono::milliseconds(15000), int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{};
    tv.tv_sec = receive_timeout.count() / 1000;
    tv.tv_usec = (receive_timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return connected_; }

  // Sends all of `bytes`; false if the peer closed or reset.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Closes the connection now (the destructor would later).
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  enum class End { kClosed, kReset, kTimedOut };

  // Reads until the peer closes (or resets, or the receive timeout passes).
  std::string ReadToEnd(End* end = nullptr) {
    std::string out = std::exchange(pending_, "");
    char buffer[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        out.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (end != nullptr) {
        if (n == 0) *end = End::kClosed;
        else if (errno == EAGAIN || errno == EWOULDBLOCK) *end = End::kTimedOut;
        else *end = End::kReset;
      }
      return out;
    }
  }

  // Reads up to the end of a response's head (the blank line included); what
  // came after it is kept for the next read.
  std::string ReadHead() {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Receive()) return std::exchange(pending_, "");
    }
    std::string head = pending_.substr(0, end + 4);
    pending_.erase(0, end + 4);
    return head;
  }

  // Reads `size` bytes (fewer if the peer closes first).
  std::string Read(size_t size) {
    while (pending_.size() < size && Receive()) {
    }
    std::string out = pending_.substr(0, size);
    pending_.erase(0, out.size());
    return out;
  }

  // Reads one response with a Content-Length body (keep-alive friendly).
  std::string ReadResponse() {
    for (;;) {
      size_t header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        std::string head = pending_.substr(0, header_end);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t at = head.find("content-length:");
        if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
        bool head_only = head.rfind("http/1.1 1", 0) == 0;  // 1xx: no body
        size_t total = header_end + 4 + (head_only ? 0 : length);
        if (pending_.size() >= total) {
          std::string response = pending_.substr(0, total);
          pending_.erase(0, total);
          return response;
        }
      }
      char buffer[16384];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        std::string rest = std::move(pending_);
        pending_.clear();
        return rest;
      }
      pending_.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  // Appends what arrives to pending_; false when the peer closed or failed.
  bool Receive() {
    char buffer[16384];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// The status code of a raw response ("HTTP/1.1 404 Not Found" -> 404), or 0.
inline int StatusOf(std::string_view response) {
  if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return 0;
  return std::stoi(std::string(response.substr(9, 3)));
}

// The body after the blank line.
inline std::string BodyOf(std::string_view response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string_view::npos ? "" : std::string(response.substr(at + 4));
}

// One request on a fresh connection; the server is asked to close after it.
inline std::string Fetch(uint16_t port, std::string_view method, std::string_view target,
                         std::string_view extra_headers = "", std::string_view body = "") {
  RawConnection connection(port);
  if (!connection.ok()) return "";
  std::string request = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                        std::string(extra_headers);
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  connection.Send(request);
  return connection.ReadToEnd();
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_RAW_HTTP_H_
