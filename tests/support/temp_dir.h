// A fresh directory under /tmp, removed with everything in it at scope exit.
#ifndef PARVIS_TESTS_SUPPORT_TEMP_DIR_H_
#define PARVIS_TESTS_SUPPORT_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace parvis::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/parvis-test-XXXXXX";
    char* made = ::mkdtemp(pattern);
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_TEMP_DIR_H_
