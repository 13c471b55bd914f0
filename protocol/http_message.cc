#include "parvis/protocol/http_message.h"

namespace parvis::protocol {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Strip(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<std::string_view> HttpMessage::FieldLines(std::string_view name) const {
  std::vector<std::string_view> lines;
  for (const auto& [field, value] : headers) {
    if (EqualsIgnoringCase(field, name)) lines.push_back(Strip(value));
  }
  return lines;
}

std::optional<std::string> HttpMessage::FieldValue(std::string_view name) const {
  const std::vector<std::string_view> lines = FieldLines(name);
  if (lines.empty()) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += ", ";
    out += lines[i];
  }
  return out;
}

}  // namespace parvis::protocol
