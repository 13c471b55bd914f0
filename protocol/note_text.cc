#include "parvis/protocol/note_text.h"

#include "parvis/protocol/html_escape.h"

#include <algorithm>
#include <cstdint>
#include <set>

namespace parvis::protocol {
namespace {

constexpr size_t kMaxTagBytes = 100;

// The code point at `i` and its length in bytes; invalid UTF-8 reads as a
// one-byte U+FFFD.
std::pair<uint32_t, size_t> CodePointAt(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > text.size()) return {0xFFFD, 1};
  uint32_t cp = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0xFFFD, 1};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return {cp, length};
}

bool IsAsciiAlnum(uint32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

// Letters and digits of any script, and '_'; not spaces, punctuation or
// symbols of the common blocks (French guillemets and quotes included).
bool IsWord(uint32_t cp) {
  if (cp < 0x80) return IsAsciiAlnum(cp) || cp == '_';
  if (cp < 0xC0) return false;                          // Latin-1 punctuation, NBSP
  if (cp == 0xD7 || cp == 0xF7) return false;           // × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;       // punctuation, symbols, arrows
  if (cp >= 0x3000 && cp <= 0x303F) return false;       // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;       // variation selectors
  if (cp == 0xFEFF || cp == 0xFFFD) return false;
  if (cp >= 0x1F000) return false;                      // emoji
  return true;
}

// The code point ending just before `i` (0 at the start).
uint32_t CodePointBefore(std::string_view text, size_t i) {
  if (i == 0) return 0;
  size_t start = i - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80 && i - start < 4) {
    --start;
  }
  auto [cp, length] = CodePointAt(text, start);
  return start + length == i ? cp : 0xFFFD;
}

// A mention may start here: not inside a word, an address or a URL.
bool MentionMayStart(std::string_view text, size_t i) {
  uint32_t before = CodePointBefore(text, i);
  return !IsWord(before) && before != '/' && before != '@' && before != '.' && before != '-';
}

// Length of "@name" or "@name@host[:port]" at `i`, 0 if none.
size_t MentionLength(std::string_view text, size_t i) {
  if (text[i] != '@' || !MentionMayStart(text, i)) return 0;
  auto name_char = [](char c) { return IsAsciiAlnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t end = i + 1;
  while (end < text.size() &&
         (name_char(text[end]) || ((text[end] == '.' || text[end] == '-') && end > i + 1))) {
    ++end;
  }
  while (end > i + 1 && !name_char(text[end - 1])) --end;  // no trailing '.' or '-'
  if (end == i + 1 || end - i > 64) return 0;
  if (end + 1 < text.size() && text[end] == '@') {
    size_t host_end = end + 1;
    while (host_end < text.size() &&
           (IsAsciiAlnum(static_cast<unsigned char>(text[host_end])) || text[host_end] == '.' ||
            text[host_end] == '-')) {
      ++host_end;
    }
    while (host_end > end + 1 && !IsAsciiAlnum(static_cast<unsigned char>(text[host_end - 1]))) {
      --host_end;
    }
    if (host_end > end + 1) {
      if (host_end + 1 < text.size() && text[host_end] == ':' &&
          IsAsciiAlnum(static_cast<unsigned char>(text[host_end + 1]))) {
        size_t port_end = host_end + 1;
        while (port_end < text.size() && text[port_end] >= '0' && text[port_end] <= '9') ++port_end;
        if (port_end > host_end + 1 && port_end - host_end <= 6) host_end = port_end;
      }
      end = host_end;
    }
  }
  // "@bob@" followed by nothing usable is still the mention "@bob".
  return end - i;
}

// Length of "#tag" at `i`, 0 if none.
size_t HashtagLength(std::string_view text, size_t i) {
  if (text[i] != '#') return 0;
  uint32_t before = CodePointBefore(text, i);
  if (IsWord(before) || before == '/' || before == '&' || before == '#') return 0;
  size_t end = i + 1;
  bool has_letter = false;
  while (end < text.size()) {
    auto [cp, length] = CodePointAt(text, end);
    if (!IsWord(cp)) break;
    if (!(cp >= '0' && cp <= '9')) has_letter = true;
    end += length;
  }
  if (!has_letter || end - i - 1 > kMaxTagBytes) return 0;
  return end - i;
}

// Length of an http(s) URL at `i`, 0 if none.
size_t UrlLength(std::string_view text, size_t i) {
  std::string_view rest = text.substr(i);
  if (!rest.starts_with("https://") && !rest.starts_with("http://")) return 0;
  if (IsWord(CodePointBefore(text, i))) return 0;
  size_t end = i;
  while (end < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[end]);
    if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\'' || c >= 0x80) break;
    ++end;
  }
  // Sentence punctuation after a URL is not part of it.
  while (end > i && std::string_view(".,;:!?)]").find(text[end - 1]) != std::string_view::npos) {
    --end;
  }
  size_t scheme = rest.starts_with("https://") ? 8 : 7;
  return end - i > scheme ? end - i : 0;
}


template <typename Length>
std::vector<std::string> FindAll(std::string_view text, size_t limit, char sigil, Length length_at) {
  std::vector<std::string> found;
  std::set<std::string> seen;
  for (size_t i = 0; i < text.size() && found.size() < limit;) {
    if (size_t url = UrlLength(text, i)) {
      i += url;
      continue;
    }
    size_t length = text[i] == sigil ? length_at(text, i) : 0;
    if (length == 0) {
      ++i;
      continue;
    }
    std::string item(text.substr(i + 1, length - 1));
    if (seen.insert(LowerAscii(item)).second) found.push_back(item);
    i += length;
  }
  return found;
}


// Decodes the character reference at `i` ("&amp;", "&#233;", "&#xE9;");
// returns its length, 0 if there is none.
size_t DecodeReference(std::string_view html, size_t i, std::string& out) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\u00a0"}};
  size_t semicolon = html.find(';', i);
  if (semicolon == std::string_view::npos || semicolon - i > 10) return 0;
  std::string_view name = html.substr(i + 1, semicolon - i - 1);
  for (auto [entity, text] : kNamed) {
    if (name == entity) {
      out += text;
      return semicolon - i + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#') return 0;
  bool hex = name[1] == 'x' || name[1] == 'X';
  std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  uint32_t cp = 0;
  for (char c : digits) {
    int value = c >= '0' && c <= '9' ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
    if (value < 0) return 0;
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(value);
    if (cp > 0x10FFFF) cp = 0x110000;
  }
  AppendUtf8(out, cp);
  return semicolon - i + 1;
}

}  // namespace

std::string HtmlToPlainText(std::string_view html) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c == '<') {
      size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;  // an unfinished tag: dropped
      std::string tag = LowerAscii(html.substr(i + 1, close - i - 1));
      std::string_view name(tag);
      if (name.starts_with("/")) name.remove_prefix(1);
      name = name.substr(0, name.find_first_of(" \t\n/"));
      if (name == "br") {
        out += '\n';
      } else if (name == "p" && tag.starts_with("/")) {
        out += "\n\n";
      } else if (name == "script" || name == "style") {
        // Their content is not text.
        size_t end = html.find("</", close);
        while (end != std::string_view::npos &&
               LowerAscii(html.substr(end + 2, name.size())) != name) {
          end = html.find("</", end + 2);
        }
        close = end == std::string_view::npos ? html.size() - 1 : html.find('>', end);
        if (close == std::string_view::npos) close = html.size() - 1;
      }
      i = close + 1;
      continue;
    }
    if (c == '&') {
      if (size_t length = DecodeReference(html, i, out)) {
        i += length;
        continue;
      }
    }
    out += c;
    ++i;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::vector<std::string> FindMentions(std::string_view text, size_t limit) {
  return FindAll(text, limit, '@', MentionLength);
}

std::vector<std::string> FindHashtags(std::string_view text, size_t limit) {
  return FindAll(text, limit, '#', HashtagLength);
}

size_t CountCharacters(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

std::string RenderPlainText(std::string_view text, const TextLinks& links) {
  std::string out = "<p>";
  int newlines = 0;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '\r') {
      ++i;
      continue;
    }
    if (c == '\n') {
      ++newlines;
      ++i;
      continue;
    }
    if (newlines >= 2) out += "</p><p>";
    else if (newlines == 1) out += "<br>";
    newlines = 0;
    if (size_t url = UrlLength(text, i)) {
      out += "<a href=\"";
      AppendHtmlEscaped(out, text.substr(i, url));
      out += "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">";
      AppendHtmlEscaped(out, text.substr(i, url));
      out += "</a>";
      i += url;
      continue;
    }
    if (size_t mention = c == '@' ? MentionLength(text, i) : 0) {
      auto link = links.mentions.find(LowerAscii(text.substr(i + 1, mention - 1)));
      if (link != links.mentions.end()) {
        out += "<span class=\"h-card\" translate=\"no\"><a href=\"";
        AppendHtmlEscaped(out, link->second.url);
        out += "\" class=\"u-url mention\">@<span>";
        AppendHtmlEscaped(out, link->second.display);
        out += "</span></a></span>";
      } else {
        AppendHtmlEscaped(out, text.substr(i, mention));
      }
      i += mention;
      continue;
    }
    if (size_t tag = c == '#' && !links.tag_base.empty() ? HashtagLength(text, i) : 0) {
      std::string_view name = text.substr(i + 1, tag - 1);
      out += "<a href=\"";
      AppendHtmlEscaped(out, links.tag_base + LowerAscii(name));
      out += "\" class=\"mention hashtag\" rel=\"tag\">#<span>";
      AppendHtmlEscaped(out, name);
      out += "</span></a>";
      i += tag;
      continue;
    }
    AppendHtmlEscaped(out, text.substr(i, 1));
    ++i;
  }
  return out + "</p>";
}

}  // namespace parvis::protocol
