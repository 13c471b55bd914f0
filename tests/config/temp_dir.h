// A fresh folder under /tmp for one test, removed with everything in it.
#ifndef PARVIS_TESTS_CONFIG_TEMP_DIR_H_
#define PARVIS_TESTS_CONFIG_TEMP_DIR_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace parvis::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/parvis-config-test-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    if (made == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = made != nullptr ? made : "/nonexistent";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` to `name` inside the folder and returns the file's path.
  std::string Write(std::string_view name, std::string_view content) const {
    const std::string file = path_ + "/" + std::string(name);
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) ADD_FAILURE() << "cannot write " << file;
    return file;
  }

 private:
  std::string path_;
};

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_CONFIG_TEMP_DIR_H_
