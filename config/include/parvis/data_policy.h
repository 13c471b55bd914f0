// The node's data policy as data: every kind of record it keeps (or refuses
// to keep), why, for how long and who sees it. The retention job enforces
// these durations, the about page and /.well-known/data-policy publish this
// table, and the texts (web/i18n, keys "data_<id>_what|why|who") explain each
// row, so that what is promised and what is done cannot drift apart.
#ifndef PARVIS_DATA_POLICY_H_
#define PARVIS_DATA_POLICY_H_

#include <cstdint>
#include <string_view>

namespace parvis {

inline constexpr int64_t kDay = 24 * 3600;

// How long a kind of record stays.
enum class Keep {
  kFor,              // `seconds` after `from`, then the retention job deletes it
  kWhileAccount,     // until its owner deletes it or the account is deleted
  kUntilDelivered,   // until delivered, at most `seconds` of retries
  kNever,            // not stored at all
};

struct DataRecordKind {
  std::string_view id;      // also the i18n key stem: data_<id>_what, _why, _who
  std::string_view family;  // where it lives (docs/storage.md); empty when not stored
  Keep keep;
  int64_t seconds;          // for kFor and kUntilDelivered
  std::string_view from;    // what `seconds` counts from ("receipt", "last use", ...)
};

inline constexpr DataRecordKind kDataPolicy[] = {
    {"account", "accounts", Keep::kWhileAccount, 0, ""},
    {"posts", "objects", Keep::kWhileAccount, 0, ""},
    {"follows", "follows", Keep::kWhileAccount, 0, ""},
    {"tokens", "tokens", Keep::kWhileAccount, 0, ""},
    {"sessions", "sessions", Keep::kFor, 90 * kDay, "sign-in (and 14 days after last use)"},
    {"received_activities", "activities", Keep::kFor, 30 * kDay, "receipt"},
    {"remote_content", "objects", Keep::kWhileAccount, 0, ""},
    {"outgoing_deliveries", "queues", Keep::kUntilDelivered, 2 * kDay, "first attempt"},
    {"failed_deliveries", "queues", Keep::kFor, 30 * kDay, "first attempt"},
    {"encrypted_messages", "messages", Keep::kFor, 30 * kDay, "arrival (deleted when fetched)"},
    {"signature_fingerprints", "replay", Keep::kFor, 2 * 3600, "receipt"},
    {"petition_signatures", "petitions", Keep::kWhileAccount, 0, ""},
    {"relations", "relations", Keep::kWhileAccount, 0, ""},
    {"reports", "moderation", Keep::kWhileAccount, 0, ""},
    {"ip_addresses", "", Keep::kNever, 0, ""},
    {"access_logs", "", Keep::kNever, 0, ""},
};

// The row `id`. Evaluated at compile time (the constants that use it are
// constexpr), an unknown id does not compile.
constexpr const DataRecordKind& DataPolicyRow(std::string_view id) {
  for (const DataRecordKind& row : kDataPolicy) {
    if (row.id == id) return row;
  }
  throw "no such row in the data policy";
}

// The retention of row `id` in seconds (kFor and kUntilDelivered rows).
constexpr int64_t RetentionSeconds(std::string_view id) { return DataPolicyRow(id).seconds; }

const char* KeepName(Keep keep);  // "for", "while-account", "until-delivered", "never"

}  // namespace parvis

#endif  // PARVIS_DATA_POLICY_H_
