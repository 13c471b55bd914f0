#include "parvis/protocol/cavage_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/base64.h"
#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using testing::SignatureVectors;
using testing::Str;

const rapidjson::Value& Cavage() { return SignatureVectors()["draftCavage12"]; }
const rapidjson::Value& Case(int index) { return Cavage()["cases"][index]; }
HttpMessage Request() { return testing::MessageFromVector(Cavage()["request"]); }
PublicKey TestPublicKey() {
  return *ParsePublicKeyPem(Str(Cavage()["keys"]["Test"], "publicKeyPem"));
}
PrivateKey TestPrivateKey() {
  return *ParsePrivateKeyPem(Str(Cavage()["keys"]["Test"], "privateKeyPem"));
}

std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& s : array.GetArray()) out.emplace_back(s.GetString(), s.GetStringLength());
  return out;
}

TEST(CavageVectors, C1AndC2ParseBuildVerifyAndReproduce) {
  const HttpMessage request = Request();
  for (int i : {0, 1}) {
    const rapidjson::Value& c = Case(i);
    const std::string id = Str(c, "id");
    auto from_signature = ParseCavageSignature(Str(c, "signatureHeader"));
    ASSERT_TRUE(from_signature.has_value()) << id << ": " << from_signature.error().message;
    auto from_authorization = ParseCavageAuthorization(Str(c, "authorizationHeader"));
    ASSERT_TRUE(from_authorization.has_value()) << id << ": " << from_authorization.error().message;
    for (const CavageSignature* parsed : {&*from_signature, &*from_authorization}) {
      EXPECT_EQ(parsed->key_id, "Test") << id;
      EXPECT_EQ(parsed->algorithm, "rsa-sha256") << id;
      EXPECT_EQ(parsed->headers, Strings(c["coveredHeaders"])) << id;
      EXPECT_EQ(parsed->headers_defaulted, c["headersParameter"].IsNull()) << id;
      EXPECT_EQ(EncodeBase64(parsed->signature), Str(c, "signature")) << id;
      EXPECT_FALSE(parsed->created.has_value());
    }
    auto signing_string = BuildCavageSigningString(request, from_signature->headers);
    ASSERT_TRUE(signing_string.has_value()) << id;
    EXPECT_EQ(*signing_string, Str(c, "signingString")) << id;
    auto verified = VerifyCavageSignature(request, *from_signature, TestPublicKey());
    EXPECT_TRUE(verified.has_value()) << id << ": " << verified.error().message;

    CavageSignOptions options;
    options.key_id = "Test";
    options.algorithm = "rsa-sha256";
    options.headers =
        c["headersParameter"].IsNull() ? std::vector<std::string>{} : Strings(c["coveredHeaders"]);
    auto header = SignCavage(request, TestPrivateKey(), options);
    ASSERT_TRUE(header.has_value()) << id << ": " << header.error().message;
    EXPECT_EQ(*header, Str(c, "signatureHeader")) << id;
  }
}

TEST(CavageVectors, C3ParsesButIsRejectedAsPrinted) {
  const rapidjson::Value& c = Case(2);
  const HttpMessage request = Request();
  auto parsed = ParseCavageAuthorization(Str(c, "authorizationHeaderAsPrinted"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;  // spaces after commas
  EXPECT_EQ(parsed->created, c["created"].GetInt64());
  EXPECT_EQ(parsed->expires, c["expires"].GetInt64());
  EXPECT_EQ(parsed->headers.size(), 8u);
  EXPECT_EQ(EncodeBase64(parsed->signature), Str(c, "signature"));

  auto signing_string =
      BuildCavageSigningString(request, parsed->headers, parsed->created, parsed->expires);
  ASSERT_TRUE(signing_string.has_value()) << signing_string.error().message;
  EXPECT_EQ(*signing_string, Str(c, "signingStringFromHeadersParameter"));

  // As printed: rsa-sha256 may not cover (created)/(expires).
  auto as_printed = VerifyCavageSignature(request, *parsed, TestPublicKey());
  ASSERT_FALSE(as_printed.has_value());
  EXPECT_EQ(as_printed.error().message, "(created) may not be covered with algorithm rsa-sha256");

  // Even under hs2019 the printed signature is not over that string.
  CavageSignature hs2019 = *parsed;
  hs2019.algorithm = "hs2019";
  auto crypto = VerifyCavageSignature(request, hs2019, TestPublicKey());
  ASSERT_FALSE(crypto.has_value());
  EXPECT_EQ(crypto.error().message, "rsa-v1_5-sha256 signature does not verify");

  // The signature is over the six-line string without (created)/(expires).
  EXPECT_TRUE(VerifyBytes(TestPublicKey(), SignatureAlgorithm::kRsaPkcs1Sha256,
                          Str(c, "signingStringAsPrinted"), parsed->signature)
                  .has_value());
  CavageSignature six_lines = *parsed;
  std::erase_if(six_lines.headers,
                [](const std::string& h) { return h.starts_with("(c") || h.starts_with("(e"); });
  EXPECT_EQ(*BuildCavageSigningString(request, six_lines.headers),
            Str(c, "signingStringAsPrinted"));
  EXPECT_TRUE(VerifyCavageSignature(request, six_lines, TestPublicKey()).has_value());
}

TEST(CavageVectors, TheTestKeyIsOnly1024Bits) { EXPECT_EQ(TestPublicKey().bits(), 1024); }

std::string ManyNames(int count) {
  std::string names;
  for (int i = 0; i < count; ++i) names += "h" + std::to_string(i) + " ";
  return names;
}

struct BadHeader {
  std::string name;
  std::string value;
  ErrorCode code;
  std::string message;  // empty: do not check
};

TEST(ParseCavageSignature, RefusesMalformedHeaders) {
  const std::string sig = "signature=\"" + Str(Case(0), "signature") + "\"";
  const BadHeader cases[] = {
      {"empty", "", ErrorCode::kInvalidArgument, "malformed Signature header: keyId is missing"},
      {"missing keyId", "algorithm=\"rsa-sha256\"," + sig, ErrorCode::kInvalidArgument,
       "malformed Signature header: keyId is missing"},
      {"empty keyId", "keyId=\"\"," + sig, ErrorCode::kInvalidArgument, ""},
      {"lower-case keyid is not keyId", "keyid=\"Test\"," + sig, ErrorCode::kInvalidArgument, ""},
      {"missing signature", "keyId=\"Test\"", ErrorCode::kInvalidArgument,
       "malformed Signature header: signature is missing"},
      {"signature not base64", "keyId=\"Test\",signature=\"not base64!\"",
       ErrorCode::kInvalidArgument, "malformed Signature header: signature is not base64"},
      {"keyId twice", "keyId=\"A\",keyId=\"B\"," + sig, ErrorCode::kInvalidArgument,
       "malformed Signature header: parameter keyId appears twice"},
      {"unterminated quote", "keyId=\"Test," + sig, ErrorCode::kInvalidArgument, ""},
      {"no equals", "keyId \"Test\"," + sig, ErrorCode::kInvalidArgument, ""},
      {"no value", "keyId=," + sig, ErrorCode::kInvalidArgument, ""},
      {"trailing comma", "keyId=\"Test\"," + sig + ",", ErrorCode::kInvalidArgument,
       "malformed Signature header: trailing ','"},
      {"missing comma", "keyId=\"Test\" " + sig, ErrorCode::kInvalidArgument, ""},
      {"garbage name", "key%Id=\"Test\"," + sig, ErrorCode::kInvalidArgument, ""},
      {"empty headers", "keyId=\"Test\",headers=\"  \"," + sig, ErrorCode::kInvalidArgument,
       "malformed Signature header: headers is empty"},
      {"created not a number", "keyId=\"Test\",created=abc," + sig, ErrorCode::kInvalidArgument,
       ""},
      {"created with decimals", "keyId=\"Test\",created=1.5," + sig, ErrorCode::kInvalidArgument,
       ""},
      {"negative expires", "keyId=\"Test\",expires=-5," + sig, ErrorCode::kInvalidArgument, ""},
      {"huge created", "keyId=\"Test\",created=99999999999999999999," + sig,
       ErrorCode::kInvalidArgument, ""},
      {"control character", "keyId=\"Te\x01st\"," + sig, ErrorCode::kInvalidArgument, ""},
      {"too many headers", "keyId=\"Test\",headers=\"" + ManyNames(100) + "\"," + sig,
       ErrorCode::kLimitExceeded, ""},
      {"oversized", "keyId=\"" + std::string(kMaxCavageHeaderBytes, 'a') + "\"," + sig,
       ErrorCode::kLimitExceeded, ""},
  };
  for (const BadHeader& c : cases) {
    auto parsed = ParseCavageSignature(c.value);
    ASSERT_FALSE(parsed.has_value()) << c.name;
    EXPECT_EQ(parsed.error().code, c.code) << c.name << ": " << parsed.error().message;
    if (!c.message.empty()) {
      EXPECT_EQ(parsed.error().message, c.message) << c.name;
    }
  }
}

TEST(ParseCavageSignature, IsLenientWhereDeployedServersAre) {
  const std::string sig = Str(Case(0), "signature");
  const std::string cases[] = {
      "keyId=\"Test\", algorithm=\"rsa-sha256\", signature=\"" + sig + "\"",
      "keyId = \"Test\" ,signature=\"" + sig + "\"",
      "keyId=\"Test\",extension=\"ignored\",signature=\"" + sig + "\"",
      "keyId=Test,signature=\"" + sig + "\"",
      "keyId=\"Test\",created=\"1402170695\",signature=\"" + sig + "\"",
      "keyId=\"Test\",algorithm=\"RSA-SHA256\",signature=\"" + sig + "\"",
  };
  for (const std::string& value : cases) {
    auto parsed = ParseCavageSignature(value);
    ASSERT_TRUE(parsed.has_value()) << value << ": " << parsed.error().message;
    EXPECT_EQ(parsed->key_id, "Test");
    EXPECT_TRUE(VerifyCavageSignature(Request(), *parsed, TestPublicKey()).has_value()) << value;
  }
  EXPECT_EQ(ParseCavageSignature(cases[4])->created, 1402170695);
}

TEST(ParseCavageAuthorization, NeedsTheSignatureScheme) {
  const std::string params = Str(Case(0), "signatureHeader");
  EXPECT_TRUE(ParseCavageAuthorization("signature " + params).has_value());
  EXPECT_TRUE(ParseCavageAuthorization("SIGNATURE\t" + params).has_value());
  for (const std::string& bad : {std::string("Bearer abc"), std::string("Signature"),
                                 "Signaturex " + params, "Signature=" + params, std::string("")}) {
    auto parsed = ParseCavageAuthorization(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(BuildCavageSigningString, CombinesRepeatedHeadersAndFallsBackToAuthority) {
  HttpMessage message;
  message.method = "GET";
  message.target = "/users/a?page=1";
  message.authority = "example.com";
  message.headers = {{"x-multi", " a "}, {"date", "d"}, {"x-multi", "b"}, {"x-empty", ""}};
  auto text = BuildCavageSigningString(message, {"(request-target)", "host", "X-Multi", "x-empty"});
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text,
            "(request-target): get /users/a?page=1\nhost: example.com\nx-multi: a, b\nx-empty: ");
}

TEST(BuildCavageSigningString, RefusesWhatCannotBeBuilt) {
  const HttpMessage request = Request();
  const std::vector<std::string> cases[] = {
      {}, {"x-absent"}, {"date", "date"}, {"(created)"}, {"(expires)"}, {"(unknown)"},
  };
  for (const auto& headers : cases) {
    EXPECT_FALSE(BuildCavageSigningString(request, headers).has_value())
        << (headers.empty() ? "(none)" : headers.front());
  }
  HttpMessage no_method = request;
  no_method.method.clear();
  EXPECT_FALSE(BuildCavageSigningString(no_method, {"(request-target)"}).has_value());
  auto created = BuildCavageSigningString(request, {"(created)", "(expires)"}, 5, 7);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(*created, "(created): 5\n(expires): 7");
}

struct Tamper {
  std::string name;
  void (*change)(HttpMessage&);
};

TEST(VerifyCavageSignature, DetectsEveryChangeToACoveredPart) {
  const Tamper cases[] = {
      {"method", [](HttpMessage& m) { m.method = "PUT"; }},
      {"target", [](HttpMessage& m) { m.target = "/foo?param=value&pet=cat"; }},
      {"host header", [](HttpMessage& m) { m.headers[0].second = "evil.example"; }},
      {"date", [](HttpMessage& m) { m.headers[1].second = "Sun, 05 Jan 2014 21:31:41 GMT"; }},
      {"repeated date", [](HttpMessage& m) { m.headers.emplace_back("date", "again"); }},
      {"date removed", [](HttpMessage& m) { m.headers.erase(m.headers.begin() + 1); }},
  };
  const auto parsed = ParseCavageSignature(Str(Case(1), "signatureHeader"));
  ASSERT_TRUE(parsed.has_value());
  for (const Tamper& t : cases) {
    HttpMessage request = Request();
    t.change(request);
    EXPECT_FALSE(VerifyCavageSignature(request, *parsed, TestPublicKey()).has_value()) << t.name;
  }
  // An uncovered header may change freely.
  HttpMessage request = Request();
  request.headers[2].second = "text/plain";
  EXPECT_TRUE(VerifyCavageSignature(request, *parsed, TestPublicKey()).has_value());
}

TEST(VerifyCavageSignature, KeyAndAlgorithmMustAgree) {
  const auto parsed = ParseCavageSignature(Str(Case(1), "signatureHeader"));
  const auto& keys = SignatureVectors()["rfc9421"]["keys"];
  const PublicKey other_rsa = *ParsePublicKeyPem(Str(keys["test-key-rsa"], "publicKeyPem"));
  const PublicKey ed = *ParsePublicKeyPem(Str(keys["test-key-ed25519"], "publicKeyPem"));
  const PublicKey ec = *ParsePublicKeyPem(Str(keys["test-key-ecc-p256"], "publicKeyPem"));

  EXPECT_EQ(VerifyCavageSignature(Request(), *parsed, other_rsa).error().message,
            "rsa-v1_5-sha256 signature does not verify");
  EXPECT_EQ(VerifyCavageSignature(Request(), *parsed, ed).error().message,
            "algorithm rsa-sha256 needs an RSA key, not Ed25519");

  struct AlgorithmCase {
    std::string algorithm;
    const PublicKey* key;
    ErrorCode code;
  };
  const AlgorithmCase cases[] = {
      {"hmac-sha256", &other_rsa, ErrorCode::kUnsupported},
      {"ecdsa-sha256", &ec, ErrorCode::kUnsupported},
      {"rsa-sha1", &other_rsa, ErrorCode::kUnsupported},
      {"hs2019", &ec, ErrorCode::kInvalidArgument},
      {"ed25519", &other_rsa, ErrorCode::kInvalidArgument},
      {"rsa-sha512", &ed, ErrorCode::kInvalidArgument},
  };
  for (const AlgorithmCase& c : cases) {
    CavageSignature changed = *parsed;
    changed.algorithm = c.algorithm;
    auto status = VerifyCavageSignature(Request(), changed, *c.key);
    ASSERT_FALSE(status.has_value()) << c.algorithm;
    EXPECT_EQ(status.error().code, c.code) << c.algorithm << ": " << status.error().message;
  }
}

TEST(SignCavage, RoundTripsWithEveryAlgorithm) {
  HttpMessage request = Request();
  const PrivateKey rsa = TestPrivateKey();
  const PrivateKey ed = *GenerateEd25519Key();
  struct SignCase {
    std::string algorithm;
    const PrivateKey* key;
    std::string written;
  };
  const SignCase cases[] = {
      {"", &rsa, "rsa-sha256"}, {"hs2019", &rsa, "hs2019"},  {"rsa-sha512", &rsa, "rsa-sha512"},
      {"", &ed, "hs2019"},      {"ed25519", &ed, "ed25519"}, {"HS2019", &ed, "hs2019"},
  };
  for (const SignCase& c : cases) {
    CavageSignOptions options;
    options.key_id = "https://example.com/actor#main-key";
    options.algorithm = c.algorithm;
    if (c.key == &ed) {
      options.headers = {"(request-target)", "(created)", "(expires)", "host", "digest"};
      options.created = 1402170695;
      options.expires = 1402170699;
    }
    auto header = SignCavage(request, *c.key, options);
    ASSERT_TRUE(header.has_value()) << c.algorithm << ": " << header.error().message;
    EXPECT_NE(header->find("algorithm=\"" + c.written + "\""), std::string::npos) << *header;
    auto parsed = ParseCavageSignature(*header);
    ASSERT_TRUE(parsed.has_value()) << *header;
    EXPECT_EQ(parsed->key_id, options.key_id);
    EXPECT_EQ(parsed->created, options.created);
    EXPECT_TRUE(VerifyCavageSignature(request, *parsed, c.key->public_key()).has_value())
        << *header;
    HttpMessage changed = request;
    changed.target += "&x=1";
    EXPECT_FALSE(VerifyCavageSignature(changed, *parsed, c.key->public_key()).has_value())
        << *header;
  }
}

TEST(SignCavage, RefusesBadOptions) {
  const HttpMessage request = Request();
  const PrivateKey rsa = TestPrivateKey();
  const auto sign = [&](void (*edit)(CavageSignOptions&)) {
    CavageSignOptions options;
    options.key_id = "k";
    edit(options);
    return SignCavage(request, rsa, options);
  };
  EXPECT_FALSE(sign([](CavageSignOptions& o) { o.key_id = ""; }).has_value());
  EXPECT_FALSE(sign([](CavageSignOptions& o) { o.key_id = "a\"b"; }).has_value());
  EXPECT_FALSE(sign([](CavageSignOptions& o) { o.headers = {"two words"}; }).has_value());
  EXPECT_FALSE(sign([](CavageSignOptions& o) { o.headers = {"x-absent"}; }).has_value());
  EXPECT_FALSE(sign([](CavageSignOptions& o) { o.algorithm = "ed25519"; }).has_value());
  EXPECT_FALSE(sign([](CavageSignOptions& o) {
                 o.headers = {"(created)"};
                 o.created = 1;
               }).has_value());  // rsa-sha256 may not cover (created)
  EXPECT_TRUE(sign([](CavageSignOptions&) {}).has_value());
}

}  // namespace
}  // namespace parvis::protocol
