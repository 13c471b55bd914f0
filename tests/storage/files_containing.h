// Searching a directory tree's files for bytes, to prove erasure on disk.
#ifndef PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_
#define PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace parvis::storage::testing {

// Paths of the regular files under `root` whose bytes contain `needle`.
// Files that vanish during the walk (RocksDB deleting obsolete ones) are skipped.
inline std::vector<std::string> FilesContaining(const std::string& root, std::string_view needle) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) continue;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(it->path().string());
  }
  return found;
}

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_
