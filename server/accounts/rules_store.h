// The node's terms of use and rules, versioned (Family::kRules): each save
// that changes a text appends version N+1 with its date, author and a short
// summary of the change. Versions are never edited or removed, so anyone can
// read what was in force at any date.
//
// Keys: "terms/" or "rules/" + 8-byte big-endian version number -> JSON
// {"text","html","effectiveAt","author","summary"}.
#ifndef PARVIS_SERVER_ACCOUNTS_RULES_STORE_H_
#define PARVIS_SERVER_ACCOUNTS_RULES_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/config.h"
#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::accounts {

enum class RulesDocument { kTerms, kRules };
inline constexpr RulesDocument kRulesDocuments[] = {RulesDocument::kTerms, RulesDocument::kRules};

const char* RulesDocumentName(RulesDocument document);  // "terms", "rules"
std::optional<RulesDocument> ParseRulesDocument(std::string_view name);

inline constexpr size_t kMaxRulesTextBytes = 20000;
inline constexpr size_t kMaxRulesSummaryBytes = 300;
inline constexpr size_t kMaxRulesAuthorBytes = 200;

struct RulesVersion {
  RulesDocument document = RulesDocument::kRules;
  uint64_t number = 0;       // 1, 2, ...
  std::string text;          // as written (Markdown), line ends as "\n"
  std::string html;          // the text rendered once, when published (sanitised Markdown)
  int64_t effective_at = 0;  // seconds since the epoch; never before the previous version's
  std::string author;        // the admin account, "operator" from the CLI, "" when migrated
  std::string summary;       // what changed, one line
};

// The text as it is stored: "\r\n" and lone "\r" become "\n", and the
// spaces and newlines at its end go.
std::string NormaliseRulesText(std::string_view text);

// kInvalidArgument, naming the field, unless `text` is well-formed UTF-8 of
// at most kMaxRulesTextBytes, not blank, with no control character but
// newline and tab.
Status ValidateRulesText(std::string_view text);

class RulesStore {
 public:
  // `store` must outlive this. `now` gives seconds since the epoch.
  RulesStore(storage::Store& store, std::function<int64_t()> now);

  // Appends the next version of `document` if `text` (normalised) differs
  // from the current one; nullopt when it is the same (nothing written).
  // kInvalidArgument for a text refused by ValidateRulesText, a summary that
  // is blank, longer than kMaxRulesSummaryBytes, not UTF-8 or holds a control
  // character (newlines too), or an author of the same kind over
  // kMaxRulesAuthorBytes. Publications are serialised in the process.
  Result<std::optional<RulesVersion>> Publish(RulesDocument document, std::string_view text,
                                              std::string_view author, std::string_view summary);

  // The latest version; nullopt if there is none.
  Result<std::optional<RulesVersion>> Current(RulesDocument document) const;
  // Version `number`; nullopt if there is no such version.
  Result<std::optional<RulesVersion>> Find(RulesDocument document, uint64_t number) const;
  // Every version, newest first.
  Result<std::vector<RulesVersion>> History(RulesDocument document) const;

  // Migration from the rules kept as plain text in node settings before
  // versions existed: stores `legacy_text` as version 1 of the rules, dated
  // now, if the rules have no version yet and the text is not blank. True
  // when it stored it. Safe to call on every read: it writes once.
  Result<bool> AdoptLegacyRules(std::string_view legacy_text);

 private:
  storage::Store& store_;
  std::function<int64_t()> now_;
};

// AdoptLegacyRules with the rules text of the node settings (node_settings.h):
// what every reader of the rules calls first.
Result<bool> AdoptSettingsRules(RulesStore& rules, const storage::Store& store, const Config& config);

// The public JSON of a document's versions (newest first, without texts):
// {"document","current","versions":[{"version","effective","effectiveAt",
// "author","summary","url"}]}. URLs start with `base_url`.
std::string RulesHistoryJson(RulesDocument document, const std::vector<RulesVersion>& versions,
                             std::string_view base_url);
// One version with its text and HTML: the members above plus "document",
// "text" and "html".
std::string RulesVersionJson(const RulesVersion& version, std::string_view base_url);
// The public page of a version: base_url + "/about/rules/v/3".
std::string RulesVersionUrl(const RulesVersion& version, std::string_view base_url);

// How many versions of the terms and rules took effect in [from, to): for the
// transparency report.
Result<uint64_t> CountRulesVersionsPublished(const storage::Store& store, int64_t from, int64_t to);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_RULES_STORE_H_
