#include "server/accounts/rules_store.h"

#include <algorithm>
#include <mutex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/markdown.h"
#include "parvis/protocol/timestamps.h"
#include "server/accounts/node_settings.h"

namespace parvis::accounts {
namespace {

using storage::Family;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// One writer at a time in the process, so two saves cannot both take N+1.
std::mutex publish_mutex;

constexpr std::string_view kMigratedSummary = "Rules as they stood before versions were kept";

std::string Prefix(RulesDocument document) { return std::string(RulesDocumentName(document)) + "/"; }

std::string Key(RulesDocument document, uint64_t number) {
  return Prefix(document) + storage::EncodeUint64(number);
}

// Walks `text` as UTF-8. False at a malformed sequence (overlong, surrogate,
// above U+10FFFF, truncated) or at a control character (C0 but those in
// `allowed`, DEL, C1).
bool CleanUtf8(std::string_view text, std::string_view allowed) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    uint32_t cp = 0;
    size_t length = 0;
    if (byte < 0x80) {
      cp = byte;
      length = 1;
    } else if ((byte & 0xE0) == 0xC0) {
      cp = byte & 0x1F;
      length = 2;
    } else if ((byte & 0xF0) == 0xE0) {
      cp = byte & 0x0F;
      length = 3;
    } else if ((byte & 0xF8) == 0xF0) {
      cp = byte & 0x07;
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    constexpr uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kShortest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    if (control && (cp >= 0x80 || allowed.find(static_cast<char>(cp)) == std::string_view::npos)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool Blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

Status ValidateLine(std::string_view field, std::string_view value, size_t max_bytes, bool required) {
  if (required && Blank(value)) return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is empty");
  if (value.size() > max_bytes) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!CleanUtf8(value, "")) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + " is not one line of UTF-8 text without control characters");
  }
  return {};
}

std::string Encode(const RulesVersion& version) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteString(writer, "text", version.text);
  WriteString(writer, "html", version.html);
  writer.Key("effectiveAt");
  writer.Int64(version.effective_at);
  WriteString(writer, "author", version.author);
  WriteString(writer, "summary", version.summary);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<RulesVersion> Decode(RulesDocument document, std::string_view key, std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {.max_bytes = 1 << 20});
  std::string prefix = Prefix(document);
  if (!doc || !doc->IsObject() || key.size() != prefix.size() + 8 || !doc->HasMember("effectiveAt") ||
      !(*doc)["effectiveAt"].IsInt64()) {
    return Fail(ErrorCode::kCorruption, "a version of the " + std::string(RulesDocumentName(document)) +
                                            " does not decode");
  }
  RulesVersion version;
  version.document = document;
  version.number = storage::DecodeUint64(key.substr(prefix.size()));
  version.effective_at = (*doc)["effectiveAt"].GetInt64();
  for (auto [name, into] : {std::pair{"text", &version.text}, std::pair{"html", &version.html},
                            std::pair{"author", &version.author}, std::pair{"summary", &version.summary}}) {
    *into = protocol::StringMember(*doc, name).value_or("");
  }
  return version;
}

}  // namespace

const char* RulesDocumentName(RulesDocument document) {
  return document == RulesDocument::kTerms ? "terms" : "rules";
}

std::optional<RulesDocument> ParseRulesDocument(std::string_view name) {
  for (RulesDocument document : kRulesDocuments) {
    if (name == RulesDocumentName(document)) return document;
  }
  return std::nullopt;
}

std::string NormaliseRulesText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      out += '\n';
    }
  }
  // Trailing blank lines and spaces mean nothing in Markdown; a form sends
  // them or not depending on the browser.
  out.erase(out.find_last_not_of(" \t\n") + 1);
  return out;
}

Status ValidateRulesText(std::string_view text) {
  if (Blank(text)) return Fail(ErrorCode::kInvalidArgument, "the text is empty");
  if (text.size() > kMaxRulesTextBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "the text is longer than " + std::to_string(kMaxRulesTextBytes) + " bytes");
  }
  if (!CleanUtf8(text, "\n\t")) {
    return Fail(ErrorCode::kInvalidArgument,
                "the text is not UTF-8 without control characters (newlines and tabs are allowed)");
  }
  return {};
}

RulesStore::RulesStore(storage::Store& store, std::function<int64_t()> now)
    : store_(store), now_(std::move(now)) {}

Result<std::optional<RulesVersion>> RulesStore::Publish(RulesDocument document, std::string_view text,
                                                        std::string_view author, std::string_view summary) {
  std::string normalised = NormaliseRulesText(text);
  if (Status valid = ValidateRulesText(normalised); !valid) return std::unexpected(valid.error());
  if (Status valid = ValidateLine("the summary", summary, kMaxRulesSummaryBytes, true); !valid) {
    return std::unexpected(valid.error());
  }
  if (Status valid = ValidateLine("the author", author, kMaxRulesAuthorBytes, false); !valid) {
    return std::unexpected(valid.error());
  }
  std::lock_guard lock(publish_mutex);
  Result<std::optional<RulesVersion>> current = Current(document);
  if (!current) return std::unexpected(current.error());
  if (current->has_value() && (*current)->text == normalised) return std::optional<RulesVersion>();
  RulesVersion version;
  version.document = document;
  version.number = current->has_value() ? (*current)->number + 1 : 1;
  version.text = std::move(normalised);
  // Rendered once: a version shows the same forever, and 20 kB of Markdown
  // is not parsed again on every read.
  version.html = protocol::RenderMarkdown(version.text, {});
  // Dates never go backwards, even if the clock does.
  version.effective_at = std::max(now_(), current->has_value() ? (*current)->effective_at : int64_t{0});
  version.author = author;
  version.summary = summary;
  storage::Batch batch;
  batch.Put(Family::kRules, Key(document, version.number), Encode(version));
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return std::optional<RulesVersion>(std::move(version));
}

Result<std::optional<RulesVersion>> RulesStore::Current(RulesDocument document) const {
  std::optional<Result<RulesVersion>> found;
  Status scanned = store_.ScanBackward(Family::kRules, Prefix(document), "",
                                       [&](std::string_view key, std::string_view value) {
                                         found = Decode(document, key, value);
                                         return false;
                                       });
  if (!scanned) return std::unexpected(scanned.error());
  if (!found) return std::optional<RulesVersion>();
  if (!*found) return std::unexpected(found->error());
  return std::optional<RulesVersion>(std::move(**found));
}

Result<std::optional<RulesVersion>> RulesStore::Find(RulesDocument document, uint64_t number) const {
  std::string key = Key(document, number);
  Result<std::optional<std::string>> bytes = store_.Get(Family::kRules, key);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<RulesVersion>();
  Result<RulesVersion> version = Decode(document, key, **bytes);
  if (!version) return std::unexpected(version.error());
  return std::optional<RulesVersion>(std::move(*version));
}

Result<std::vector<RulesVersion>> RulesStore::History(RulesDocument document) const {
  std::vector<RulesVersion> versions;
  std::optional<Error> failure;
  Status scanned = store_.ScanBackward(Family::kRules, Prefix(document), "",
                                       [&](std::string_view key, std::string_view value) {
                                         Result<RulesVersion> version = Decode(document, key, value);
                                         if (!version) {
                                           failure = version.error();
                                           return false;
                                         }
                                         versions.push_back(std::move(*version));
                                         return true;
                                       });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return versions;
}

Result<bool> RulesStore::AdoptLegacyRules(std::string_view legacy_text) {
  std::string text = NormaliseRulesText(legacy_text);
  if (Blank(text)) return false;
  {
    // A cheap look first: once migrated, every later call stops here.
    Result<std::optional<RulesVersion>> current = Current(RulesDocument::kRules);
    if (!current) return std::unexpected(current.error());
    if (current->has_value()) return false;
  }
  std::lock_guard lock(publish_mutex);
  Result<std::optional<RulesVersion>> current = Current(RulesDocument::kRules);
  if (!current) return std::unexpected(current.error());
  if (current->has_value()) return false;
  // Settings allowed 5000 characters, so the text fits; clean it rather than
  // lose it if an old record holds something the limits now refuse.
  if (!ValidateRulesText(text)) {
    std::string kept;
    for (char c : text) {
      if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') kept += c;
    }
    text = kept.substr(0, kMaxRulesTextBytes);
    if (!ValidateRulesText(text)) return false;
  }
  RulesVersion version{.document = RulesDocument::kRules,
                       .number = 1,
                       .text = text,
                       .html = protocol::RenderMarkdown(text, {}),
                       .effective_at = now_(),
                       .author = "",
                       .summary = std::string(kMigratedSummary)};
  storage::Batch batch;
  batch.Put(Family::kRules, Key(RulesDocument::kRules, 1), Encode(version));
  if (Status written = store_.Write(batch); !written) return std::unexpected(written.error());
  return true;
}

Result<bool> AdoptSettingsRules(RulesStore& rules, const storage::Store& store, const Config& config) {
  return rules.AdoptLegacyRules(LoadNodeSettings(store, config).rules);
}

std::string RulesVersionUrl(const RulesVersion& version, std::string_view base_url) {
  return std::string(base_url) + "/about/" + RulesDocumentName(version.document) + "/v/" +
         std::to_string(version.number);
}

namespace {

// The members every listing of a version has.
void WriteVersionMembers(JsonWriter& writer, const RulesVersion& version, std::string_view base_url) {
  writer.Key("version");
  writer.Uint64(version.number);
  WriteString(writer, "effective", protocol::FormatRfc3339Utc(version.effective_at));
  writer.Key("effectiveAt");
  writer.Int64(version.effective_at);
  WriteString(writer, "author", version.author);
  WriteString(writer, "summary", version.summary);
  WriteString(writer, "url", RulesVersionUrl(version, base_url));
}

}  // namespace

std::string RulesHistoryJson(RulesDocument document, const std::vector<RulesVersion>& versions,
                             std::string_view base_url) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteString(writer, "document", RulesDocumentName(document));
  writer.Key("current");
  if (versions.empty()) {
    writer.Null();
  } else {
    writer.Uint64(versions.front().number);
  }
  writer.Key("versions");
  writer.StartArray();
  for (const RulesVersion& version : versions) {
    writer.StartObject();
    WriteVersionMembers(writer, version, base_url);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string RulesVersionJson(const RulesVersion& version, std::string_view base_url) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteString(writer, "document", RulesDocumentName(version.document));
  WriteVersionMembers(writer, version, base_url);
  WriteString(writer, "text", version.text);
  WriteString(writer, "html", version.html);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<uint64_t> CountRulesVersionsPublished(const storage::Store& store, int64_t from, int64_t to) {
  uint64_t count = 0;
  for (RulesDocument document : kRulesDocuments) {
    std::optional<Error> failure;
    Status scanned = store.Scan(Family::kRules, Prefix(document), [&](std::string_view key, std::string_view value) {
      Result<RulesVersion> version = Decode(document, key, value);
      if (!version) {
        failure = version.error();
        return false;
      }
      // The migrated version was published before versions were kept.
      bool migrated = version->author.empty() && version->summary == kMigratedSummary;
      if (!migrated && version->effective_at >= from && version->effective_at < to) ++count;
      return true;
    });
    if (!scanned) return std::unexpected(scanned.error());
    if (failure) return std::unexpected(*failure);
  }
  return count;
}

}  // namespace parvis::accounts
