#include "parvis/protocol/timestamps.h"

#include <array>
#include <cstdio>

namespace parvis::protocol {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {
    "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

Civil CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Reads exactly `width` digits at `pos`; -1 if any is not a digit.
int Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

struct Fields {
  int year, month, day, hour, minute, second;
};

// Range-checks the fields (leap seconds are refused) and converts them.
Result<int64_t> ToUnix(const Fields& f, std::string_view what) {
  if (f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1 ||
      f.day > DaysInMonth(f.year, f.month) || f.hour > 23 || f.minute > 59 || f.second > 59) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + " has a field out of range");
  }
  return DaysFromCivil(f.year, f.month, f.day) * kSecondsPerDay + f.hour * 3600 + f.minute * 60 +
         f.second;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

Result<int64_t> ParseHttpDate(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  const auto bad = [] {
    return Fail(ErrorCode::kInvalidArgument,
                "date is not an IMF-fixdate (\"Sun, 06 Nov 1994 08:49:37 GMT\")");
  };
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return bad();
  }
  bool weekday_known = false;
  for (std::string_view name : kWeekdays) weekday_known |= text.substr(0, 3) == name;
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  const Fields fields{Digits(text, 12, 4), month,
                      Digits(text, 5, 2),  Digits(text, 17, 2),
                      Digits(text, 20, 2), Digits(text, 23, 2)};
  if (!weekday_known || month == 0 || fields.year < 0 || fields.day < 0 || fields.hour < 0 ||
      fields.minute < 0 || fields.second < 0) {
    return bad();
  }
  return ToUnix(fields, "date");
}

std::string FormatHttpDate(int64_t unix_seconds) {
  const int64_t days = FloorDiv(unix_seconds, kSecondsPerDay);
  const int64_t seconds = unix_seconds - days * kSecondsPerDay;
  const Civil civil = CivilFromDays(days);
  const int64_t weekday = ((days % 7) + 7) % 7;
  char out[64];
  std::snprintf(out, sizeof(out), "%s, %02d %s %04lld %02d:%02d:%02d GMT",
                std::string(kWeekdays[weekday]).c_str(), civil.day,
                std::string(kMonths[civil.month - 1]).c_str(), static_cast<long long>(civil.year),
                static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                static_cast<int>(seconds % 60));
  return out;
}

Result<int64_t> ParseRfc3339(std::string_view text) {
  const auto bad = [] {
    return Fail(ErrorCode::kInvalidArgument,
                "timestamp is not an RFC 3339 date-time (\"2025-03-14T17:20:01Z\")");
  };
  if (text.size() < 20 || text.size() > 64 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return bad();
  }
  const Fields fields{Digits(text, 0, 4),  Digits(text, 5, 2),  Digits(text, 8, 2),
                      Digits(text, 11, 2), Digits(text, 14, 2), Digits(text, 17, 2)};
  if (fields.year < 0 || fields.month < 0 || fields.day < 0 || fields.hour < 0 ||
      fields.minute < 0 || fields.second < 0) {
    return bad();
  }
  size_t pos = 19;
  if (text[pos] == '.') {
    const size_t digits_start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return bad();
  }
  int64_t offset = 0;
  const std::string_view zone = text.substr(pos);
  if (zone != "Z" && zone != "z") {
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return bad();
    const int hours = Digits(zone, 1, 2);
    const int minutes = Digits(zone, 4, 2);
    if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) return bad();
    offset = (hours * 3600 + minutes * 60) * (zone[0] == '+' ? 1 : -1);
  }
  auto local = ToUnix(fields, "timestamp");
  if (!local) return local;
  return *local - offset;
}

std::string FormatRfc3339Utc(int64_t unix_seconds) {
  const int64_t days = FloorDiv(unix_seconds, kSecondsPerDay);
  const int64_t seconds = unix_seconds - days * kSecondsPerDay;
  const Civil civil = CivilFromDays(days);
  char out[64];
  std::snprintf(out, sizeof(out), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                static_cast<long long>(civil.year), civil.month, civil.day,
                static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                static_cast<int>(seconds % 60));
  return out;
}

}  // namespace parvis::protocol
