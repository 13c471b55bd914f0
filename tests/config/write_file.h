// Writes test inputs to real files, for LoadConfig to read.
#ifndef PARVIS_TESTS_CONFIG_WRITE_FILE_H_
#define PARVIS_TESTS_CONFIG_WRITE_FILE_H_

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>

namespace parvis::testing {

// Writes `content` to `path` (replacing it) and returns `path`.
inline std::string WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) ADD_FAILURE() << "cannot write " << path;
  return path;
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_CONFIG_WRITE_FILE_H_
