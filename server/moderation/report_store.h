// Reports and the moderation audit log, in Family::kModeration:
//
//   "report/" + 8-byte sequence      -> the report (JSON, below)
//   "flag/" + Flag id                -> 8-byte report sequence (a Flag received, or sent
//                                       when a report is forwarded: decisions find it)
//   "audit/" + 8-byte sequence       -> one decision (JSON), chained: each entry holds
//                                       the SHA-256 of the previous one, so the log
//                                       cannot be edited without it showing
//   account id + "reports/" + 8-byte sequence -> "" (the reports an account filed)
//   "notice/" + note id              -> 8-byte report sequence (a decision told to
//                                       another server's account: its reply appeals)
//
// Nothing here is ever rewritten but a report's status, decision,
// outcome and appeal, and the audit log only grows.
#ifndef PARVIS_SERVER_MODERATION_REPORT_STORE_H_
#define PARVIS_SERVER_MODERATION_REPORT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <utility>

#include "parvis/protocol/moderation.h"
#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::moderation {

enum class ReportOrigin { kLocal, kRemote };

struct Decision {
  protocol::ModerationAction action = protocol::ModerationAction::kDismiss;
  std::string reason;
  std::string moderator;  // local account name, or the deciding node for an outcome received
  int64_t decided = 0;
  std::string sector;     // reclassify: the sector given ("civic" or "commercial")
  // What undoing the action needs: mark-sensitive, the posts' content
  // warnings before (object id -> summary); reclassify, the sector before.
  std::vector<std::pair<std::string, std::string>> undo;
};

// The affected person's single appeal against a decision, and what came of it.
struct Appeal {
  std::string text;       // plain text, at most kMaxAppeal characters
  std::string by;         // the appellant's actor id
  int64_t filed = 0;
  std::optional<bool> upheld;  // set once decided: true keeps the decision, false overturns it
  std::string reason;     // the moderator's reason for the appeal's outcome
  std::string moderator;
  int64_t decided = 0;
};

// Longest appeal.
inline constexpr size_t kMaxAppeal = 2000;

struct Report {
  uint64_t id = 0;
  ReportOrigin origin = ReportOrigin::kLocal;
  storage::AccountId reporter_account = 0;  // local reports
  std::string reporter_actor;               // local: the account's actor; remote: the Flag's actor
  bool reveal = false;                      // local: named in the forwarded Flag
  std::string target;                       // the reported actor
  std::vector<std::string> objects;         // the reported posts
  protocol::ReportCategory category = protocol::ReportCategory::kOther;
  std::string comment;
  int64_t created = 0;
  std::string flag_in;       // remote: the Flag received
  std::string flag_out;      // forwarded: the Flag sent
  std::string forwarded_to;  // forwarded: the inbox it went to
  std::optional<Decision> decision;  // by this node's moderators
  std::optional<Decision> outcome;   // forwarded: what the reported account's node decided
  // Another server's affected account: the id of the direct note that told
  // it of the decision; its reply is its appeal.
  std::string notice;
  std::optional<Appeal> appeal;
};

struct AuditEntry {
  uint64_t sequence = 0;
  int64_t at = 0;
  std::string moderator;
  uint64_t report = 0;
  std::string action;
  std::string target;
  std::string reason;
  std::string previous;  // hex SHA-256 of the previous entry's JSON ("" for the first)
  std::string hash;      // hex SHA-256 of this entry's JSON without `hash`
};

class ReportStore {
 public:
  explicit ReportStore(storage::Store& store) : store_(store) {}

  // A new report's id.
  Result<uint64_t> NextId();
  void Put(storage::Batch& batch, const Report& report) const;
  void IndexFlag(storage::Batch& batch, const std::string& flag_id, uint64_t report) const;
  Result<std::optional<Report>> Get(uint64_t id) const;
  Result<std::optional<uint64_t>> ByFlag(const std::string& flag_id) const;
  // Newest first, at most `limit`, before report id `before` (exclusive) when set.
  Result<std::vector<Report>> List(size_t limit, std::optional<uint64_t> before = std::nullopt) const;
  Result<std::vector<Report>> FiledBy(storage::AccountId account) const;
  void IndexNotice(storage::Batch& batch, const std::string& note_id, uint64_t report) const;
  Result<std::optional<uint64_t>> ByNotice(const std::string& note_id) const;

  // Appends the entry (its sequence, previous and hash filled in) to the
  // audit log in `batch`. Appends are serialised by the caller (the
  // moderation service's mutex).
  Result<AuditEntry> Append(storage::Batch& batch, AuditEntry entry);
  Result<std::vector<AuditEntry>> Audit() const;

 private:
  Result<std::optional<uint64_t>> ReportNumberAt(const std::string& key) const;

  storage::Store& store_;
};

std::string EncodeReport(const Report& report);
Result<Report> DecodeReport(std::string_view bytes);
// The entry's JSON without `hash` (what the hash covers), and with it.
std::string AuditEntryJson(const AuditEntry& entry, bool with_hash);

}  // namespace parvis::moderation

#endif  // PARVIS_SERVER_MODERATION_REPORT_STORE_H_
