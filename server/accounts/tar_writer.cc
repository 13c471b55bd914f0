#include "server/accounts/tar_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>

namespace parvis::accounts {
namespace {

constexpr size_t kBlock = 512;

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

}  // namespace

TarWriter::TarWriter(std::string path, int64_t mtime) : path_(std::move(path)), mtime_(mtime) {}
TarWriter::~TarWriter() = default;

Result<std::unique_ptr<TarWriter>> TarWriter::Create(const std::string& path, int64_t mtime) {
  // O_EXCL: never overwrite, never follow a planted link.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return std::unexpected(Error{ErrorCode::kAlreadyExists, path + " exists already"});
    return std::unexpected(IoError("cannot create " + path + ": " + std::strerror(errno)));
  }
  ::close(fd);
  auto writer = std::unique_ptr<TarWriter>(new TarWriter(path, mtime));
  writer->out_.open(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!writer->out_) return std::unexpected(IoError("cannot open " + path));
  return writer;
}

Status TarWriter::Begin(std::string_view name) {
  if (open_entry_) {
    if (Status ended = EndEntry(); !ended) return ended;
  }
  if (name.empty() || name.size() > 99 || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "bad archive entry name: " + std::string(name)});
  }
  entry_name_ = std::string(name);
  header_at_ = out_.tellp();
  std::array<char, kBlock> placeholder = Header(entry_name_, 0, mtime_);
  out_.write(placeholder.data(), kBlock);
  entry_size_ = 0;
  open_entry_ = true;
  if (!out_) return std::unexpected(IoError("cannot write " + path_));
  return Ok();
}

Status TarWriter::Append(std::string_view bytes) {
  if (!open_entry_) return std::unexpected(Error{ErrorCode::kInvalidArgument, "no archive entry is open"});
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  entry_size_ += bytes.size();
  if (!out_) return std::unexpected(IoError("cannot write " + path_));
  return Ok();
}

Status TarWriter::Add(std::string_view name, std::string_view bytes) {
  if (Status begun = Begin(name); !begun) return begun;
  if (Status written = Append(bytes); !written) return written;
  return EndEntry();
}

Status TarWriter::EndEntry() {
  static const std::array<char, kBlock> zeros{};
  const size_t padding = (kBlock - entry_size_ % kBlock) % kBlock;
  out_.write(zeros.data(), static_cast<std::streamsize>(padding));
  const std::streampos end = out_.tellp();
  std::array<char, kBlock> header = Header(entry_name_, entry_size_, mtime_);
  out_.seekp(header_at_);
  out_.write(header.data(), kBlock);
  out_.seekp(end);
  open_entry_ = false;
  if (!out_) return std::unexpected(IoError("cannot write " + path_));
  return Ok();
}

Status TarWriter::Finish() {
  if (open_entry_) {
    if (Status ended = EndEntry(); !ended) return ended;
  }
  static const std::array<char, 2 * kBlock> end{};
  out_.write(end.data(), end.size());
  out_.flush();
  out_.close();
  if (out_.fail()) return std::unexpected(IoError("cannot finish " + path_));
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return Ok();
}

}  // namespace parvis::accounts
