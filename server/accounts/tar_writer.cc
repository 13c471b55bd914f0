#include "server/accounts/tar_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace parvis::accounts {
namespace {

constexpr size_t kBlock = 512;
// Bytes gathered before one write to the sink.
constexpr size_t kBufferBytes = 64 << 10;

Error IoError(const std::string& what) { return Error{ErrorCode::kIo, what}; }

// `value` in octal, NUL-terminated, in a field of `width` bytes.
void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

std::array<char, kBlock> Header(const std::string& name, uint64_t size, int64_t mtime) {
  std::array<char, kBlock> block{};
  std::memcpy(block.data(), name.data(), name.size());
  Octal(block.data() + 100, 8, 0600);            // mode
  Octal(block.data() + 108, 8, 0);               // uid
  Octal(block.data() + 116, 8, 0);               // gid
  Octal(block.data() + 124, 12, size);           // size
  Octal(block.data() + 136, 12, static_cast<uint64_t>(mtime));
  block[156] = '0';                              // regular file
  std::memcpy(block.data() + 257, "ustar", 6);   // magic, NUL-terminated
  std::memcpy(block.data() + 263, "00", 2);      // version
  // The checksum is computed with its own field as spaces.
  std::memset(block.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : block) sum += static_cast<unsigned char>(c);
  std::snprintf(block.data() + 148, 8, "%06o", sum);
  block[155] = ' ';
  return block;
}

// A new file, written with pwrite and synced at the end.
class FileSink final : public TarSink {
 public:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSink() override { ::close(fd_); }

  Status WriteAt(uint64_t offset, std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::unexpected(IoError("cannot write " + path_ + ": " + std::strerror(errno)));
      bytes.remove_prefix(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
    }
    return Ok();
  }
  Status Flush() override {
    if (::fsync(fd_) != 0) return std::unexpected(IoError("cannot sync " + path_ + ": " + std::strerror(errno)));
    return Ok();
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

TarWriter::TarWriter(TarSink* sink, int64_t mtime) : sink_(sink), mtime_(mtime) {}
TarWriter::~TarWriter() = default;

Result<std::unique_ptr<TarWriter>> TarWriter::Create(const std::string& path, int64_t mtime) {
  // O_EXCL: never overwrite, never follow a planted link.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return std::unexpected(Error{ErrorCode::kAlreadyExists, path + " exists already"});
    return std::unexpected(IoError("cannot create " + path + ": " + std::strerror(errno)));
  }
  auto file = std::make_unique<FileSink>(fd, path);
  auto writer = std::make_unique<TarWriter>(file.get(), mtime);
  writer->owned_ = std::move(file);
  return writer;
}

Status TarWriter::Write(std::string_view bytes) {
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) return FlushBuffer();
  return Ok();
}

Status TarWriter::FlushBuffer() {
  if (buffer_.empty()) return Ok();
  if (Status written = sink_->WriteAt(flushed_, buffer_); !written) return written;
  flushed_ += buffer_.size();
  buffer_.clear();
  return Ok();
}

Status TarWriter::Begin(std::string_view name) {
  if (open_entry_) {
    if (Status ended = EndEntry(); !ended) return ended;
  }
  if (name.empty() || name.size() > 99 || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "bad archive entry name: " + std::string(name)});
  }
  entry_name_ = std::string(name);
  header_at_ = size();
  std::array<char, kBlock> placeholder = Header(entry_name_, 0, mtime_);
  entry_size_ = 0;
  open_entry_ = true;
  return Write(std::string_view(placeholder.data(), kBlock));
}

Status TarWriter::Append(std::string_view bytes) {
  if (!open_entry_) return std::unexpected(Error{ErrorCode::kInvalidArgument, "no archive entry is open"});
  entry_size_ += bytes.size();
  return Write(bytes);
}

Status TarWriter::Add(std::string_view name, std::string_view bytes) {
  if (Status begun = Begin(name); !begun) return begun;
  if (Status written = Append(bytes); !written) return written;
  return EndEntry();
}

Status TarWriter::EndEntry() {
  static const std::array<char, kBlock> zeros{};
  const size_t padding = (kBlock - entry_size_ % kBlock) % kBlock;
  open_entry_ = false;
  if (Status padded = Write(std::string_view(zeros.data(), padding)); !padded) return padded;
  std::array<char, kBlock> header = Header(entry_name_, entry_size_, mtime_);
  // The header is patched in the buffer while it is still there, else in the sink.
  if (header_at_ >= flushed_) {
    buffer_.replace(static_cast<size_t>(header_at_ - flushed_), kBlock, header.data(), kBlock);
    return Ok();
  }
  if (header_at_ + kBlock > flushed_) {
    if (Status flushed = FlushBuffer(); !flushed) return flushed;
  }
  return sink_->WriteAt(header_at_, std::string_view(header.data(), kBlock));
}

Status TarWriter::Finish() {
  if (open_entry_) {
    if (Status ended = EndEntry(); !ended) return ended;
  }
  static const std::array<char, 2 * kBlock> end{};
  if (Status written = Write(std::string_view(end.data(), end.size())); !written) return written;
  if (Status flushed = FlushBuffer(); !flushed) return flushed;
  return sink_->Flush();
}

}  // namespace parvis::accounts
