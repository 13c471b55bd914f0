// The files a person brings to a new node: Mastodon's CSV lists (which
// Parvis's own export writes too) and an ActivityStreams outbox.json as
// Mastodon and Parvis export it. Parsing only: what the lists do is in
// server/federation/account_import.h.
//
//   following_accounts.csv  "Account address,Show boosts,Notify on new posts,Languages"
//                           header, then one row per account (only the address is used)
//   blocked_accounts.csv    one address per line, no header (a header is tolerated)
//   muted_accounts.csv      "Account address,Hide notifications" header, then rows
//   blocked_domains.csv     one host per line, no header
//   bookmarks.csv           one object URL per line, no header
//
// Addresses are name@host (a leading @ or acct: is accepted). Rows are RFC
// 4180 CSV (quoted fields, CRLF or LF, a UTF-8 byte-order mark); a row that
// does not hold a valid value is listed in `rejected` with its line number,
// and the rest is kept.
#ifndef PARVIS_PROTOCOL_IMPORT_FORMATS_H_
#define PARVIS_PROTOCOL_IMPORT_FORMATS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/note.h"
#include "parvis/result.h"

namespace parvis::protocol {

enum class ImportList { kFollowing, kBlocks, kMutes, kDomainBlocks, kBookmarks };

// "following", "blocks", "mutes", "domain-blocks", "bookmarks".
const char* ImportListName(ImportList list);
std::optional<ImportList> ParseImportListName(std::string_view name);
// The list a file holds, from Mastodon's file name (following_accounts.csv,
// blocked_accounts.csv, muted_accounts.csv, blocked_domains.csv,
// bookmarks.csv), or nullopt.
std::optional<ImportList> ImportListForFileName(std::string_view file_name);

// Most rows one list may hold (Mastodon allows 20,000 follows).
inline constexpr size_t kMaxImportRows = 20000;
// Largest CSV file read.
inline constexpr size_t kMaxImportCsvBytes = 4 << 20;

struct ImportEntry {
  std::string value;  // name@host (lower-case host), a lower-case host, or an http(s) URL
  bool flag = true;   // mutes: hide notifications
};

struct ImportRejected {
  size_t line = 0;
  std::string reason;
};

struct ImportListFile {
  std::vector<ImportEntry> entries;  // in file order, without duplicates
  std::vector<ImportRejected> rejected;
};

// kLimitExceeded beyond kMaxImportCsvBytes or kMaxImportRows; otherwise
// every row is either an entry or rejected.
Result<ImportListFile> ParseImportList(ImportList list, std::string_view csv);

// bookmarks.json / likes.json: an OrderedCollection whose orderedItems are
// object ids (strings, or objects with an id). Invalid items are rejected.
Result<ImportListFile> ParseIdCollection(std::string_view json);

// A post found in an outbox, to be kept as history.
struct HistoryPost {
  std::string original_id;  // its id on the old server
  std::string type = "Note";  // or "Article"
  std::string name;         // an Article's title
  std::string content_html;  // sanitised
  std::string summary;       // content warning (plain text)
  int64_t published = 0;
  Visibility visibility = Visibility::kPublic;  // never kDirect: direct posts are skipped
  std::string in_reply_to;
  size_t attachments = 0;    // media the post had (not carried over)
};

struct HistoryFile {
  std::string actor;                // the outbox's author (from its items)
  std::vector<HistoryPost> posts;   // oldest first
  size_t boosts = 0;                // Announce items (not kept: they are someone else's)
  size_t direct = 0;                // direct posts (not kept: their audience cannot follow)
  std::vector<ImportRejected> rejected;  // `line` is the item's index
};

// Most posts read from one outbox, and its largest size.
inline constexpr size_t kMaxHistoryPosts = 100000;
inline constexpr size_t kMaxOutboxBytes = 256 << 20;

// Reads Create(Note|Article) items whose actor is `actor` (the archive's
// actor.json id; when empty, the actor of the first Create). The old
// followers collection is recognised from actor.json's `followers` when
// given, else from an address ending in "/followers".
Result<HistoryFile> ParseOutbox(std::string_view json, std::string_view actor,
                                std::string_view followers);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_IMPORT_FORMATS_H_
