// Exporting everything an account has as one archive (a ustar file): each
// wing contributes the files it owns through an ArchiveSection, so that no
// wing reads another's records; node.cc lists the sections. A README.txt in
// the archive describes every file. Files are written one at a time and
// large ones (the outbox) are streamed, so a large account is never held in
// memory.
#ifndef PARVIS_SERVER_ACCOUNTS_ACCOUNT_ARCHIVE_H_
#define PARVIS_SERVER_ACCOUNTS_ACCOUNT_ARCHIVE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "parvis/result.h"
#include "server/accounts/account_service.h"
#include "server/accounts/tar_writer.h"
#include "server/http/router.h"

namespace parvis::accounts {

struct ArchiveFile {
  std::string name;         // path inside the archive
  std::string description;  // one line for README.txt
};

struct ArchiveSection {
  std::vector<ArchiveFile> files;
  // Writes exactly `files`, in order, for `account` (actor id `actor`).
  std::function<Status(const Account& account, const std::string& actor, TarWriter& tar)> write;
};

// The shortest passphrase that private keys are exported under.
inline constexpr size_t kMinExportPassphrase = 12;

struct ExportOptions {
  std::string path;                       // the archive to create (must not exist); unused by WriteArchive
  std::optional<std::string> passphrase;  // private keys included, encrypted with it; else left out
};

// The core section: profile.json, keys.json (private halves encrypted with
// the passphrase, or left out), media/avatar.*.
ArchiveSection CoreSection(const AccountService& accounts, const ExportOptions& options);

// Writes README.txt, then every section, into `tar`, and finishes it.
Status WriteArchive(const Account& account, const std::string& actor, const std::vector<ArchiveSection>& sections,
                    int64_t now, TarWriter& tar);

// WriteArchive into the new file `options.path`. A failed export removes the file.
Status ExportAccount(const Account& account, const std::string& actor, const ExportOptions& options,
                     const std::vector<ArchiveSection>& sections, int64_t now);

// POST /control/accounts/export {"account","file","passphrase"?} -> 200
// {"account","file","bytes"}: the node writes the archive to `file` (an
// absolute path that must not exist, on the node's machine); 404 unknown
// account, 409 the file exists, 400 bad input. `sections` gives the
// wings' sections for the options asked.
struct ExportCommandContext {
  AccountService* accounts;
  std::string base_url;
  std::function<std::vector<ArchiveSection>(const ExportOptions&)> sections;
  std::function<int64_t()> now;
};
void AddExportCommand(http::Router& control_router, ExportCommandContext context);

// The archive's readme for `sections` (also documented in docs/).
std::string ArchiveReadme(const Account& account, const std::string& actor,
                          const std::vector<ArchiveSection>& sections, int64_t now);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_ACCOUNT_ARCHIVE_H_
