// Per-account data keys: random bytes from libsodium, wiped when dropped.
#include <sodium.h>

#include <algorithm>
#include <string>

#include "parvis/storage.h"
#include "sodium_init.h"

namespace parvis::storage {

DataKey DataKey::Generate() {
  EnsureSodiumInitialized();
  DataKey key;
  randombytes_buf(key.key_.data(), key.key_.size());
  return key;
}

Result<DataKey> DataKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSize) {
    return Fail(ErrorCode::kInvalidArgument, "a data key must be " + std::to_string(kSize) +
                                                 " bytes, got " + std::to_string(bytes.size()));
  }
  DataKey key;
  std::copy(bytes.begin(), bytes.end(), key.key_.begin());
  return key;
}

DataKey::DataKey(const DataKey& other) : key_(other.key_) {}

DataKey& DataKey::operator=(const DataKey& other) {
  key_ = other.key_;
  return *this;
}

DataKey::~DataKey() {
  // sodium_memzero is not optimised away, unlike a plain fill before free.
  sodium_memzero(key_.data(), key_.size());
}

std::string_view DataKey::bytes() const {
  return {reinterpret_cast<const char*>(key_.data()), key_.size()};
}

}  // namespace parvis::storage
