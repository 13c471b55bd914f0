#include "server/accounts/scratch_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace parvis::accounts {
namespace {

static_assert(crypto_stream_xchacha20_KEYBYTES == 32 && crypto_stream_xchacha20_NONCEBYTES == 24);
// XChaCha20's block: the keystream counter counts these.
constexpr uint64_t kCipherBlock = 64;
// Plaintext is encrypted into a buffer of this size before each write.
constexpr size_t kWriteChunk = 64 << 10;

Error IoError(const std::string& what) { return Error{ErrorCode::kIo, what + ": " + std::strerror(errno)}; }

// A nameless file in `directory`: O_TMPFILE, or a named one unlinked at once.
int OpenAnonymous(const std::string& directory) {
  int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  std::string pattern = directory + "/.parvis-scratch-XXXXXX";
  fd = ::mkostemp(pattern.data(), O_CLOEXEC);  // mode 0600
  if (fd >= 0) ::unlink(pattern.c_str());
  return fd;
}

class ScratchFileSource final : public http::BodySource {
 public:
  explicit ScratchFileSource(std::unique_ptr<ScratchFile> file) : file_(std::move(file)) {}
  std::optional<uint64_t> Size() const override { return file_->size(); }
  Result<size_t> Read(std::span<char> buffer) override {
    Result<size_t> got = file_->ReadAt(at_, buffer);
    if (got) at_ += *got;
    return got;
  }

 private:
  std::unique_ptr<ScratchFile> file_;
  uint64_t at_ = 0;
};

}  // namespace

Result<std::unique_ptr<ScratchFile>> ScratchFile::Create(const std::string& directory) {
  if (sodium_init() < 0) return Fail(ErrorCode::kIo, "libsodium failed to initialise");
  int fd = OpenAnonymous(directory);
  if (fd < 0) return std::unexpected(IoError("cannot create a scratch file in " + directory));
  return std::unique_ptr<ScratchFile>(new ScratchFile(fd));
}

ScratchFile::ScratchFile(int fd) : fd_(fd) {
  randombytes_buf(key_, sizeof key_);
  randombytes_buf(nonce_, sizeof nonce_);
}

ScratchFile::~ScratchFile() {
  ::close(fd_);
  sodium_memzero(key_, sizeof key_);
}

void ScratchFile::Cipher(uint64_t offset, unsigned char* data, size_t size) const {
  // A start inside a block: that block's keystream, from the right byte.
  if (const size_t into = offset % kCipherBlock; into != 0 && size > 0) {
    unsigned char block[kCipherBlock] = {};
    const size_t take = std::min<size_t>(size, kCipherBlock - into);
    std::memcpy(block + into, data, take);
    crypto_stream_xchacha20_xor_ic(block, block, kCipherBlock, nonce_, offset / kCipherBlock, key_);
    std::memcpy(data, block + into, take);
    sodium_memzero(block, sizeof block);
    offset += take;
    data += take;
    size -= take;
  }
  if (size > 0) crypto_stream_xchacha20_xor_ic(data, data, size, nonce_, offset / kCipherBlock, key_);
}

Status ScratchFile::WriteAt(uint64_t offset, std::string_view bytes) {
  std::vector<unsigned char> sealed(std::min(bytes.size(), kWriteChunk));
  while (!bytes.empty()) {
    const size_t take = std::min(bytes.size(), sealed.size());
    std::memcpy(sealed.data(), bytes.data(), take);
    Cipher(offset, sealed.data(), take);
    size_t done = 0;
    while (done < take) {
      ssize_t n = ::pwrite(fd_, sealed.data() + done, take - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::unexpected(IoError("cannot write a scratch file"));
      done += static_cast<size_t>(n);
    }
    offset += take;
    bytes.remove_prefix(take);
    size_ = std::max(size_, offset);
  }
  return Ok();
}

Result<size_t> ScratchFile::ReadAt(uint64_t offset, std::span<char> out) const {
  size_t done = 0;
  while (done < out.size() && offset + done < size_) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(out.size() - done, size_ - offset - done));
    ssize_t n = ::pread(fd_, out.data() + done, want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(IoError("cannot read a scratch file"));
    if (n == 0) return Fail(ErrorCode::kIo, "a scratch file is shorter than what was written to it");
    done += static_cast<size_t>(n);
  }
  Cipher(offset, reinterpret_cast<unsigned char*>(out.data()), done);
  return done;
}

std::shared_ptr<http::BodySource> ScratchFileBody(std::unique_ptr<ScratchFile> file) {
  return std::make_shared<ScratchFileSource>(std::move(file));
}

}  // namespace parvis::accounts
