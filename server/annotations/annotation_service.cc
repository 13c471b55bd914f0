#include "server/annotations/annotation_service.h"

#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "parvis/protocol/hex.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"

namespace parvis::annotations {
namespace {

using federation::ExtensionOutcome;
using storage::Family;

// "https://host:port" of an http(s) URL, or "".
std::string OriginOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

bool SameOrigin(const std::string& a, const std::string& b) {
  std::string origin = OriginOf(a);
  return !origin.empty() && origin == OriginOf(b);
}

std::string IdMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return "";
  return protocol::FirstId(it->value).value_or("");
}

// Whether `post` names `person`; `own` is this node's authority.
bool PostNames(const federation::StoredObject& post, const std::string& own, const protocol::NamedPerson& person) {
  if (post.local) {
    std::vector<std::string> hrefs = post.note.mentions;
    for (const protocol::NoteTag& tag : post.note.tags) {
      if (tag.type == "Mention") hrefs.push_back(tag.href);
    }
    return protocol::NamesPerson(hrefs, post.source, own, person);
  }
  std::string text = protocol::HtmlText(protocol::StringMember(post.object, "content").value_or(""));
  std::string post_id = protocol::StringMember(post.object, "id").value_or("");
  return protocol::NamesPerson(protocol::MentionHrefs(post.object), text,
                               federation::AuthorityOf(post_id).value_or(""), person);
}

}  // namespace

bool NamesAccount(const std::string& base_url, const federation::StoredObject& post, const accounts::Account& account) {
  federation::ActorUrls urls(base_url);
  std::string own = federation::AuthorityOf(base_url).value_or("");
  // Authors answer in their own thread as anyone does.
  if (post.author == urls.Actor(account.name)) return false;
  return PostNames(post, own, {.actor = urls.Actor(account.name), .username = account.name, .host = own});
}

bool AnnotationService::Names(const federation::StoredObject& post, const accounts::Account& account) const {
  return NamesAccount(context_.config->base_url, post, account);
}

boost::asio::awaitable<Result<bool>> AnnotationService::NamedIn(const accounts::Account& account, std::string post) {
  Result<std::optional<federation::StoredObject>> parent = co_await context_.posts->GetOrFetch(post);
  if (!parent) co_return std::unexpected(parent.error());
  if (!parent->has_value() || (*parent)->deleted != 0) co_return Fail(ErrorCode::kNotFound, "no such post: " + post);
  co_return Names(**parent, account);
}

boost::asio::awaitable<Result<RightOfReply>> AnnotationService::ReplyAsNamed(const accounts::Account& account,
                                                                             std::string post, std::string text) {
  Result<bool> named = co_await NamedIn(account, post);
  if (!named) co_return std::unexpected(named.error());
  if (!*named) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "this post does not name or mention " + account.name + ": reply to it as usual");
  }
  federation::ActorUrls urls(context_.config->base_url);
  std::string self = urls.Actor(account.name);
  Result<std::optional<RightOfReply>> earlier = store_.RightOfReplyBy(post, self);
  if (!earlier) co_return std::unexpected(earlier.error());
  RightOfReply record{.parent = post, .author = self, .at = context_.now(), .local = true};
  bool replaced = false;
  if (earlier->has_value()) {
    // One per person and post: the earlier one is edited (an Update) when it still stands.
    Result<std::optional<federation::StoredObject>> reply = context_.posts->Get((*earlier)->reply);
    if (!reply) co_return std::unexpected(reply.error());
    replaced = reply->has_value() && (*reply)->local && (*reply)->deleted == 0 && (*reply)->account == account.id;
  }
  if (replaced) {
    record.reply = (*earlier)->reply;
    federation::PostDraft draft{.text = text};
    Status edited = co_await context_.posts->Edit(account, record.reply, std::move(draft));
    if (!edited) {
      co_return std::unexpected(edited.error());
    }
  } else {
    federation::PostDraft draft{.text = text, .in_reply_to = post};
    draft.right_of_reply = true;
    Result<std::string> id = co_await context_.posts->Publish(account, std::move(draft));
    if (!id) co_return std::unexpected(id.error());
    record.reply = *id;
  }
  storage::Batch batch;
  AnnotationStore::Put(batch, record);
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  co_return record;
}

void AnnotationService::ScanAcceptedFollows(const std::function<bool(std::string_view actor)>& visit) const {
  (void)context_.store->Scan(Family::kFollows, "", [&](std::string_view key, std::string_view value) {
    if (key.size() <= 8 || value.find(R"("state":"accepted")") == std::string_view::npos) return true;
    std::string_view rest = key.substr(8);
    for (std::string_view direction : {std::string_view("followers/"), std::string_view("following/")}) {
      if (rest.starts_with(direction)) return visit(rest.substr(direction.size()));
    }
    return true;
  });
}

bool AnnotationService::FollowsWithHost(const std::string& authority) const {
  bool found = false;
  if (authority.empty()) return false;
  ScanAcceptedFollows([&](std::string_view actor) {
    found = federation::AuthorityOf(actor) == authority;
    return !found;
  });
  return found;
}

boost::asio::awaitable<std::vector<std::string>> AnnotationService::ParvisInboxes(const std::string& author) {
  std::set<std::string> actors;
  federation::ActorUrls urls(context_.config->base_url);
  if (!urls.NameFromUrl(author) && !SameOrigin(author, context_.config->base_url)) {
    // The post's author: fetched if need be, so its node hears of the note.
    (void)co_await context_.directory->Get(author, false);
    actors.insert(author);
  }
  // Every actor followed by, or following, an account here (accepted).
  ScanAcceptedFollows([&](std::string_view actor) {
    actors.insert(std::string(actor));
    return actors.size() < kMaxContextNotePeers;
  });
  std::set<std::string> inboxes;
  for (const std::string& actor : actors) {
    Result<std::optional<protocol::RemoteActor>> known = context_.directory->Stored(actor);
    if (!known || !known->has_value()) continue;
    const protocol::RemoteActor& remote = **known;
    // Parvis publishes a sector on every actor; other servers would only
    // misread a note from an instance actor.
    if (remote.sector == protocol::Sector::kUnknown || SameOrigin(remote.id, context_.config->base_url)) continue;
    inboxes.insert(remote.shared_inbox.empty() ? remote.inbox : remote.shared_inbox);
  }
  co_return std::vector<std::string>(inboxes.begin(), inboxes.end());
}

Status AnnotationService::Send(const std::vector<std::string>& inboxes, const std::string& body) {
  if (inboxes.empty()) return Ok();
  storage::Batch batch;
  for (const std::string& inbox : inboxes) {
    if (Status queued = context_.deliveries->Enqueue(batch, federation::kInstanceSender, inbox, body); !queued) {
      return queued;
    }
  }
  if (Status written = context_.store->Write(batch); !written) return written;
  context_.deliveries->Wake();
  return Ok();
}

boost::asio::awaitable<Result<ContextNote>> AnnotationService::AddContextNote(const accounts::Account& account,
                                                                              std::string post, std::string text,
                                                                              std::string source) {
  if (!MayWriteContextNotes(account)) {
    co_return Fail(ErrorCode::kInvalidArgument, "only moderators and fact-checkers attach context notes");
  }
  if (Status valid = protocol::ValidateContextNote(text, source); !valid) co_return std::unexpected(valid.error());
  if (post.size() > protocol::kMaxAnnotationUrl) co_return Fail(ErrorCode::kInvalidArgument, "the post id is too long");
  Result<std::optional<federation::StoredObject>> stored = co_await context_.posts->GetOrFetch(post);
  if (!stored) co_return std::unexpected(stored.error());
  if (!stored->has_value() || (*stored)->deleted != 0) co_return Fail(ErrorCode::kNotFound, "no such post: " + post);
  federation::ActorUrls urls(context_.config->base_url);
  ContextNote note{.id = context_.config->base_url + "/context-notes/" + protocol::RandomHex(16),
                   .post = post,
                   .text = text,
                   .source = source,
                   .sender = urls.InstanceActor(),
                   .writer = account.name,
                   .created = context_.now()};
  storage::Batch batch;
  AnnotationStore::Put(batch, note);
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  std::vector<std::string> inboxes = co_await ParvisInboxes((*stored)->author);
  protocol::ContextNoteDocument document{.id = note.id,
                                         .activity_id = note.id + "/activity",
                                         .actor = note.sender,
                                         .post = post,
                                         .text = text,
                                         .source = source,
                                         .published = note.created};
  if (Status sent = Send(inboxes, protocol::ContextNoteActivity(document)); !sent) {
    spdlog::warn("context note {}: not sent: {}", note.id, sent.error().message);
  }
  co_return note;
}

boost::asio::awaitable<Status> AnnotationService::RemoveContextNote(const accounts::Account& account, std::string id) {
  if (!MayWriteContextNotes(account)) {
    co_return Fail(ErrorCode::kInvalidArgument, "only moderators and fact-checkers remove context notes");
  }
  Result<std::optional<ContextNote>> note = store_.ContextNoteById(id);
  if (!note) co_return std::unexpected(note.error());
  if (!note->has_value() || !(*note)->origin.empty()) {
    co_return Fail(ErrorCode::kNotFound, "no context note of this node with that id");
  }
  storage::Batch batch;
  AnnotationStore::Remove(batch, **note);
  if (Status written = context_.store->Write(batch); !written) co_return written;
  std::string author;
  if (Result<std::optional<federation::StoredObject>> post = context_.posts->Get((*note)->post); post && post->has_value()) {
    author = (*post)->author;
  }
  std::vector<std::string> inboxes = co_await ParvisInboxes(author);
  co_return Send(inboxes, protocol::DeleteContextNoteActivity(id + "/delete", (*note)->sender, id));
}

bool AnnotationService::SignedBy(const std::string& activity_id, const std::string& actor) const {
  Result<std::optional<std::string>> receipt = context_.store->Get(Family::kActivities, activity_id);
  if (!receipt || !receipt->has_value()) return false;
  Result<rapidjson::Document> doc = protocol::ParseJson(**receipt, {});
  return doc && protocol::StringMember(*doc, "signer") == actor;
}

boost::asio::awaitable<bool> AnnotationService::IsInstanceActor(const std::string& actor) {
  // Parvis's instance actor is "/actor" at the root of its node, an Application.
  if (actor != OriginOf(actor) + "/actor") co_return false;
  Result<protocol::RemoteActor> known = co_await context_.directory->Get(actor, false);
  co_return known && known->id == actor && (known->type == "Application" || known->type == "Service");
}

boost::asio::awaitable<ExtensionOutcome> AnnotationService::Act(const rapidjson::Value& activity,
                                                                const protocol::ActivityEnvelope& envelope,
                                                                storage::Batch& batch) {
  if (envelope.type == "Create") {
    Result<std::optional<protocol::ContextNoteDocument>> note = protocol::ParseContextNote(activity);
    if (!note) {
      spdlog::info("context note {} refused: {}", envelope.id, note.error().message);
      co_return ExtensionOutcome::kDropped;
    }
    if (note->has_value()) co_return co_await ReceiveContextNote(**note, envelope, batch);
  }
  if (envelope.type == "Delete" && !envelope.object_id.empty()) co_return co_await ReceiveDelete(envelope, batch);
  if (envelope.type == "Create" || envelope.type == "Update") {
    auto object = activity.FindMember("object");
    if (object != activity.MemberEnd() && protocol::MarksRightOfReply(object->value)) {
      co_return co_await ReceiveMarkedReply(object->value, envelope, batch);
    }
  }
  co_return ExtensionOutcome::kNotMine;
}

boost::asio::awaitable<ExtensionOutcome> AnnotationService::ReceiveContextNote(
    const protocol::ContextNoteDocument& note, const protocol::ActivityEnvelope& envelope, storage::Batch& batch) {
  // Only a node speaks through its instance actor, which must have signed.
  bool trusted = note.actor == envelope.actor && SameOrigin(note.id, note.actor) &&
                 SameOrigin(note.activity_id, note.actor) && SignedBy(envelope.id, note.actor);
  if (trusted) trusted = co_await IsInstanceActor(note.actor);
  if (!trusted) {
    spdlog::info("context note {} refused: not from its node's instance actor", note.id);
    co_return ExtensionOutcome::kDropped;
  }
  Result<std::optional<ContextNote>> known = store_.ContextNoteById(note.id);
  Result<bool> gone = store_.IsGone(note.id);
  if (!known || !gone) co_return ExtensionOutcome::kRetry;
  if (known->has_value() || *gone) co_return ExtensionOutcome::kDropped;  // once per id, never after its Delete
  Result<std::optional<federation::StoredObject>> post = context_.posts->Get(note.post);
  if (!post) co_return ExtensionOutcome::kRetry;
  if (!post->has_value() || (*post)->deleted != 0) {
    spdlog::info("context note {} ignored: the post {} is not known here", note.id, note.post);
    co_return ExtensionOutcome::kDropped;
  }
  // Only from the post's own node or a node this one federates with (a
  // follow either way), and a few per sending node and post, so no server
  // can crowd a post's notes.
  std::string origin = federation::AuthorityOf(note.actor).value_or("");
  if (!SameOrigin(note.actor, (*post)->author) && !FollowsWithHost(origin)) {
    spdlog::info("context note {} ignored: {} has no follow with this node", note.id, origin);
    co_return ExtensionOutcome::kDropped;
  }
  Result<std::vector<ContextNote>> present = store_.ContextNotes(note.post);
  if (!present) co_return ExtensionOutcome::kRetry;
  size_t from_sender = 0;
  for (const ContextNote& other : *present) from_sender += other.origin == origin;
  if (from_sender >= kMaxNotesPerSender) {
    spdlog::info("context note {} ignored: {} already has {} notes on {}", note.id, origin, from_sender, note.post);
    co_return ExtensionOutcome::kDropped;
  }
  AnnotationStore::Put(batch, ContextNote{.id = note.id,
                                          .post = note.post,
                                          .text = note.text,
                                          .source = note.source,
                                          .sender = note.actor,
                                          .origin = federation::AuthorityOf(note.actor).value_or(""),
                                          .created = context_.now()});
  co_return ExtensionOutcome::kDropped;
}

boost::asio::awaitable<ExtensionOutcome> AnnotationService::ReceiveDelete(const protocol::ActivityEnvelope& envelope,
                                                                          storage::Batch& batch) {
  Result<std::optional<ContextNote>> note = store_.ContextNoteById(envelope.object_id);
  if (!note) co_return ExtensionOutcome::kRetry;
  if (!note->has_value()) {
    // A node's instance actor deleting something of its own that is not
    // here (yet): if it was a context note, its Create must not land later.
    if (envelope.actor == OriginOf(envelope.actor) + "/actor" && SameOrigin(envelope.object_id, envelope.actor) &&
        SignedBy(envelope.id, envelope.actor)) {
      AnnotationStore::MarkGone(batch, envelope.object_id);
    }
    co_return ExtensionOutcome::kNotMine;
  }
  if ((*note)->origin.empty() || (*note)->sender != envelope.actor || !SignedBy(envelope.id, envelope.actor)) {
    spdlog::info("Delete {} of context note {} refused: not from the node that sent it", envelope.id,
                 envelope.object_id);
    co_return ExtensionOutcome::kDropped;
  }
  AnnotationStore::Remove(batch, **note);
  co_return ExtensionOutcome::kDropped;
}

boost::asio::awaitable<ExtensionOutcome> AnnotationService::ReceiveMarkedReply(const rapidjson::Value& object,
                                                                               const protocol::ActivityEnvelope& envelope,
                                                                               storage::Batch& batch) {
  // Whatever happens here, the inbox keeps the reply as an ordinary one.
  std::string id = protocol::StringMember(object, "id").value_or("");
  std::string author = IdMember(object, "attributedTo");
  std::string parent = IdMember(object, "inReplyTo");
  if (id.empty() || parent.empty() || author != envelope.actor || !SameOrigin(id, author)) {
    co_return ExtensionOutcome::kNotMine;
  }
  Result<std::optional<federation::StoredObject>> post = context_.posts->Get(parent);
  if (!post) co_return ExtensionOutcome::kRetry;
  if (!post->has_value() || (*post)->deleted != 0) co_return ExtensionOutcome::kNotMine;
  Result<protocol::RemoteActor> actor = co_await context_.directory->Get(author, false);
  if (!actor) co_return ExtensionOutcome::kNotMine;
  protocol::NamedPerson person{.actor = author,
                               .username = actor->preferred_username,
                               .host = federation::AuthorityOf(author).value_or("")};
  bool named = (*post)->author != author &&
               PostNames(**post, federation::AuthorityOf(context_.config->base_url).value_or(""), person);
  if (!named) {
    spdlog::info("reply {} claims a right of reply, but {} does not name its author: an ordinary reply", id, parent);
    co_return ExtensionOutcome::kNotMine;
  }
  AnnotationStore::Put(batch, RightOfReply{.parent = parent, .author = author, .reply = id, .at = context_.now()});
  co_return ExtensionOutcome::kNotMine;
}

}  // namespace parvis::annotations
