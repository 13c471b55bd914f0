// LoadConfig with PARVIS_* environment variables: refusals with exact
// messages, and ProcessEnvironment reading the real environment.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <map>
#include <string>

#include "parvis/config.h"

namespace parvis {
namespace {

struct BadEnvironment {
  const char* name;
  std::map<std::string, std::string> environment;
  std::string message;
};

const BadEnvironment kBadEnvironments[] = {
    {"unknown variable",
     {{"PARVIS_NOPE", "1"}},
     "environment variable PARVIS_NOPE: unknown setting"},
    {"misspelt variable",
     {{"PARVIS_LIMITS_BODYBYTES", "2048"}},
     "environment variable PARVIS_LIMITS_BODYBYTES: unknown setting"},
    {"section as variable",
     {{"PARVIS_LIMITS", "1"}},
     "environment variable PARVIS_LIMITS: unknown setting"},
    {"bare prefix", {{"PARVIS_", "1"}}, "environment variable PARVIS_: unknown setting"},
    {"lower-case key after prefix",
     {{"PARVIS_listen_port", "1"}},
     "environment variable PARVIS_listen_port: unknown setting"},
    {"letters for uint",
     {{"PARVIS_LISTEN_PORT", "abc"}},
     R"(environment variable PARVIS_LISTEN_PORT: "abc" is not an unsigned integer)"},
    {"empty uint",
     {{"PARVIS_LISTEN_PORT", ""}},
     R"(environment variable PARVIS_LISTEN_PORT: "" is not an unsigned integer)"},
    {"negative uint",
     {{"PARVIS_LISTEN_PORT", "-1"}},
     R"(environment variable PARVIS_LISTEN_PORT: "-1" is not an unsigned integer)"},
    {"plus sign",
     {{"PARVIS_LISTEN_PORT", "+80"}},
     R"(environment variable PARVIS_LISTEN_PORT: "+80" is not an unsigned integer)"},
    {"surrounding space",
     {{"PARVIS_LISTEN_PORT", " 80"}},
     R"(environment variable PARVIS_LISTEN_PORT: " 80" is not an unsigned integer)"},
    {"trailing text",
     {{"PARVIS_LISTEN_PORT", "80x"}},
     R"(environment variable PARVIS_LISTEN_PORT: "80x" is not an unsigned integer)"},
    {"hexadecimal",
     {{"PARVIS_LISTEN_PORT", "0x50"}},
     R"(environment variable PARVIS_LISTEN_PORT: "0x50" is not an unsigned integer)"},
    {"exponent",
     {{"PARVIS_LIMITS_BODY_BYTES", "1e6"}},
     R"(environment variable PARVIS_LIMITS_BODY_BYTES: "1e6" is not an unsigned integer)"},
    {"uint out of range",
     {{"PARVIS_LISTEN_PORT", "70000"}},
     "environment variable PARVIS_LISTEN_PORT: 70000 is out of range 0..65535"},
    {"uint past 64 bits",
     {{"PARVIS_LISTEN_PORT", "99999999999999999999"}},
     "environment variable PARVIS_LISTEN_PORT: 99999999999999999999 is out of range 0..65535"},
    {"workers zero",
     {{"PARVIS_THREADS_WORKERS", "0"}},
     "environment variable PARVIS_THREADS_WORKERS: 0 is out of range 1..64"},
    {"bool word",
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "yes"}},
     R"(environment variable PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES: "yes" is not true, false, 1 or 0)"},
    {"bool upper case",
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "TRUE"}},
     R"(environment variable PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES: "TRUE" is not true, false, 1 or 0)"},
    {"bool empty",
     {{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", ""}},
     R"(environment variable PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES: "" is not true, false, 1 or 0)"},
    {"enum unknown",
     {{"PARVIS_FEDERATION_MODE", "closed"}},
     R"(environment variable PARVIS_FEDERATION_MODE: "closed" is not one of: open, allowlist)"},
    {"log level upper case",
     {{"PARVIS_LOG_LEVEL", "INFO"}},
     R"(environment variable PARVIS_LOG_LEVEL: "INFO" is not one of: trace, debug, info, warn, error, off)"},
    {"bad domain in list",
     {{"PARVIS_FEDERATION_BLOCKLIST", "a.example,bad_domain!"}},
     R"(environment variable PARVIS_FEDERATION_BLOCKLIST: "bad_domain!" is not a domain name)"},
    {"empty item in list",
     {{"PARVIS_FEDERATION_ALLOWLIST", "a.example,,b.example"}},
     R"(environment variable PARVIS_FEDERATION_ALLOWLIST: "" is not a domain name)"},
    {"trailing comma in list",
     {{"PARVIS_FEDERATION_ALLOWLIST", "a.example,"}},
     R"(environment variable PARVIS_FEDERATION_ALLOWLIST: "" is not a domain name)"},
    {"bad URL",
     {{"PARVIS_BASE_URL", "ftp://x.example"}},
     R"(environment variable PARVIS_BASE_URL: "ftp://x.example" is not an http or https URL)"},
    {"bad address",
     {{"PARVIS_LISTEN_ADDRESS", "127.0.0.256"}},
     R"(environment variable PARVIS_LISTEN_ADDRESS: "127.0.0.256" is not an IPv4 or IPv6 address)"},
    {"empty data dir",
     {{"PARVIS_DATA_DIR", ""}},
     "environment variable PARVIS_DATA_DIR: must not be empty"},
    {"invalid UTF-8",
     {{"PARVIS_NODE_NAME", "Agor\xe0"}},
     "environment variable PARVIS_NODE_NAME: \"Agor\xe0\" is not valid UTF-8"},
    // Quotes and control characters are escaped so the message shows them.
    {"odd characters quoted",
     {{"PARVIS_LOG_LEVEL", "in\"fo\n\x01"}},
     R"(environment variable PARVIS_LOG_LEVEL: "in\"fo\n\u0001" is not one of: trace, debug, info, warn, error, off)"},
};

class BadEnvironmentTest : public ::testing::TestWithParam<BadEnvironment> {};

TEST_P(BadEnvironmentTest, IsRefusedWithExactMessage) {
  const BadEnvironment& row = GetParam();
  const Result<Config> config = LoadConfig({.environment = row.environment});
  ASSERT_FALSE(config.has_value()) << row.name;
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.error().message, row.message);
}

INSTANTIATE_TEST_SUITE_P(Table, BadEnvironmentTest, ::testing::ValuesIn(kBadEnvironments),
                         [](const ::testing::TestParamInfo<BadEnvironment>& info) {
                           std::string name = info.param.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ProcessEnvironmentTest, ReadsVariablesOfThisProcess) {
  // The value holds '=' to show only the first one separates name and value.
  ASSERT_EQ(::setenv("PARVIS_CONFIG_TEST_PROBE", "a=b", 1), 0);
  const std::map<std::string, std::string> environment = ProcessEnvironment();
  ::unsetenv("PARVIS_CONFIG_TEST_PROBE");
  const auto found = environment.find("PARVIS_CONFIG_TEST_PROBE");
  ASSERT_NE(found, environment.end());
  EXPECT_EQ(found->second, "a=b");
}

}  // namespace
}  // namespace parvis
