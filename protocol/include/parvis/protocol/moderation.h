// Reports between servers: the `Flag` that Mastodon, Misskey and Pleroma
// send (the reporter's node's instance actor, or the person, as actor; the
// reported account and posts as object; the comment as content), with
// Parvis's category; and the decision that travels back to the reporting
// node, as `Accept` (something was done) or `Reject` (dismissed) of the
// Flag carrying a `moderationDecision`. docs/moderation.md describes both.
#ifndef PARVIS_PROTOCOL_MODERATION_H_
#define PARVIS_PROTOCOL_MODERATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "parvis/result.h"

namespace parvis::protocol {

enum class ReportCategory { kIllegal, kHarassment, kHate, kDisinformation, kSpam, kCommercial, kOther };

inline constexpr ReportCategory kAllReportCategories[] = {
    ReportCategory::kIllegal, ReportCategory::kHarassment, ReportCategory::kHate,
    ReportCategory::kDisinformation, ReportCategory::kSpam, ReportCategory::kCommercial,
    ReportCategory::kOther};

// "illegal", "harassment", "hate", "disinformation", "spam", "commercial"
// (undisclosed commercial content), "other".
const char* ReportCategoryName(ReportCategory category);
std::optional<ReportCategory> ParseReportCategory(std::string_view name);

// What a moderator does about a report.
enum class ModerationAction {
  kDismiss,         // nothing: the report is closed
  kRemoveObject,    // the reported post is removed
  kMarkSensitive,   // the reported post is put behind a content warning
  kLimitAccount,    // the account is kept out of public timelines
  kSuspendAccount,  // the account vanishes from timelines and federation
  kBlockDomain,     // the account's whole server is blocked
  kReclassify,      // the account's sector is corrected (civic or commercial)
};

// "dismiss", "remove-object", "mark-sensitive", "limit-account",
// "suspend-account", "block-domain", "reclassify".
const char* ModerationActionName(ModerationAction action);
std::optional<ModerationAction> ParseModerationAction(std::string_view name);

// Longest comment kept (Mastodon's limit is 1,000 characters).
inline constexpr size_t kMaxReportComment = 1000;
// Most objects one report names.
inline constexpr size_t kMaxReportObjects = 20;

struct FlagDocument {
  std::string id;
  std::string actor;                 // who reports: an instance actor or a person
  std::vector<std::string> objects;  // the reported actor and posts (ids)
  std::string content;               // the comment (plain text)
  std::optional<ReportCategory> category;  // parvis:reportCategory, when the sender has one
};

std::string FlagActivity(const FlagDocument& flag, std::string_view to);

// A received Flag: kInvalidArgument when it has no id, actor or object, or
// names more than kMaxReportObjects objects. Objects may be strings or
// objects with an id; the comment is cut to kMaxReportComment characters
// and stripped of markup.
Result<FlagDocument> ParseFlag(const rapidjson::Value& activity);

struct ModerationDecision {
  std::string id;       // the decision activity's id
  std::string actor;    // the deciding node's instance actor
  std::string flag_id;  // the Flag decided on
  ModerationAction action = ModerationAction::kDismiss;
  std::string reason;   // the moderator's reason, as shown to the reporter
  int64_t decided = 0;
};

// Accept (any action) or Reject (dismiss) of the Flag, to `to`.
std::string DecisionActivity(const ModerationDecision& decision, std::string_view to);
// nullopt when `activity` is not an Accept or Reject carrying a
// moderationDecision; kInvalidArgument when it carries a malformed one.
Result<std::optional<ModerationDecision>> ParseDecision(const rapidjson::Value& activity);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_MODERATION_H_
