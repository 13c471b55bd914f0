#include "parvis/protocol/json_canonicalization.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace parvis::protocol {
namespace {

// Decodes UTF-8 into UTF-16 code units; false on any invalid sequence
// (overlong forms, surrogates, code points past U+10FFFF, truncation).
bool Utf8ToUtf16(std::string_view text, std::vector<uint16_t>* out) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    uint32_t cp = 0;
    size_t extra = 0;
    uint32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      cp = lead & 0x1f, extra = 1, min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      cp = lead & 0x0f, extra = 2, min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      cp = lead & 0x07, extra = 3, min = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= text.size() && extra > 0) return false;  // truncated
    for (size_t k = 1; k <= extra; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (out) {
      if (cp >= 0x10000) {
        out->push_back(static_cast<uint16_t>(0xd800 + ((cp - 0x10000) >> 10)));
        out->push_back(static_cast<uint16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff)));
      } else {
        out->push_back(static_cast<uint16_t>(cp));
      }
    }
    i += extra + 1;
  }
  return true;
}

Status AppendString(std::string_view text, std::string& out) {
  if (!Utf8ToUtf16(text, nullptr)) {
    return Fail(ErrorCode::kInvalidArgument, "JSON string is not valid UTF-8");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return Ok();
}

Status Append(const rapidjson::Value& value, unsigned depth, std::string& out) {
  if (depth > kMaxCanonicalJsonDepth) {
    return Fail(ErrorCode::kLimitExceeded,
                "JSON nested deeper than " + std::to_string(kMaxCanonicalJsonDepth) + " levels");
  }
  switch (value.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      return Ok();
    case rapidjson::kFalseType:
      out += "false";
      return Ok();
    case rapidjson::kTrueType:
      out += "true";
      return Ok();
    case rapidjson::kNumberType: {
      auto text = FormatJsonNumber(value.GetDouble());
      if (!text) return std::unexpected(text.error());
      out += *text;
      return Ok();
    }
    case rapidjson::kStringType:
      return AppendString(std::string_view(value.GetString(), value.GetStringLength()), out);
    case rapidjson::kArrayType: {
      out.push_back('[');
      bool first = true;
      for (const rapidjson::Value& element : value.GetArray()) {
        if (!first) out.push_back(',');
        first = false;
        if (auto st = Append(element, depth + 1, out); !st) return st;
      }
      out.push_back(']');
      return Ok();
    }
    case rapidjson::kObjectType: {
      std::vector<std::pair<std::vector<uint16_t>, const rapidjson::Value::Member*>> members;
      members.reserve(value.MemberCount());
      for (const auto& member : value.GetObject()) {
        std::vector<uint16_t> key;
        if (!Utf8ToUtf16(std::string_view(member.name.GetString(), member.name.GetStringLength()),
                         &key)) {
          return Fail(ErrorCode::kInvalidArgument, "JSON member name is not valid UTF-8");
        }
        members.emplace_back(std::move(key), &member);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0 && members[i].first == members[i - 1].first) {
          return Fail(ErrorCode::kInvalidArgument,
                      "JSON object has the member name \"" +
                          std::string(members[i].second->name.GetString()) + "\" twice");
        }
        if (i > 0) out.push_back(',');
        const auto& name = members[i].second->name;
        if (auto st = AppendString(std::string_view(name.GetString(), name.GetStringLength()), out);
            !st) {
          return st;
        }
        out.push_back(':');
        if (auto st = Append(members[i].second->value, depth + 1, out); !st) return st;
      }
      out.push_back('}');
      return Ok();
    }
  }
  return Ok();
}

}  // namespace

Result<std::string> FormatJsonNumber(double value) {
  if (!std::isfinite(value)) {
    return Fail(ErrorCode::kInvalidArgument, "NaN and infinities have no JSON form");
  }
  if (value == 0) return std::string("0");  // also -0
  // Shortest round-trip digits in scientific form: "d.ddde+XX".
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  std::string out = value < 0 ? "-" : "";
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exponent_text = text.substr(e + 1);
  if (exponent_text.front() == '+') exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  // ECMA-262 Number::toString: value = 0.digits * 10^n, k digits.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return out;
}

Result<std::string> CanonicalizeJson(const rapidjson::Value& value) {
  std::string out;
  if (auto st = Append(value, 0, out); !st) return std::unexpected(st.error());
  return out;
}

}  // namespace parvis::protocol
