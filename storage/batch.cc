// Batch only records operations; Store::Write turns them into one atomic write.
#include "parvis/storage.h"

namespace parvis::storage {

Batch::Batch() = default;
Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;

void Batch::Put(Family family, std::string_view key, std::string_view value) {
  ops_.push_back(Op{Op::kPut, family, std::string(key), std::string(value)});
}

void Batch::Delete(Family family, std::string_view key) {
  ops_.push_back(Op{Op::kDelete, family, std::string(key), std::string()});
}

void Batch::DeleteRange(Family family, std::string_view begin, std::string_view end) {
  ops_.push_back(Op{Op::kDeleteRange, family, std::string(begin), std::string(end)});
}

void Batch::PutSealed(const DataKey& data_key, Family family, std::string_view key,
                      std::string_view plaintext) {
  // Sealed now, so the batch never holds the plaintext.
  Put(family, key, SealValue(data_key, family, key, plaintext));
}

size_t Batch::size() const { return ops_.size(); }

}  // namespace parvis::storage
