// Writes a POSIX ustar archive, one entry at a time, streaming: an entry's
// header is written first with a placeholder size and patched when the
// entry ends, so no entry is ever held in memory whole. The bytes go to a
// TarSink: a new file (Create), or any positioned store (an encrypted
// scratch file, scratch_file.h).
#ifndef PARVIS_SERVER_ACCOUNTS_TAR_WRITER_H_
#define PARVIS_SERVER_ACCOUNTS_TAR_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::accounts {

// Where a TarWriter's bytes go: writes at any offset (a header is patched
// after its entry), then one Flush at the end.
class TarSink {
 public:
  virtual ~TarSink() = default;
  virtual Status WriteAt(uint64_t offset, std::string_view bytes) = 0;
  // Every byte written is in place (a file: on stable storage).
  virtual Status Flush() = 0;
};

class TarWriter {
 public:
  // Creates `path` (mode 0600), which must not exist (kAlreadyExists).
  static Result<std::unique_ptr<TarWriter>> Create(const std::string& path, int64_t mtime);
  // Writes into `*sink` from offset 0; `*sink` must outlive the writer.
  TarWriter(TarSink* sink, int64_t mtime);
  ~TarWriter();

  // Starts a regular file entry; `name` is a relative path of at most 99
  // bytes without "..". Ends any entry still open.
  Status Begin(std::string_view name);
  Status Append(std::string_view bytes);
  // Begin + Append + the end of the entry.
  Status Add(std::string_view name, std::string_view bytes);
  // Ends the last entry, writes the two zero blocks and flushes the sink.
  Status Finish();
  // Bytes of archive written so far (all of it after Finish).
  uint64_t size() const { return flushed_ + buffer_.size(); }

 private:
  Status EndEntry();
  Status Write(std::string_view bytes);
  Status FlushBuffer();

  std::unique_ptr<TarSink> owned_;  // the file of Create
  TarSink* sink_;
  int64_t mtime_;
  // Bytes not yet given to the sink; they start at offset `flushed_`.
  std::string buffer_;
  uint64_t flushed_ = 0;
  bool open_entry_ = false;
  uint64_t header_at_ = 0;
  uint64_t entry_size_ = 0;
  std::string entry_name_;
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_TAR_WRITER_H_
