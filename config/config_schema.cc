// The settings table: one row per configuration key, and nothing about a key
// lives anywhere else. A row gives the dotted key (its path in the JSON file;
// the environment variable name is derived from it), the kind of value, the
// default, the meaning shown by `parvis config keys` and docs, the bounds or
// choices the kind checks, an optional extra check, and where the value goes
// in Config. LoadConfig starts from the defaults below and checks and stores
// every row through the same functions, so a key added here is loadable,
// validated and documented at once.
#include "config_schema.h"

#include <arpa/inet.h>

#include <array>
#include <cstdio>

#include "base_url.h"
#include "domain_name.h"
#include "utf8.h"

namespace parvis {

const char* RegistrationModeName(RegistrationMode mode) {
  switch (mode) {
    case RegistrationMode::kOpen:
      return "open";
    case RegistrationMode::kApproval:
      return "approval";
    case RegistrationMode::kInvite:
      return "invite";
    case RegistrationMode::kClosed:
      return "closed";
  }
  return "unknown";
}

const char* FederationModeName(FederationMode mode) {
  switch (mode) {
    case FederationMode::kOpen:
      return "open";
    case FederationMode::kAllowlist:
      return "allowlist";
  }
  return "unknown";
}

namespace config_schema {
namespace {

constexpr std::array kRegistrationModes = {RegistrationMode::kOpen, RegistrationMode::kApproval,
                                           RegistrationMode::kInvite, RegistrationMode::kClosed};
constexpr std::array kFederationModes = {FederationMode::kOpen, FederationMode::kAllowlist};

// Choice names straight from the *ModeName functions, so the two never disagree.
template <typename Mode, size_t N>
std::vector<std::string_view> NamesOf(const std::array<Mode, N>& modes,
                                      const char* (*name_of)(Mode)) {
  std::vector<std::string_view> names;
  for (Mode mode : modes) names.emplace_back(name_of(mode));
  return names;
}

// `name` has passed the row's choices, which NamesOf built from these modes.
template <typename Mode, size_t N>
Mode ModeNamed(const Value& name, const std::array<Mode, N>& modes, const char* (*name_of)(Mode)) {
  for (Mode mode : modes) {
    if (std::get<std::string>(name) == name_of(mode)) return mode;
  }
  return modes.front();
}

const std::string& Text(const Value& value) { return std::get<std::string>(value); }
uint64_t Number(const Value& value) { return std::get<uint64_t>(value); }
bool Flag(const Value& value) { return std::get<bool>(value); }
const std::vector<std::string>& List(const Value& value) {
  return std::get<std::vector<std::string>>(value);
}

// Counts characters, not bytes: a French name's accents must not cost double.
Check CheckLength(const Value& value, size_t min, size_t max) {
  const size_t length = CountCodePoints(Text(value));
  if (length == 0 && min > 0) return std::unexpected(std::string("must not be empty"));
  if (length < min) {
    return std::unexpected("is " + std::to_string(length) + " characters long, fewer than " +
                           std::to_string(min));
  }
  if (length > max) {
    return std::unexpected("is " + std::to_string(length) + " characters long, more than " +
                           std::to_string(max));
  }
  return {};
}

Check CheckBaseUrl(Value& value) {
  auto normal = NormalizeBaseUrl(Text(value));
  if (!normal) return std::unexpected(normal.error());
  value = std::move(*normal);
  return {};
}

Check CheckIpAddress(Value& value) {
  const std::string& text = Text(value);
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(AF_INET, text.c_str(), address) == 1 ||
      inet_pton(AF_INET6, text.c_str(), address) == 1) {
    return {};
  }
  return std::unexpected(Quote(text) + " is not an IPv4 or IPv6 address");
}

Check CheckDomainList(Value& value) {
  std::vector<std::string> normal;
  for (const std::string& item : List(value)) {
    auto name = NormalizeDomainName(item);
    if (!name) return std::unexpected(Quote(item) + " is not a domain name");
    normal.push_back(std::move(*name));
  }
  value = std::move(normal);
  return {};
}

std::vector<Setting> BuildSettings() {
  return {
      {.key = "base_url",
       .kind = Kind::kString,
       .default_value = "http://127.0.0.1:8080",
       .description = "Public URL of the node, prefix of every id it publishes: http or https, "
                      "a host and an optional port; no path, query, fragment or user "
                      "information. Kept lower-case, without trailing slash or default port.",
       .check = CheckBaseUrl,
       .store =
           [](const Value& v, Config& c) {
             // CheckBaseUrl left "scheme://host[:port]".
             c.base_url = Text(v);
             c.https = c.base_url.starts_with("https://");
             c.host = c.base_url.substr(c.base_url.find("://") + 3);
           }},
      {.key = "listen.address",
       .kind = Kind::kString,
       .default_value = "127.0.0.1",
       .description = "Address the HTTP server binds: an IPv4 or IPv6 literal, no brackets.",
       .check = CheckIpAddress,
       .store = [](const Value& v, Config& c) { c.listen_address = Text(v); }},
      {.key = "listen.port",
       .kind = Kind::kUint,
       .default_value = uint64_t{8080},
       .description = "TCP port the HTTP server binds; 0 picks a free port (tests).",
       .min = 0,
       .max = 65535,
       .store = [](const Value& v,
                   Config& c) { c.listen_port = static_cast<uint16_t>(Number(v)); }},
      {.key = "data_dir",
       .kind = Kind::kString,
       .default_value = "./var/data",
       .description = "Folder of the database and the control socket; not empty.",
       .check = [](Value& v) { return CheckLength(v, 1, SIZE_MAX); },
       .store = [](const Value& v, Config& c) { c.data_dir = Text(v); }},
      {.key = "node.name",
       .kind = Kind::kString,
       .default_value = "Parvis",
       .description = "Name of the node shown to visitors and other servers; 1 to 100 characters.",
       .check = [](Value& v) { return CheckLength(v, 1, 100); },
       .store = [](const Value& v, Config& c) { c.node_name = Text(v); }},
      {.key = "node.description",
       .kind = Kind::kString,
       .default_value = "A Parvis node for civic engagement.",
       .description = "Short presentation of the node; at most 2000 characters.",
       .check = [](Value& v) { return CheckLength(v, 0, 2000); },
       .store = [](const Value& v, Config& c) { c.node_description = Text(v); }},
      {.key = "editor.name",
       .kind = Kind::kString,
       .default_value = "",
       .description = "Person responsible for what the node publishes (publication director); "
                      "at most 200 characters.",
       .check = [](Value& v) { return CheckLength(v, 0, 200); },
       .store = [](const Value& v, Config& c) { c.editor_name = Text(v); }},
      {.key = "editor.contact",
       .kind = Kind::kString,
       .default_value = "",
       .description = "How to reach the editor, an email address or a URL; at most 200 characters.",
       .check = [](Value& v) { return CheckLength(v, 0, 200); },
       .store = [](const Value& v, Config& c) { c.editor_contact = Text(v); }},
      {.key = "registration",
       .kind = Kind::kEnum,
       .default_value = "approval",
       .description = "Who may create an account: anyone (open), anyone once a moderator "
                      "approves (approval), holders of an invitation (invite), nobody (closed).",
       .choices = NamesOf(kRegistrationModes, RegistrationModeName),
       .store =
           [](const Value& v, Config& c) {
             c.registration = ModeNamed(v, kRegistrationModes, RegistrationModeName);
           }},
      {.key = "federation.mode",
       .kind = Kind::kEnum,
       .default_value = "open",
       .description = "Which servers the node federates with: any not blocked (open), or only "
                      "those in federation.allowlist (allowlist).",
       .choices = NamesOf(kFederationModes, FederationModeName),
       .store =
           [](const Value& v, Config& c) {
             c.federation = ModeNamed(v, kFederationModes, FederationModeName);
           }},
      {.key = "federation.allowlist",
       .kind = Kind::kStringList,
       .default_value = std::vector<std::string>{},
       .description = "Domains federated with in allowlist mode: domain names without port, "
                      "kept lower-case.",
       .check = CheckDomainList,
       .store = [](const Value& v, Config& c) { c.allowlist = List(v); }},
      {.key = "federation.blocklist",
       .kind = Kind::kStringList,
       .default_value = std::vector<std::string>{},
       .description = "Domains refused in every mode: domain names without port, kept lower-case.",
       .check = CheckDomainList,
       .store = [](const Value& v, Config& c) { c.blocklist = List(v); }},
      {.key = "federation.allow_private_addresses",
       .kind = Kind::kBool,
       .default_value = false,
       .description = "Fetch from and deliver to loopback and private addresses; for tests and "
                      "private networks only.",
       .store = [](const Value& v, Config& c) { c.allow_private_addresses = Flag(v); }},
      {.key = "federation.authorized_fetch",
       .kind = Kind::kBool,
       .default_value = false,
       .description = "Answer GETs of actors, notes and collections only when signed by a server "
                      "the node federates with (Mastodon's secure mode); discovery and the "
                      "instance actor stay public.",
       .store = [](const Value& v, Config& c) { c.authorized_fetch = Flag(v); }},
      {.key = "federation.delivery_max_attempts",
       .kind = Kind::kUint,
       .default_value = uint64_t{14},
       .description = "Attempts of one delivery before it is given up; a host whose delivery is "
                      "given up is marked unavailable and skipped until it sends something.",
       .min = 1,
       .max = 30,
       .store = [](const Value& v, Config& c) {
         c.delivery_max_attempts = static_cast<uint32_t>(Number(v));
       }},
      {.key = "federation.delivery_first_retry_seconds",
       .kind = Kind::kUint,
       .default_value = uint64_t{60},
       .description = "Wait before the first retry of a failed delivery; each next wait doubles "
                      "(capped at 8 hours): with 14 attempts, about two days.",
       .min = 1,
       .max = 3600,
       .store = [](const Value& v, Config& c) {
         c.delivery_first_retry_seconds = static_cast<uint32_t>(Number(v));
       }},
      {.key = "civic.commercial_domains",
       .kind = Kind::kStringList,
       .default_value = std::vector<std::string>{},
       .description = "Domains whose actors count as commercial when they declare no sector "
                      "(subdomains included; the most specific listed domain wins).",
       .check = CheckDomainList,
       .store = [](const Value& v, Config& c) { c.commercial_domains = List(v); }},
      {.key = "civic.civic_domains",
       .kind = Kind::kStringList,
       .default_value = std::vector<std::string>{},
       .description = "Domains whose actors count as civic when they declare no sector "
                      "(subdomains included; on a tie with civic.commercial_domains, commercial).",
       .check = CheckDomainList,
       .store = [](const Value& v, Config& c) { c.civic_domains = List(v); }},
      {.key = "limits.body_bytes",
       .kind = Kind::kUint,
       .default_value = uint64_t{1048576},
       .description = "Largest request body accepted; a larger one gets 413.",
       .min = 1024,
       .max = 67108864,
       .store = [](const Value& v, Config& c) { c.limits.body_bytes = Number(v); }},
      {.key = "limits.header_bytes",
       .kind = Kind::kUint,
       .default_value = uint64_t{16384},
       .description = "Largest request line plus headers; larger gets 431.",
       .min = 1024,
       .max = 1048576,
       .store = [](const Value& v, Config& c) { c.limits.header_bytes = Number(v); }},
      {.key = "limits.json_depth",
       .kind = Kind::kUint,
       .default_value = uint64_t{64},
       .description = "Deepest nesting accepted in a JSON body; deeper gets 400.",
       .min = 2,
       .max = 1000,
       .store = [](const Value& v,
                   Config& c) { c.limits.json_depth = static_cast<uint32_t>(Number(v)); }},
      {.key = "limits.read_timeout_ms",
       .kind = Kind::kUint,
       .default_value = uint64_t{10000},
       .description = "Milliseconds to receive a whole request once it began.",
       .min = 50,
       .max = 600000,
       .store = [](const Value& v,
                   Config& c) { c.limits.read_timeout_ms = static_cast<uint32_t>(Number(v)); }},
      {.key = "limits.idle_timeout_ms",
       .kind = Kind::kUint,
       .default_value = uint64_t{60000},
       .description = "Milliseconds a kept-alive connection may wait for its next request.",
       .min = 50,
       .max = 3600000,
       .store = [](const Value& v,
                   Config& c) { c.limits.idle_timeout_ms = static_cast<uint32_t>(Number(v)); }},
      {.key = "limits.write_timeout_ms",
       .kind = Kind::kUint,
       .default_value = uint64_t{10000},
       .description = "Milliseconds to send one response.",
       .min = 50,
       .max = 600000,
       .store = [](const Value& v,
                   Config& c) { c.limits.write_timeout_ms = static_cast<uint32_t>(Number(v)); }},
      {.key = "limits.shutdown_grace_ms",
       .kind = Kind::kUint,
       .default_value = uint64_t{10000},
       .description = "Milliseconds in-flight requests may take to finish once shutdown begins.",
       .min = 0,
       .max = 600000,
       .store = [](const Value& v,
                   Config& c) { c.limits.shutdown_grace_ms = static_cast<uint32_t>(Number(v)); }},
      {.key = "limits.inbox_per_client_per_minute",
       .kind = Kind::kUint,
       .default_value = uint64_t{6000},
       .description = "Deliveries one client (one address) may make to the inboxes per minute; "
                      "past it: 429 with Retry-After. 0 lifts the limit (benchmarks).",
       .min = 0,
       .max = 10000000,
       .store = [](const Value& v, Config& c) {
         c.limits.inbox_per_client_per_minute = static_cast<uint32_t>(Number(v));
       }},
      {.key = "limits.inbox_per_domain_per_minute",
       .kind = Kind::kUint,
       .default_value = uint64_t{3000},
       .description = "Signed activities one remote domain may deliver per minute; past it: 429 "
                      "with Retry-After, and other domains go on. 0 lifts the limit.",
       .min = 0,
       .max = 10000000,
       .store = [](const Value& v, Config& c) {
         c.limits.inbox_per_domain_per_minute = static_cast<uint32_t>(Number(v));
       }},
      {.key = "threads.workers",
       .kind = Kind::kUint,
       .default_value = uint64_t{2},
       .description = "I/O threads of the HTTP server.",
       .min = 1,
       .max = 64,
       .store = [](const Value& v,
                   Config& c) { c.worker_threads = static_cast<uint32_t>(Number(v)); }},
      {.key = "log.level",
       .kind = Kind::kEnum,
       .default_value = "info",
       .description = "Least severe log messages written; off writes none.",
       .choices = {"trace", "debug", "info", "warn", "error", "off"},
       .store = [](const Value& v, Config& c) { c.log_level = Text(v); }},
  };
}

std::string JoinChoices(const Setting& setting, std::string_view separator) {
  std::string joined;
  for (std::string_view choice : setting.choices) {
    if (!joined.empty()) joined += separator;
    joined += choice;
  }
  return joined;
}

Check CheckText(std::string_view text) {
  if (!IsValidUtf8(text)) return std::unexpected(Quote(text) + " is not valid UTF-8");
  if (text.find('\0') != std::string_view::npos) {
    return std::unexpected(Quote(text) + " must not contain a NUL character");
  }
  return {};
}

// The rule every value of a kind obeys, before the row's own check.
Check CheckKind(const Setting& setting, const Value& value) {
  switch (setting.kind) {
    case Kind::kUint: {
      const uint64_t number = Number(value);
      if (number < setting.min || number > setting.max) {
        return std::unexpected(std::to_string(number) + " is out of range " +
                               std::to_string(setting.min) + ".." + std::to_string(setting.max));
      }
      return {};
    }
    case Kind::kBool:
      return {};
    case Kind::kString:
      return CheckText(Text(value));
    case Kind::kEnum:
      for (std::string_view choice : setting.choices) {
        if (Text(value) == choice) return {};
      }
      return std::unexpected(Quote(Text(value)) + " is not one of: " + JoinChoices(setting, ", "));
    case Kind::kStringList:
      for (const std::string& item : List(value)) {
        if (auto checked = CheckText(item); !checked) return checked;
      }
      return {};
  }
  return {};
}

std::string TypeName(const Setting& setting) {
  switch (setting.kind) {
    case Kind::kString:
      return "string";
    case Kind::kUint:
      return "uint " + std::to_string(setting.min) + ".." + std::to_string(setting.max);
    case Kind::kBool:
      return "bool";
    case Kind::kEnum:
      return "enum " + JoinChoices(setting, "|");
    case Kind::kStringList:
      return "list of strings";
  }
  return "";
}

// A default as it would be written in the JSON file.
std::string JsonText(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return Quote(*text);
  if (const auto* number = std::get_if<uint64_t>(&value)) return std::to_string(*number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  std::string json = "[";
  for (const std::string& item : List(value)) {
    if (json.size() > 1) json += ", ";
    json += Quote(item);
  }
  return json + "]";
}

}  // namespace

std::span<const Setting> Settings() {
  static const std::vector<Setting> settings = BuildSettings();
  return settings;
}

std::optional<size_t> FindSetting(std::string_view key) {
  const auto settings = Settings();
  for (size_t i = 0; i < settings.size(); ++i) {
    if (settings[i].key == key) return i;
  }
  return std::nullopt;
}

bool IsSection(std::string_view path) {
  for (const Setting& setting : Settings()) {
    if (setting.key.size() > path.size() && setting.key.starts_with(path) &&
        setting.key[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::string EnvironmentName(std::string_view key) {
  std::string name = "PARVIS_";
  for (char c : key) {
    if (c == '.') {
      name += '_';
    } else if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else {
      name += c;
    }
  }
  return name;
}

Check CheckValue(const Setting& setting, Value& value) {
  if (auto checked = CheckKind(setting, value); !checked) return checked;
  if (setting.check != nullptr) return setting.check(value);
  return {};
}

std::string Expectation(const Setting& setting) {
  switch (setting.kind) {
    case Kind::kString:
      return "a string";
    case Kind::kUint:
      return "an unsigned integer";
    case Kind::kBool:
      return "true or false";
    case Kind::kEnum:
      return "one of: " + JoinChoices(setting, ", ");
    case Kind::kStringList:
      return "a list of strings";
  }
  return "";
}

std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

}  // namespace config_schema

std::vector<ConfigKeyDoc> ConfigReference() {
  std::vector<ConfigKeyDoc> reference;
  for (const config_schema::Setting& setting : config_schema::Settings()) {
    reference.push_back({
        .key = std::string(setting.key),
        .env = config_schema::EnvironmentName(setting.key),
        .type = config_schema::TypeName(setting),
        .default_value = config_schema::JsonText(setting.default_value),
        .description = std::string(setting.description),
    });
  }
  return reference;
}

}  // namespace parvis
