// Safety numbers (docs/e2ee.md §8).
#include <algorithm>

#include "e2ee_bytes.h"
#include "parvis/protocol/e2ee.h"

namespace parvis::protocol::e2ee {

std::string SafetyDigits(std::string_view actor_id, const Key32& account_key) {
  std::string input;
  internal::AppendLp(input, actor_id);
  input.append(internal::AsView(account_key));
  const std::string fingerprint = Kdf({}, "fingerprint", input, 30);
  std::string digits;
  for (size_t group = 0; group < 6; ++group) {
    uint64_t value = 0;
    for (size_t i = 0; i < 5; ++i) {
      value = (value << 8) | static_cast<unsigned char>(fingerprint[group * 5 + i]);
    }
    std::string five = std::to_string(value % 100000);
    digits.append(5 - five.size(), '0').append(five);
  }
  return digits;
}

std::string SafetyNumber(std::string_view actor_a, const Key32& account_key_a,
                         std::string_view actor_b, const Key32& account_key_b) {
  std::string a = SafetyDigits(actor_a, account_key_a);
  std::string b = SafetyDigits(actor_b, account_key_b);
  return std::min(a, b) + std::max(a, b);
}

}  // namespace parvis::protocol::e2ee
