// Access to the shared fixtures (../shared/fixtures) for protocol tests.
#ifndef PARVIS_TESTS_PROTOCOL_FIXTURE_FILES_H_
#define PARVIS_TESTS_PROTOCOL_FIXTURE_FILES_H_

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "parvis/protocol/http_message.h"

namespace parvis::protocol::testing {

// The bytes of `relative` under the fixtures directory; fails the test (and
// returns "") when it cannot be read.
std::string ReadFixture(std::string_view relative);

// ReadFixture parsed as JSON with full-precision numbers; fails the test
// (and returns null) when it cannot be parsed.
rapidjson::Document LoadFixtureJson(std::string_view relative);

// http-signatures/vectors.json, parsed once.
const rapidjson::Document& SignatureVectors();

// A string member of a vectors.json object ("" and a test failure if absent).
std::string Str(const rapidjson::Value& object, const char* name);

// An HttpMessage from a vectors.json message object: "method" plus either
// "target" (cavage) or "targetUri" (RFC 9421), "headers" as [name, value]
// pairs (names lower-cased, order kept), "status" for responses. The
// authority is the Host header, else the target URI's.
HttpMessage MessageFromVector(const rapidjson::Value& message);

}  // namespace parvis::protocol::testing

#endif  // PARVIS_TESTS_PROTOCOL_FIXTURE_FILES_H_
