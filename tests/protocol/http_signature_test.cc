#include "parvis/protocol/http_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/timestamps.h"
#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using testing::SignatureVectors;
using testing::Str;

const rapidjson::Value& Cavage() { return SignatureVectors()["draftCavage12"]; }
const rapidjson::Value& Rfc9421() { return SignatureVectors()["rfc9421"]; }

const rapidjson::Value& Rfc9421Case(const std::string& id) {
  for (const auto& c : Rfc9421()["cases"].GetArray()) {
    if (Str(c, "id") == id) return c;
  }
  ADD_FAILURE() << "no case " << id;
  return Rfc9421()["cases"][0];
}

PublicKey Rfc9421Key(const char* id) {
  return *ParsePublicKeyPem(Str(Rfc9421()["keys"][id], "publicKeyPem"));
}

HttpMessage WithRfc9421Signature(const std::string& id) {
  const rapidjson::Value& c = Rfc9421Case(id);
  HttpMessage message =
      testing::MessageFromVector(Rfc9421()["messages"][Str(c, "message").c_str()]);
  message.headers.emplace_back("signature-input", Str(c, "signatureInput"));
  message.headers.emplace_back("signature", Str(c, "signature"));
  return message;
}

TEST(InspectRequestSignature, ReadsCavageSignatureHeader) {
  HttpMessage request = testing::MessageFromVector(Cavage()["request"]);
  request.headers.emplace_back("signature", Str(Cavage()["cases"][1], "signatureHeader"));
  auto info = InspectRequestSignature(request);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->scheme, SignatureScheme::kDraftCavage);
  EXPECT_EQ(info->key_id, "Test");
  EXPECT_EQ(info->algorithm, "rsa-sha256");
  EXPECT_EQ(info->covered, (std::vector<std::string>{"(request-target)", "host", "date"}));
  EXPECT_FALSE(info->created.has_value());
  const PublicKey key = *ParsePublicKeyPem(Str(Cavage()["keys"]["Test"], "publicKeyPem"));
  EXPECT_TRUE(VerifyRequestSignature(request, *info, key).has_value());
  EXPECT_FALSE(VerifyRequestSignature(request, *info, Rfc9421Key("test-key-rsa")).has_value());
}

TEST(InspectRequestSignature, ReadsCavageAuthorizationHeader) {
  HttpMessage request = testing::MessageFromVector(Cavage()["request"]);
  request.headers.emplace_back("authorization", Str(Cavage()["cases"][0], "authorizationHeader"));
  auto info = InspectRequestSignature(request);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->scheme, SignatureScheme::kDraftCavage);
  EXPECT_EQ(info->covered, std::vector<std::string>{"date"});
  const PublicKey key = *ParsePublicKeyPem(Str(Cavage()["keys"]["Test"], "publicKeyPem"));
  EXPECT_TRUE(VerifyRequestSignature(request, *info, key).has_value());
}

TEST(InspectRequestSignature, CavageCreatedCountsOnlyWhenCovered) {
  HttpMessage request = testing::MessageFromVector(Cavage()["request"]);
  request.headers.emplace_back("authorization",
                               Str(Cavage()["cases"][2], "authorizationHeaderAsPrinted"));
  auto info = InspectRequestSignature(request);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->created, 1402170695);
  EXPECT_EQ(info->expires, 1402170699);
  // C.3 as printed never verifies.
  const PublicKey key = *ParsePublicKeyPem(Str(Cavage()["keys"]["Test"], "publicKeyPem"));
  EXPECT_FALSE(VerifyRequestSignature(request, *info, key).has_value());

  HttpMessage uncovered = testing::MessageFromVector(Cavage()["request"]);
  uncovered.headers.emplace_back(
      "signature", "keyId=\"k\",headers=\"date\",created=5,expires=9,signature=\"AAAA\"");
  auto unsigned_times = InspectRequestSignature(uncovered);
  ASSERT_TRUE(unsigned_times.has_value());
  EXPECT_FALSE(unsigned_times->created.has_value());
  EXPECT_EQ(unsigned_times->expires, 9);
}

TEST(InspectRequestSignature, ReadsRfc9421Fields) {
  const HttpMessage request = WithRfc9421Signature("B.2.6");
  auto info = InspectRequestSignature(request);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->scheme, SignatureScheme::kRfc9421);
  EXPECT_EQ(info->key_id, "test-key-ed25519");
  EXPECT_EQ(info->algorithm, "");
  EXPECT_EQ(info->covered, (std::vector<std::string>{"date", "@method", "@path", "@authority",
                                                     "content-type", "content-length"}));
  EXPECT_EQ(info->created, 1618884473);
  EXPECT_FALSE(info->expires.has_value());
  EXPECT_TRUE(VerifyRequestSignature(request, *info, Rfc9421Key("test-key-ed25519")).has_value());
  EXPECT_FALSE(VerifyRequestSignature(request, *info, Rfc9421Key("test-key-rsa")).has_value());

  auto b22 = InspectRequestSignature(WithRfc9421Signature("B.2.2"));
  ASSERT_TRUE(b22.has_value());
  EXPECT_EQ(b22->covered, (std::vector<std::string>{"@authority", "content-digest",
                                                    "@query-param;name=\"Pet\""}));
}

TEST(InspectRequestSignature, PrefersRfc9421AndItsFirstLabel) {
  HttpMessage proxied =
      testing::MessageFromVector(Rfc9421()["messages"]["section43ProxiedRequest"]);
  proxied.headers.emplace_back("authorization", Str(Cavage()["cases"][0], "authorizationHeader"));
  auto info = InspectRequestSignature(proxied);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->scheme, SignatureScheme::kRfc9421);
  EXPECT_EQ(info->key_id, "test-key-ecc-p256");
  EXPECT_EQ(std::get<MessageSignature>(info->parsed).label, "sig1");
  // The client's signature does not survive the proxy.
  EXPECT_FALSE(VerifyRequestSignature(proxied, *info, Rfc9421Key("test-key-ecc-p256")).has_value());
}

struct NotSigned {
  std::string name;
  std::vector<std::pair<std::string, std::string>> headers;
  ErrorCode code;
};

TEST(InspectRequestSignature, ReportsMissingAndMalformedSignatures) {
  const NotSigned cases[] = {
      {"no headers", {}, ErrorCode::kNotFound},
      {"bearer token", {{"authorization", "Bearer abc"}}, ErrorCode::kNotFound},
      {"basic auth", {{"authorization", "Basic dXNlcjpwYXNz"}}, ErrorCode::kNotFound},
      {"signature scheme garbage",
       {{"authorization", "Signature garbage"}},
       ErrorCode::kInvalidArgument},
      {"malformed Signature", {{"signature", "keyId=\"a\""}}, ErrorCode::kInvalidArgument},
      {"RFC 9421 Signature without Signature-Input",
       {{"signature", "sig1=:AAAA:"}},
       ErrorCode::kInvalidArgument},
      {"Signature-Input without Signature",
       {{"signature-input", "sig1=(\"@method\")"}},
       ErrorCode::kInvalidArgument},
      {"Signature-Input garbage",
       {{"signature-input", "((("}, {"signature", "sig1=:AAAA:"}},
       ErrorCode::kInvalidArgument},
  };
  for (const NotSigned& c : cases) {
    HttpMessage request;
    request.method = "POST";
    request.target = "/inbox";
    request.authority = "parvis.example";
    request.headers = c.headers;
    auto info = InspectRequestSignature(request);
    ASSERT_FALSE(info.has_value()) << c.name;
    EXPECT_EQ(info.error().code, c.code) << c.name << ": " << info.error().message;
  }
}

constexpr int64_t kNow = 1618884475;  // Tue, 20 Apr 2021 02:07:55 GMT

struct PolicyCase {
  std::string name;
  std::string method;
  // Extra header lines, e.g. a signature header; a Date header of kNow is
  // added unless `date` says otherwise.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string date;   // Date header value; "" for none
  std::string error;  // "" when the policy must pass
  int64_t skew = 3600;
};

std::string CavageHeader(std::string headers, std::string extra = "") {
  return "keyId=\"k\",algorithm=\"hs2019\",headers=\"" + headers + "\"" + extra +
         ",signature=\"AAAA\"";
}

std::string Rfc9421Input(std::string components, std::string params = ";created=1618884475") {
  return "sig1=(" + components + ")" + params;
}

TEST(CheckSignaturePolicy, Table) {
  const std::string now_date = FormatHttpDate(kNow);
  const std::string sig = "sig1=:AAAA:";
  const std::string full_9421 = R"("@method" "@target-uri" "content-digest")";
  const PolicyCase cases[] = {
      // draft-cavage
      {"cavage POST, all covered",
       "POST",
       {{"signature", CavageHeader("(request-target) host date digest")}},
       now_date,
       ""},
      {"cavage POST via Authorization",
       "POST",
       {{"authorization", "Signature " + CavageHeader("(request-target) host date digest")}},
       now_date,
       ""},
      {"cavage POST, content-digest instead",
       "POST",
       {{"signature", CavageHeader("(request-target) host date content-digest")}},
       now_date,
       ""},
      {"cavage POST without digest",
       "POST",
       {{"signature", CavageHeader("(request-target) host date")}},
       now_date,
       "signature does not cover the digest"},
      {"cavage PUT without digest",
       "PUT",
       {{"signature", CavageHeader("(request-target) host date")}},
       now_date,
       "signature does not cover the digest"},
      {"cavage POST without host",
       "POST",
       {{"signature", CavageHeader("(request-target) date digest")}},
       now_date,
       "signature does not cover the host"},
      {"cavage POST without target",
       "POST",
       {{"signature", CavageHeader("host date digest")}},
       now_date,
       "signature does not cover the request target"},
      {"cavage default headers (date only)",
       "GET",
       {{"signature", "keyId=\"k\",signature=\"AAAA\""}},
       now_date,
       "signature does not cover the request target"},
      {"cavage GET, no digest needed",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       now_date,
       ""},
      {"cavage DELETE, no digest needed",
       "DELETE",
       {{"signature", CavageHeader("(request-target) host date")}},
       now_date,
       ""},
      {"cavage GET without date",
       "GET",
       {{"signature", CavageHeader("(request-target) host")}},
       now_date,
       "signature does not cover the date"},
      {"cavage (created) replaces date",
       "POST",
       {{"signature",
         CavageHeader("(request-target) (created) host digest", ",created=1618884475")}},
       "",
       ""},
      {"cavage created not covered is not a date",
       "POST",
       {{"signature", CavageHeader("(request-target) host digest", ",created=1618884475")}},
       now_date,
       "signature does not cover the date"},
      {"cavage Date an hour old",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       FormatHttpDate(kNow - 3600),
       ""},
      {"cavage Date too old",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       FormatHttpDate(kNow - 3601),
       "Date header is 3601 seconds old"},
      {"cavage Date in the future",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       FormatHttpDate(kNow + 3601),
       "Date header is 3601 seconds in the future"},
      {"cavage Date within a custom skew",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       FormatHttpDate(kNow - 30),
       "",
       30},
      {"cavage Date outside a custom skew",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       FormatHttpDate(kNow - 31),
       "Date header is 31 seconds old",
       30},
      {"cavage Date malformed",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       "yesterday",
       "Date header: date is not an IMF-fixdate (\"Sun, 06 Nov 1994 08:49:37 GMT\")"},
      {"cavage covered Date absent",
       "GET",
       {{"signature", CavageHeader("(request-target) host date")}},
       "",
       "covered Date header is absent"},
      {"cavage created too old",
       "GET",
       {{"signature", CavageHeader("(request-target) (created) host", ",created=1618880000")}},
       "",
       "signature creation time is 4475 seconds old"},
      {"cavage expired",
       "GET",
       {{"signature", CavageHeader("(request-target) host date", ",expires=1618884474")}},
       now_date,
       "signature expired 1 seconds ago"},
      {"cavage expires now",
       "GET",
       {{"signature", CavageHeader("(request-target) host date", ",expires=1618884475")}},
       now_date,
       ""},
      // RFC 9421
      {"9421 POST, target-uri and content-digest",
       "POST",
       {{"signature-input", Rfc9421Input(full_9421)}, {"signature", sig}},
       "",
       ""},
      {"9421 POST, method path authority date digest",
       "POST",
       {{"signature-input",
         Rfc9421Input(R"("@method" "@path" "@authority" "date" "content-digest")", "")},
        {"signature", sig}},
       now_date,
       ""},
      {"9421 POST, request-target",
       "POST",
       {{"signature-input",
         Rfc9421Input(R"("@method" "@request-target" "@authority" "content-digest")")},
        {"signature", sig}},
       "",
       ""},
      {"9421 POST without method",
       "POST",
       {{"signature-input", Rfc9421Input(R"("@target-uri" "content-digest")")}, {"signature", sig}},
       "",
       "signature does not cover the request target"},
      {"9421 POST without path",
       "POST",
       {{"signature-input", Rfc9421Input(R"("@method" "@authority" "content-digest")")},
        {"signature", sig}},
       "",
       "signature does not cover the request target"},
      {"9421 POST without authority",
       "POST",
       {{"signature-input", Rfc9421Input(R"("@method" "@path" "content-digest")")},
        {"signature", sig}},
       "",
       "signature does not cover the host"},
      {"9421 POST without digest",
       "POST",
       {{"signature-input", Rfc9421Input(R"("@method" "@target-uri")")}, {"signature", sig}},
       "",
       "signature does not cover the digest"},
      {"9421 req parameter does not count",
       "POST",
       {{"signature-input", Rfc9421Input(R"("@method" "@target-uri" "content-digest";req)")},
        {"signature", sig}},
       "",
       "signature does not cover the digest"},
      {"9421 without created or date",
       "GET",
       {{"signature-input", Rfc9421Input(R"("@method" "@target-uri")", ";keyid=\"k\"")},
        {"signature", sig}},
       now_date,
       "signature does not cover the date"},
      {"9421 created too far ahead",
       "GET",
       {{"signature-input", Rfc9421Input(R"("@method" "@target-uri")", ";created=1618888076")},
        {"signature", sig}},
       "",
       "signature creation time is 3601 seconds in the future"},
      {"9421 expired",
       "GET",
       {{"signature-input",
         Rfc9421Input(R"("@method" "@target-uri")", ";created=1618884475;expires=1618884400")},
        {"signature", sig}},
       "",
       "signature expired 75 seconds ago"},
      {"9421 both dates checked",
       "GET",
       {{"signature-input", Rfc9421Input(R"("@method" "@target-uri" "date")")}, {"signature", sig}},
       FormatHttpDate(kNow - 7200),
       "Date header is 7200 seconds old"},
  };
  for (const PolicyCase& c : cases) {
    HttpMessage request;
    request.method = c.method;
    request.target = "/users/camille/inbox";
    request.authority = "parvis.example";
    request.headers = c.headers;
    if (!c.date.empty()) request.headers.emplace_back("date", c.date);
    auto info = InspectRequestSignature(request);
    ASSERT_TRUE(info.has_value()) << c.name << ": " << info.error().message;
    auto status = CheckSignaturePolicy(*info, request, kNow, c.skew);
    if (c.error.empty()) {
      EXPECT_TRUE(status.has_value()) << c.name << ": " << status.error().message;
    } else {
      ASSERT_FALSE(status.has_value()) << c.name;
      EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument) << c.name;
      EXPECT_EQ(status.error().message, c.error) << c.name;
    }
  }
}

TEST(HttpSignatures, SignedRequestPassesTheWholeInboundPipeline) {
  // What a remote server does, then what our inbox does.
  const std::string body = R"({"type":"Follow"})";
  HttpMessage request;
  request.method = "POST";
  request.target = "/users/camille/inbox";
  request.authority = "parvis.example";
  request.headers = {{"host", "parvis.example"},
                     {"date", FormatHttpDate(kNow)},
                     {"digest", MakeDigestHeader(body)},
                     {"content-type", "application/activity+json"}};
  const PrivateKey key = *GenerateRsaKey(2048);
  CavageSignOptions options;
  options.key_id = "https://remote.example/users/a#main-key";
  auto header = SignCavage(request, key, options);
  ASSERT_TRUE(header.has_value()) << header.error().message;
  request.headers.emplace_back("signature", *header);

  auto info = InspectRequestSignature(request);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->key_id, options.key_id);
  EXPECT_TRUE(CheckSignaturePolicy(*info, request, kNow).has_value());
  EXPECT_TRUE(VerifyRequestSignature(request, *info, key.public_key()).has_value());
  EXPECT_TRUE(VerifyBodyDigest(*request.FieldValue("digest"), "", body).has_value());
  EXPECT_FALSE(VerifyBodyDigest(*request.FieldValue("digest"), "", body + " ").has_value());

  // The same through RFC 9421 with Ed25519.
  HttpMessage modern = request;
  std::erase_if(modern.headers, [](const auto& h) { return h.first == "signature"; });
  modern.headers.emplace_back("content-digest", MakeContentDigestHeader(body));
  const PrivateKey ed = *GenerateEd25519Key();
  MessageSignOptions sign;
  sign.components = {Component("@method"), Component("@target-uri"), Component("content-digest"),
                     Component("content-type")};
  sign.created = kNow;
  sign.keyid = "https://remote.example/users/a#ed25519-key";
  sign.include_alg = true;
  auto fields = SignMessage(modern, ed, SignatureAlgorithm::kEd25519, sign);
  ASSERT_TRUE(fields.has_value()) << fields.error().message;
  modern.headers.emplace_back("signature-input", fields->signature_input);
  modern.headers.emplace_back("signature", fields->signature);
  auto modern_info = InspectRequestSignature(modern);
  ASSERT_TRUE(modern_info.has_value()) << modern_info.error().message;
  EXPECT_EQ(modern_info->algorithm, "ed25519");
  EXPECT_TRUE(CheckSignaturePolicy(*modern_info, modern, kNow).has_value());
  EXPECT_TRUE(VerifyRequestSignature(modern, *modern_info, ed.public_key()).has_value());
  modern.authority = "other.example";
  EXPECT_FALSE(VerifyRequestSignature(modern, *modern_info, ed.public_key()).has_value());
}

}  // namespace
}  // namespace parvis::protocol
