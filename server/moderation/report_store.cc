#include "server/moderation/report_store.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"

namespace parvis::moderation {
namespace {

using storage::Family;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteDecision(Writer& writer, const char* key, const std::optional<Decision>& decision) {
  if (!decision) return;
  writer.Key(key);
  writer.StartObject();
  Str(writer, "action", protocol::ModerationActionName(decision->action));
  Str(writer, "reason", decision->reason);
  Str(writer, "moderator", decision->moderator);
  writer.Key("decided");
  writer.Int64(decision->decided);
  if (!decision->sector.empty()) Str(writer, "sector", decision->sector);
  if (!decision->undo.empty()) {
    writer.Key("undo");
    writer.StartArray();
    for (const auto& [key, value] : decision->undo) {
      writer.StartArray();
      writer.String(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
      writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
      writer.EndArray();
    }
    writer.EndArray();
  }
  writer.EndObject();
}

void WriteAppeal(Writer& writer, const std::optional<Appeal>& appeal) {
  if (!appeal) return;
  writer.Key("appeal");
  writer.StartObject();
  Str(writer, "text", appeal->text);
  Str(writer, "by", appeal->by);
  writer.Key("filed");
  writer.Int64(appeal->filed);
  if (appeal->upheld) {
    writer.Key("upheld");
    writer.Bool(*appeal->upheld);
    Str(writer, "reason", appeal->reason);
    Str(writer, "moderator", appeal->moderator);
    writer.Key("decided");
    writer.Int64(appeal->decided);
  }
  writer.EndObject();
}

std::string StringOr(const rapidjson::Value& object, const char* key) {
  return protocol::StringMember(object, key).value_or("");
}

int64_t IntOr(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::optional<Decision> ReadDecision(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsObject()) return std::nullopt;
  Decision decision;
  decision.action = protocol::ParseModerationAction(StringOr(it->value, "action"))
                        .value_or(protocol::ModerationAction::kDismiss);
  decision.reason = StringOr(it->value, "reason");
  decision.moderator = StringOr(it->value, "moderator");
  decision.decided = IntOr(it->value, "decided");
  decision.sector = StringOr(it->value, "sector");
  auto undo = it->value.FindMember("undo");
  if (undo != it->value.MemberEnd() && undo->value.IsArray()) {
    for (const auto& pair : undo->value.GetArray()) {
      if (pair.IsArray() && pair.Size() == 2 && pair[0].IsString() && pair[1].IsString()) {
        decision.undo.emplace_back(std::string(pair[0].GetString(), pair[0].GetStringLength()),
                                   std::string(pair[1].GetString(), pair[1].GetStringLength()));
      }
    }
  }
  return decision;
}

std::optional<Appeal> ReadAppeal(const rapidjson::Value& object) {
  auto it = object.FindMember("appeal");
  if (it == object.MemberEnd() || !it->value.IsObject()) return std::nullopt;
  Appeal appeal;
  appeal.text = StringOr(it->value, "text");
  appeal.by = StringOr(it->value, "by");
  appeal.filed = IntOr(it->value, "filed");
  auto upheld = it->value.FindMember("upheld");
  if (upheld != it->value.MemberEnd() && upheld->value.IsBool()) {
    appeal.upheld = upheld->value.GetBool();
    appeal.reason = StringOr(it->value, "reason");
    appeal.moderator = StringOr(it->value, "moderator");
    appeal.decided = IntOr(it->value, "decided");
  }
  return appeal;
}

const std::string kReport = "report/";
const std::string kAudit = "audit/";
const std::string kNotice = "notice/";

}  // namespace

std::string EncodeReport(const Report& report) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(report.id);
  Str(writer, "origin", report.origin == ReportOrigin::kLocal ? "local" : "remote");
  writer.Key("reporterAccount");
  writer.Uint64(report.reporter_account);
  Str(writer, "reporter", report.reporter_actor);
  writer.Key("reveal");
  writer.Bool(report.reveal);
  Str(writer, "target", report.target);
  writer.Key("objects");
  writer.StartArray();
  for (const std::string& object : report.objects) writer.String(object.c_str(), static_cast<rapidjson::SizeType>(object.size()));
  writer.EndArray();
  Str(writer, "category", protocol::ReportCategoryName(report.category));
  Str(writer, "comment", report.comment);
  writer.Key("created");
  writer.Int64(report.created);
  Str(writer, "flagIn", report.flag_in);
  Str(writer, "flagOut", report.flag_out);
  Str(writer, "forwardedTo", report.forwarded_to);
  WriteDecision(writer, "decision", report.decision);
  WriteDecision(writer, "outcome", report.outcome);
  if (!report.notice.empty()) Str(writer, "notice", report.notice);
  WriteAppeal(writer, report.appeal);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Report> DecodeReport(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {.max_bytes = 1 << 20});
  if (!doc || !doc->IsObject() || !doc->HasMember("id") || !(*doc)["id"].IsUint64()) {
    return Fail(ErrorCode::kCorruption, "a stored report does not decode");
  }
  const rapidjson::Value& d = *doc;
  Report report;
  report.id = d["id"].GetUint64();
  report.origin = StringOr(d, "origin") == "remote" ? ReportOrigin::kRemote : ReportOrigin::kLocal;
  auto account = d.FindMember("reporterAccount");
  if (account != d.MemberEnd() && account->value.IsUint64()) report.reporter_account = account->value.GetUint64();
  report.reporter_actor = StringOr(d, "reporter");
  auto reveal = d.FindMember("reveal");
  report.reveal = reveal != d.MemberEnd() && reveal->value.IsBool() && reveal->value.GetBool();
  report.target = StringOr(d, "target");
  auto objects = d.FindMember("objects");
  if (objects != d.MemberEnd() && objects->value.IsArray()) {
    for (const auto& object : objects->value.GetArray()) {
      if (object.IsString()) report.objects.emplace_back(object.GetString(), object.GetStringLength());
    }
  }
  report.category = protocol::ParseReportCategory(StringOr(d, "category")).value_or(protocol::ReportCategory::kOther);
  report.comment = StringOr(d, "comment");
  report.created = IntOr(d, "created");
  report.flag_in = StringOr(d, "flagIn");
  report.flag_out = StringOr(d, "flagOut");
  report.forwarded_to = StringOr(d, "forwardedTo");
  report.decision = ReadDecision(d, "decision");
  report.outcome = ReadDecision(d, "outcome");
  report.notice = StringOr(d, "notice");
  report.appeal = ReadAppeal(d);
  return report;
}

std::string AuditEntryJson(const AuditEntry& entry, bool with_hash) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("sequence");
  writer.Uint64(entry.sequence);
  writer.Key("at");
  writer.Int64(entry.at);
  Str(writer, "moderator", entry.moderator);
  writer.Key("report");
  writer.Uint64(entry.report);
  Str(writer, "action", entry.action);
  Str(writer, "target", entry.target);
  Str(writer, "reason", entry.reason);
  Str(writer, "previous", entry.previous);
  if (with_hash) Str(writer, "hash", entry.hash);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<uint64_t> ReportStore::NextId() { return store_.NextSequence("report"); }

void ReportStore::Put(storage::Batch& batch, const Report& report) const {
  batch.Put(Family::kModeration, kReport + storage::EncodeUint64(report.id), EncodeReport(report));
  if (report.reporter_account != 0) {
    batch.Put(Family::kModeration, storage::AccountKey(report.reporter_account, "reports/" + storage::EncodeUint64(report.id)), "");
  }
}

void ReportStore::IndexFlag(storage::Batch& batch, const std::string& flag_id, uint64_t report) const {
  batch.Put(Family::kModeration, "flag/" + flag_id, storage::EncodeUint64(report));
}

Result<std::optional<Report>> ReportStore::Get(uint64_t id) const {
  Result<std::optional<std::string>> bytes = store_.Get(Family::kModeration, kReport + storage::EncodeUint64(id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<Report>();
  Result<Report> report = DecodeReport(**bytes);
  if (!report) return std::unexpected(report.error());
  return std::optional<Report>(std::move(*report));
}

Result<std::optional<uint64_t>> ReportStore::ByFlag(const std::string& flag_id) const {
  return ReportNumberAt("flag/" + flag_id);
}

void ReportStore::IndexNotice(storage::Batch& batch, const std::string& note_id, uint64_t report) const {
  batch.Put(Family::kModeration, kNotice + note_id, storage::EncodeUint64(report));
}

Result<std::optional<uint64_t>> ReportStore::ByNotice(const std::string& note_id) const {
  return ReportNumberAt(kNotice + note_id);
}

Result<std::optional<uint64_t>> ReportStore::ReportNumberAt(const std::string& key) const {
  Result<std::optional<std::string>> bytes = store_.Get(Family::kModeration, key);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value() || (*bytes)->size() != 8) return std::optional<uint64_t>();
  return std::optional<uint64_t>(storage::DecodeUint64(**bytes));
}

Result<std::vector<Report>> ReportStore::List(size_t limit, std::optional<uint64_t> before) const {
  std::vector<Report> reports;
  Status failed = Ok();
  std::string from = before ? kReport + storage::EncodeUint64(*before) : "";
  Status scanned = store_.ScanBackward(Family::kModeration, kReport, from,
                                       [&](std::string_view, std::string_view value) {
                                         Result<Report> report = DecodeReport(value);
                                         if (!report) {
                                           failed = std::unexpected(report.error());
                                           return false;
                                         }
                                         reports.push_back(std::move(*report));
                                         return reports.size() < limit;
                                       });
  if (!scanned) return std::unexpected(scanned.error());
  if (!failed) return std::unexpected(failed.error());
  return reports;
}

Result<std::vector<Report>> ReportStore::FiledBy(storage::AccountId account) const {
  std::vector<uint64_t> ids;
  std::string prefix = storage::AccountKey(account, "reports/");
  Status scanned = store_.Scan(Family::kModeration, prefix, [&](std::string_view key, std::string_view) {
    ids.push_back(storage::DecodeUint64(key.substr(prefix.size())));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  std::vector<Report> reports;
  for (uint64_t id : ids) {
    Result<std::optional<Report>> report = Get(id);
    if (!report) return std::unexpected(report.error());
    if (report->has_value()) reports.push_back(std::move(**report));
  }
  return reports;
}

Result<AuditEntry> ReportStore::Append(storage::Batch& batch, AuditEntry entry) {
  std::optional<AuditEntry> last;
  Status scanned = store_.ScanBackward(Family::kModeration, kAudit, "", [&](std::string_view, std::string_view value) {
    Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
    if (doc && doc->IsObject() && doc->HasMember("sequence") && (*doc)["sequence"].IsUint64()) {
      last = AuditEntry{.sequence = (*doc)["sequence"].GetUint64(), .hash = StringOr(*doc, "hash")};
    }
    return false;
  });
  if (!scanned) return std::unexpected(scanned.error());
  entry.sequence = last ? last->sequence + 1 : 1;
  entry.previous = last ? last->hash : "";
  entry.hash = protocol::EncodeHex(protocol::Sha256(AuditEntryJson(entry, false)));
  batch.Put(Family::kModeration, kAudit + storage::EncodeUint64(entry.sequence), AuditEntryJson(entry, true));
  return entry;
}

Result<std::vector<AuditEntry>> ReportStore::Audit() const {
  std::vector<AuditEntry> entries;
  Status scanned = store_.Scan(Family::kModeration, kAudit, [&](std::string_view, std::string_view value) {
    Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
    if (!doc || !doc->IsObject()) return true;
    const rapidjson::Value& d = *doc;
    AuditEntry entry;
    auto sequence = d.FindMember("sequence");
    auto report = d.FindMember("report");
    if (sequence != d.MemberEnd() && sequence->value.IsUint64()) entry.sequence = sequence->value.GetUint64();
    if (report != d.MemberEnd() && report->value.IsUint64()) entry.report = report->value.GetUint64();
    entry.at = IntOr(d, "at");
    entry.moderator = StringOr(d, "moderator");
    entry.action = StringOr(d, "action");
    entry.target = StringOr(d, "target");
    entry.reason = StringOr(d, "reason");
    entry.previous = StringOr(d, "previous");
    entry.hash = StringOr(d, "hash");
    entries.push_back(std::move(entry));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return entries;
}

}  // namespace parvis::moderation
