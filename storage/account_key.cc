// Account ids as key prefixes: 8 bytes, big-endian, so byte order is id order.
#include "parvis/storage.h"

namespace parvis::storage {

namespace {
constexpr size_t kAccountIdSize = 8;
}  // namespace

std::string EncodeAccountId(AccountId id) {
  std::string out(kAccountIdSize, '\0');
  for (size_t i = 0; i < kAccountIdSize; ++i) {
    out[kAccountIdSize - 1 - i] = static_cast<char>((id >> (8 * i)) & 0xff);
  }
  return out;
}

std::optional<AccountId> DecodeAccountId(std::string_view bytes) {
  if (bytes.size() < kAccountIdSize) return std::nullopt;
  AccountId id = 0;
  for (size_t i = 0; i < kAccountIdSize; ++i) {
    id = (id << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return id;
}

std::string AccountKey(AccountId id, std::string_view suffix) {
  std::string out = EncodeAccountId(id);
  out.append(suffix);
  return out;
}

std::string EncodeUint64(uint64_t value) { return EncodeAccountId(value); }

uint64_t DecodeUint64(std::string_view bytes) { return DecodeAccountId(bytes).value_or(0); }

}  // namespace parvis::storage
