// Node configuration: embedded defaults, then a JSON file, then PARVIS_*
// environment variables, validated as a whole before the node starts.
//
// Every key, its type, its default and its meaning live in one table
// (config/config_schema.cc); README's configuration reference is printed from
// it by `parvis config keys`.
#ifndef PARVIS_CONFIG_H_
#define PARVIS_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "parvis/result.h"

namespace parvis {

enum class RegistrationMode { kOpen, kApproval, kInvite, kClosed };
enum class FederationMode { kOpen, kAllowlist };

const char* RegistrationModeName(RegistrationMode mode);
const char* FederationModeName(FederationMode mode);

// Bounds on what one client may make the node hold or wait for.
struct Limits {
  uint64_t body_bytes = 1 << 20;         // request body; over it: 413
  uint64_t header_bytes = 16 << 10;      // request line + headers; over it: 431
  uint32_t json_depth = 64;              // nesting of a JSON body; over it: 400
  uint32_t read_timeout_ms = 10'000;     // to receive one whole request once it began
  uint32_t idle_timeout_ms = 60'000;     // keep-alive wait for the next request
  uint32_t write_timeout_ms = 10'000;    // to send one response
  uint32_t shutdown_grace_ms = 10'000;   // in-flight requests may finish within this
  uint32_t inbox_per_client_per_minute = 6000;  // 0: no limit
  uint32_t inbox_per_domain_per_minute = 3000;  // 0: no limit
};

struct Config {
  std::string base_url;            // public URL, scheme://host[:port], no path
  std::string host;                // host[:port] part of base_url, for ids and WebFinger
  bool https = false;              // base_url scheme is https
  std::string listen_address;      // IP address to bind
  uint16_t listen_port = 8080;     // 0 picks a free port (tests)
  std::string data_dir;            // RocksDB folder and control socket
  std::string node_name;
  std::string node_description;
  std::string editor_name;         // responsible editor (publication director)
  std::string editor_contact;      // email or URL
  RegistrationMode registration = RegistrationMode::kApproval;
  FederationMode federation = FederationMode::kOpen;
  std::vector<std::string> allowlist;   // domains, used in allowlist mode
  std::vector<std::string> blocklist;   // domains refused in every mode
  bool allow_private_addresses = false;  // fetch/deliver to loopback and private ranges
  bool authorized_fetch = false;         // actors, objects and collections need signed GETs
  uint32_t delivery_first_retry_seconds = 60;  // doubles per attempt
  uint32_t delivery_max_attempts = 14;         // then given up, and the host marked unavailable
  // The per-domain sector policy: remote actors that declare no sector take
  // the sector of the most specific listed domain covering their host.
  std::vector<std::string> commercial_domains;
  std::vector<std::string> civic_domains;
  Limits limits;
  uint32_t worker_threads = 2;     // I/O threads of the HTTP server
  std::string log_level;           // trace, debug, info, warn, error, off
};

// Where the configuration came from, so error messages can name it.
struct ConfigSources {
  std::string file;  // empty: no file, defaults and environment only
  // Environment as NAME -> value; only PARVIS_* names are read.
  std::map<std::string, std::string> environment;
};

// Names the config file for the command line; LoadConfig skips it when
// reading settings from the environment.
inline constexpr char kConfigFileVariable[] = "PARVIS_CONFIG";

// Loads defaults, then `sources.file` if set, then environment overrides,
// then validates. Errors name the file (or the variable) and the dotted key:
//   config file /etc/parvis.json: key "limits.body_bytes": expected an unsigned integer
Result<Config> LoadConfig(const ConfigSources& sources);

// Reads the process environment into the form LoadConfig takes.
std::map<std::string, std::string> ProcessEnvironment();

// One line per key: dotted name, environment variable, type, default, meaning.
struct ConfigKeyDoc {
  std::string key;
  std::string env;
  std::string type;
  std::string default_value;
  std::string description;
};
std::vector<ConfigKeyDoc> ConfigReference();

}  // namespace parvis

#endif  // PARVIS_CONFIG_H_
