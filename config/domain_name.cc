#include "domain_name.h"

#include <cstddef>

namespace parvis::config_schema {
namespace {

constexpr size_t kMaxNameLength = 253;
constexpr size_t kMaxLabelLength = 63;

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!IsLetter(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

bool AllDigits(std::string_view label) {
  for (char c : label) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> NormalizeDomainName(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameLength) return std::nullopt;
  std::string_view rest = text;
  std::string_view label;
  while (true) {
    const size_t dot = rest.find('.');
    label = rest.substr(0, dot);
    if (!IsLabel(label)) return std::nullopt;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (AllDigits(label)) return std::nullopt;
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

}  // namespace parvis::config_schema
