// What a local account keeps about others besides follows: the actors it
// blocks or mutes, the domains it blocks, and the posts it bookmarks, in
// Family::kRelations under the account's id (so they leave with it).
//
// Effects (account_relations.cc, relation_commands.cc):
//   block        their posts, boosts and notifications are hidden from the
//                account; follows both ways end (Undo(Follow) for ours, their
//                follower record goes); their new Follows are rejected; a
//                Block activity goes to their inbox (Undo(Block) on unblock).
//   mute         their posts and boosts are hidden from the account's
//                timelines (and notifications when hide_notifications); no
//                one is told.
//   domain block as a block of every actor on the host, without activities
//                sent; followers from that host are removed.
//   bookmark     a private list of saved posts, newest first.
#ifndef PARVIS_SERVER_FEDERATION_ACCOUNT_RELATIONS_H_
#define PARVIS_SERVER_FEDERATION_ACCOUNT_RELATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

enum class RelationKind { kBlock, kMute, kDomainBlock };

struct Relation {
  std::string target;  // actor id, or a lower-case host for kDomainBlock
  int64_t since = 0;
  bool hide_notifications = true;  // mutes only
};

struct Bookmark {
  std::string object_id;
  int64_t since = 0;
};

// Everything that hides content from one account, loaded once per page read.
struct HiddenSet {
  std::vector<std::string> actors;   // blocked or muted actor ids, sorted
  std::vector<std::string> hosts;    // blocked hosts, sorted
  std::vector<std::string> silent;   // actors whose notifications are hidden, sorted
  // True if content by `actor` (an actor id) is hidden.
  bool Hides(const std::string& actor) const;
  bool HidesNotificationsFrom(const std::string& actor) const;
};

// "since:object id": where a page of bookmarks after `bookmark` starts.
std::string BookmarkCursor(const Bookmark& bookmark);

// `input` lower-cased if it is a host name (letters, digits, hyphens, dots,
// with an optional ":port"), else nullopt.
std::optional<std::string> NormalizeBlockedHost(std::string_view input);

class RelationStore {
 public:
  explicit RelationStore(storage::Store& store) : store_(store) {}

  // Adds the change to `batch` (written by the caller with what goes with it).
  void Put(storage::Batch& batch, storage::AccountId account, RelationKind kind,
           const Relation& relation) const;
  void Remove(storage::Batch& batch, storage::AccountId account, RelationKind kind,
              const std::string& target) const;
  Result<std::optional<Relation>> Get(storage::AccountId account, RelationKind kind,
                                      const std::string& target) const;
  // In key order (by target).
  Result<std::vector<Relation>> List(storage::AccountId account, RelationKind kind) const;
  Result<HiddenSet> Hidden(storage::AccountId account) const;
  // True if `account` blocks `actor` or its host.
  Result<bool> Blocks(storage::AccountId account, const std::string& actor) const;

  // Bookmarks: adding one already there keeps its date (returns false).
  Result<bool> AddBookmark(storage::AccountId account, const std::string& object_id,
                           int64_t now) const;
  Status RemoveBookmark(storage::AccountId account, const std::string& object_id) const;
  Result<bool> HasBookmark(storage::AccountId account, const std::string& object_id) const;
  // Newest first; `before` is a `since` cursor (exclusive) for paging.
  Result<std::vector<Bookmark>> ListBookmarks(storage::AccountId account, size_t limit,
                                              std::optional<int64_t> before = std::nullopt) const;
  // Newest first, strictly after `cursor` (BookmarkCursor of the last one
  // shown; empty for the first page), so bookmarks made in the same second
  // are not lost between pages. kInvalidArgument for a malformed cursor.
  Result<std::vector<Bookmark>> ListBookmarksBefore(storage::AccountId account, size_t limit,
                                                    std::string_view cursor) const;

 private:
  storage::Store& store_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACCOUNT_RELATIONS_H_
