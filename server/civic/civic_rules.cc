#include "server/civic/civic_rules.h"

#include "parvis/protocol/note_text.h"

namespace parvis::civic {

bool MayOrganise(accounts::AccountKind kind) {
  return kind != accounts::AccountKind::kPerson && kind != accounts::AccountKind::kCommercial;
}

Status CheckLength(std::string_view what, std::string_view text, size_t max) {
  size_t characters = protocol::CountCharacters(text);
  if (characters == 0 || characters > max) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " must be 1 to " + std::to_string(max) + " characters");
  }
  return Ok();
}

Status CheckDeadline(std::string_view what, int64_t deadline, int64_t now) {
  constexpr int64_t kLongest = 2 * 366 * 86400;
  if (deadline <= now || deadline > now + kLongest) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " must be in the future and within two years");
  }
  return Ok();
}

std::optional<uint64_t> ParseDecimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 18 || (digits[0] == '0' && digits.size() > 1)) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

std::optional<uint64_t> NumberAfter(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix)) return std::nullopt;
  return ParseDecimal(id.substr(prefix.size()));
}

}  // namespace parvis::civic
