// The files this process holds open, to prove that a file went with its
// descriptor (the in-process test node shares the process).
#ifndef PARVIS_TESTS_SUPPORT_OPEN_FILES_H_
#define PARVIS_TESTS_SUPPORT_OPEN_FILES_H_

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace parvis::testing {

struct OpenFile {
  std::string proc_path;  // /proc/self/fd/N: opening it reads the file, even a nameless one
  std::string target;     // where it points: "DIR/#inode (deleted)" for an O_TMPFILE file
};

// The open files of this process under `directory`.
inline std::vector<OpenFile> OpenFilesIn(const std::string& directory) {
  std::vector<OpenFile> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    std::string target = std::filesystem::read_symlink(entry.path(), link_ec).string();
    if (!link_ec && target.starts_with(directory + "/")) found.push_back({entry.path().string(), target});
  }
  return found;
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_OPEN_FILES_H_
