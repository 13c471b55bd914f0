// A scratch file for bytes that must never be readable on disk (an account's
// archive on its way to the browser). It has no name: created with O_TMPFILE
// (or, where the file system lacks it, unlinked right after creation), mode
// 0600, so it vanishes with its descriptor, even if the process dies. Every
// byte at offset o is stored XORed with the XChaCha20 keystream at o, under a
// random key and nonce held only in this object's memory: writes may land
// anywhere (a tar header patched after its entry) and reads decrypt. There
// is no authentication: whoever can write the node's data directory can
// change the node anyway. A region written twice reveals the XOR of its two
// versions to someone who copied the disk in between; the archive rewrites
// only its tar headers, whose both versions are file names and sizes.
#ifndef PARVIS_SERVER_ACCOUNTS_SCRATCH_FILE_H_
#define PARVIS_SERVER_ACCOUNTS_SCRATCH_FILE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "parvis/result.h"
#include "server/accounts/tar_writer.h"
#include "server/http/request.h"

namespace parvis::accounts {

class ScratchFile final : public TarSink {
 public:
  // A new empty scratch file in `directory` (which must exist).
  static Result<std::unique_ptr<ScratchFile>> Create(const std::string& directory);
  // Closes the file, which frees its blocks, and forgets the key.
  ~ScratchFile() override;
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  Status WriteAt(uint64_t offset, std::string_view bytes) override;
  Status Flush() override { return Ok(); }
  // Reads up to `out.size()` bytes at `offset`, decrypted; fewer at the end.
  Result<size_t> ReadAt(uint64_t offset, std::span<char> out) const;
  // One past the highest byte written.
  uint64_t size() const { return size_; }

 private:
  explicit ScratchFile(int fd);
  // XORs `data`, which sits at `offset` in the file, with the keystream.
  void Cipher(uint64_t offset, unsigned char* data, size_t size) const;

  int fd_;
  uint64_t size_ = 0;
  unsigned char key_[32];
  unsigned char nonce_[24];
};

// The whole of `file` as a response body, read from the start; the file is
// closed when the response ends, however it ends.
std::shared_ptr<http::BodySource> ScratchFileBody(std::unique_ptr<ScratchFile> file);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_SCRATCH_FILE_H_
