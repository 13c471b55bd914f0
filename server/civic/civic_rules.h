// Rules petitions and consultations share: who may start one, how long
// texts may be, how their numbers appear in ids and paths.
#ifndef PARVIS_SERVER_CIVIC_CIVIC_RULES_H_
#define PARVIS_SERVER_CIVIC_CIVIC_RULES_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "parvis/result.h"
#include "server/accounts/account_service.h"

namespace parvis::civic {

// Associations, citizen groups and public bodies start petitions and
// consultations; citizens and businesses do not.
bool MayOrganise(accounts::AccountKind kind);

// kInvalidArgument "WHAT must be 1 to MAX characters" unless 1..max code points.
Status CheckLength(std::string_view what, std::string_view text, size_t max);

// kInvalidArgument "WHAT must be in the future and within two years"
// unless now < deadline <= now + two years.
Status CheckDeadline(std::string_view what, int64_t deadline, int64_t now);

// A whole decimal number as written in a path ("12"; no sign, no leading
// zero but "0", at most 18 digits).
std::optional<uint64_t> ParseDecimal(std::string_view digits);

// The number N of "`prefix`N" (`prefix` like "https://host/petitions/").
std::optional<uint64_t> NumberAfter(std::string_view id, std::string_view prefix);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CIVIC_RULES_H_
