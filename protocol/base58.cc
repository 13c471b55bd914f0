#include "parvis/protocol/base58.h"

#include <cstdint>
#include <vector>

namespace parvis::protocol {
namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int DigitValue(char c) {
  const size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string EncodeBase58Btc(std::string_view bytes) {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == '\0') ++zeros;
  // Base-58 digits, least significant first; log(256)/log(58) < 1.37.
  std::vector<uint8_t> digits;
  digits.reserve((bytes.size() - zeros) * 138 / 100 + 1);
  for (size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = static_cast<uint8_t>(bytes[i]);
    for (uint8_t& digit : digits) {
      carry += static_cast<uint32_t>(digit) << 8;
      digit = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<std::string> DecodeBase58Btc(std::string_view text) {
  if (text.size() > kMaxBase58Chars) {
    return Fail(ErrorCode::kLimitExceeded, "base58 text is " + std::to_string(text.size()) +
                                               " characters, more than the limit of " +
                                               std::to_string(kMaxBase58Chars));
  }
  size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // Bytes, least significant first.
  std::vector<uint8_t> bytes;
  bytes.reserve(text.size());
  for (size_t i = ones; i < text.size(); ++i) {
    const int value = DigitValue(text[i]);
    if (value < 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  "invalid base58 character at offset " + std::to_string(i));
    }
    uint32_t carry = static_cast<uint32_t>(value);
    for (uint8_t& byte : bytes) {
      carry += static_cast<uint32_t>(byte) * 58;
      byte = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::string out(ones, '\0');
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) out.push_back(static_cast<char>(*it));
  return out;
}

std::string EncodeMultibaseBase58Btc(std::string_view bytes) {
  return "z" + EncodeBase58Btc(bytes);
}

Result<std::string> DecodeMultibaseBase58Btc(std::string_view text) {
  if (text.empty()) return Fail(ErrorCode::kInvalidArgument, "empty multibase text");
  if (text.front() != 'z') {
    return Fail(ErrorCode::kUnsupported,
                std::string("multibase prefix '") + text.front() + "' is not base58btc ('z')");
  }
  return DecodeBase58Btc(text.substr(1));
}

}  // namespace parvis::protocol
