#include "parvis/protocol/moderation.h"

#include <array>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::array<std::pair<ReportCategory, const char*>, 7> kCategories{{
    {ReportCategory::kIllegal, "illegal"},
    {ReportCategory::kHarassment, "harassment"},
    {ReportCategory::kHate, "hate"},
    {ReportCategory::kDisinformation, "disinformation"},
    {ReportCategory::kSpam, "spam"},
    {ReportCategory::kCommercial, "commercial"},
    {ReportCategory::kOther, "other"},
}};

constexpr std::array<std::pair<ModerationAction, const char*>, 7> kActions{{
    {ModerationAction::kDismiss, "dismiss"},
    {ModerationAction::kRemoveObject, "remove-object"},
    {ModerationAction::kMarkSensitive, "mark-sensitive"},
    {ModerationAction::kLimitAccount, "limit-account"},
    {ModerationAction::kSuspendAccount, "suspend-account"},
    {ModerationAction::kBlockDomain, "block-domain"},
    {ModerationAction::kReclassify, "reclassify"},
}};

constexpr std::string_view kContext =
    R"j(["https://www.w3.org/ns/activitystreams",{"parvis":"https://parvis.org/ns#","reportCategory":"parvis:reportCategory","moderationDecision":"parvis:moderationDecision","moderationAction":"parvis:moderationAction","moderationReason":"parvis:moderationReason","decided":{"@id":"parvis:decided","@type":"http://www.w3.org/2001/XMLSchema#dateTime"}}])j";

void Str(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// The first `limit` characters (code points) of valid UTF-8 `text`.
std::string Cut(std::string text, size_t limit) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && count++ == limit) {
      text.resize(i);
      break;
    }
  }
  return text;
}

}  // namespace

const char* ReportCategoryName(ReportCategory category) {
  for (const auto& [value, name] : kCategories) {
    if (value == category) return name;
  }
  return "other";
}

std::optional<ReportCategory> ParseReportCategory(std::string_view name) {
  for (const auto& [value, text] : kCategories) {
    if (name == text) return value;
  }
  return std::nullopt;
}

const char* ModerationActionName(ModerationAction action) {
  for (const auto& [value, name] : kActions) {
    if (value == action) return name;
  }
  return "dismiss";
}

std::optional<ModerationAction> ParseModerationAction(std::string_view name) {
  for (const auto& [value, text] : kActions) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string FlagActivity(const FlagDocument& flag, std::string_view to) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("@context");
  writer.RawValue(kContext.data(), kContext.size(), rapidjson::kArrayType);
  Str(writer, "id", flag.id);
  Str(writer, "type", "Flag");
  Str(writer, "actor", flag.actor);
  Str(writer, "content", flag.content);
  writer.Key("object");
  writer.StartArray();
  for (const std::string& object : flag.objects) writer.String(object.c_str(), static_cast<rapidjson::SizeType>(object.size()));
  writer.EndArray();
  writer.Key("to");
  writer.StartArray();
  writer.String(to.data(), static_cast<rapidjson::SizeType>(to.size()));
  writer.EndArray();
  if (flag.category) Str(writer, "reportCategory", ReportCategoryName(*flag.category));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<FlagDocument> ParseFlag(const rapidjson::Value& activity) {
  if (!activity.IsObject() || StringMember(activity, "type") != "Flag") {
    return Fail(ErrorCode::kInvalidArgument, "not a Flag");
  }
  FlagDocument flag;
  flag.id = StringMember(activity, "id").value_or("");
  auto actor = activity.FindMember("actor");
  if (actor != activity.MemberEnd()) {
    if (actor->value.IsString()) flag.actor = actor->value.GetString();
    if (actor->value.IsObject()) flag.actor = StringMember(actor->value, "id").value_or("");
  }
  if (flag.id.empty() || flag.actor.empty()) return Fail(ErrorCode::kInvalidArgument, "a Flag needs an id and an actor");
  auto object = activity.FindMember("object");
  if (object == activity.MemberEnd()) return Fail(ErrorCode::kInvalidArgument, "a Flag needs an object");
  auto add = [&](const rapidjson::Value& value) {
    std::string id;
    if (value.IsString()) id.assign(value.GetString(), value.GetStringLength());
    if (value.IsObject()) id = StringMember(value, "id").value_or("");
    if ((id.starts_with("https://") || id.starts_with("http://")) && id.size() <= 2048) flag.objects.push_back(id);
  };
  if (object->value.IsArray()) {
    if (object->value.Size() > kMaxReportObjects) {
      return Fail(ErrorCode::kInvalidArgument, "a Flag names more than " + std::to_string(kMaxReportObjects) + " objects");
    }
    for (const auto& value : object->value.GetArray()) add(value);
  } else {
    add(object->value);
  }
  if (flag.objects.empty()) return Fail(ErrorCode::kInvalidArgument, "a Flag needs at least one object id");
  flag.content = Cut(HtmlText(StringMember(activity, "content").value_or("")), kMaxReportComment);
  if (auto category = StringMember(activity, "reportCategory")) flag.category = ParseReportCategory(*category);
  return flag;
}

std::string DecisionActivity(const ModerationDecision& decision, std::string_view to) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("@context");
  writer.RawValue(kContext.data(), kContext.size(), rapidjson::kArrayType);
  Str(writer, "id", decision.id);
  Str(writer, "type", decision.action == ModerationAction::kDismiss ? "Reject" : "Accept");
  Str(writer, "actor", decision.actor);
  Str(writer, "object", decision.flag_id);
  writer.Key("to");
  writer.StartArray();
  writer.String(to.data(), static_cast<rapidjson::SizeType>(to.size()));
  writer.EndArray();
  writer.Key("moderationDecision");
  writer.StartObject();
  Str(writer, "moderationAction", ModerationActionName(decision.action));
  Str(writer, "moderationReason", decision.reason);
  Str(writer, "decided", FormatRfc3339Utc(decision.decided));
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::optional<ModerationDecision>> ParseDecision(const rapidjson::Value& activity) {
  if (!activity.IsObject()) return std::optional<ModerationDecision>();
  std::optional<std::string> type = StringMember(activity, "type");
  auto body = activity.FindMember("moderationDecision");
  if ((type != "Accept" && type != "Reject") || body == activity.MemberEnd()) {
    return std::optional<ModerationDecision>();
  }
  ModerationDecision decision;
  decision.id = StringMember(activity, "id").value_or("");
  decision.actor = StringMember(activity, "actor").value_or("");
  auto object = activity.FindMember("object");
  if (object != activity.MemberEnd()) {
    if (object->value.IsString()) decision.flag_id = object->value.GetString();
    if (object->value.IsObject()) decision.flag_id = StringMember(object->value, "id").value_or("");
  }
  if (decision.id.empty() || decision.actor.empty() || decision.flag_id.empty() || !body->value.IsObject()) {
    return Fail(ErrorCode::kInvalidArgument, "a moderation decision needs an id, an actor, the Flag and its decision");
  }
  std::optional<ModerationAction> action =
      ParseModerationAction(StringMember(body->value, "moderationAction").value_or(""));
  if (!action) return Fail(ErrorCode::kInvalidArgument, "unknown moderationAction");
  if ((*action == ModerationAction::kDismiss) != (*type == "Reject")) {
    return Fail(ErrorCode::kInvalidArgument, "a dismissal is a Reject, any other action an Accept");
  }
  decision.action = *action;
  decision.reason = Cut(HtmlText(StringMember(body->value, "moderationReason").value_or("")), kMaxReportComment);
  Result<int64_t> decided = ParseRfc3339(StringMember(body->value, "decided").value_or(""));
  if (!decided) return Fail(ErrorCode::kInvalidArgument, "decided is not a date");
  decision.decided = *decided;
  return std::optional<ModerationDecision>(std::move(decision));
}

}  // namespace parvis::protocol
