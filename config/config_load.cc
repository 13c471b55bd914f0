#include "config_sources.h"

namespace parvis {

Result<Config> LoadConfig(const ConfigSources& sources) {
  using config_schema::Settings;
  const auto settings = Settings();

  config_schema::SourceValues from_file(settings.size());
  if (!sources.file.empty()) {
    auto read = config_schema::ReadConfigFile(sources.file);
    if (!read) return std::unexpected(read.error());
    from_file = std::move(*read);
  }
  auto from_environment = config_schema::ReadEnvironment(sources.environment);
  if (!from_environment) return std::unexpected(from_environment.error());

  // Values are checked once merged, so a message names the source of the
  // value that is in effect, and an override can stand in for a bad file value.
  Config config;
  for (size_t i = 0; i < settings.size(); ++i) {
    const config_schema::Setting& setting = settings[i];
    const std::string key = std::string(setting.key);
    config_schema::Value value = setting.default_value;
    std::string where = "default of key \"" + key + "\"";
    if ((*from_environment)[i]) {
      value = *(*from_environment)[i];
      where = "environment variable " + config_schema::EnvironmentName(key);
    } else if (from_file[i]) {
      value = *from_file[i];
      where = "config file " + sources.file + ": key \"" + key + "\"";
    }
    auto checked = config_schema::CheckValue(setting, value);
    if (!checked) return Fail(ErrorCode::kInvalidArgument, where + ": " + checked.error());
    setting.store(value, config);
  }
  return config;
}

}  // namespace parvis
