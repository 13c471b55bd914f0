#include "parvis/protocol/import_formats.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

#include "parvis/protocol/discovery.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

constexpr std::array<std::pair<ImportList, const char*>, 5> kNames{{
    {ImportList::kFollowing, "following"},
    {ImportList::kBlocks, "blocks"},
    {ImportList::kMutes, "mutes"},
    {ImportList::kDomainBlocks, "domain-blocks"},
    {ImportList::kBookmarks, "bookmarks"},
}};

constexpr size_t kMaxValueBytes = 2048;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// One CSV record (RFC 4180) from `text` at `pos`; advances `pos` and counts
// the newlines it crosses in `line`.
std::vector<std::string> NextRecord(std::string_view text, size_t& pos, size_t& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
    } else if (c == '"' && Trim(fields.back()).empty()) {
      fields.back().clear();
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t colon = host.find(':');
  std::string_view name = host.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
  }
  if (name.empty() || name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool ValidUrl(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || url.size() > kMaxValueBytes) return false;
  return std::none_of(url.begin(), url.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

// name@host from the forms people paste; the reason when it is none.
Result<std::string> Address(std::string_view text) {
  if (text.substr(0, 5) == "acct:") text.remove_prefix(5);
  if (!text.empty() && text.front() == '@') text.remove_prefix(1);
  size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0) {
    return Fail(ErrorCode::kInvalidArgument, "not an account address (name@host)");
  }
  std::string_view name = text.substr(0, at);
  std::string host = Lower(text.substr(at + 1));
  bool name_ok = name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
                 });
  if (!name_ok) return Fail(ErrorCode::kInvalidArgument, "the name part holds characters an account name cannot");
  if (!ValidHost(host)) return Fail(ErrorCode::kInvalidArgument, "not a valid host after @");
  return std::string(name) + "@" + host;
}

// The value of one row, or why it is none.
Result<ImportEntry> RowEntry(ImportList list, const std::vector<std::string>& fields) {
  std::string_view first = Trim(fields[0]);
  if (first.size() > kMaxValueBytes) return Fail(ErrorCode::kInvalidArgument, "the value is too long");
  ImportEntry entry;
  switch (list) {
    case ImportList::kFollowing:
    case ImportList::kBlocks:
    case ImportList::kMutes: {
      Result<std::string> address = Address(first);
      if (!address) return std::unexpected(address.error());
      entry.value = *address;
      if (list == ImportList::kMutes && fields.size() > 1) {
        std::string hide = Lower(Trim(fields[1]));
        if (hide == "false") {
          entry.flag = false;
        } else if (!hide.empty() && hide != "true") {
          return Fail(ErrorCode::kInvalidArgument, "Hide notifications must be true or false");
        }
      }
      return entry;
    }
    case ImportList::kDomainBlocks: {
      std::string host = Lower(first);
      if (!ValidHost(host)) return Fail(ErrorCode::kInvalidArgument, "not a host name");
      entry.value = host;
      return entry;
    }
    case ImportList::kBookmarks:
      if (!ValidUrl(first)) return Fail(ErrorCode::kInvalidArgument, "not an http(s) URL");
      entry.value = std::string(first);
      return entry;
  }
  return Fail(ErrorCode::kInvalidArgument, "unknown list");
}

bool IsHeader(const std::vector<std::string>& fields) {
  std::string first = Lower(Trim(fields[0]));
  return first == "account address" || first == "#domain" || first == "domain" || first == "url";
}

void AddUnique(ImportListFile& file, std::set<std::string>& seen, ImportEntry entry) {
  if (seen.insert(entry.value).second) file.entries.push_back(std::move(entry));
}

// An id given as a string or as an object with an id.
std::string IdOf(const rapidjson::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsObject()) return StringMember(value, "id").value_or("");
  return "";
}

bool IsPublic(const rapidjson::Value& value) {
  if (!value.IsString()) return false;
  std::string_view address(value.GetString(), value.GetStringLength());
  return address == kPublicCollection || address == "as:Public" || address == "Public";
}

// Whether `field` of `object` (a string or an array) holds an address that `match` accepts.
template <typename Match>
bool Addresses(const rapidjson::Value& object, const char* field, Match match) {
  auto it = object.FindMember(field);
  if (it == object.MemberEnd()) return false;
  if (it->value.IsArray()) {
    for (const auto& address : it->value.GetArray()) {
      if (match(address)) return true;
    }
    return false;
  }
  return match(it->value);
}

std::optional<Visibility> AudienceOf(const rapidjson::Value& object, std::string_view followers) {
  if (Addresses(object, "to", IsPublic)) return Visibility::kPublic;
  if (Addresses(object, "cc", IsPublic)) return Visibility::kUnlisted;
  auto is_followers = [&](const rapidjson::Value& value) {
    if (!value.IsString()) return false;
    std::string_view address(value.GetString(), value.GetStringLength());
    if (!followers.empty()) return address == followers;
    return address.size() > 10 && address.substr(address.size() - 10) == "/followers";
  };
  if (Addresses(object, "to", is_followers) || Addresses(object, "cc", is_followers)) {
    return Visibility::kFollowers;
  }
  return std::nullopt;
}

// The HTML of a post: `content`, else the first entry of `contentMap`.
std::string ContentOf(const rapidjson::Value& object) {
  if (auto content = StringMember(object, "content")) return *content;
  auto map = object.FindMember("contentMap");
  if (map != object.MemberEnd() && map->value.IsObject()) {
    for (const auto& entry : map->value.GetObject()) {
      if (entry.value.IsString()) return std::string(entry.value.GetString(), entry.value.GetStringLength());
    }
  }
  return "";
}

Result<HistoryPost> PostOf(const rapidjson::Value& item, const rapidjson::Value& object,
                           std::string_view followers, size_t& direct) {
  HistoryPost post;
  post.original_id = IdOf(object);
  if (!ValidUrl(post.original_id)) return Fail(ErrorCode::kInvalidArgument, "the post has no valid id");
  post.type = StringMember(object, "type").value_or("");
  if (post.type != "Note" && post.type != "Article") {
    return Fail(ErrorCode::kInvalidArgument, "posts of type '" + post.type.substr(0, 40) + "' are not kept");
  }
  std::optional<Visibility> audience = AudienceOf(object, followers);
  if (!audience) audience = AudienceOf(item, followers);
  if (!audience) {
    ++direct;
    return Fail(ErrorCode::kUnsupported, "direct");
  }
  post.visibility = *audience;
  std::optional<std::string> published = StringMember(object, "published");
  if (!published) published = StringMember(item, "published");
  Result<int64_t> when = ParseRfc3339(published.value_or(""));
  if (!when) return Fail(ErrorCode::kInvalidArgument, "the post has no valid published date");
  post.published = *when;
  Result<std::string> html = SanitizeHtml(ContentOf(object));
  if (!html) return Fail(ErrorCode::kInvalidArgument, "the post's text is too long");
  post.content_html = std::move(*html);
  post.summary = HtmlText(StringMember(object, "summary").value_or(""));
  post.name = HtmlText(StringMember(object, "name").value_or(""));
  auto parent = object.FindMember("inReplyTo");
  if (parent != object.MemberEnd()) {
    std::string id = IdOf(parent->value);
    if (ValidUrl(id)) post.in_reply_to = std::move(id);
  }
  auto attachment = object.FindMember("attachment");
  if (attachment != object.MemberEnd()) {
    post.attachments = attachment->value.IsArray() ? attachment->value.Size() : 1;
  }
  if (post.content_html.empty() && post.summary.empty() && post.attachments == 0) {
    return Fail(ErrorCode::kInvalidArgument, "the post is empty");
  }
  return post;
}

}  // namespace

const char* ImportListName(ImportList list) {
  for (const auto& [value, name] : kNames) {
    if (value == list) return name;
  }
  return "";
}

std::optional<ImportList> ParseImportListName(std::string_view name) {
  for (const auto& [value, text] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::optional<ImportList> ImportListForFileName(std::string_view file_name) {
  size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  std::string name = Lower(file_name);
  if (name == "following_accounts.csv") return ImportList::kFollowing;
  if (name == "blocked_accounts.csv") return ImportList::kBlocks;
  if (name == "muted_accounts.csv") return ImportList::kMutes;
  if (name == "blocked_domains.csv") return ImportList::kDomainBlocks;
  if (name == "bookmarks.csv") return ImportList::kBookmarks;
  return std::nullopt;
}

Result<ImportListFile> ParseImportList(ImportList list, std::string_view csv) {
  if (csv.size() > kMaxImportCsvBytes) {
    return Fail(ErrorCode::kLimitExceeded,
                "the file is larger than " + std::to_string(kMaxImportCsvBytes) + " bytes");
  }
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  ImportListFile file;
  std::set<std::string> seen;
  size_t pos = 0;
  size_t line = 1;
  bool first = true;
  while (pos < csv.size()) {
    size_t at = line;
    std::vector<std::string> fields = NextRecord(csv, pos, line);
    if (fields.size() == 1 && Trim(fields[0]).empty()) continue;
    if (std::exchange(first, false) && IsHeader(fields)) continue;
    if (file.entries.size() + file.rejected.size() >= kMaxImportRows) {
      return Fail(ErrorCode::kLimitExceeded,
                  "the file has more than " + std::to_string(kMaxImportRows) + " rows");
    }
    Result<ImportEntry> entry = RowEntry(list, fields);
    if (entry) {
      AddUnique(file, seen, std::move(*entry));
    } else {
      file.rejected.push_back({at, entry.error().message});
    }
  }
  return file;
}

Result<ImportListFile> ParseIdCollection(std::string_view json) {
  Result<rapidjson::Document> doc = ParseJson(json, {.max_bytes = 64 << 20, .max_depth = 32});
  if (!doc) return std::unexpected(doc.error());
  if (!doc->IsObject()) return Fail(ErrorCode::kInvalidArgument, "not a JSON object");
  auto items = doc->FindMember("orderedItems");
  if (items == doc->MemberEnd()) items = doc->FindMember("items");
  if (items == doc->MemberEnd() || !items->value.IsArray()) {
    return Fail(ErrorCode::kInvalidArgument, "not a collection: no orderedItems array");
  }
  if (items->value.Size() > kMaxImportRows) {
    return Fail(ErrorCode::kLimitExceeded, "more than " + std::to_string(kMaxImportRows) + " items");
  }
  ImportListFile file;
  std::set<std::string> seen;
  size_t index = 0;
  for (const auto& item : items->value.GetArray()) {
    std::string id = IdOf(item);
    if (ValidUrl(id)) {
      AddUnique(file, seen, {std::move(id), true});
    } else {
      file.rejected.push_back({index, "not an http(s) id"});
    }
    ++index;
  }
  return file;
}

Result<HistoryFile> ParseOutbox(std::string_view json, std::string_view actor, std::string_view followers) {
  Result<rapidjson::Document> doc = ParseJson(json, {.max_bytes = kMaxOutboxBytes, .max_depth = 64});
  if (!doc) return std::unexpected(doc.error());
  if (!doc->IsObject()) return Fail(ErrorCode::kInvalidArgument, "outbox.json is not a JSON object");
  auto items = doc->FindMember("orderedItems");
  if (items == doc->MemberEnd()) items = doc->FindMember("items");
  if (items == doc->MemberEnd() || !items->value.IsArray()) {
    return Fail(ErrorCode::kInvalidArgument, "outbox.json has no orderedItems array");
  }
  HistoryFile file;
  file.actor = std::string(actor);
  std::set<std::string> seen;
  size_t index = 0;
  for (const auto& item : items->value.GetArray()) {
    size_t at = index++;
    std::string type = item.IsObject() ? StringMember(item, "type").value_or("") : "";
    if (type == "Announce") {
      ++file.boosts;
      continue;
    }
    if (type != "Create") {
      file.rejected.push_back({at, type.empty() ? "not an activity" : "activities of type '" + type.substr(0, 40) + "' are not kept"});
      continue;
    }
    auto actor_member = item.FindMember("actor");
    std::string author = actor_member == item.MemberEnd() ? "" : IdOf(actor_member->value);
    if (file.actor.empty()) file.actor = author;
    if (author != file.actor) {
      file.rejected.push_back({at, "written by another actor"});
      continue;
    }
    auto object = item.FindMember("object");
    if (object == item.MemberEnd() || !object->value.IsObject()) {
      file.rejected.push_back({at, "the Create does not embed its post"});
      continue;
    }
    Result<HistoryPost> post = PostOf(item, object->value, followers, file.direct);
    if (!post) {
      if (post.error().code != ErrorCode::kUnsupported) file.rejected.push_back({at, post.error().message});
      continue;
    }
    if (!seen.insert(post->original_id).second) continue;
    if (file.posts.size() >= kMaxHistoryPosts) {
      return Fail(ErrorCode::kLimitExceeded, "outbox.json holds more than " + std::to_string(kMaxHistoryPosts) + " posts");
    }
    file.posts.push_back(std::move(*post));
  }
  std::stable_sort(file.posts.begin(), file.posts.end(),
                   [](const HistoryPost& a, const HistoryPost& b) { return a.published < b.published; });
  return file;
}

}  // namespace parvis::protocol
