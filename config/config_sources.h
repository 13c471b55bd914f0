// Readers for the two places settings come from; internal to config/.
// They check syntax and kinds only; LoadConfig merges and validates values.
#ifndef PARVIS_CONFIG_CONFIG_SOURCES_H_
#define PARVIS_CONFIG_CONFIG_SOURCES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config_schema.h"
#include "parvis/result.h"

namespace parvis::config_schema {

// One source's values, indexed like Settings(); nullopt where it is silent.
using SourceValues = std::vector<std::optional<Value>>;

// Largest config file read; a bigger one is refused unread.
inline constexpr size_t kMaxConfigFileBytes = 1 << 20;

// Reads the JSON file at `path`: nested objects whose leaves are keys of
// Settings(). Refuses unknown or duplicate keys and values of the wrong kind;
// messages start with "config file <path>: ".
Result<SourceValues> ReadConfigFile(const std::string& path);

// Reads PARVIS_* variables other than kConfigFileVariable. Refuses unknown
// names and text that is not of the setting's kind; messages start with
// "environment variable <NAME>: ".
Result<SourceValues> ReadEnvironment(const std::map<std::string, std::string>& environment);

}  // namespace parvis::config_schema

#endif  // PARVIS_CONFIG_CONFIG_SOURCES_H_
