// Searching a directory tree's files for bytes, to prove erasure on disk.
#ifndef PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_
#define PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
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

// For each of `needles`, the files under `root` that hold it, as "path: needle".
inline std::vector<std::string> FilesContainingAny(const std::string& root,
                                                   const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  for (const std::string& needle : needles) {
    for (const std::string& path : FilesContaining(root, needle)) found.push_back(path + ": " + needle);
  }
  return found;
}

// FilesContaining, asked again until it finds nothing or 10 s pass: RocksDB
// may delete a compacted-away file from a background thread just after the
// compaction call returns (seen under AddressSanitizer's slower timing).
inline std::vector<std::string> FilesStillContaining(const std::string& root,
                                                     std::string_view needle) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<std::string> found = FilesContaining(root, needle);
  while (!found.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    found = FilesContaining(root, needle);
  }
  return found;
}

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_FILES_CONTAINING_H_
