#include "server/federation/account_import.h"

#include <fstream>
#include <set>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "server/accounts/archive_reader.h"
#include "server/federation/account_relations.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"
#include "server/federation/relation_commands.h"

namespace parvis::federation {
namespace {

using protocol::ImportList;
using storage::Family;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr size_t kMaxActorJsonBytes = 1 << 20;
constexpr size_t kMaxIdCollectionBytes = 64 << 20;
// Posts written in one batch.
constexpr size_t kHistoryBatch = 256;

constexpr std::pair<const char*, ImportList> kListFiles[] = {
    {"following_accounts.csv", ImportList::kFollowing},
    {"blocked_accounts.csv", ImportList::kBlocks},
    {"muted_accounts.csv", ImportList::kMutes},
    {"blocked_domains.csv", ImportList::kDomainBlocks},
    {"bookmarks.csv", ImportList::kBookmarks},
};

// What an input holds, read out of it.
struct Gathered {
  std::vector<std::string> names;
  std::map<ImportList, std::string> csv;
  std::optional<std::string> bookmarks_json;
  std::optional<std::string> outbox;
  std::optional<std::string> actor;
};

Result<std::string> ReadHead(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot read " + path);
  std::string bytes(max_bytes, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(max_bytes));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

Result<Gathered> Gather(const ImportInput& input) {
  Gathered found;
  std::string head_bytes;
  if (!input.path.empty()) {
    Result<std::string> head = ReadHead(input.path, 512);
    if (!head) return std::unexpected(head.error());
    head_bytes = std::move(*head);
  }
  std::string_view head = input.path.empty() ? std::string_view(input.bytes) : head_bytes;
  if (accounts::LooksLikeArchive(head)) {
    std::vector<accounts::WantedMember> wanted{{"outbox.json", protocol::kMaxOutboxBytes},
                                               {"actor.json", kMaxActorJsonBytes},
                                               {"bookmarks.json", kMaxIdCollectionBytes}};
    for (const auto& [name, list] : kListFiles) wanted.push_back({name, protocol::kMaxImportCsvBytes});
    Result<accounts::ArchiveMembers> members = input.path.empty()
                                                   ? accounts::ReadArchiveBytes(input.bytes, wanted)
                                                   : accounts::ReadArchiveFile(input.path, wanted);
    if (!members) return std::unexpected(members.error());
    for (auto& [name, bytes] : *members) {
      found.names.push_back(name);
      if (name == "outbox.json") found.outbox = std::move(bytes);
      if (name == "actor.json") found.actor = std::move(bytes);
      if (name == "bookmarks.json") found.bookmarks_json = std::move(bytes);
      for (const auto& [file, list] : kListFiles) {
        if (name == file) found.csv[list] = std::move(bytes);
      }
    }
    if (found.names.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the archive holds none of the files an import reads (outbox.json, actor.json, "
                  "bookmarks.json, following_accounts.csv, blocked_accounts.csv, muted_accounts.csv, "
                  "blocked_domains.csv, bookmarks.csv)");
    }
    return found;
  }
  std::optional<ImportList> list = input.list;
  if (!list) list = protocol::ImportListForFileName(input.file_name);
  if (!list) {
    return Fail(ErrorCode::kInvalidArgument,
                "not an archive, and which list this CSV file holds is unknown: name it "
                "(following, blocks, mutes, domain-blocks or bookmarks)");
  }
  std::string bytes = input.bytes;
  if (!input.path.empty()) {
    Result<std::string> read = ReadHead(input.path, protocol::kMaxImportCsvBytes + 1);
    if (!read) return std::unexpected(read.error());
    bytes = std::move(*read);
  }
  found.names.push_back(input.file_name.empty() ? std::string(protocol::ImportListName(*list)) : input.file_name);
  found.csv[*list] = std::move(bytes);
  return found;
}

void Failed(ImportListReport& report, std::string item, std::string reason) {
  ++report.failed;
  if (report.failures.size() < kMaxListedFailures) report.failures.push_back({std::move(item), std::move(reason)});
}

// The actor behind an address, fetched (so its inbox is known).
boost::asio::awaitable<Result<protocol::RemoteActor>> Resolve(const FollowCommandsContext& context,
                                                             std::string address) {
  Result<std::string> actor_id =
      co_await LookupAccount(*context.client, address, context.config->allow_private_addresses);
  if (!actor_id) co_return std::unexpected(actor_id.error());
  co_return co_await context.directory->Get(*actor_id, false);
}

enum class Outcome { kDone, kAlready };

// One list entry: done, there already, or why not.
boost::asio::awaitable<Result<Outcome>> ImportEntry(const ImportContext& context,
                                                    const accounts::Account* account, ImportList list,
                                                    const protocol::ImportEntry* entry) {
  const FollowCommandsContext& follows = context.follows;
  RelationStore relations(*follows.store);
  std::string self = ActorUrls(follows.config->base_url).Actor(account->name);
  if (list == ImportList::kDomainBlocks) {
    Result<std::optional<Relation>> known = relations.Get(account->id, RelationKind::kDomainBlock, entry->value);
    if (!known) co_return std::unexpected(known.error());
    if (known->has_value()) co_return Outcome::kAlready;
    if (Status blocked = BlockDomain(follows, *account, entry->value); !blocked) {
      co_return std::unexpected(blocked.error());
    }
    co_return Outcome::kDone;
  }
  if (list == ImportList::kBookmarks) {
    Result<std::optional<StoredObject>> object = co_await context.posts->GetOrFetch(entry->value);
    if (!object) co_return std::unexpected(object.error());
    if (!object->has_value() || (*object)->deleted != 0) co_return Fail(ErrorCode::kNotFound, "no such post");
    Result<bool> added = AddBookmark(follows, *account, entry->value);
    if (!added) co_return std::unexpected(added.error());
    co_return *added ? Outcome::kDone : Outcome::kAlready;
  }
  Result<protocol::RemoteActor> remote = co_await Resolve(follows, entry->value);
  if (!remote) co_return std::unexpected(remote.error());
  if (remote->id == self) co_return Fail(ErrorCode::kInvalidArgument, "that is this account");
  switch (list) {
    case ImportList::kFollowing: {
      Result<std::optional<FollowRecord>> known =
          FollowStore(*follows.store).Get(account->id, Direction::kFollowing, remote->id);
      if (!known) co_return std::unexpected(known.error());
      if (known->has_value()) co_return Outcome::kAlready;
      Result<std::string> started = StartFollow(follows, *account, *remote);
      if (!started) co_return std::unexpected(started.error());
      co_return Outcome::kDone;
    }
    case ImportList::kBlocks: {
      Result<std::optional<Relation>> known = relations.Get(account->id, RelationKind::kBlock, remote->id);
      if (!known) co_return std::unexpected(known.error());
      if (known->has_value()) co_return Outcome::kAlready;
      if (Status blocked = BlockActor(follows, *account, remote->id, &*remote); !blocked) {
        co_return std::unexpected(blocked.error());
      }
      co_return Outcome::kDone;
    }
    case ImportList::kMutes: {
      Result<std::optional<Relation>> known = relations.Get(account->id, RelationKind::kMute, remote->id);
      if (!known) co_return std::unexpected(known.error());
      if (known->has_value() && (*known)->hide_notifications == entry->flag) co_return Outcome::kAlready;
      if (Status muted = MuteActor(follows, *account, remote->id, entry->flag); !muted) {
        co_return std::unexpected(muted.error());
      }
      co_return Outcome::kDone;
    }
    default:
      co_return Fail(ErrorCode::kInvalidArgument, "unknown list");
  }
}

boost::asio::awaitable<ImportListReport> ImportOneList(const ImportContext& context,
                                                       const accounts::Account* account, ImportList list,
                                                       const protocol::ImportListFile* file) {
  ImportListReport report;
  for (const protocol::ImportRejected& rejected : file->rejected) {
    Failed(report, "line " + std::to_string(rejected.line), rejected.reason);
  }
  for (const protocol::ImportEntry& entry : file->entries) {
    Result<Outcome> outcome = co_await ImportEntry(context, account, list, &entry);
    if (!outcome) {
      Failed(report, entry.value, outcome.error().message);
    } else if (*outcome == Outcome::kDone) {
      ++report.done;
    } else {
      ++report.already;
    }
  }
  co_return report;
}

// Old id -> id here, of the posts this account imported before.
Result<std::map<std::string, std::string>> ImportedBefore(const storage::Store& store,
                                                          storage::AccountId account) {
  std::map<std::string, std::string> imported;
  std::vector<std::string> ids;
  Status scanned = store.Scan(Family::kOutbox, storage::AccountKey(account, ""),
                              [&](std::string_view, std::string_view value) {
                                ids.emplace_back(value);
                                return true;
                              });
  if (!scanned) return std::unexpected(scanned.error());
  for (const std::string& id : ids) {
    Result<std::optional<std::string>> bytes = store.Get(Family::kObjects, id);
    if (!bytes) return std::unexpected(bytes.error());
    if (!bytes->has_value()) continue;
    Result<StoredObject> object = DecodeObjectRecord(id, **bytes);
    if (object && !object->imported_from.empty()) imported.emplace(object->imported_from, id);
  }
  return imported;
}

Result<ImportHistoryReport> ImportHistory(const FollowCommandsContext& context, const accounts::Account& account,
                                          const std::string& outbox, const std::optional<std::string>& actor_json) {
  std::string old_actor;
  std::string old_followers;
  if (actor_json) {
    Result<rapidjson::Document> actor = protocol::ParseJson(*actor_json, {.max_bytes = kMaxActorJsonBytes});
    if (!actor) return Fail(ErrorCode::kInvalidArgument, "actor.json: " + actor.error().message);
    old_actor = protocol::StringMember(*actor, "id").value_or("");
    old_followers = protocol::StringMember(*actor, "followers").value_or("");
  }
  Result<protocol::HistoryFile> history = protocol::ParseOutbox(outbox, old_actor, old_followers);
  if (!history) return Fail(history.error().code, "outbox.json: " + history.error().message);
  ImportHistoryReport report;
  report.boosts = history->boosts;
  report.direct = history->direct;
  for (const protocol::ImportRejected& rejected : history->rejected) {
    ++report.failed;
    if (report.failures.size() < kMaxListedFailures) {
      report.failures.push_back({"item " + std::to_string(rejected.line), rejected.reason});
    }
  }
  Result<std::map<std::string, std::string>> imported = ImportedBefore(*context.store, account.id);
  if (!imported) return std::unexpected(imported.error());
  ActorUrls urls(context.config->base_url);
  std::string author = urls.Actor(account.name);
  storage::Batch batch;
  for (const protocol::HistoryPost& post : history->posts) {
    if (imported->count(post.original_id)) {
      ++report.already;
      continue;
    }
    Result<uint64_t> sequence = context.store->NextSequence("status");
    if (!sequence) return std::unexpected(sequence.error());
    StoredObject object;
    object.local = true;
    object.account = account.id;
    object.author = author;
    object.imported_from = post.original_id;
    object.source = protocol::HtmlText(post.content_html);
    protocol::LocalNote& note = object.note;
    note.id = author + "/statuses/" + std::to_string(*sequence);
    note.type = post.type;
    note.name = post.name;
    note.author = author;
    note.followers = urls.Followers(account.name);
    note.url = note.id;
    note.content_html = post.content_html;
    note.summary = post.summary;
    note.published = post.published;
    note.visibility = post.visibility;
    // A reply to a post imported with it points to its new id.
    auto parent = imported->find(post.in_reply_to);
    note.in_reply_to = parent == imported->end() ? post.in_reply_to : parent->second;
    object.outbox_key = storage::AccountKey(account.id, storage::EncodeUint64(*sequence));
    batch.Put(Family::kObjects, note.id, EncodeLocalRecord(object));
    batch.Put(Family::kOutbox, object.outbox_key, note.id);
    if (!note.in_reply_to.empty()) {
      batch.Put(Family::kReplies, note.in_reply_to + "\n" + storage::EncodeUint64(*sequence), note.id);
    }
    imported->emplace(post.original_id, note.id);
    report.attachments += post.attachments;
    ++report.kept;
    if (batch.size() >= kHistoryBatch) {
      if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
      batch = storage::Batch();
    }
  }
  if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
  return report;
}

void WriteFailures(Writer& writer, const std::vector<ImportFailure>& failures) {
  writer.Key("failures");
  writer.StartArray();
  for (const ImportFailure& failure : failures) {
    writer.StartObject();
    writer.Key("item");
    writer.String(failure.item.c_str(), static_cast<rapidjson::SizeType>(failure.item.size()));
    writer.Key("reason");
    writer.String(failure.reason.c_str(), static_cast<rapidjson::SizeType>(failure.reason.size()));
    writer.EndObject();
  }
  writer.EndArray();
}

void WriteCount(Writer& writer, const char* key, size_t value) {
  writer.Key(key);
  writer.Uint64(value);
}

boost::asio::awaitable<http::Response> ImportCommand(const ImportContext& context, http::Request& request) {
  if (!context.follows.serving->load()) {
    co_return http::Response::JsonError(503, "the node must be serving to reach other servers");
  }
  std::optional<std::string> name = protocol::StringMember(request.json, "account");
  std::optional<std::string> file = protocol::StringMember(request.json, "file");
  std::optional<std::string> list_name = protocol::StringMember(request.json, "list");
  if (!name || !file) co_return http::Response::JsonError(400, "account and file are required strings");
  if (file->empty() || file->front() != '/') co_return http::Response::JsonError(400, "file must be an absolute path");
  ImportInput input;
  input.path = *file;
  input.file_name = *file;
  if (list_name) {
    input.list = protocol::ParseImportListName(*list_name);
    if (!input.list) {
      co_return http::Response::JsonError(400, "list must be following, blocks, mutes, domain-blocks or bookmarks");
    }
  }
  Result<std::optional<accounts::Account>> account = context.follows.accounts->FindByName(*name);
  if (!account) co_return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) co_return http::Response::JsonError(404, "no such account");
  Result<ImportReport> report = co_await ImportAccountData(context, **account, std::move(input));
  if (!report) co_return http::Response::FromError(report.error());
  co_return http::Response::Json(200, ImportReportJson(*report));
}

}  // namespace

boost::asio::awaitable<Result<ImportReport>> ImportAccountData(const ImportContext& context,
                                                               const accounts::Account& account,
                                                               ImportInput input) {
  Result<Gathered> gathered = Gather(input);
  if (!gathered) co_return std::unexpected(gathered.error());
  // Everything is parsed before anything is done, so a file that does not
  // read changes nothing.
  std::map<ImportList, protocol::ImportListFile> lists;
  for (const auto& [list, csv] : gathered->csv) {
    Result<protocol::ImportListFile> parsed = protocol::ParseImportList(list, csv);
    if (!parsed) {
      co_return Fail(parsed.error().code, std::string(protocol::ImportListName(list)) + ": " + parsed.error().message);
    }
    lists.emplace(list, std::move(*parsed));
  }
  if (gathered->bookmarks_json) {
    Result<protocol::ImportListFile> parsed = protocol::ParseIdCollection(*gathered->bookmarks_json);
    if (!parsed) co_return Fail(parsed.error().code, "bookmarks.json: " + parsed.error().message);
    protocol::ImportListFile& bookmarks = lists[ImportList::kBookmarks];
    for (protocol::ImportEntry& entry : parsed->entries) bookmarks.entries.push_back(std::move(entry));
    for (protocol::ImportRejected& rejected : parsed->rejected) bookmarks.rejected.push_back(std::move(rejected));
  }
  ImportReport report;
  report.files = gathered->names;
  // History first: bookmarks and replies may point at imported posts.
  if (gathered->outbox) {
    Result<ImportHistoryReport> history =
        ImportHistory(context.follows, account, *gathered->outbox, gathered->actor);
    if (!history) co_return std::unexpected(history.error());
    report.history = std::move(*history);
  }
  for (const auto& [list, file] : lists) {
    report.lists[list] = co_await ImportOneList(context, &account, list, &file);
  }
  spdlog::info("import for account {}: {} files", account.id, report.files.size());
  co_return report;
}

std::string ImportReportJson(const ImportReport& report) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("files");
  writer.StartArray();
  for (const std::string& name : report.files) writer.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
  writer.EndArray();
  writer.Key("lists");
  writer.StartObject();
  for (const auto& [list, outcome] : report.lists) {
    writer.Key(protocol::ImportListName(list));
    writer.StartObject();
    WriteCount(writer, "done", outcome.done);
    WriteCount(writer, "already", outcome.already);
    WriteCount(writer, "failed", outcome.failed);
    WriteFailures(writer, outcome.failures);
    writer.EndObject();
  }
  writer.EndObject();
  if (report.history) {
    const ImportHistoryReport& history = *report.history;
    writer.Key("posts");
    writer.StartObject();
    WriteCount(writer, "kept", history.kept);
    WriteCount(writer, "already", history.already);
    WriteCount(writer, "boosts_left_out", history.boosts);
    WriteCount(writer, "direct_left_out", history.direct);
    WriteCount(writer, "attachments_left_out", history.attachments);
    WriteCount(writer, "failed", history.failed);
    WriteFailures(writer, history.failures);
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void AddImportCommand(http::Router& control_router, const ImportContext& context) {
  control_router.AddAsync(
      "POST", "/control/accounts/import",
      [context](http::Request& request) { return ImportCommand(context, request); },
      http::RouteOptions{.json_body = true});
}

}  // namespace parvis::federation
