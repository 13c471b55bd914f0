// Right of reply and context notes (issue 6; docs/protocol.md, docs/moderation.md).
//
//   - Right of reply: a local person whom a post names (a Mention of their
//     actor, or their handle in its text) attaches one reply to it, marked
//     "rightOfReply"; pages show it above ordinary replies. Writing again
//     replaces it: the same note is edited and sent as an Update. A marked
//     reply received from another server is kept as a right of reply only
//     when the parent known here names its author; otherwise it stays an
//     ordinary reply (the inbox stores it either way).
//   - Context notes: admins (moderators) and accounts marked fact-checkers
//     attach a note (text, optional source URL) to any post known here. It is
//     sent from the instance actor, as a Create of a Note with "contextFor",
//     to the post author's node and to the nodes of every actor this node's
//     accounts follow or are followed by, when those run Parvis (their actor
//     documents declare a parvis:sector). A received one is kept when its
//     signer is the sending node's instance actor, once per id; its Delete
//     removes it.
//
// Control routes (AddAnnotationCommands):
//   POST /control/right-of-reply  {"account","post","content"} -> 201 {"id","post"}; 403 when not named
//   GET  /control/right-of-reply?post=ID -> 200 {"rightsOfReply":[...]}
//   POST /control/context-notes   {"account","post","content","source"?} -> 201 the note;
//                                 403 for others than admins and fact-checkers
//   POST /control/context-notes/delete {"account","id"} -> 200
//   GET  /control/context-notes?post=ID -> 200 {"contextNotes":[...]}
//   POST /control/fact-checkers   {"account","on"} -> 200 {"account","factChecker"}
#ifndef PARVIS_SERVER_ANNOTATIONS_ANNOTATION_SERVICE_H_
#define PARVIS_SERVER_ANNOTATIONS_ANNOTATION_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "parvis/config.h"
#include "parvis/protocol/annotations.h"
#include "server/accounts/account_service.h"
#include "server/annotations/annotation_store.h"
#include "server/federation/activity_extension.h"
#include "server/federation/actor_directory.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/post_service.h"
#include "server/http/router.h"

namespace parvis::annotations {

struct AnnotationContext {
  const Config* config;
  storage::Store* store;
  accounts::AccountService* accounts;
  federation::ActorDirectory* directory;
  federation::DeliveryQueue* deliveries;
  federation::PostService* posts;
  std::function<int64_t()> now;
};

// Most actors whose nodes a context note is sent to (follows scanned).
inline constexpr size_t kMaxContextNotePeers = 1000;
// Context notes one node may attach to one post, here.
inline constexpr size_t kMaxNotesPerSender = 5;

// Whether the stored post names the local account (a Mention of its actor,
// or its handle in the text), unless the account wrote it; `base_url` is
// this node's.
bool NamesAccount(const std::string& base_url, const federation::StoredObject& post, const accounts::Account& account);

// Who may attach context notes: admins (the node's moderators) and fact-checkers.
inline bool MayWriteContextNotes(const accounts::Account& account) { return account.admin || account.fact_checker; }

class AnnotationService : public federation::ActivityExtension {
 public:
  explicit AnnotationService(AnnotationContext context) : context_(std::move(context)), store_(*context_.store) {}

  // Whether the stored post names the local account.
  bool Names(const federation::StoredObject& post, const accounts::Account& account) const;
  // The post (fetched when unknown) and whether it names the account;
  // kNotFound for no readable post.
  boost::asio::awaitable<Result<bool>> NamedIn(const accounts::Account& account, std::string post);

  // Attaches (or replaces) the account's right of reply to `post`.
  // kInvalidArgument when the post does not name the account or the text is
  // not 1 to 5000 characters; kNotFound for an unknown post.
  boost::asio::awaitable<Result<RightOfReply>> ReplyAsNamed(const accounts::Account& account, std::string post,
                                                            std::string text);

  // Attaches a context note to `post` and sends it to the Parvis nodes
  // concerned. kInvalidArgument for an account that may not, an empty or
  // over-long text (protocol::kMaxContextNoteText), a bad source URL;
  // kNotFound for an unknown post.
  boost::asio::awaitable<Result<ContextNote>> AddContextNote(const accounts::Account& account, std::string post,
                                                             std::string text, std::string source);
  // Removes a context note written here and sends its Delete.
  boost::asio::awaitable<Status> RemoveContextNote(const accounts::Account& account, std::string id);

  // Context notes and their Deletes; marked replies (then left to the inbox).
  boost::asio::awaitable<federation::ExtensionOutcome> Act(const rapidjson::Value& activity,
                                                           const protocol::ActivityEnvelope& envelope,
                                                           storage::Batch& batch) override;

  const AnnotationStore& store() const { return store_; }

 private:
  boost::asio::awaitable<federation::ExtensionOutcome> ReceiveContextNote(const protocol::ContextNoteDocument& note,
                                                                          const protocol::ActivityEnvelope& envelope,
                                                                          storage::Batch& batch);
  boost::asio::awaitable<federation::ExtensionOutcome> ReceiveDelete(const protocol::ActivityEnvelope& envelope,
                                                                     storage::Batch& batch);
  boost::asio::awaitable<federation::ExtensionOutcome> ReceiveMarkedReply(const rapidjson::Value& object,
                                                                          const protocol::ActivityEnvelope& envelope,
                                                                          storage::Batch& batch);
  // Whether the inbox's receipt of `activity_id` names `actor` as its signer.
  bool SignedBy(const std::string& activity_id, const std::string& actor) const;
  // Whether `actor` is the instance actor of its node.
  boost::asio::awaitable<bool> IsInstanceActor(const std::string& actor);
  // The inboxes of the Parvis nodes a context note about a post by `author` goes to.
  boost::asio::awaitable<std::vector<std::string>> ParvisInboxes(const std::string& author);
  // Calls `visit` with each actor an account here follows or is followed by
  // (accepted), until it returns false.
  void ScanAcceptedFollows(const std::function<bool(std::string_view actor)>& visit) const;
  // Whether an account here and an actor at `authority` (host[:port])
  // follow one another, either way.
  bool FollowsWithHost(const std::string& authority) const;
  Status Send(const std::vector<std::string>& inboxes, const std::string& body);

  AnnotationContext context_;
  AnnotationStore store_;
};

void AddAnnotationCommands(http::Router& control_router, AnnotationService* service,
                           accounts::AccountService* accounts);

}  // namespace parvis::annotations

#endif  // PARVIS_SERVER_ANNOTATIONS_ANNOTATION_SERVICE_H_
