#include "parvis/protocol/message_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/base64.h"
#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using testing::SignatureVectors;
using testing::Str;

const rapidjson::Value& Rfc9421() { return SignatureVectors()["rfc9421"]; }

HttpMessage VectorMessage(const std::string& name) {
  return testing::MessageFromVector(Rfc9421()["messages"][name.c_str()]);
}

PublicKey VerificationKey(const std::string& keyid) {
  const rapidjson::Value& key = Rfc9421()["keys"][keyid.c_str()];
  if (keyid == "test-shared-secret") return *HmacVerificationKey(*DecodeBase64(Str(key, "base64")));
  return *ParsePublicKeyPem(Str(key, "publicKeyPem"));
}

PrivateKey SigningKey(const std::string& keyid) {
  const rapidjson::Value& key = Rfc9421()["keys"][keyid.c_str()];
  if (keyid == "test-shared-secret") return *HmacSigningKey(*DecodeBase64(Str(key, "base64")));
  return *ParsePrivateKeyPem(Str(key, "privateKeyPem"));
}

// The vector's message, carrying the case's Signature-Input and Signature
// unless the message already has them (§4.3).
HttpMessage SignedMessage(const rapidjson::Value& c) {
  HttpMessage message = VectorMessage(Str(c, "message"));
  if (!message.FieldValue("signature-input")) {
    message.headers.emplace_back("signature-input", Str(c, "signatureInput"));
    message.headers.emplace_back("signature", Str(c, "signature"));
  }
  return message;
}

std::string AfterLabel(const std::string& member) { return member.substr(member.find('=') + 1); }

TEST(Rfc9421Vectors, EveryCaseParsesRebuildsItsBaseAndVerifies) {
  int verified = 0;
  for (const auto& c : Rfc9421()["cases"].GetArray()) {
    const std::string id = Str(c, "id");
    const HttpMessage message = SignedMessage(c);
    auto parsed = ParseMessageSignature(message, Str(c, "label"));
    ASSERT_TRUE(parsed.has_value()) << id << ": " << parsed.error().message;
    EXPECT_EQ(parsed->keyid, Str(c, "keyid")) << id;
    EXPECT_EQ(*sf::SerializeInnerList(parsed->input), AfterLabel(Str(c, "signatureInput"))) << id;
    EXPECT_EQ(":" + EncodeBase64(parsed->signature) + ":", AfterLabel(Str(c, "signature"))) << id;

    auto base = BuildSignatureBase(message, parsed->input);
    ASSERT_TRUE(base.has_value()) << id << ": " << base.error().message;
    EXPECT_EQ(*base, Str(c, "signatureBase")) << id;

    const auto algorithm = SignatureAlgorithmFromName(Str(c, "alg"));
    ASSERT_TRUE(algorithm.has_value()) << id;
    const PublicKey key = VerificationKey(parsed->keyid);
    auto status = VerifyMessageSignature(message, *parsed, key, algorithm);
    EXPECT_TRUE(status.has_value()) << id << ": " << status.error().message;

    // One changed byte of the signature fails.
    MessageSignature tampered = *parsed;
    tampered.signature[5] ^= 0x20;
    EXPECT_FALSE(VerifyMessageSignature(message, tampered, key, algorithm).has_value()) << id;
    ++verified;
  }
  EXPECT_EQ(verified, 11);
}

TEST(Rfc9421Vectors, DeterministicSignaturesAreReproducedByteForByte) {
  int reproduced = 0;
  for (const auto& c : Rfc9421()["cases"].GetArray()) {
    const std::string id = Str(c, "id");
    const HttpMessage message = SignedMessage(c);
    auto parsed = ParseMessageSignature(message, Str(c, "label"));
    ASSERT_TRUE(parsed.has_value()) << id;
    const auto algorithm = *SignatureAlgorithmFromName(Str(c, "alg"));

    MessageSignOptions options;
    options.label = parsed->label;
    options.components = parsed->input.items;
    options.created = parsed->created;
    options.expires = parsed->expires;
    options.keyid = parsed->keyid;
    options.include_alg = !parsed->alg.empty();
    options.nonce = parsed->nonce;
    options.tag = parsed->tag;
    HttpMessage unsigned_message = VectorMessage(Str(c, "message"));
    auto fields = SignMessage(unsigned_message, SigningKey(parsed->keyid), algorithm, options);
    ASSERT_TRUE(fields.has_value()) << id << ": " << fields.error().message;
    EXPECT_EQ(fields->signature_input, Str(c, "signatureInput")) << id;

    // Whatever we sign verifies, deterministic or not.
    HttpMessage resigned = VectorMessage(Str(c, "message"));
    std::erase_if(resigned.headers, [](const auto& h) { return h.first.starts_with("signature"); });
    resigned.headers.emplace_back("signature-input", fields->signature_input);
    resigned.headers.emplace_back("signature", fields->signature);
    auto reparsed = ParseMessageSignature(resigned);
    ASSERT_TRUE(reparsed.has_value()) << id;
    EXPECT_TRUE(
        VerifyMessageSignature(resigned, *reparsed, VerificationKey(parsed->keyid), algorithm)
            .has_value())
        << id;

    if (c["deterministic"].GetBool()) {
      EXPECT_EQ(fields->signature, Str(c, "signature")) << id;
      ++reproduced;
    }
  }
  EXPECT_EQ(reproduced, 4);  // B.2.5, B.2.6, §4.3 proxy_sig, B.4
}

TEST(Rfc9421Vectors, ClientSignatureFailsOverTheProxiedRequest) {
  const HttpMessage proxied = VectorMessage("section43ProxiedRequest");
  auto sig1 = ParseMessageSignature(proxied, "sig1");
  ASSERT_TRUE(sig1.has_value());
  auto status = VerifyMessageSignature(proxied, *sig1, VerificationKey("test-key-ecc-p256"));
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "ecdsa-p256-sha256 signature does not verify");

  auto proxy = ParseMessageSignature(proxied, "proxy_sig");
  ASSERT_TRUE(proxy.has_value());
  EXPECT_EQ(proxy->alg, "rsa-v1_5-sha256");
  EXPECT_EQ(proxy->expires, 1618884540);
  EXPECT_TRUE(VerifyMessageSignature(proxied, *proxy, VerificationKey("test-key-rsa")).has_value());
}

TEST(Rfc9421Vectors, B4TransformationsKeepOrBreakTheSignature) {
  const rapidjson::Value* transform = nullptr;
  for (const auto& c : Rfc9421()["cases"].GetArray()) {
    if (Str(c, "id") == "B.4") transform = &c;
  }
  ASSERT_NE(transform, nullptr);
  int checked = 0;
  for (const auto& variant : Rfc9421()["b4Variants"]["variants"].GetArray()) {
    HttpMessage message = testing::MessageFromVector(variant);
    message.headers.emplace_back("signature-input", Str(*transform, "signatureInput"));
    message.headers.emplace_back("signature", Str(*transform, "signature"));
    auto parsed = ParseMessageSignature(message);
    ASSERT_TRUE(parsed.has_value());
    const bool valid =
        VerifyMessageSignature(message, *parsed, VerificationKey("test-key-ed25519")).has_value();
    EXPECT_EQ(valid, variant["expectedValid"].GetBool()) << Str(variant, "name");
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(ParseMessageSignature, DefaultsToTheFirstLabel) {
  const HttpMessage proxied = VectorMessage("section43ProxiedRequest");
  auto first = ParseMessageSignature(proxied);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->label, "sig1");
  auto missing = ParseMessageSignature(proxied, "sig2");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "Signature-Input has no signature labelled \"sig2\"");
}

struct BadFields {
  std::string name;
  std::string input;      // Signature-Input; "-" for absent
  std::string signature;  // Signature; "-" for absent
  ErrorCode code;
};

TEST(ParseMessageSignature, RefusesMalformedFields) {
  const std::string good_sig = "sig1=:" + EncodeBase64(std::string(64, 'x')) + ":";
  std::string many = "sig1=(";
  for (size_t i = 0; i <= kMaxCoveredComponents; ++i) many += "\"x-" + std::to_string(i) + "\" ";
  many += ")";
  const BadFields cases[] = {
      {"no Signature-Input", "-", good_sig, ErrorCode::kInvalidArgument},
      {"no Signature", "sig1=(\"@method\")", "-", ErrorCode::kInvalidArgument},
      {"empty Signature-Input", "", good_sig, ErrorCode::kInvalidArgument},
      {"label absent from Signature", "sig1=(\"@method\")",
       "sig2=:AAAA:", ErrorCode::kInvalidArgument},
      {"input is an item", "sig1=\"@method\"", good_sig, ErrorCode::kInvalidArgument},
      {"component is a token", "sig1=(date)", good_sig, ErrorCode::kInvalidArgument},
      {"component is an integer", "sig1=(1)", good_sig, ErrorCode::kInvalidArgument},
      {"created is a string", "sig1=(\"date\");created=\"1\"", good_sig,
       ErrorCode::kInvalidArgument},
      {"expires is a decimal", "sig1=(\"date\");expires=1.5", good_sig,
       ErrorCode::kInvalidArgument},
      {"keyid is a token", "sig1=(\"date\");keyid=k", good_sig, ErrorCode::kInvalidArgument},
      {"alg is an integer", "sig1=(\"date\");alg=1", good_sig, ErrorCode::kInvalidArgument},
      {"signature is a string", "sig1=(\"date\")", "sig1=\"AAAA\"", ErrorCode::kInvalidArgument},
      {"signature is an inner list", "sig1=(\"date\")", "sig1=(:AAAA:)",
       ErrorCode::kInvalidArgument},
      {"signature base64 garbage", "sig1=(\"date\")", "sig1=:A$A:", ErrorCode::kInvalidArgument},
      {"Signature-Input not a dictionary", "(\"date\")", good_sig, ErrorCode::kInvalidArgument},
      {"unterminated string", "sig1=(\"date);created=1", good_sig, ErrorCode::kInvalidArgument},
      {"too many components", many, good_sig, ErrorCode::kLimitExceeded},
  };
  for (const BadFields& c : cases) {
    HttpMessage message = VectorMessage("testRequest");
    if (c.input != "-") message.headers.emplace_back("signature-input", c.input);
    if (c.signature != "-") message.headers.emplace_back("signature", c.signature);
    auto parsed = ParseMessageSignature(message);
    ASSERT_FALSE(parsed.has_value()) << c.name;
    EXPECT_EQ(parsed.error().code, c.code) << c.name << ": " << parsed.error().message;
  }
}

// The base of one covered component over `message`, without the final
// @signature-params line.
Result<std::string> Line(const HttpMessage& message, const std::string& component,
                         const HttpMessage* request = nullptr) {
  auto input = sf::ParseDictionary("s=(" + component + ")");
  if (!input) return std::unexpected(input.error());
  auto base = BuildSignatureBase(message, std::get<sf::InnerList>(input->front().second), request);
  if (!base) return base;
  return base->substr(0, base->find('\n'));
}

struct ComponentCase {
  std::string component;
  std::string line;
};

TEST(BuildSignatureBase, DerivedComponentsFollowSection2_2) {
  HttpMessage request;
  request.method = "POST";
  request.target = "/path?param=value&foo=bar&baz=bat%2Dman";
  request.authority = "WWW.Example.com:443";
  request.scheme = "HTTPS";
  const ComponentCase cases[] = {
      {"\"@method\"", "\"@method\": POST"},
      {"\"@authority\"", "\"@authority\": www.example.com"},
      {"\"@scheme\"", "\"@scheme\": https"},
      {"\"@target-uri\"",
       "\"@target-uri\": https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman"},
      {"\"@request-target\"", "\"@request-target\": /path?param=value&foo=bar&baz=bat%2Dman"},
      {"\"@path\"", "\"@path\": /path"},
      {"\"@query\"", "\"@query\": ?param=value&foo=bar&baz=bat%2Dman"},
      {"\"@query-param\";name=\"baz\"", "\"@query-param\";name=\"baz\": bat-man"},
  };
  for (const ComponentCase& c : cases) {
    auto line = Line(request, c.component);
    ASSERT_TRUE(line.has_value()) << c.component << ": " << line.error().message;
    EXPECT_EQ(*line, c.line);
  }

  HttpMessage bare;
  bare.method = "GET";
  bare.target = "/";
  bare.authority = "example.com:8080";
  bare.scheme = "http";
  EXPECT_EQ(*Line(bare, "\"@query\""), "\"@query\": ?");
  EXPECT_EQ(*Line(bare, "\"@authority\""), "\"@authority\": example.com:8080");
  EXPECT_EQ(*Line(bare, "\"@target-uri\""), "\"@target-uri\": http://example.com:8080/");

  HttpMessage absolute = bare;
  absolute.target = "http://example.com:8080/a/b?c=d#frag";
  EXPECT_EQ(*Line(absolute, "\"@path\""), "\"@path\": /a/b");
  EXPECT_EQ(*Line(absolute, "\"@query\""), "\"@query\": ?c=d");
  EXPECT_EQ(*Line(absolute, "\"@target-uri\""),
            "\"@target-uri\": http://example.com:8080/a/b?c=d#frag");
}

TEST(BuildSignatureBase, QueryParametersAreReEncodedAsTheRfcShows) {
  HttpMessage request;
  request.method = "GET";
  request.target =
      "/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace"
      "&fa%C3%A7ade%22%3A%20=something&qux=&&flag";
  request.authority = "www.example.com";
  const ComponentCase cases[] = {
      {"\"@query-param\";name=\"var\"",
       "\"@query-param\";name=\"var\": this%20is%20a%20big%0Amultiline%20value"},
      {"\"@query-param\";name=\"bar\"", "\"@query-param\";name=\"bar\": with%20plus%20whitespace"},
      {"\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\"",
       "\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\": something"},
      {"\"@query-param\";name=\"qux\"", "\"@query-param\";name=\"qux\": "},
      {"\"@query-param\";name=\"flag\"", "\"@query-param\";name=\"flag\": "},
  };
  for (const ComponentCase& c : cases) {
    auto line = Line(request, c.component);
    ASSERT_TRUE(line.has_value()) << c.component << ": " << line.error().message;
    EXPECT_EQ(*line, c.line);
  }
}

TEST(BuildSignatureBase, FieldParametersFollowSection2_1) {
  HttpMessage message;
  message.method = "GET";
  message.target = "/";
  message.authority = "example.com";
  message.headers = {
      {"example-dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)  "},
      {"x-empty", ""},
      {"example-header", "value, with, lots"},
      {"example-header", "of, commas"},
      {"x-list", "a,  b"},
      {"x-item", "  42 "},
  };
  const ComponentCase cases[] = {
      {"\"example-dict\"", "\"example-dict\": a=1,    b=2;x=1;y=2,   c=(a   b   c)"},
      {"\"example-dict\";sf", "\"example-dict\";sf: a=1, b=2;x=1;y=2, c=(a b c)"},
      {"\"example-dict\";key=\"a\"", "\"example-dict\";key=\"a\": 1"},
      {"\"example-dict\";key=\"b\"", "\"example-dict\";key=\"b\": 2;x=1;y=2"},
      {"\"example-dict\";key=\"c\"", "\"example-dict\";key=\"c\": (a b c)"},
      {"\"x-empty\"", "\"x-empty\": "},
      {"\"example-header\"", "\"example-header\": value, with, lots, of, commas"},
      {"\"example-header\";bs",
       "\"example-header\";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:"},
      {"\"x-list\";sf", "\"x-list\";sf: a, b"},
      {"\"x-item\";sf", "\"x-item\";sf: 42"},
  };
  for (const ComponentCase& c : cases) {
    auto line = Line(message, c.component);
    ASSERT_TRUE(line.has_value()) << c.component << ": " << line.error().message;
    EXPECT_EQ(*line, c.line);
  }
}

TEST(BuildSignatureBase, ReqReadsTheRelatedRequest) {
  const HttpMessage request = VectorMessage("testRequest");
  const HttpMessage response = VectorMessage("testResponse");
  auto line = Line(response, "\"@authority\";req", &request);
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ(*line, "\"@authority\";req: example.com");
  EXPECT_EQ(*Line(response, "\"content-digest\";req", &request),
            "\"content-digest\";req: "
            "sha-512=:WZDPaVn/"
            "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
  EXPECT_EQ(*Line(response, "\"@status\""), "\"@status\": 200");
  EXPECT_FALSE(Line(response, "\"@authority\";req").has_value());  // no request given
}

struct BadComponent {
  std::string name;
  std::string component;
  ErrorCode code;
};

TEST(BuildSignatureBase, RefusesWhatItCannotBuild) {
  HttpMessage request = VectorMessage("testRequest");
  request.headers.emplace_back("x-newline", "a\nb");
  request.target = "/foo?param=Value&Pet=dog&dup=1&dup=2";
  const BadComponent cases[] = {
      {"unknown derived", "\"@unknown\"", ErrorCode::kInvalidArgument},
      {"@signature-params", "\"@signature-params\"", ErrorCode::kInvalidArgument},
      {"@status on a request", "\"@status\"", ErrorCode::kInvalidArgument},
      {"absent field", "\"x-absent\"", ErrorCode::kInvalidArgument},
      {"upper-case field", "\"Date\"", ErrorCode::kInvalidArgument},
      {"empty name", "\"\"", ErrorCode::kInvalidArgument},
      {"duplicate", "\"date\" \"date\"", ErrorCode::kInvalidArgument},
      {"unknown field parameter", "\"date\";foo", ErrorCode::kInvalidArgument},
      {"unknown derived parameter", "\"@method\";sf", ErrorCode::kInvalidArgument},
      {"name on a field", "\"date\";name=\"x\"", ErrorCode::kInvalidArgument},
      {"query-param without name", "\"@query-param\"", ErrorCode::kInvalidArgument},
      {"query-param name is a token", "\"@query-param\";name=Pet", ErrorCode::kInvalidArgument},
      {"query-param absent", "\"@query-param\";name=\"cat\"", ErrorCode::kInvalidArgument},
      {"query-param repeated", "\"@query-param\";name=\"dup\"", ErrorCode::kInvalidArgument},
      {"req without a request", "\"date\";req", ErrorCode::kInvalidArgument},
      {"sf=?0", "\"content-digest\";sf=?0", ErrorCode::kInvalidArgument},
      {"trailer", "\"date\";tr", ErrorCode::kUnsupported},
      {"bs with sf", "\"date\";bs;sf", ErrorCode::kInvalidArgument},
      {"key of a missing member", "\"content-digest\";key=\"sha-256\"",
       ErrorCode::kInvalidArgument},
      {"key on a non-dictionary", "\"date\";key=\"a\"", ErrorCode::kInvalidArgument},
      {"sf on a non-structured field", "\"date\";sf", ErrorCode::kInvalidArgument},
      {"value with a line break", "\"x-newline\"", ErrorCode::kInvalidArgument},
  };
  for (const BadComponent& c : cases) {
    auto base = Line(request, c.component);
    ASSERT_FALSE(base.has_value()) << c.name;
    EXPECT_EQ(base.error().code, c.code) << c.name << ": " << base.error().message;
  }
  const HttpMessage response = VectorMessage("testResponse");
  for (const std::string component : {"\"@method\"", "\"@path\"", "\"@authority\"", "\"@query\""}) {
    EXPECT_FALSE(Line(response, component).has_value()) << component;
  }
}

TEST(VerifyMessageSignature, AlgorithmComesFromTheCallerTheAlgParameterOrTheKey) {
  // B.2.6 (ed25519) carries no alg: the key type decides.
  const rapidjson::Value* b26 = nullptr;
  for (const auto& c : Rfc9421()["cases"].GetArray()) {
    if (Str(c, "id") == "B.2.6") b26 = &c;
  }
  const HttpMessage message = SignedMessage(*b26);
  auto parsed = ParseMessageSignature(message);
  ASSERT_TRUE(parsed.has_value());
  const PublicKey ed = VerificationKey("test-key-ed25519");
  EXPECT_TRUE(VerifyMessageSignature(message, *parsed, ed).has_value());

  // The caller's algorithm must fit the key.
  auto wrong_key =
      VerifyMessageSignature(message, *parsed, ed, SignatureAlgorithm::kRsaPkcs1Sha256);
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error().code, ErrorCode::kInvalidArgument);

  // alg and the caller must agree.
  MessageSignature with_alg = *parsed;
  with_alg.alg = "ed25519";
  EXPECT_FALSE(
      VerifyMessageSignature(message, with_alg, ed, SignatureAlgorithm::kHmacSha256).has_value());
  // Changing alg changes nothing verified here (the base is rebuilt from
  // `input`), but an unknown alg is refused.
  with_alg.alg = "rsa-sha256";
  auto unknown = VerifyMessageSignature(message, with_alg, ed);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnsupported);

  // An RSA key with an Ed25519 signature: the natural RSA algorithm fails.
  EXPECT_FALSE(
      VerifyMessageSignature(message, *parsed, VerificationKey("test-key-rsa")).has_value());
}

TEST(SignMessage, RefusesBadOptions) {
  const HttpMessage request = VectorMessage("testRequest");
  const PrivateKey ed = SigningKey("test-key-ed25519");
  MessageSignOptions options;
  options.components = {Component("@method"), Component("x-absent")};
  EXPECT_FALSE(SignMessage(request, ed, SignatureAlgorithm::kEd25519, options).has_value());
  options.components = {Component("@method")};
  options.label = "Bad Label";
  EXPECT_FALSE(SignMessage(request, ed, SignatureAlgorithm::kEd25519, options).has_value());
  options.label = "sig1";
  options.keyid = "tab\there";
  EXPECT_FALSE(SignMessage(request, ed, SignatureAlgorithm::kEd25519, options).has_value());
  options.keyid = "k";
  EXPECT_FALSE(SignMessage(request, ed, SignatureAlgorithm::kRsaPkcs1Sha256, options).has_value());
  EXPECT_FALSE(
      SignMessage(request, SigningKey("test-key-rsa"), SignatureAlgorithm::kRsaPkcs1Sha512, options)
          .has_value());
  auto fields = SignMessage(request, ed, SignatureAlgorithm::kEd25519, options);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(fields->signature_input, "sig1=(\"@method\");keyid=\"k\"");
}

}  // namespace
}  // namespace parvis::protocol
