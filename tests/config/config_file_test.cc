// LoadConfig with real files: every way a file can be refused, with the
// exact message an operator sees, and the values good files produce.
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/write_file.h"
#include "parvis/config.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string Replace(std::string text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

enum class Make { kFile, kNothing, kDirectory };

struct BadFile {
  const char* name;
  std::string content;
  std::string message;  // "FILE" stands for the file's path
  Make make = Make::kFile;
};

std::string Huge() {
  return R"({"node": {"description": ")" + std::string(1 << 20, 'a') + R"("}})";
}

// Labels of 63 letters (the most allowed) joined by dots, cut to `length`.
std::string DomainOfLength(size_t length) {
  std::string name;
  while (name.size() < length) name += (name.empty() ? "" : ".") + std::string(63, 'l');
  name.resize(length);
  return name;
}

// Far deeper than a recursive parser's stack allows, well under 1 MiB.
std::string DeeplyNested() {
  constexpr size_t kDepth = 300'000;
  return R"({"deep": )" + std::string(kDepth, '[') + std::string(kDepth, ']') + "}";
}

const BadFile kBadFiles[] = {
    {"missing file", "", "config file FILE: cannot read: No such file or directory",
     Make::kNothing},
    {"directory", "", "config file FILE: cannot read: Is a directory", Make::kDirectory},
    {"huge file", Huge(), "config file FILE: larger than the limit of 1048576 bytes"},
    {"empty file", "", "config file FILE: invalid JSON at byte 0: The document is empty."},
    {"malformed JSON", R"({"listen": {"port": 8080})",
     "config file FILE: invalid JSON at byte 25: Missing a comma or '}' after an object member."},
    {"trailing garbage", R"({} x)",
     "config file FILE: invalid JSON at byte 3: The document root must not be followed by other "
     "values."},
    {"comment", "{} // note",
     "config file FILE: invalid JSON at byte 3: The document root must not be followed by other "
     "values."},
    {"invalid UTF-8", "{\"node\": {\"name\": \"\xff\"}}",
     "config file FILE: invalid JSON at byte 19: Invalid encoding in string."},
    {"array root", "[]", "config file FILE: the top level must be a JSON object"},
    {"string root", R"("x")", "config file FILE: the top level must be a JSON object"},
    {"unknown top-level key", R"({"colour": "red"})", R"(config file FILE: unknown key "colour")"},
    {"unknown nested key", R"({"limits": {"bodybytes": 1}})",
     R"(config file FILE: unknown key "limits.bodybytes")"},
    {"unknown section", R"({"deep": {"a": 1}})", R"(config file FILE: unknown key "deep")"},
    {"deep nesting under an unknown key", DeeplyNested(),
     R"(config file FILE: unknown key "deep")"},
    {"dotted name", R"({"listen.port": 8080})", R"(config file FILE: unknown key "listen.port")"},
    {"key below a leaf", R"({"listen": {"port": {"value": 1}}})",
     R"(config file FILE: key "listen.port": expected an unsigned integer)"},
    {"section not an object", R"({"limits": 5})",
     R"(config file FILE: key "limits": expected an object)"},
    {"section is null", R"({"federation": null})",
     R"(config file FILE: key "federation": expected an object)"},
    {"uint as string", R"({"listen": {"port": "8080"}})",
     R"(config file FILE: key "listen.port": expected an unsigned integer)"},
    {"negative number", R"({"listen": {"port": -1}})",
     R"(config file FILE: key "listen.port": expected an unsigned integer)"},
    {"float for uint", R"({"limits": {"json_depth": 8.5}})",
     R"(config file FILE: key "limits.json_depth": expected an unsigned integer)"},
    {"integral float for uint", R"({"limits": {"json_depth": 8.0}})",
     R"(config file FILE: key "limits.json_depth": expected an unsigned integer)"},
    {"bool for uint", R"({"threads": {"workers": true}})",
     R"(config file FILE: key "threads.workers": expected an unsigned integer)"},
    {"number for string", R"({"data_dir": 5})",
     R"(config file FILE: key "data_dir": expected a string)"},
    {"null for string", R"({"node": {"name": null}})",
     R"(config file FILE: key "node.name": expected a string)"},
    {"string for bool", R"({"federation": {"allow_private_addresses": "true"}})",
     R"(config file FILE: key "federation.allow_private_addresses": expected true or false)"},
    {"number for bool", R"({"federation": {"allow_private_addresses": 1}})",
     R"(config file FILE: key "federation.allow_private_addresses": expected true or false)"},
    {"string for list", R"({"federation": {"blocklist": "a.example"}})",
     R"(config file FILE: key "federation.blocklist": expected a list of strings)"},
    {"number in list", R"({"federation": {"allowlist": ["a.example", 1]}})",
     R"(config file FILE: key "federation.allowlist": expected a list of strings)"},
    {"number for enum", R"({"registration": 1})",
     R"(config file FILE: key "registration": expected one of: open, approval, invite, closed)"},
    {"unknown enum name", R"({"registration": "Open"})",
     R"(config file FILE: key "registration": "Open" is not one of: open, approval, invite, closed)"},
    {"unknown log level", R"({"log": {"level": "verbose"}})",
     R"(config file FILE: key "log.level": "verbose" is not one of: trace, debug, info, warn, error, off)"},
    {"port above range", R"({"listen": {"port": 70000}})",
     R"(config file FILE: key "listen.port": 70000 is out of range 0..65535)"},
    {"largest uint64", R"({"listen": {"port": 18446744073709551615}})",
     R"(config file FILE: key "listen.port": 18446744073709551615 is out of range 0..65535)"},
    {"body below range", R"({"limits": {"body_bytes": 1023}})",
     R"(config file FILE: key "limits.body_bytes": 1023 is out of range 1024..67108864)"},
    {"body above range", R"({"limits": {"body_bytes": 67108865}})",
     R"(config file FILE: key "limits.body_bytes": 67108865 is out of range 1024..67108864)"},
    {"header below range", R"({"limits": {"header_bytes": 1000}})",
     R"(config file FILE: key "limits.header_bytes": 1000 is out of range 1024..1048576)"},
    {"depth below range", R"({"limits": {"json_depth": 1}})",
     R"(config file FILE: key "limits.json_depth": 1 is out of range 2..1000)"},
    {"read timeout below range", R"({"limits": {"read_timeout_ms": 49}})",
     R"(config file FILE: key "limits.read_timeout_ms": 49 is out of range 50..600000)"},
    {"idle timeout above range", R"({"limits": {"idle_timeout_ms": 3600001}})",
     R"(config file FILE: key "limits.idle_timeout_ms": 3600001 is out of range 50..3600000)"},
    {"write timeout above range", R"({"limits": {"write_timeout_ms": 600001}})",
     R"(config file FILE: key "limits.write_timeout_ms": 600001 is out of range 50..600000)"},
    {"grace above range", R"({"limits": {"shutdown_grace_ms": 600001}})",
     R"(config file FILE: key "limits.shutdown_grace_ms": 600001 is out of range 0..600000)"},
    {"no workers", R"({"threads": {"workers": 0}})",
     R"(config file FILE: key "threads.workers": 0 is out of range 1..64)"},
    {"base_url ftp", R"({"base_url": "ftp://x.example"})",
     R"(config file FILE: key "base_url": "ftp://x.example" is not an http or https URL)"},
    {"base_url relative", R"({"base_url": "x.example"})",
     R"(config file FILE: key "base_url": "x.example" is not an absolute URL)"},
    {"base_url empty", R"({"base_url": ""})",
     R"(config file FILE: key "base_url": "" is not an absolute URL)"},
    {"base_url with path", R"({"base_url": "https://x.example/y"})",
     R"(config file FILE: key "base_url": "https://x.example/y" must not have a path)"},
    {"base_url with query", R"({"base_url": "https://x.example/?a=1"})",
     R"(config file FILE: key "base_url": "https://x.example/?a=1" must not have a query)"},
    {"base_url with fragment", R"({"base_url": "https://x.example#top"})",
     R"(config file FILE: key "base_url": "https://x.example#top" must not have a fragment)"},
    {"base_url with userinfo", R"({"base_url": "https://me@x.example"})",
     R"(config file FILE: key "base_url": "https://me@x.example" must not have user information)"},
    {"base_url without host", R"({"base_url": "http:///"})",
     R"(config file FILE: key "base_url": "http:///" has no host)"},
    {"base_url without authority", R"({"base_url": "http:x.example"})",
     R"(config file FILE: key "base_url": "http:x.example" has no host)"},
    {"base_url bad host", R"({"base_url": "http://bad_host.example"})",
     R"(config file FILE: key "base_url": "http://bad_host.example" has an invalid host name)"},
    {"base_url future IP", R"({"base_url": "http://[v1.x]"})",
     R"(config file FILE: key "base_url": "http://[v1.x]" has an invalid host)"},
    {"base_url port too big", R"({"base_url": "http://x.example:99999"})",
     R"(config file FILE: key "base_url": "http://x.example:99999" has a port outside 1..65535)"},
    {"base_url port zero", R"({"base_url": "http://x.example:0"})",
     R"(config file FILE: key "base_url": "http://x.example:0" has a port outside 1..65535)"},
    {"base_url empty port", R"({"base_url": "http://x.example:"})",
     R"(config file FILE: key "base_url": "http://x.example:" has an empty port)"},
    {"listen address name", R"({"listen": {"address": "localhost"}})",
     R"(config file FILE: key "listen.address": "localhost" is not an IPv4 or IPv6 address)"},
    {"listen address bracketed", R"({"listen": {"address": "[::1]"}})",
     R"(config file FILE: key "listen.address": "[::1]" is not an IPv4 or IPv6 address)"},
    {"empty data_dir", R"({"data_dir": ""})",
     R"(config file FILE: key "data_dir": must not be empty)"},
    {"empty node name", R"({"node": {"name": ""}})",
     R"(config file FILE: key "node.name": must not be empty)"},
    {"long node name", R"({"node": {"name": ")" + std::string(101, 'n') + R"("}})",
     R"(config file FILE: key "node.name": is 101 characters long, more than 100)"},
    {"long description", R"({"node": {"description": ")" + std::string(2001, 'd') + R"("}})",
     R"(config file FILE: key "node.description": is 2001 characters long, more than 2000)"},
    {"long editor contact", R"({"editor": {"contact": ")" + std::string(201, 'c') + R"("}})",
     R"(config file FILE: key "editor.contact": is 201 characters long, more than 200)"},
    {"NUL in a string", R"({"editor": {"name": "a\u0000b"}})",
     R"(config file FILE: key "editor.name": "a\u0000b" must not contain a NUL character)"},
    {"bad domain", R"({"federation": {"blocklist": ["ok.example", "bad_domain!"]}})",
     R"(config file FILE: key "federation.blocklist": "bad_domain!" is not a domain name)"},
    {"domain with port", R"({"federation": {"allowlist": ["a.example:443"]}})",
     R"(config file FILE: key "federation.allowlist": "a.example:443" is not a domain name)"},
    {"domain with empty label", R"({"federation": {"allowlist": ["a..example"]}})",
     R"(config file FILE: key "federation.allowlist": "a..example" is not a domain name)"},
    {"domain with trailing dot", R"({"federation": {"allowlist": ["a.example."]}})",
     R"(config file FILE: key "federation.allowlist": "a.example." is not a domain name)"},
    {"domain label too long",
     R"({"federation": {"allowlist": [")" + std::string(64, 'l') + R"(.example"]}})",
     R"(config file FILE: key "federation.allowlist": ")" + std::string(64, 'l') +
         R"(.example" is not a domain name)"},
    {"domain too long", R"({"federation": {"allowlist": [")" + DomainOfLength(254) + R"("]}})",
     R"(config file FILE: key "federation.allowlist": ")" + DomainOfLength(254) +
         R"(" is not a domain name)"},
    {"domain with leading hyphen", R"({"federation": {"blocklist": ["-a.example"]}})",
     R"(config file FILE: key "federation.blocklist": "-a.example" is not a domain name)"},
    {"domain that is an IPv4 address", R"({"federation": {"blocklist": ["10.0.0.1"]}})",
     R"(config file FILE: key "federation.blocklist": "10.0.0.1" is not a domain name)"},
    {"empty domain", R"({"federation": {"blocklist": [""]}})",
     R"(config file FILE: key "federation.blocklist": "" is not a domain name)"},
    {"duplicate key", R"({"data_dir": "a", "data_dir": "b"})",
     R"(config file FILE: key "data_dir" appears twice)"},
    {"duplicate nested key", R"({"limits": {"json_depth": 3, "json_depth": 3}})",
     R"(config file FILE: key "limits.json_depth" appears twice)"},
    {"duplicate section", R"({"limits": {"json_depth": 3}, "limits": {"body_bytes": 2048}})",
     R"(config file FILE: key "limits" appears twice)"},
    // The first problem in the file is the one reported.
    {"first of two problems", R"({"colour": 1, "listen": {"port": "x"}})",
     R"(config file FILE: unknown key "colour")"},
};

class BadFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFileTest, IsRefusedWithExactMessage) {
  const BadFile& row = GetParam();
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/parvis.json";
  if (row.make == Make::kFile) path = WriteFile(dir.Sub("parvis.json"), row.content);
  if (row.make == Make::kDirectory) path = dir.path();

  const Result<Config> config = LoadConfig({.file = path});
  ASSERT_FALSE(config.has_value()) << row.name;
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.error().message, Replace(row.message, "FILE", path));
}

INSTANTIATE_TEST_SUITE_P(Table, BadFileTest, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& info) {
                           std::string name = info.param.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// What a good input sets, read back from Config as text.
struct GoodInput {
  const char* name;
  std::optional<std::string> file;  // nullopt: no file
  std::map<std::string, std::string> environment;
  std::function<std::string(const Config&)> read;
  std::string expected;
};

std::string Url(const Config& c) {
  return c.base_url + " " + c.host + " " + (c.https ? "https" : "http");
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ",") + item;
  return joined;
}

std::string Limits(const Config& c) {
  const parvis::Limits& l = c.limits;
  return std::to_string(l.body_bytes) + " " + std::to_string(l.header_bytes) + " " +
         std::to_string(l.json_depth) + " " + std::to_string(l.read_timeout_ms) + " " +
         std::to_string(l.idle_timeout_ms) + " " + std::to_string(l.write_timeout_ms) + " " +
         std::to_string(l.shutdown_grace_ms);
}

std::string Federation(const Config& c) {
  return std::string(FederationModeName(c.federation)) + " allow=" + Join(c.allowlist) +
         " block=" + Join(c.blocklist) + " private=" + (c.allow_private_addresses ? "yes" : "no");
}

std::string Registration(const Config& c) { return RegistrationModeName(c.registration); }

std::string Repeat(std::string_view piece, size_t times) {
  std::string text;
  for (size_t i = 0; i < times; ++i) text += piece;
  return text;
}

const GoodInput kGoodInputs[] = {
    {"no file", std::nullopt, {}, Url, "http://127.0.0.1:8080 127.0.0.1:8080 http"},
    {"empty object", "{}", {}, Url, "http://127.0.0.1:8080 127.0.0.1:8080 http"},
    {"empty sections",
     R"({"limits": {}, "node": {}})",
     {},
     Limits,
     "1048576 16384 64 10000 60000 10000 10000"},
    {"https URL",
     R"({"base_url": "https://civic.example"})",
     {},
     Url,
     "https://civic.example civic.example https"},
    {"URL trailing slash and upper case",
     R"({"base_url": "HTTPS://Civic.EXAMPLE/"})",
     {},
     Url,
     "https://civic.example civic.example https"},
    {"URL with port",
     R"({"base_url": "http://civic.example:8080"})",
     {},
     Url,
     "http://civic.example:8080 civic.example:8080 http"},
    {"URL with https default port",
     R"({"base_url": "https://civic.example:443/"})",
     {},
     Url,
     "https://civic.example civic.example https"},
    {"URL with http default port",
     R"({"base_url": "http://civic.example:0080"})",
     {},
     Url,
     "http://civic.example civic.example http"},
    {"URL with the other scheme's port",
     R"({"base_url": "https://civic.example:80"})",
     {},
     Url,
     "https://civic.example:80 civic.example:80 https"},
    {"URL with IPv4",
     R"({"base_url": "http://192.0.2.7:9000"})",
     {},
     Url,
     "http://192.0.2.7:9000 192.0.2.7:9000 http"},
    {"URL with IPv6",
     R"({"base_url": "http://[0:0:0:0:0:0:0:1]:8080"})",
     {},
     Url,
     "http://[::1]:8080 [::1]:8080 http"},
    {"URL with single-label host",
     R"({"base_url": "http://localhost:8080"})",
     {},
     Url,
     "http://localhost:8080 localhost:8080 http"},
    {"IPv6 listen address",
     R"({"listen": {"address": "::1"}})",
     {},
     [](const Config& c) { return c.listen_address; },
     "::1"},
    {"any address, any port",
     R"({"listen": {"address": "0.0.0.0", "port": 0}})",
     {},
     [](const Config& c) { return c.listen_address + " " + std::to_string(c.listen_port); },
     "0.0.0.0 0"},
    {"highest port",
     R"({"listen": {"port": 65535}})",
     {},
     [](const Config& c) { return std::to_string(c.listen_port); },
     "65535"},
    {"data dir",
     R"({"data_dir": "/srv/parvis"})",
     {},
     [](const Config& c) { return c.data_dir; },
     "/srv/parvis"},
    // Lengths count characters, not bytes: 100 "é" are 200 bytes.
    {"node name of 100 accented letters",
     R"({"node": {"name": ")" + Repeat("é", 100) + R"("}})",
     {},
     [](const Config& c) { return c.node_name; },
     Repeat("é", 100)},
    {"node texts",
     R"({"node": {"name": "Agora", "description": ""}, "editor": {"name": "A. Dupont", "contact": "mailto:a@x.example"}})",
     {},
     [](const Config& c) {
       return c.node_name + "|" + c.node_description + "|" + c.editor_name + "|" + c.editor_contact;
     },
     "Agora||A. Dupont|mailto:a@x.example"},
    {"registration open", R"({"registration": "open"})", {}, Registration, "open"},
    {"registration invite", R"({"registration": "invite"})", {}, Registration, "invite"},
    {"registration closed", R"({"registration": "closed"})", {}, Registration, "closed"},
    {"registration approval", R"({"registration": "approval"})", {}, Registration, "approval"},
    {"federation allowlist",
     R"({"federation": {"mode": "allowlist", "allowlist": ["Friends.Example", "xn--bcher-kva.example", "a-b.c"], "allow_private_addresses": true}})",
     {},
     Federation,
     "allowlist allow=friends.example,xn--bcher-kva.example,a-b.c block= private=yes"},
    {"longest domain",
     R"({"federation": {"blocklist": [")" + DomainOfLength(253) + R"("]}})",
     {},
     [](const Config& c) { return Join(c.blocklist); },
     DomainOfLength(253)},
    {"federation blocklist",
     R"({"federation": {"blocklist": ["SPAM.example"], "allowlist": []}})",
     {},
     Federation,
     "open allow= block=spam.example private=no"},
    {"lowest limits",
     R"({"limits": {"body_bytes": 1024, "header_bytes": 1024, "json_depth": 2, "read_timeout_ms": 50, "idle_timeout_ms": 50, "write_timeout_ms": 50, "shutdown_grace_ms": 0}})",
     {},
     Limits,
     "1024 1024 2 50 50 50 0"},
    {"highest limits",
     R"({"limits": {"body_bytes": 67108864, "header_bytes": 1048576, "json_depth": 1000, "read_timeout_ms": 600000, "idle_timeout_ms": 3600000, "write_timeout_ms": 600000, "shutdown_grace_ms": 600000}})",
     {},
     Limits,
     "67108864 1048576 1000 600000 3600000 600000 600000"},
    {"threads and log",
     R"({"threads": {"workers": 64}, "log": {"level": "off"}})",
     {},
     [](const Config& c) { return std::to_string(c.worker_threads) + " " + c.log_level; },
     "64 off"},
    // Environment values, alone and over a file.
    {"env port",
     std::nullopt,
     {{"PARVIS_LISTEN_PORT", "9000"}},
     [](const Config& c) { return std::to_string(c.listen_port); },
     "9000"},
    {"env port with leading zeros",
     std::nullopt,
     {{"PARVIS_LISTEN_PORT", "0080"}},
     [](const Config& c) { return std::to_string(c.listen_port); },
     "80"},
    {"env beats file",
     R"({"listen": {"port": 8081}, "data_dir": "/from/file"})",
     {{"PARVIS_LISTEN_PORT", "9000"}},
     [](const Config& c) { return std::to_string(c.listen_port) + " " + c.data_dir; },
     "9000 /from/file"},
    {"env rescues a bad file value",
     R"({"listen": {"port": 70000}})",
     {{"PARVIS_LISTEN_PORT", "9000"}},
     [](const Config& c) { return std::to_string(c.listen_port); },
     "9000"},
    {"env bool 1",
     std::nullopt,
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "1"}},
     Federation,
     "open allow= block= private=yes"},
    {"env bool true",
     std::nullopt,
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"}},
     Federation,
     "open allow= block= private=yes"},
    {"env bool 0 over file true",
     R"({"federation": {"allow_private_addresses": true}})",
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "0"}},
     Federation,
     "open allow= block= private=no"},
    {"env bool false",
     std::nullopt,
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "false"}},
     Federation,
     "open allow= block= private=no"},
    {"env list",
     std::nullopt,
     {{"PARVIS_FEDERATION_BLOCKLIST", "A.example, b.example"}},
     Federation,
     "open allow= block=a.example,b.example private=no"},
    {"env empty list over file list",
     R"({"federation": {"blocklist": ["a.example"]}})",
     {{"PARVIS_FEDERATION_BLOCKLIST", ""}},
     Federation,
     "open allow= block= private=no"},
    {"env enum",
     std::nullopt,
     {{"PARVIS_REGISTRATION", "closed"}, {"PARVIS_FEDERATION_MODE", "allowlist"}},
     [](const Config& c) { return Registration(c) + " " + Federation(c); },
     "closed allowlist allow= block= private=no"},
    {"env URL",
     std::nullopt,
     {{"PARVIS_BASE_URL", "https://Env.example/"}},
     Url,
     "https://env.example env.example https"},
    {"env limits",
     std::nullopt,
     {{"PARVIS_LIMITS_BODY_BYTES", "2048"}, {"PARVIS_LIMITS_SHUTDOWN_GRACE_MS", "0"}},
     Limits,
     "2048 16384 64 10000 60000 10000 0"},
    {"env strings",
     std::nullopt,
     {{"PARVIS_NODE_NAME", "Agora"}, {"PARVIS_EDITOR_CONTACT", "https://x.example/contact"}},
     [](const Config& c) { return c.node_name + "|" + c.editor_contact; },
     "Agora|https://x.example/contact"},
    // PARVIS_CONFIG names the file for the command line; LoadConfig must not
    // read it as a setting nor open it.
    {"PARVIS_CONFIG ignored",
     std::nullopt,
     {{"PARVIS_CONFIG", "/nonexistent/parvis.json"}},
     [](const Config& c) { return c.data_dir; },
     "./var/data"},
    {"other variables ignored",
     std::nullopt,
     {{"HOME", "/root"}, {"PARVISX", "1"}, {"parvis_listen_port", "1"}, {"XPARVIS_NOPE", "1"}},
     [](const Config& c) { return std::to_string(c.listen_port); },
     "8080"},
};

class GoodInputTest : public ::testing::TestWithParam<GoodInput> {};

TEST_P(GoodInputTest, SetsValue) {
  const GoodInput& row = GetParam();
  TempDir dir;
  ConfigSources sources{.environment = row.environment};
  if (row.file) sources.file = WriteFile(dir.Sub("parvis.json"), *row.file);

  const Result<Config> config = LoadConfig(sources);
  ASSERT_TRUE(config.has_value()) << row.name << ": " << config.error().message;
  EXPECT_EQ(row.read(*config), row.expected) << row.name;
}

INSTANTIATE_TEST_SUITE_P(Table, GoodInputTest, ::testing::ValuesIn(kGoodInputs),
                         [](const ::testing::TestParamInfo<GoodInput>& info) {
                           std::string name = info.param.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(LoadConfigTest, DefaultsWithoutFileOrEnvironment) {
  const Result<Config> config = LoadConfig({});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const Config& c = *config;
  EXPECT_EQ(c.base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.host, "127.0.0.1:8080");
  EXPECT_FALSE(c.https);
  EXPECT_EQ(c.listen_address, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.data_dir, "./var/data");
  EXPECT_EQ(c.node_name, "Parvis");
  EXPECT_EQ(c.node_description, "A Parvis node for civic engagement.");
  EXPECT_EQ(c.editor_name, "");
  EXPECT_EQ(c.editor_contact, "");
  EXPECT_EQ(c.registration, RegistrationMode::kApproval);
  EXPECT_EQ(c.federation, FederationMode::kOpen);
  EXPECT_TRUE(c.allowlist.empty());
  EXPECT_TRUE(c.blocklist.empty());
  EXPECT_FALSE(c.allow_private_addresses);
  EXPECT_EQ(Limits(c), "1048576 16384 64 10000 60000 10000 10000");
  EXPECT_EQ(c.worker_threads, 2u);
  EXPECT_EQ(c.log_level, "info");
}

// A file error is reported before any environment error: sources are read
// in precedence order and loading stops at the first problem.
TEST(LoadConfigTest, FileProblemReportedBeforeEnvironmentProblem) {
  TempDir dir;
  const std::string path = WriteFile(dir.Sub("parvis.json"), R"({"colour": 1})");
  const Result<Config> config = LoadConfig({.file = path, .environment = {{"PARVIS_NOPE", "1"}}});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message, "config file " + path + ": unknown key \"colour\"");
}

}  // namespace
}  // namespace parvis
