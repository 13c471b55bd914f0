// A fresh directory under /tmp for one test, removed with everything in it.
#ifndef PARVIS_TESTS_STORAGE_TEMP_DIR_H_
#define PARVIS_TESTS_STORAGE_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace parvis::storage::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/parvis-storage-test-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory; nothing is created.
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_TEMP_DIR_H_
