#include "server/federation/federation_archive.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/note.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/account_relations.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_store.h"

namespace parvis::federation {
namespace {

// "name@host" of an actor id "https://host/users/name" (Mastodon's CSV
// columns hold such addresses); the id itself when it has another shape.
std::string AccountAddress(const std::string& actor) {
  size_t scheme = actor.find("://");
  size_t users = actor.find("/users/");
  if (scheme == std::string::npos || users == std::string::npos) return actor;
  std::string host = actor.substr(scheme + 3, users - scheme - 3);
  std::string name = actor.substr(users + 7);
  if (name.empty() || name.find('/') != std::string::npos) return actor;
  return name + "@" + host;
}

// "name@host" of an actor: preferredUsername and host from what this node
// stored of it, else from the shape of its id.
std::string Address(const storage::Store& store, const std::string& actor) {
  Result<std::optional<std::string>> bytes = store.Get(storage::Family::kRemoteActors, actor);
  if (bytes && bytes->has_value()) {
    Result<protocol::RemoteActor> known = protocol::DecodeRemoteActor(**bytes);
    std::optional<std::string> host = AuthorityOf(actor);
    if (known && !known->preferred_username.empty() && host) return known->preferred_username + "@" + *host;
  }
  return AccountAddress(actor);
}

std::string Csv(std::string field) {
  if (field.find_first_of(",\"\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

accounts::ArchiveSection FederationSection(storage::Store& store, PostService& posts,
                                           std::function<std::string(const accounts::Account&)> actor_document) {
  accounts::ArchiveSection section;
  section.files = {
      {"actor.json", "your actor, as other servers see it (ActivityStreams)"},
      {"outbox.json", "every note you wrote, of every audience, with its last edit time, as Create activities "
                      "in an OrderedCollection (ActivityStreams), oldest first"},
      {"likes.json", "notes you liked (an OrderedCollection; this node does not keep them yet, so it is empty)"},
      {"bookmarks.json", "ids of the posts you bookmarked, newest first (an OrderedCollection, as Mastodon "
                         "exports it)"},
      {"following_accounts.csv", "accounts you follow (Mastodon's format: address, boosts, notify, languages)"},
      {"followers.csv", "accounts that follow you (address, actor id)"},
      {"blocked_accounts.csv", "accounts you block, one name@host a line (Mastodon's format, no header)"},
      {"muted_accounts.csv", "accounts you mute (Mastodon's format: address, whether their notifications "
                             "are hidden too)"},
      {"blocked_domains.csv", "domains you block, one a line (Mastodon's format, no header)"},
  };
  storage::Store* db = &store;
  PostService* service = &posts;
  section.write = [db, service, actor_document](const accounts::Account& account, const std::string& actor,
                                                accounts::TarWriter& tar) -> Status {
    if (Status written = tar.Add("actor.json", actor_document(account)); !written) return written;
    // The outbox, one note at a time.
    if (Status begun = tar.Begin("outbox.json"); !begun) return begun;
    if (Status written = tar.Append(R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + actor +
                                    R"(/outbox","type":"OrderedCollection","orderedItems":[)");
        !written) {
      return written;
    }
    size_t count = 0;
    std::optional<Error> failure;
    Status scanned = db->Scan(storage::Family::kOutbox, storage::EncodeAccountId(account.id),
                              [&](std::string_view, std::string_view note_id) {
                                Result<std::optional<StoredObject>> object = service->Get(std::string(note_id));
                                if (!object) {
                                  failure = object.error();
                                  return false;
                                }
                                if (!object->has_value() || (*object)->deleted != 0 || !(*object)->local) return true;
                                std::string item = (count++ ? "," : "") +
                                                   protocol::CreateNoteActivity((*object)->note, (*object)->note.id + "/activity",
                                                                                /*with_context=*/false);
                                if (Status written = tar.Append(item); !written) {
                                  failure = written.error();
                                  return false;
                                }
                                return true;
                              });
    if (!scanned) return scanned;
    if (failure) return std::unexpected(*failure);
    if (Status written = tar.Append("],\"totalItems\":" + std::to_string(count) + "}"); !written) return written;
    if (Status written = tar.Add("likes.json",
                                 R"({"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection","totalItems":0,"orderedItems":[]})");
        !written) {
      return written;
    }
    RelationStore relations(*db);
    // Every bookmark, newest first, a page at a time.
    if (Status begun = tar.Begin("bookmarks.json"); !begun) return begun;
    if (Status written = tar.Append(
            R"({"@context":"https://www.w3.org/ns/activitystreams","id":"bookmarks.json","type":"OrderedCollection","orderedItems":[)");
        !written) {
      return written;
    }
    std::string cursor;
    bool first = true;
    for (;;) {
      Result<std::vector<Bookmark>> page = relations.ListBookmarksBefore(account.id, 500, cursor);
      if (!page) return std::unexpected(page.error());
      for (const Bookmark& bookmark : *page) {
        rapidjson::StringBuffer id;
        rapidjson::Writer<rapidjson::StringBuffer> writer(id);
        writer.String(bookmark.object_id.c_str(), static_cast<rapidjson::SizeType>(bookmark.object_id.size()));
        if (Status written = tar.Append((first ? "" : ",") + std::string(id.GetString(), id.GetSize())); !written) {
          return written;
        }
        first = false;
      }
      if (page->size() < 500) break;
      cursor = BookmarkCursor(page->back());
    }
    if (Status written = tar.Append("]}"); !written) return written;
    FollowStore follows(*db);
    Result<std::vector<FollowRecord>> following = follows.List(account.id, Direction::kFollowing);
    if (!following) return std::unexpected(following.error());
    std::string csv = "Account address,Show boosts,Notify on new posts,Languages\n";
    for (const FollowRecord& follow : *following) csv += Csv(Address(*db, follow.actor)) + ",true,false,\n";
    if (Status written = tar.Add("following_accounts.csv", csv); !written) return written;
    Result<std::vector<FollowRecord>> followers = follows.List(account.id, Direction::kFollowers);
    if (!followers) return std::unexpected(followers.error());
    csv = "Account address,Actor\n";
    for (const FollowRecord& follow : *followers) csv += Csv(Address(*db, follow.actor)) + "," + Csv(follow.actor) + "\n";
    if (Status written = tar.Add("followers.csv", csv); !written) return written;
    Result<std::vector<Relation>> blocks = relations.List(account.id, RelationKind::kBlock);
    if (!blocks) return std::unexpected(blocks.error());
    csv.clear();
    for (const Relation& block : *blocks) csv += Csv(Address(*db, block.target)) + "\n";
    if (Status written = tar.Add("blocked_accounts.csv", csv); !written) return written;
    Result<std::vector<Relation>> mutes = relations.List(account.id, RelationKind::kMute);
    if (!mutes) return std::unexpected(mutes.error());
    csv = "Account address,Hide notifications\n";
    for (const Relation& mute : *mutes) {
      csv += Csv(Address(*db, mute.target)) + (mute.hide_notifications ? ",true\n" : ",false\n");
    }
    if (Status written = tar.Add("muted_accounts.csv", csv); !written) return written;
    Result<std::vector<Relation>> domains = relations.List(account.id, RelationKind::kDomainBlock);
    if (!domains) return std::unexpected(domains.error());
    csv.clear();
    for (const Relation& domain : *domains) csv += domain.target + "\n";
    return tar.Add("blocked_domains.csv", csv);
  };
  return section;
}

}  // namespace parvis::federation
