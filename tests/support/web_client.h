// A minimal browser for page tests over real HTTP: keeps cookies, reads the
// anti-forgery token of the last page, posts urlencoded forms.
#ifndef PARVIS_TESTS_SUPPORT_WEB_CLIENT_H_
#define PARVIS_TESTS_SUPPORT_WEB_CLIENT_H_

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/raw_http.h"

namespace parvis::testing {

class WebClient {
 public:
  explicit WebClient(uint16_t port) : port_(port) {}

  // A raw response; cookies it sets are kept (Max-Age=0 removes them).
  std::string Get(const std::string& target, const std::string& headers = "") {
    return Remember(Fetch(port_, "GET", target, CookieHeader() + headers));
  }
  // Posts `fields` urlencoded, adding the csrf field unless `with_csrf` is false.
  std::string Post(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                   bool with_csrf = true, const std::string& headers = "") {
    if (with_csrf) fields.emplace_back("csrf", csrf_);
    std::string body;
    for (const auto& [key, value] : fields) {
      if (!body.empty()) body += '&';
      body += Encode(key) + "=" + Encode(value);
    }
    return Remember(Fetch(port_, "POST", target,
                          CookieHeader() + "Content-Type: application/x-www-form-urlencoded\r\n" + headers,
                          body));
  }

  // Posts a multipart form with one file, as a browser's upload form does.
  std::string PostFile(const std::string& target, const std::string& field, const std::string& bytes,
                       std::vector<std::pair<std::string, std::string>> fields = {}) {
    fields.emplace_back("csrf", csrf_);
    const std::string boundary = "----parvistest7MA4YWxkTrZu0gW";
    std::string body;
    for (const auto& [key, value] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + key + "\"\r\n\r\n" + value + "\r\n";
    }
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field +
            "\"; filename=\"upload\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n";
    body += "--" + boundary + "--\r\n";
    return Remember(Fetch(port_, "POST", target,
                          CookieHeader() + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n",
                          body));
  }

  std::string Cookie(const std::string& name) const {
    auto it = cookies_.find(name);
    return it == cookies_.end() ? "" : it->second;
  }
  void SetCookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
  const std::string& csrf() const { return csrf_; }
  // The Set-Cookie headers of the last response.
  const std::vector<std::string>& set_cookies() const { return set_cookies_; }

  static std::string Encode(const std::string& text) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  }

 private:
  std::string CookieHeader() const {
    if (cookies_.empty()) return "";
    std::string header = "Cookie: ";
    for (const auto& [name, value] : cookies_) header += name + "=" + value + "; ";
    return header + "\r\n";
  }

  std::string Remember(std::string response) {
    set_cookies_.clear();
    std::string head = response.substr(0, response.find("\r\n\r\n"));
    static const std::regex kSetCookie(R"(Set-Cookie: ([^=]+)=([^;\r]*)([^\r]*))", std::regex::icase);
    for (auto it = std::sregex_iterator(head.begin(), head.end(), kSetCookie); it != std::sregex_iterator(); ++it) {
      set_cookies_.push_back((*it)[0]);
      if ((*it)[3].str().find("Max-Age=0") != std::string::npos) {
        cookies_.erase((*it)[1]);
      } else {
        cookies_[(*it)[1]] = (*it)[2];
      }
    }
    static const std::regex kCsrf(R"re(name="csrf" value="([0-9a-f]+)")re");
    std::smatch match;
    if (std::regex_search(response, match, kCsrf)) csrf_ = match[1];
    return response;
  }

  uint16_t port_;
  std::map<std::string, std::string> cookies_;
  std::vector<std::string> set_cookies_;
  std::string csrf_;
};

// The Location header of a raw response.
inline std::string LocationOf(const std::string& response) {
  static const std::regex kLocation(R"(Location: ([^\r]*))");
  std::smatch match;
  return std::regex_search(response, match, kLocation) ? match[1].str() : "";
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_WEB_CLIENT_H_
