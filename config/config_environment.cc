#include <unistd.h>

#include <charconv>

#include "config_sources.h"

namespace parvis {

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    // emplace keeps the first of duplicate names, as getenv() does.
    environment.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return environment;
}

namespace config_schema {
namespace {

constexpr std::string_view kPrefix = "PARVIS_";

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Turns the variable's text into a value of the setting's kind, or says why not.
std::expected<Value, std::string> ValueOf(const Setting& setting, const std::string& text) {
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kEnum:
      return Value(text);
    case Kind::kUint: {
      // Decimal digits only: from_chars alone would accept nothing else
      // either, but would stop silently at "80 " or "8e3".
      uint64_t number = 0;
      const char* end = text.data() + text.size();
      const auto [stop, error] = std::from_chars(text.data(), end, number);
      const bool digits =
          !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || stop != end)
        return std::unexpected(Quote(text) + " is not an unsigned integer");
      if (error == std::errc::result_out_of_range) {
        return std::unexpected(text + " is out of range " + std::to_string(setting.min) + ".." +
                               std::to_string(setting.max));
      }
      return Value(number);
    }
    case Kind::kBool:
      if (text == "true" || text == "1") return Value(true);
      if (text == "false" || text == "0") return Value(false);
      return std::unexpected(Quote(text) + " is not true, false, 1 or 0");
    case Kind::kStringList: {
      std::vector<std::string> items;
      if (text.empty()) return Value(std::move(items));
      std::string_view rest = text;
      while (true) {
        const size_t comma = rest.find(',');
        items.emplace_back(TrimSpaces(rest.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return Value(std::move(items));
    }
  }
  return std::unexpected(std::string("unsupported kind"));
}

std::optional<size_t> FindByEnvironmentName(std::string_view name) {
  const auto settings = Settings();
  for (size_t i = 0; i < settings.size(); ++i) {
    if (EnvironmentName(settings[i].key) == name) return i;
  }
  return std::nullopt;
}

}  // namespace

Result<SourceValues> ReadEnvironment(const std::map<std::string, std::string>& environment) {
  SourceValues values(Settings().size());
  for (const auto& [name, text] : environment) {
    if (!name.starts_with(kPrefix) || name == kConfigFileVariable) continue;
    const std::string where = "environment variable " + name + ": ";
    // A mistyped name must not leave the setting silently at its default.
    const std::optional<size_t> index = FindByEnvironmentName(name);
    if (!index) return Fail(ErrorCode::kInvalidArgument, where + "unknown setting");
    auto value = ValueOf(Settings()[*index], text);
    if (!value) return Fail(ErrorCode::kInvalidArgument, where + value.error());
    values[*index] = std::move(*value);
  }
  return values;
}

}  // namespace config_schema
}  // namespace parvis
