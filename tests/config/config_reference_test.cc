// ConfigReference (the documented key list) and the mode names: the
// reference must describe exactly what LoadConfig accepts.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/write_file.h"
#include "parvis/config.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

// Every field of a Config on one line, to compare two configs whole.
std::string Describe(const Config& c) {
  std::string text = c.base_url + "|" + c.host + "|" + (c.https ? "https" : "http") + "|" +
                     c.listen_address + "|" + std::to_string(c.listen_port) + "|" + c.data_dir +
                     "|" + c.node_name + "|" + c.node_description + "|" + c.editor_name + "|" +
                     c.editor_contact + "|" + RegistrationModeName(c.registration) + "|" +
                     FederationModeName(c.federation) + "|";
  for (const std::string& d : c.allowlist) text += d + ",";
  text += "|";
  for (const std::string& d : c.blocklist) text += d + ",";
  text += "|";
  for (const std::string& d : c.commercial_domains) text += d + ",";
  text += "|";
  for (const std::string& d : c.civic_domains) text += d + ",";
  const Limits& l = c.limits;
  text += std::string("|") + (c.allow_private_addresses ? "private" : "public") + "|" +
          std::to_string(l.body_bytes) + "|" + std::to_string(l.header_bytes) + "|" +
          std::to_string(l.json_depth) + "|" + std::to_string(l.read_timeout_ms) + "|" +
          std::to_string(l.idle_timeout_ms) + "|" + std::to_string(l.write_timeout_ms) + "|" +
          std::to_string(l.shutdown_grace_ms) + "|" + std::to_string(l.inbox_per_client_per_minute) +
          "|" + std::to_string(l.inbox_per_domain_per_minute) + "|" + std::to_string(c.worker_threads) + "|" +
          c.log_level;
  return text;
}

struct ReferenceRow {
  std::string key;
  std::string env;
  std::string type;
  std::string default_value;
};

// The whole documented surface, in order; changing a key means changing this.
const std::vector<ReferenceRow> kExpectedReference = {
    {"base_url", "PARVIS_BASE_URL", "string", R"("http://127.0.0.1:8080")"},
    {"listen.address", "PARVIS_LISTEN_ADDRESS", "string", R"("127.0.0.1")"},
    {"listen.port", "PARVIS_LISTEN_PORT", "uint 0..65535", "8080"},
    {"data_dir", "PARVIS_DATA_DIR", "string", R"("./var/data")"},
    {"node.name", "PARVIS_NODE_NAME", "string", R"("Parvis")"},
    {"node.description", "PARVIS_NODE_DESCRIPTION", "string",
     R"("A Parvis node for civic engagement.")"},
    {"editor.name", "PARVIS_EDITOR_NAME", "string", R"("")"},
    {"editor.contact", "PARVIS_EDITOR_CONTACT", "string", R"("")"},
    {"registration", "PARVIS_REGISTRATION", "enum open|approval|invite|closed", R"("approval")"},
    {"federation.mode", "PARVIS_FEDERATION_MODE", "enum open|allowlist", R"("open")"},
    {"federation.allowlist", "PARVIS_FEDERATION_ALLOWLIST", "list of strings", "[]"},
    {"federation.blocklist", "PARVIS_FEDERATION_BLOCKLIST", "list of strings", "[]"},
    {"federation.allow_private_addresses", "PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "bool",
     "false"},
    {"federation.authorized_fetch", "PARVIS_FEDERATION_AUTHORIZED_FETCH", "bool", "false"},
    {"federation.delivery_max_attempts", "PARVIS_FEDERATION_DELIVERY_MAX_ATTEMPTS", "uint 1..30",
     "14"},
    {"federation.delivery_first_retry_seconds", "PARVIS_FEDERATION_DELIVERY_FIRST_RETRY_SECONDS",
     "uint 1..3600", "60"},
    {"civic.commercial_domains", "PARVIS_CIVIC_COMMERCIAL_DOMAINS", "list of strings", "[]"},
    {"civic.civic_domains", "PARVIS_CIVIC_CIVIC_DOMAINS", "list of strings", "[]"},
    {"limits.body_bytes", "PARVIS_LIMITS_BODY_BYTES", "uint 1024..67108864", "1048576"},
    {"limits.header_bytes", "PARVIS_LIMITS_HEADER_BYTES", "uint 1024..1048576", "16384"},
    {"limits.json_depth", "PARVIS_LIMITS_JSON_DEPTH", "uint 2..1000", "64"},
    {"limits.read_timeout_ms", "PARVIS_LIMITS_READ_TIMEOUT_MS", "uint 50..600000", "10000"},
    {"limits.idle_timeout_ms", "PARVIS_LIMITS_IDLE_TIMEOUT_MS", "uint 50..3600000", "60000"},
    {"limits.write_timeout_ms", "PARVIS_LIMITS_WRITE_TIMEOUT_MS", "uint 50..600000", "10000"},
    {"limits.shutdown_grace_ms", "PARVIS_LIMITS_SHUTDOWN_GRACE_MS", "uint 0..600000", "10000"},
    {"limits.inbox_per_client_per_minute", "PARVIS_LIMITS_INBOX_PER_CLIENT_PER_MINUTE", "uint 0..10000000", "6000"},
    {"limits.inbox_per_domain_per_minute", "PARVIS_LIMITS_INBOX_PER_DOMAIN_PER_MINUTE", "uint 0..10000000", "3000"},
    {"threads.workers", "PARVIS_THREADS_WORKERS", "uint 1..64", "2"},
    {"log.level", "PARVIS_LOG_LEVEL", "enum trace|debug|info|warn|error|off", R"("info")"},
};

TEST(ConfigReferenceTest, ListsEveryKeyOnceInTableOrder) {
  const std::vector<ConfigKeyDoc> reference = ConfigReference();
  ASSERT_EQ(reference.size(), kExpectedReference.size());
  std::set<std::string> keys;
  std::set<std::string> envs;
  for (size_t i = 0; i < reference.size(); ++i) {
    SCOPED_TRACE(kExpectedReference[i].key);
    EXPECT_EQ(reference[i].key, kExpectedReference[i].key);
    EXPECT_EQ(reference[i].env, kExpectedReference[i].env);
    EXPECT_EQ(reference[i].type, kExpectedReference[i].type);
    EXPECT_EQ(reference[i].default_value, kExpectedReference[i].default_value);
    EXPECT_FALSE(reference[i].description.empty());
    keys.insert(reference[i].key);
    envs.insert(reference[i].env);
  }
  EXPECT_EQ(keys.size(), reference.size());
  EXPECT_EQ(envs.size(), reference.size());
}

// Writing every documented default into a file must load, and give what no
// file gives: the documented defaults are the real ones and valid JSON.
TEST(ConfigReferenceTest, DocumentedDefaultsLoadFromFileAsDefaults) {
  std::map<std::string, std::string> sections;  // section ("" for top) -> members
  for (const ConfigKeyDoc& doc : ConfigReference()) {
    const size_t dot = doc.key.find('.');
    const std::string section = dot == std::string::npos ? "" : doc.key.substr(0, dot);
    const std::string leaf = dot == std::string::npos ? doc.key : doc.key.substr(dot + 1);
    std::string& members = sections[section];
    if (!members.empty()) members += ", ";
    members += "\"" + leaf + "\": " + doc.default_value;
  }
  std::string json = "{" + sections[""];
  for (const auto& [section, members] : sections) {
    if (!section.empty()) json += ", \"" + section + "\": {" + members + "}";
  }
  json += "}";

  testing::TempDir dir;
  const Result<Config> from_file =
      LoadConfig({.file = testing::WriteFile(dir.Sub("defaults.json"), json)});
  const Result<Config> from_nothing = LoadConfig({});
  ASSERT_TRUE(from_file.has_value()) << json << "\n" << from_file.error().message;
  ASSERT_TRUE(from_nothing.has_value()) << from_nothing.error().message;
  EXPECT_EQ(Describe(*from_file), Describe(*from_nothing));
}

// Every documented variable name is one LoadConfig accepts.
TEST(ConfigReferenceTest, DocumentedVariablesAreAccepted) {
  std::map<std::string, std::string> environment;
  for (const ConfigKeyDoc& doc : ConfigReference()) {
    std::string text = doc.default_value;
    // From JSON text to variable text: strings unquoted, the empty list empty.
    if (text.starts_with('"')) text = text.substr(1, text.size() - 2);
    if (text == "[]") text.clear();
    environment[doc.env] = text;
  }
  const Result<Config> from_environment = LoadConfig({.environment = environment});
  const Result<Config> from_nothing = LoadConfig({});
  ASSERT_TRUE(from_environment.has_value()) << from_environment.error().message;
  ASSERT_TRUE(from_nothing.has_value()) << from_nothing.error().message;
  EXPECT_EQ(Describe(*from_environment), Describe(*from_nothing));
}

TEST(ModeNameTest, RegistrationModes) {
  const std::pair<RegistrationMode, std::string> cases[] = {
      {RegistrationMode::kOpen, "open"},
      {RegistrationMode::kApproval, "approval"},
      {RegistrationMode::kInvite, "invite"},
      {RegistrationMode::kClosed, "closed"},
  };
  for (const auto& [mode, name] : cases) EXPECT_EQ(RegistrationModeName(mode), name);
}

TEST(ModeNameTest, FederationModes) {
  const std::pair<FederationMode, std::string> cases[] = {
      {FederationMode::kOpen, "open"},
      {FederationMode::kAllowlist, "allowlist"},
  };
  for (const auto& [mode, name] : cases) EXPECT_EQ(FederationModeName(mode), name);
}

}  // namespace
}  // namespace parvis
