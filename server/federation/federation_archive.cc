#include "server/federation/federation_archive.h"

#include "parvis/protocol/note.h"
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
      {"bookmarks.json", "notes you bookmarked (an OrderedCollection; no bookmarks on this node yet, so empty)"},
      {"following_accounts.csv", "accounts you follow (Mastodon's format: address, boosts, notify, languages)"},
      {"followers.csv", "accounts that follow you (address, actor id)"},
      {"blocked_accounts.csv", "accounts you block (Mastodon's format; no blocks on this node yet, so empty)"},
      {"muted_accounts.csv", "accounts you mute (Mastodon's format; no mutes on this node yet, so empty)"},
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
    for (const char* name : {"likes", "bookmarks"}) {
      if (Status written = tar.Add(std::string(name) + ".json",
                                   R"({"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection","totalItems":0,"orderedItems":[]})");
          !written) {
        return written;
      }
    }
    FollowStore follows(*db);
    Result<std::vector<FollowRecord>> following = follows.List(account.id, Direction::kFollowing);
    if (!following) return std::unexpected(following.error());
    std::string csv = "Account address,Show boosts,Notify on new posts,Languages\n";
    for (const FollowRecord& follow : *following) csv += Csv(AccountAddress(follow.actor)) + ",true,false,\n";
    if (Status written = tar.Add("following_accounts.csv", csv); !written) return written;
    Result<std::vector<FollowRecord>> followers = follows.List(account.id, Direction::kFollowers);
    if (!followers) return std::unexpected(followers.error());
    csv = "Account address,Actor\n";
    for (const FollowRecord& follow : *followers) csv += Csv(AccountAddress(follow.actor)) + "," + Csv(follow.actor) + "\n";
    if (Status written = tar.Add("followers.csv", csv); !written) return written;
    if (Status written = tar.Add("blocked_accounts.csv", "Account address\n"); !written) return written;
    return tar.Add("muted_accounts.csv", "Account address,Hide notifications\n");
  };
  return section;
}

}  // namespace parvis::federation
