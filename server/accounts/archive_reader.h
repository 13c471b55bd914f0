// Reading the files an import needs out of an archive: Parvis's own export
// (ustar), Mastodon's (tar.gz, and zip in later versions) or any tar, gzip'd
// tar or zip holding the same files; through libarchive. Only the members
// asked for are read, each up to its own size limit, so media and unknown
// members cost nothing and a compression bomb stops at the limit. Nothing is
// ever written to disk.
#ifndef PARVIS_SERVER_ACCOUNTS_ARCHIVE_READER_H_
#define PARVIS_SERVER_ACCOUNTS_ARCHIVE_READER_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"

namespace parvis::accounts {

// A member wanted, by its base name ("outbox.json"): the first member with
// that name in any folder is read.
struct WantedMember {
  std::string name;
  size_t max_bytes = 0;
};

// What was found: base name -> bytes. kInvalidArgument for bytes that are not
// a readable archive (with libarchive's reason), kLimitExceeded (413) when a
// wanted member exceeds its limit, kNotFound for a path that cannot be read.
using ArchiveMembers = std::map<std::string, std::string>;
Result<ArchiveMembers> ReadArchiveFile(const std::string& path, const std::vector<WantedMember>& wanted);
Result<ArchiveMembers> ReadArchiveBytes(std::string_view bytes, const std::vector<WantedMember>& wanted);

// True if the bytes start like an archive this reader opens (ustar, gzip,
// zip), as opposed to a bare CSV file.
bool LooksLikeArchive(std::string_view head);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_ARCHIVE_READER_H_
