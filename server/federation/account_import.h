// Bringing an account's data to this node: the lists a person had elsewhere
// (follows, blocks, mutes, domain blocks, bookmarks) and their posts, kept
// as history. Reads Parvis's own export archive, Mastodon's archive (tar.gz
// or zip: outbox.json, actor.json, bookmarks.json) and Mastodon's CSV files
// (protocol/import_formats.h).
//
//   follows        each address is looked up (WebFinger) and followed; those
//                  already followed or requested are counted, not sent again
//   blocks, mutes  through relation_commands.h, so a Block is delivered
//   domain blocks  likewise
//   bookmarks      each post is fetched when unknown here, then bookmarked
//   posts          Create(Note|Article) by the archive's actor become this
//                  account's posts with their original date and text (a new
//                  id here, the old id kept as importedFrom): on the profile
//                  and in the outbox, never delivered, never in anyone's
//                  timeline. Replies between imported posts point to the
//                  new ids. Boosts, direct posts and media are left out and
//                  counted. Importing the same posts again adds nothing.
//
// Every item is independent: one that fails (an address no server knows)
// is listed with its reason and the rest goes on; running the same import
// again completes what failed or was cut short (a restart).
//
//   POST /control/accounts/import {"account","file","list"?}  -> 200 report
//        file: an absolute path on the node's machine; list: what a CSV
//        file holds ("following", "blocks", "mutes", "domain-blocks",
//        "bookmarks"), else guessed from Mastodon's file names.
#ifndef PARVIS_SERVER_FEDERATION_ACCOUNT_IMPORT_H_
#define PARVIS_SERVER_FEDERATION_ACCOUNT_IMPORT_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "parvis/protocol/import_formats.h"
#include "server/federation/follow_commands.h"
#include "server/federation/post_service.h"

namespace parvis::federation {

struct ImportContext {
  FollowCommandsContext follows;
  PostService* posts;  // fetches bookmarked posts not known here
};

struct ImportFailure {
  std::string item;    // the address, host or URL; for posts, the old id or index
  std::string reason;
};

// Failures listed per list at most (the count goes on).
inline constexpr size_t kMaxListedFailures = 100;

struct ImportListReport {
  size_t done = 0;     // followed, blocked, ... by this import
  size_t already = 0;  // there before
  size_t failed = 0;
  std::vector<ImportFailure> failures;  // the first kMaxListedFailures
};

struct ImportHistoryReport {
  size_t kept = 0;         // posts added
  size_t already = 0;      // imported before
  size_t boosts = 0;       // left out
  size_t direct = 0;       // left out
  size_t attachments = 0;  // media not carried over (the posts are kept)
  size_t failed = 0;
  std::vector<ImportFailure> failures;
};

struct ImportReport {
  std::vector<std::string> files;  // what was found and read
  std::map<protocol::ImportList, ImportListReport> lists;
  std::optional<ImportHistoryReport> history;  // when an outbox was read
};

// The import's input: a file on the node's machine (`path`), or its bytes
// (an upload); an archive or one CSV. Its name tells what a CSV holds when
// `list` is not given.
struct ImportInput {
  std::string file_name;
  std::string path;   // read from here when not empty (an archive is never read whole)
  std::string bytes;  // otherwise
  std::optional<protocol::ImportList> list;
};

// kInvalidArgument when the input is neither an archive nor a CSV of a known
// list, or holds none of the files looked for; kLimitExceeded beyond the
// limits. Per-item failures are in the report, not errors.
boost::asio::awaitable<Result<ImportReport>> ImportAccountData(const ImportContext& context,
                                                               const accounts::Account& account,
                                                               ImportInput input);

// The report as JSON (the control route's answer, the web page's data).
std::string ImportReportJson(const ImportReport& report);

void AddImportCommand(http::Router& control_router, const ImportContext& context);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACCOUNT_IMPORT_H_
