// The settings table behind LoadConfig and ConfigReference; internal to
// config/. Loaders only turn file or environment text into a Value of the
// row's kind; the row says what is acceptable and where it goes in Config.
#ifndef PARVIS_CONFIG_CONFIG_SCHEMA_H_
#define PARVIS_CONFIG_CONFIG_SCHEMA_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parvis/config.h"

namespace parvis::config_schema {

enum class Kind { kString, kUint, kBool, kEnum, kStringList };

// A setting's value between reading and storing. The alternative held
// matches the row's Kind; an enum is held as its name.
using Value = std::variant<std::string, uint64_t, bool, std::vector<std::string>>;

// Empty, or why a value was refused, worded to follow `key "x": `
// (`70000 is out of range 0..65535`).
using Check = std::expected<void, std::string>;

struct Setting {
  std::string_view key;  // dotted path in the file: "limits.body_bytes"
  Kind kind;
  Value default_value;
  std::string_view description;  // meaning, then the rule when the kind does not say it
  uint64_t min = 0;              // kUint: inclusive bounds
  uint64_t max = 0;
  std::vector<std::string_view> choices;  // kEnum: accepted names
  // Rule beyond the kind's own (range, choices, valid UTF-8); may normalise
  // the value in place. Null when the kind's rule is the whole rule.
  Check (*check)(Value& value) = nullptr;
  // Writes a checked value into its Config field.
  void (*store)(const Value& value, Config& config) = nullptr;
};

// Every setting, in reference order. Lives for the whole program.
std::span<const Setting> Settings();

// Position of `key` in Settings(), or nullopt.
std::optional<size_t> FindSetting(std::string_view key);

// True if `path` is an object in the file: some key starts with `path` + ".".
bool IsSection(std::string_view path);

// "limits.body_bytes" -> "PARVIS_LIMITS_BODY_BYTES".
std::string EnvironmentName(std::string_view key);

// Applies the kind's rule, then the row's check; may normalise `value`.
Check CheckValue(const Setting& setting, Value& value);

// What a file value of this setting must be, after "expected ":
// "an unsigned integer", "one of: open, allowlist".
std::string Expectation(const Setting& setting);

// `text` as a JSON string literal, so odd bytes in messages stay visible.
std::string Quote(std::string_view text);

}  // namespace parvis::config_schema

#endif  // PARVIS_CONFIG_CONFIG_SCHEMA_H_
