#include "server/accounts/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <memory>

namespace parvis::accounts {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

ArchivePtr NewReader() {
  ArchivePtr reader(archive_read_new());
  if (!reader) return reader;
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  archive_read_support_format_zip(reader.get());
  return reader;
}

std::string Reason(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown error";
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Result<ArchiveMembers> ReadMembers(archive* a, const std::vector<WantedMember>& wanted) {
  ArchiveMembers found;
  archive_entry* entry = nullptr;
  bool any = false;
  while (true) {
    int next = archive_read_next_header(a, &entry);
    if (next == ARCHIVE_EOF) break;
    if (next < ARCHIVE_WARN) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(any ? "the archive is damaged: " : "not a tar, tar.gz or zip archive: ") + Reason(a));
    }
    any = true;
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* path = archive_entry_pathname(entry);
    std::string_view name = BaseName(path ? path : "");
    auto want = std::find_if(wanted.begin(), wanted.end(),
                             [&](const WantedMember& member) { return member.name == name; });
    if (want == wanted.end() || found.count(want->name)) continue;
    std::string bytes;
    char buffer[64 * 1024];
    while (true) {
      la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
      if (n == 0) break;
      if (n < 0) {
        return Fail(ErrorCode::kInvalidArgument, "cannot read " + want->name + " in the archive: " + Reason(a));
      }
      if (bytes.size() + static_cast<size_t>(n) > want->max_bytes) {
        return Fail(ErrorCode::kLimitExceeded, want->name + " in the archive is larger than " +
                                                   std::to_string(want->max_bytes) + " bytes");
      }
      bytes.append(buffer, static_cast<size_t>(n));
    }
    found.emplace(want->name, std::move(bytes));
  }
  if (!any) return Fail(ErrorCode::kInvalidArgument, "the archive is empty");
  return found;
}

}  // namespace

Result<ArchiveMembers> ReadArchiveFile(const std::string& path, const std::vector<WantedMember>& wanted) {
  ArchivePtr reader = NewReader();
  if (!reader) return Fail(ErrorCode::kIo, "cannot start the archive reader");
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return Fail(ErrorCode::kNotFound, "cannot read " + path);
  if (archive_read_open_filename(reader.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return Fail(ErrorCode::kInvalidArgument, "not a tar, tar.gz or zip archive: " + Reason(reader.get()));
  }
  return ReadMembers(reader.get(), wanted);
}

Result<ArchiveMembers> ReadArchiveBytes(std::string_view bytes, const std::vector<WantedMember>& wanted) {
  ArchivePtr reader = NewReader();
  if (!reader) return Fail(ErrorCode::kIo, "cannot start the archive reader");
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return Fail(ErrorCode::kInvalidArgument, "not a tar, tar.gz or zip archive: " + Reason(reader.get()));
  }
  return ReadMembers(reader.get(), wanted);
}

bool LooksLikeArchive(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return true;  // gzip
  }
  if (head.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return true;  // zip
  return head.size() >= 262 && head.substr(257, 5) == "ustar";
}

}  // namespace parvis::accounts
