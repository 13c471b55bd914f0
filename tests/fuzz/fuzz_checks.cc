#include "fuzz_checks.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace parvis::fuzz {
namespace {

constexpr std::array<std::string_view, 20> kElements = {
    "p", "br", "span", "a",   "del", "s",     "pre", "code", "em", "strong",
    "b", "i",  "u",    "sub", "sup", "small", "ul",  "ol",   "li", "blockquote"};

bool AllowedAttribute(std::string_view element, std::string_view attribute) {
  if (element == "a") {
    return attribute == "href" || attribute == "class" || attribute == "rel" ||
           attribute == "target";
  }
  if (element == "span") return attribute == "class" || attribute == "translate";
  if (element == "p") return attribute == "class";
  if (element == "ol") return attribute == "start";
  if (element == "li") return attribute == "value";
  return false;
}

std::string At(size_t i) { return " at byte " + std::to_string(i); }

std::string Printable(std::string_view text, size_t limit = 2000) {
  std::string out;
  for (char c : text.substr(0, limit)) {
    auto byte = static_cast<unsigned char>(c);
    if (byte == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  if (text.size() > limit) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80                    ? 1
                    : lead >= 0xC2 && lead <= 0xDF ? 2
                    : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                   : 0;
    if (length == 0 || i + length > text.size()) return false;
    uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string AsParserReads(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    length = std::min(length, text.size() - i);
    uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
    if (cp == '\r') {
      out += '\n';
    } else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') ||
               (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
               (cp & 0xFFFE) == 0xFFFE) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string HtmlProblem(std::string_view html, HtmlSource source, unsigned max_depth) {
  const bool sanitized = source == HtmlSource::kSanitizer;
  if (sanitized) {
    if (!IsValidUtf8(html)) return "invalid UTF-8";
    for (size_t i = 0; i < html.size(); ++i) {
      auto c = static_cast<unsigned char>(html[i]);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7F) {
        return "control character " + std::to_string(c) + At(i);
      }
    }
  }
  std::vector<std::string> open;
  size_t deepest = 0;
  for (size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c == '>') return "unescaped >" + At(i);
    if (sanitized && (c == '"' || c == '\'')) return std::string("unescaped ") + c + At(i);
    if (c == '&') {
      std::string_view rest = html.substr(i);
      bool known = false;
      for (std::string_view entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"}) {
        known = known || rest.starts_with(entity);
      }
      if (!known) return "bare &" + At(i);
      ++i;
      continue;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    size_t close = html.find('>', i);
    if (close == std::string_view::npos) return "unfinished tag" + At(i);
    std::string_view tag = html.substr(i + 1, close - i - 1);
    size_t tag_start = i;
    i = close + 1;
    if (tag.starts_with("/")) {
      if (open.empty() || tag.substr(1) != open.back()) {
        return "unbalanced <" + std::string(tag) + ">" + At(tag_start);
      }
      open.pop_back();
      continue;
    }
    std::string name(tag.substr(0, tag.find(' ')));
    if (std::find(kElements.begin(), kElements.end(), name) == kElements.end()) {
      return "element <" + name + ">" + At(tag_start);
    }
    std::string_view attributes = tag.substr(name.size());
    bool has_target = false;
    while (!attributes.empty()) {
      size_t equals = attributes.find("=\"");
      size_t end = equals == std::string_view::npos ? equals : attributes.find('"', equals + 2);
      if (attributes[0] != ' ' || end == std::string_view::npos) {
        return "malformed <" + std::string(tag) + ">" + At(tag_start);
      }
      std::string_view attribute = attributes.substr(1, equals - 1);
      std::string_view value = attributes.substr(equals + 2, end - equals - 2);
      attributes.remove_prefix(end + 1);
      if (Lower(attribute).starts_with("on")) return "event handler " + std::string(attribute);
      if (!AllowedAttribute(name, attribute)) {
        return "attribute " + name + "[" + std::string(attribute) + "]" + At(tag_start);
      }
      if (value.find_first_of("<>'") != std::string_view::npos) return "markup in a value";
      std::string scheme = Lower(value.substr(0, value.find(':') + 1));
      if (attribute == "href" && scheme != "http:" && scheme != "https:" && scheme != "mailto:") {
        return "href " + std::string(value);
      }
      if (attribute == "rel") {
        bool allowed = sanitized ? value == "nofollow noopener noreferrer ugc" ||
                                       value == "tag nofollow noopener noreferrer ugc"
                                 : value == "nofollow noopener noreferrer" || value == "tag";
        if (!allowed) return "rel " + std::string(value);
      }
      if (attribute == "target" && value != "_blank") return "target " + std::string(value);
      has_target = has_target || attribute == "target";
    }
    if (sanitized && name == "a" && !has_target) return "<a> without target" + At(tag_start);
    if (name != "br") open.push_back(name);
    deepest = std::max(deepest, open.size());
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (deepest > max_depth) return "nested " + std::to_string(deepest) + " deep";
  return {};
}

std::string WithoutRelAndTarget(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '<') in_tag = true;
    if (c == '>') in_tag = false;
    if (in_tag && c == ' ') {
      std::string_view rest = html.substr(i + 1);
      if (rest.starts_with("rel=\"") || rest.starts_with("target=\"")) {
        size_t end = rest.find('"', rest.find('"') + 1);
        if (end != std::string_view::npos) {
          i += end + 1;  // the loop's ++i steps past the closing quote
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

void Fail(std::string_view what, std::string_view detail, std::string_view more) {
  std::fprintf(stderr, "\n==== fuzz check failed: %.*s\n", static_cast<int>(what.size()),
               what.data());
  if (!detail.empty()) std::fprintf(stderr, "---- %s\n", Printable(detail).c_str());
  if (!more.empty()) std::fprintf(stderr, "---- %s\n", Printable(more).c_str());
  std::abort();
}

}  // namespace parvis::fuzz
