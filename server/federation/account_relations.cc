#include "server/federation/account_relations.h"

#include <algorithm>
#include <charconv>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "server/federation/domain_policy.h"

namespace parvis::federation {
namespace {

using storage::Family;

// Keys under the account's id (docs/storage.md):
//   "block/" + actor id, "mute/" + actor id, "domain/" + host -> {"since", "hide"}
//   "bookmark/" + object id -> {"since"}
//   "bookmarked/" + 8-byte since + object id -> "" (the newest-first index)
constexpr std::string_view kBookmark = "bookmark/";
constexpr std::string_view kBookmarked = "bookmarked/";

std::string_view KindPrefix(RelationKind kind) {
  switch (kind) {
    case RelationKind::kBlock: return "block/";
    case RelationKind::kMute: return "mute/";
    case RelationKind::kDomainBlock: return "domain/";
  }
  return "block/";
}

std::string Prefix(storage::AccountId account, RelationKind kind) {
  return storage::AccountKey(account, KindPrefix(kind));
}

std::string EncodeRelation(const Relation& relation, RelationKind kind) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("since");
  writer.Int64(relation.since);
  if (kind == RelationKind::kMute) {
    writer.Key("hide");
    writer.Bool(relation.hide_notifications);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Relation> DecodeRelation(std::string target, std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {});
  if (!doc || !doc->IsObject() || !doc->HasMember("since") || !(*doc)["since"].IsInt64()) {
    return Fail(ErrorCode::kCorruption, "relation record does not decode");
  }
  Relation relation{std::move(target), (*doc)["since"].GetInt64(), true};
  if (auto hide = doc->FindMember("hide"); hide != doc->MemberEnd() && hide->value.IsBool()) {
    relation.hide_notifications = hide->value.GetBool();
  }
  return relation;
}

bool SortedHas(const std::vector<std::string>& sorted, std::string_view value) {
  return std::binary_search(sorted.begin(), sorted.end(), value,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

// The actor's host with its port, its host, then each parent domain: a
// block of "example.org" covers "social.example.org".
std::vector<std::string> HostsOf(const std::string& actor) {
  std::vector<std::string> hosts;
  if (std::optional<std::string> authority = AuthorityOf(actor)) hosts.push_back(*authority);
  if (std::optional<std::string> host = HostOf(actor)) {
    std::string_view rest = *host;
    while (!rest.empty()) {
      hosts.emplace_back(rest);
      size_t dot = rest.find('.');
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
  }
  return hosts;
}

bool HostListed(const std::vector<std::string>& hosts, const std::string& actor) {
  if (hosts.empty()) return false;
  for (const std::string& host : HostsOf(actor)) {
    if (SortedHas(hosts, host)) return true;
  }
  return false;
}

std::string BookmarkIndexKey(storage::AccountId account, int64_t since, const std::string& object_id) {
  return storage::AccountKey(account, std::string(kBookmarked) +
                                          storage::EncodeUint64(static_cast<uint64_t>(std::max<int64_t>(since, 0))) +
                                          object_id);
}

}  // namespace

bool HiddenSet::Hides(const std::string& actor) const {
  return SortedHas(actors, actor) || HostListed(hosts, actor);
}

bool HiddenSet::HidesNotificationsFrom(const std::string& actor) const {
  return SortedHas(silent, actor) || HostListed(hosts, actor);
}

std::optional<std::string> NormalizeBlockedHost(std::string_view input) {
  std::string host;
  for (char c : input) host += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (host.empty() || host.size() > 253) return std::nullopt;
  std::string_view name = host;
  if (size_t colon = name.find(':'); colon != std::string_view::npos) {
    std::string_view port = name.substr(colon + 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    name = name.substr(0, colon);
  }
  // Labels of letters, digits and hyphens, none empty, none starting or ending with '-'.
  size_t label = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0 || label > 63 || name[i - label] == '-' || name[i - 1] == '-') return std::nullopt;
      label = 0;
      continue;
    }
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
    ++label;
  }
  return host;
}

void RelationStore::Put(storage::Batch& batch, storage::AccountId account, RelationKind kind,
                        const Relation& relation) const {
  batch.Put(Family::kRelations, Prefix(account, kind) + relation.target, EncodeRelation(relation, kind));
}

void RelationStore::Remove(storage::Batch& batch, storage::AccountId account, RelationKind kind,
                           const std::string& target) const {
  batch.Delete(Family::kRelations, Prefix(account, kind) + target);
}

Result<std::optional<Relation>> RelationStore::Get(storage::AccountId account, RelationKind kind,
                                                   const std::string& target) const {
  Result<std::optional<std::string>> bytes = store_.Get(Family::kRelations, Prefix(account, kind) + target);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<Relation>();
  Result<Relation> relation = DecodeRelation(target, **bytes);
  if (!relation) return std::unexpected(relation.error());
  return std::optional<Relation>(std::move(*relation));
}

Result<std::vector<Relation>> RelationStore::List(storage::AccountId account, RelationKind kind) const {
  std::vector<Relation> relations;
  std::optional<Error> failure;
  const std::string prefix = Prefix(account, kind);
  Status scanned = store_.Scan(Family::kRelations, prefix, [&](std::string_view key, std::string_view value) {
    Result<Relation> relation = DecodeRelation(std::string(key.substr(prefix.size())), value);
    if (!relation) {
      failure = relation.error();
      return false;
    }
    relations.push_back(std::move(*relation));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return relations;
}

Result<HiddenSet> RelationStore::Hidden(storage::AccountId account) const {
  HiddenSet hidden;
  for (RelationKind kind : {RelationKind::kBlock, RelationKind::kMute, RelationKind::kDomainBlock}) {
    Result<std::vector<Relation>> relations = List(account, kind);
    if (!relations) return std::unexpected(relations.error());
    for (Relation& relation : *relations) {
      if (kind == RelationKind::kDomainBlock) {
        hidden.hosts.push_back(std::move(relation.target));
        continue;
      }
      if (kind == RelationKind::kBlock || relation.hide_notifications) hidden.silent.push_back(relation.target);
      hidden.actors.push_back(std::move(relation.target));
    }
  }
  for (std::vector<std::string>* list : {&hidden.actors, &hidden.hosts, &hidden.silent}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return hidden;
}

Result<bool> RelationStore::Blocks(storage::AccountId account, const std::string& actor) const {
  Result<std::optional<Relation>> block = Get(account, RelationKind::kBlock, actor);
  if (!block) return std::unexpected(block.error());
  if (block->has_value()) return true;
  for (const std::string& host : HostsOf(actor)) {
    Result<std::optional<Relation>> domain = Get(account, RelationKind::kDomainBlock, host);
    if (!domain) return std::unexpected(domain.error());
    if (domain->has_value()) return true;
  }
  return false;
}

Result<bool> RelationStore::AddBookmark(storage::AccountId account, const std::string& object_id,
                                        int64_t now) const {
  Result<bool> has = HasBookmark(account, object_id);
  if (!has) return std::unexpected(has.error());
  if (*has) return false;
  storage::Batch batch;
  batch.Put(Family::kRelations, storage::AccountKey(account, std::string(kBookmark) + object_id),
            EncodeRelation(Relation{object_id, now, true}, RelationKind::kBlock));
  batch.Put(Family::kRelations, BookmarkIndexKey(account, now, object_id), "");
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return true;
}

Status RelationStore::RemoveBookmark(storage::AccountId account, const std::string& object_id) const {
  const std::string key = storage::AccountKey(account, std::string(kBookmark) + object_id);
  Result<std::optional<std::string>> bytes = store_.Get(Family::kRelations, key);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return Ok();
  Result<Relation> record = DecodeRelation(object_id, **bytes);
  storage::Batch batch;
  batch.Delete(Family::kRelations, key);
  if (record) batch.Delete(Family::kRelations, BookmarkIndexKey(account, record->since, object_id));
  return store_.Write(batch);
}

Result<bool> RelationStore::HasBookmark(storage::AccountId account, const std::string& object_id) const {
  Result<std::optional<std::string>> bytes =
      store_.Get(Family::kRelations, storage::AccountKey(account, std::string(kBookmark) + object_id));
  if (!bytes) return std::unexpected(bytes.error());
  return bytes->has_value();
}

Result<std::vector<Bookmark>> RelationStore::ListBookmarks(storage::AccountId account, size_t limit,
                                                           std::optional<int64_t> before) const {
  std::string cursor;
  if (before) cursor = BookmarkCursor({"", *before});
  return ListBookmarksBefore(account, limit, cursor);
}

std::string BookmarkCursor(const Bookmark& bookmark) {
  return std::to_string(bookmark.since) + ":" + bookmark.object_id;
}

Result<std::vector<Bookmark>> RelationStore::ListBookmarksBefore(storage::AccountId account, size_t limit,
                                                                 std::string_view cursor) const {
  const std::string prefix = storage::AccountKey(account, kBookmarked);
  std::string before;
  if (!cursor.empty()) {
    int64_t since = 0;
    size_t colon = cursor.find(':');
    std::string_view digits = cursor.substr(0, colon);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), since);
    if (error != std::errc() || end != digits.data() + digits.size() || since < 0) {
      return Fail(ErrorCode::kInvalidArgument, "not a bookmark cursor");
    }
    std::string object_id = colon == std::string_view::npos ? "" : std::string(cursor.substr(colon + 1));
    before = BookmarkIndexKey(account, since, object_id);
  }
  std::vector<Bookmark> bookmarks;
  if (limit == 0) return bookmarks;
  Status scanned = store_.ScanBackward(Family::kRelations, prefix, before,
                                       [&](std::string_view key, std::string_view) {
                                         std::string_view rest = key.substr(prefix.size());
                                         if (rest.size() < 8) return true;
                                         bookmarks.push_back({std::string(rest.substr(8)),
                                                              static_cast<int64_t>(storage::DecodeUint64(rest))});
                                         return bookmarks.size() < limit;
                                       });
  if (!scanned) return std::unexpected(scanned.error());
  return bookmarks;
}

}  // namespace parvis::federation
