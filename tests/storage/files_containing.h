// Searching a directory tree's files for bytes, to prove erasure on disk.
#ifndef PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_
#define PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace parvis::storage::testing {

// Paths of the regular files under `root` whose bytes contain `needle`.
inline std::vector<std::string> FilesContaining(const std::string& root, std::string_view needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_
