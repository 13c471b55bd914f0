// Writes a POSIX ustar archive to a file, one entry at a time, streaming:
// an entry's header is written first with a placeholder size and patched
// when the entry ends, so no entry is ever held in memory whole.
#ifndef PARVIS_SERVER_ACCOUNTS_TAR_WRITER_H_
#define PARVIS_SERVER_ACCOUNTS_TAR_WRITER_H_

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::accounts {

class TarWriter {
 public:
  // Creates `path` (mode 0600), which must not exist (kAlreadyExists).
  static Result<std::unique_ptr<TarWriter>> Create(const std::string& path, int64_t mtime);
  ~TarWriter();

  // Starts a regular file entry; `name` is a relative path of at most 100
  // bytes without "..". Ends any entry still open.
  Status Begin(std::string_view name);
  Status Append(std::string_view bytes);
  // Begin + Append + the end of the entry.
  Status Add(std::string_view name, std::string_view bytes);
  // Ends the last entry, writes the two zero blocks, syncs and closes.
  Status Finish();

 private:
  TarWriter(std::string path, int64_t mtime);
  Status EndEntry();

  std::string path_;
  int64_t mtime_;
  std::fstream out_;
  bool open_entry_ = false;
  std::streampos header_at_{};
  uint64_t entry_size_ = 0;
  std::string entry_name_;
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_TAR_WRITER_H_
