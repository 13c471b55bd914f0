// The records of Family::kAnnotations (docs/storage.md):
//
//   "reply/" + parent id + "\n" + author actor id
//       -> {"author","reply","at","local"}: the author's right of reply to
//          the parent; one per person and post, the latest wins
//   "context/" + post id + "\n" + note id
//       -> {"id","post","text","source","sender","origin","writer","created"}:
//          a context note shown on the post
//   "context-id/" + note id -> post id: finds a note by its id (Delete, once per id)
//
// Reading needs only the store, so pages and the transparency report use
// this without the service.
#ifndef PARVIS_SERVER_ANNOTATIONS_ANNOTATION_STORE_H_
#define PARVIS_SERVER_ANNOTATIONS_ANNOTATION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::annotations {

struct RightOfReply {
  std::string parent;  // the post that names the author
  std::string author;  // actor id
  std::string reply;   // the reply's object id
  int64_t at = 0;      // when it was attached (or last replaced)
  bool local = false;  // written on this node
};

struct ContextNote {
  std::string id;
  std::string post;     // the post it is about
  std::string text;     // plain text
  std::string source;   // a URL, or empty
  std::string sender;   // the instance actor that sent it (this node's for a local one)
  std::string origin;   // the writing node's host; empty for this node
  std::string writer;   // the local account that wrote it; empty for a remote one
  int64_t created = 0;  // when this node received or wrote it
};

// Most annotations of each kind read for one post (pages stop there).
inline constexpr size_t kMaxPerPost = 50;

class AnnotationStore {
 public:
  explicit AnnotationStore(const storage::Store& store) : store_(store) {}

  Result<std::optional<RightOfReply>> RightOfReplyBy(const std::string& parent, const std::string& author) const;
  // The parent's rights of reply, at most kMaxPerPost, in author order.
  Result<std::vector<RightOfReply>> RightsOfReply(const std::string& parent) const;
  static void Put(storage::Batch& batch, const RightOfReply& record);

  // The post's context notes, at most kMaxPerPost (the first by key), oldest first.
  Result<std::vector<ContextNote>> ContextNotes(const std::string& post) const;
  Result<std::optional<ContextNote>> ContextNoteById(const std::string& id) const;
  static void Put(storage::Batch& batch, const ContextNote& note);
  // Removes the note and remembers its id as gone (MarkGone).
  static void Remove(storage::Batch& batch, const ContextNote& note);
  // A deleted note's id ("context-gone/" + id): a Create of it arriving
  // late (deliveries retried out of order) is not kept again.
  static void MarkGone(storage::Batch& batch, const std::string& id);
  Result<bool> IsGone(const std::string& id) const;

 private:
  const storage::Store& store_;
};

// The record as stored, and as the control routes show it.
std::string RightOfReplyJson(const RightOfReply& record);
// The note as stored, and as the control routes show it.
std::string ContextNoteJson(const ContextNote& note);

// For the transparency report: context notes present now that were written
// or received in [from, to) (seconds), and rights of reply attached then.
Result<uint64_t> CountContextNotes(const storage::Store& store, int64_t from, int64_t to);
Result<uint64_t> CountRightsOfReply(const storage::Store& store, int64_t from, int64_t to);

}  // namespace parvis::annotations

#endif  // PARVIS_SERVER_ANNOTATIONS_ANNOTATION_STORE_H_
