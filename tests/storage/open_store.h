// Opening a store in tests: a failure is reported with its message.
#ifndef PARVIS_TESTS_STORAGE_OPEN_STORE_H_
#define PARVIS_TESTS_STORAGE_OPEN_STORE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "parvis/storage.h"

namespace parvis::storage::testing {

// nullptr (and a test failure naming the error) if the store does not open.
inline std::unique_ptr<Store> OpenStore(const std::string& path) {
  StoreOptions options;
  options.path = path;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store) {
    ADD_FAILURE() << "opening " << path << ": " << ErrorCodeName(store.error().code) << ": "
                  << store.error().message;
    return nullptr;
  }
  return std::move(*store);
}

inline void PutOne(Store& store, Family family, std::string_view key, std::string_view value) {
  Batch batch;
  batch.Put(family, key, value);
  const Status written = store.Write(batch);
  ASSERT_TRUE(written.has_value()) << written.error().message;
}

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_OPEN_STORE_H_
