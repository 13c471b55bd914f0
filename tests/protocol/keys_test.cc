#include "parvis/protocol/keys.h"

#include <gtest/gtest.h>

#include <string>

#include "parvis/protocol/base58.h"
#include "parvis/protocol/base64.h"
#include "parvis/protocol/multikey.h"
#include "parvis/protocol/signature_algorithm.h"
#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using testing::SignatureVectors;
using testing::Str;

const rapidjson::Value& Rfc9421Key(const char* id) {
  return SignatureVectors()["rfc9421"]["keys"][id];
}
const rapidjson::Value& CavageKey() { return SignatureVectors()["draftCavage12"]["keys"]["Test"]; }

std::string Pem(std::string_view label, std::string_view der) {
  const std::string b64 = EncodeBase64(der);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + std::string(label) + "-----\n";
}

struct PublicVector {
  std::string name;
  std::string pem;
  KeyType type;
  int bits;
};

TEST(ParsePublicKeyPem, ReadsEveryVectorKey) {
  const rapidjson::Document actor = testing::LoadFixtureJson("activities/actor-fedify-person.json");
  const PublicVector cases[] = {
      {"cavage Test (1024-bit SPKI)", Str(CavageKey(), "publicKeyPem"), KeyType::kRsa, 1024},
      {"test-key-rsa (PKCS#1)", Str(Rfc9421Key("test-key-rsa"), "publicKeyPem"), KeyType::kRsa,
       2048},
      {"test-key-rsa-pss (SPKI)", Str(Rfc9421Key("test-key-rsa-pss"), "publicKeyPem"),
       KeyType::kRsa, 2048},
      {"test-key-ecc-p256", Str(Rfc9421Key("test-key-ecc-p256"), "publicKeyPem"),
       KeyType::kEcdsaP256, 256},
      {"test-key-ed25519", Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem"), KeyType::kEd25519,
       256},
      {"fedify actor (trailing newline)", Str(actor["publicKey"], "publicKeyPem"), KeyType::kRsa,
       2048},
      {"text around the block",
       "key:\n" + Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem") + "\n\n", KeyType::kEd25519,
       256},
  };
  for (const PublicVector& c : cases) {
    auto key = ParsePublicKeyPem(c.pem);
    ASSERT_TRUE(key.has_value()) << c.name << ": " << key.error().message;
    EXPECT_EQ(key->type(), c.type) << c.name;
    EXPECT_EQ(key->bits(), c.bits) << c.name;
  }
}

struct PrivateVector {
  std::string name;
  std::string private_pem;
  std::string public_pem;
  KeyType type;
  SignatureAlgorithm algorithm;
};

TEST(ParsePrivateKeyPem, ReadsEveryVectorKeyAndMatchesItsPublicKey) {
  const PrivateVector cases[] = {
      {"cavage Test (PKCS#1)", Str(CavageKey(), "privateKeyPem"), Str(CavageKey(), "publicKeyPem"),
       KeyType::kRsa, SignatureAlgorithm::kRsaPkcs1Sha256},
      {"test-key-rsa (PKCS#1)", Str(Rfc9421Key("test-key-rsa"), "privateKeyPem"),
       Str(Rfc9421Key("test-key-rsa"), "publicKeyPem"), KeyType::kRsa,
       SignatureAlgorithm::kRsaPkcs1Sha256},
      {"test-key-rsa-pss (PKCS#8 id-RSASSA-PSS)",
       Str(Rfc9421Key("test-key-rsa-pss"), "privateKeyPem"),
       Str(Rfc9421Key("test-key-rsa-pss"), "publicKeyPem"), KeyType::kRsa,
       SignatureAlgorithm::kRsaPssSha512},
      {"test-key-ecc-p256 (SEC1)", Str(Rfc9421Key("test-key-ecc-p256"), "privateKeyPem"),
       Str(Rfc9421Key("test-key-ecc-p256"), "publicKeyPem"), KeyType::kEcdsaP256,
       SignatureAlgorithm::kEcdsaP256Sha256},
      {"test-key-ed25519 (PKCS#8)", Str(Rfc9421Key("test-key-ed25519"), "privateKeyPem"),
       Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem"), KeyType::kEd25519,
       SignatureAlgorithm::kEd25519},
  };
  for (const PrivateVector& c : cases) {
    auto private_key = ParsePrivateKeyPem(c.private_pem);
    ASSERT_TRUE(private_key.has_value()) << c.name << ": " << private_key.error().message;
    auto public_key = ParsePublicKeyPem(c.public_pem);
    ASSERT_TRUE(public_key.has_value()) << c.name;
    EXPECT_EQ(private_key->type(), c.type) << c.name;
    // The pair matches: what one signs, the other verifies.
    auto signature = SignBytes(*private_key, c.algorithm, "pair check");
    ASSERT_TRUE(signature.has_value()) << c.name << ": " << signature.error().message;
    EXPECT_TRUE(VerifyBytes(*public_key, c.algorithm, "pair check", *signature).has_value())
        << c.name;
    EXPECT_FALSE(VerifyBytes(*public_key, c.algorithm, "pair check!", *signature).has_value())
        << c.name;
  }
}

TEST(ParsePrivateKeyPem, PublicHalfEqualsThePublishedKey) {
  for (const char* id : {"test-key-rsa", "test-key-ecc-p256", "test-key-ed25519"}) {
    auto private_key = ParsePrivateKeyPem(Str(Rfc9421Key(id), "privateKeyPem"));
    auto public_key = ParsePublicKeyPem(Str(Rfc9421Key(id), "publicKeyPem"));
    ASSERT_TRUE(private_key && public_key) << id;
    EXPECT_TRUE(SamePublicKey(private_key->public_key(), *public_key)) << id;
  }
  auto rsa = ParsePublicKeyPem(Str(Rfc9421Key("test-key-rsa"), "publicKeyPem"));
  auto ed = ParsePublicKeyPem(Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem"));
  auto cavage = ParsePublicKeyPem(Str(CavageKey(), "publicKeyPem"));
  EXPECT_FALSE(SamePublicKey(*rsa, *ed));
  EXPECT_FALSE(SamePublicKey(*rsa, *cavage));
}

TEST(ParsePrivateKeyPem, PssRestrictedKeyRefusesPkcs1) {
  auto key = ParsePrivateKeyPem(Str(Rfc9421Key("test-key-rsa-pss"), "privateKeyPem"));
  ASSERT_TRUE(key.has_value());
  auto signature = SignBytes(*key, SignatureAlgorithm::kRsaPkcs1Sha256, "x");
  ASSERT_FALSE(signature.has_value());
  EXPECT_EQ(signature.error().code, ErrorCode::kInvalidArgument);
}

std::string Oversized9000BitRsaKey() {
  // SPKI of an RSA "key" whose modulus is 2^9000 + 1.
  std::string der(
      "\x30\x82\x04\x87\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"
      "\x03\x82\x04\x74\x00\x30\x82\x04\x6f\x02\x82\x04\x66",
      32);
  std::string modulus(1126, '\0');
  modulus.front() = 1;
  modulus.back() = 1;
  return Pem("PUBLIC KEY", der + modulus + std::string("\x02\x03\x01\x00\x01", 5));
}

struct BadPem {
  std::string name;
  std::string pem;
  ErrorCode code;
};

TEST(ParsePublicKeyPem, RefusesGarbageWithClearErrors) {
  const std::string ed_pem = Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem");
  const std::string rsa_pem = Str(Rfc9421Key("test-key-rsa-pss"), "publicKeyPem");
  const BadPem cases[] = {
      {"empty", "", ErrorCode::kInvalidArgument},
      {"not PEM", "hello", ErrorCode::kInvalidArgument},
      {"raw base64",
       "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=", ErrorCode::kInvalidArgument},
      {"truncated in the middle", rsa_pem.substr(0, rsa_pem.size() / 2),
       ErrorCode::kInvalidArgument},
      {"no END line", rsa_pem.substr(0, rsa_pem.find("-----END")), ErrorCode::kInvalidArgument},
      {"base64 garbage",
       "-----BEGIN PUBLIC KEY-----\n!!!!not base64!!!!\n-----END PUBLIC KEY-----\n",
       ErrorCode::kInvalidArgument},
      {"DER garbage", Pem("PUBLIC KEY", "\x30\x03\x02\x01\x01"), ErrorCode::kInvalidArgument},
      {"empty body", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
       ErrorCode::kInvalidArgument},
      {"certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
       ErrorCode::kInvalidArgument},
      {"private key", Str(Rfc9421Key("test-key-ed25519"), "privateKeyPem"),
       ErrorCode::kInvalidArgument},
      {"unterminated BEGIN", "-----BEGIN PUBLIC KEY\nMCow\n", ErrorCode::kInvalidArgument},
      {"Ed448",
       "-----BEGIN PUBLIC "
       "KEY-----\nMEMwBQYDK2VxAzoAXuZznwV449pZW2z2MZI08wC06uz+yyLM1JqSxxWvFBJDY6JW\n"
       "oFHIbD/N2EHz0914wlDuCKDgiE8A\n-----END PUBLIC KEY-----\n",
       ErrorCode::kInvalidArgument},
      {"EC P-384",
       "-----BEGIN PUBLIC "
       "KEY-----\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEAWMRNlntACHB6MdmbZeZJpeWqYSBSJvO\n"
       "k7befiNrVrN30dQXxcBWAhAOuvWoOeDowLFm/FzTOWpa13StNX4O/32zhFJkCLYT\n"
       "dADZ82oY+tSrHR6jHyfIhOFPo4ekdrIG\n-----END PUBLIC KEY-----\n",
       ErrorCode::kInvalidArgument},
      {"RSA over 8192 bits", Oversized9000BitRsaKey(), ErrorCode::kLimitExceeded},
      {"oversized", ed_pem + std::string(kMaxPemBytes, '\n'), ErrorCode::kLimitExceeded},
  };
  for (const BadPem& c : cases) {
    auto key = ParsePublicKeyPem(c.pem);
    ASSERT_FALSE(key.has_value()) << c.name;
    EXPECT_EQ(key.error().code, c.code) << c.name << ": " << key.error().message;
    EXPECT_FALSE(key.error().message.empty()) << c.name;
  }
}

TEST(ParsePublicKeyPem, ErrorMessagesSayWhatWasWrong) {
  auto certificate =
      ParsePublicKeyPem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(certificate.error().message,
            "expected a \"PUBLIC KEY\" or \"RSA PUBLIC KEY\" PEM, got \"CERTIFICATE\"");
  auto garbage = ParsePublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  EXPECT_EQ(garbage.error().message, "malformed or truncated \"PUBLIC KEY\" PEM key");
}

TEST(ParsePrivateKeyPem, RefusesGarbageAndEncryptedKeys) {
  const std::string rsa_pem = Str(Rfc9421Key("test-key-rsa"), "privateKeyPem");
  const BadPem cases[] = {
      {"empty", "", ErrorCode::kInvalidArgument},
      {"public key", Str(Rfc9421Key("test-key-rsa"), "publicKeyPem"), ErrorCode::kInvalidArgument},
      {"truncated", rsa_pem.substr(0, 300), ErrorCode::kInvalidArgument},
      {"DER garbage", Pem("PRIVATE KEY", "\x30\x03\x02\x01\x00"), ErrorCode::kInvalidArgument},
      {"PKCS#8 encrypted",
       "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
       "MIH0MF8GCSqGSIb3DQEFDTBSMDEGCSqGSIb3DQEFDDAkBBANUUf6HbdfIr4Da7hy\n"
       "UQt3AgIIADAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQjZepUZjocdktvkGH\n"
       "zUxsQASBkHn27GWDh98qKvaSk90PiAVbOdFJ3yW86QZpUYxe5t0RTvdgiVSX8WyX\n"
       "NlZ6kMmu+097rKvmw9GFBmabl73G7xN1RnFMJRvPO1dHToSBuf5FwH8czGnhUVrY\n"
       "7Ds6jb1CcRl6vM3aY3dG4hSwDVmgrZDIBIwOG4rlscr+DZMd6bGyBj6uYQ8O3k1/\n"
       "29nHP7Rfsg==\n-----END ENCRYPTED PRIVATE KEY-----\n",
       ErrorCode::kUnsupported},
      {"legacy encrypted",
       "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
       "DEK-Info: AES-256-CBC,7737513AADA05FDEF13334CAC4DB8D05\n\n"
       "u8CY+Hud6pOGr/XBsN+IlEccGHme3pgBcuTcWZ1A/6+hVgU5TcmHeKt1AK+VaYCF\n"
       "BtQDlq4287DkD1Lj6ww3wBqQBiUoXnFLkITLFy3/qPKasRa/1hWEZGu7PJFIQNh3\n"
       "1UYWVyfqqgmC0NtaxsBuhDrQtMCP4ByhN9DHtZ7VzJ0=\n-----END EC PRIVATE KEY-----\n",
       ErrorCode::kUnsupported},
      {"oversized", rsa_pem + std::string(kMaxPemBytes, ' '), ErrorCode::kLimitExceeded},
  };
  for (const BadPem& c : cases) {
    auto key = ParsePrivateKeyPem(c.pem);
    ASSERT_FALSE(key.has_value()) << c.name;
    EXPECT_EQ(key.error().code, c.code) << c.name << ": " << key.error().message;
  }
}

TEST(KeyPem, ExportsEd25519VectorKeysExactly) {
  const std::string public_pem = Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem");
  const std::string private_pem = Str(Rfc9421Key("test-key-ed25519"), "privateKeyPem");
  auto private_key = ParsePrivateKeyPem(private_pem);
  ASSERT_TRUE(private_key.has_value());
  auto written_public = PublicKeyToPem(private_key->public_key());
  ASSERT_TRUE(written_public.has_value());
  EXPECT_EQ(*written_public, public_pem + "\n");
  auto written_private = PrivateKeyToPem(*private_key);
  ASSERT_TRUE(written_private.has_value());
  EXPECT_EQ(*written_private, private_pem + "\n");
}

TEST(KeyPem, GeneratedKeysRoundTripThroughPem) {
  auto rsa = GenerateRsaKey(2048);
  ASSERT_TRUE(rsa.has_value()) << rsa.error().message;
  auto ed = GenerateEd25519Key();
  ASSERT_TRUE(ed.has_value());
  for (const PrivateKey* key : {&*rsa, &*ed}) {
    auto private_pem = PrivateKeyToPem(*key);
    ASSERT_TRUE(private_pem.has_value());
    EXPECT_TRUE(private_pem->starts_with("-----BEGIN PRIVATE KEY-----\n")) << *private_pem;
    auto public_pem = PublicKeyToPem(key->public_key());
    ASSERT_TRUE(public_pem.has_value());
    EXPECT_TRUE(public_pem->starts_with("-----BEGIN PUBLIC KEY-----\n")) << *public_pem;

    auto reread_private = ParsePrivateKeyPem(*private_pem);
    auto reread_public = ParsePublicKeyPem(*public_pem);
    ASSERT_TRUE(reread_private && reread_public);
    EXPECT_EQ(reread_private->type(), key->type());
    EXPECT_TRUE(SamePublicKey(reread_private->public_key(), key->public_key()));
    EXPECT_TRUE(SamePublicKey(*reread_public, key->public_key()));
  }
  EXPECT_EQ(rsa->bits(), 2048);
  EXPECT_EQ(rsa->public_key().bits(), 2048);
  EXPECT_EQ(ed->bits(), 256);
  auto other = GenerateEd25519Key();
  EXPECT_FALSE(SamePublicKey(other->public_key(), ed->public_key()));
}

TEST(GenerateRsaKey, RefusesSizesOutsideTheRange) {
  for (int bits : {0, 1024, 2047, kMaxRsaBits + 1}) {
    auto key = GenerateRsaKey(bits);
    ASSERT_FALSE(key.has_value()) << bits;
    EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument) << bits;
  }
}

TEST(Ed25519Keys, RawFormsAreCheckedForLength) {
  EXPECT_FALSE(Ed25519PublicKeyFromBytes(std::string(31, 'a')).has_value());
  EXPECT_FALSE(Ed25519PublicKeyFromBytes(std::string(33, 'a')).has_value());
  EXPECT_FALSE(Ed25519PrivateKeyFromSeed("").has_value());
  auto seeded = Ed25519PrivateKeyFromSeed(std::string(32, '\x01'));
  ASSERT_TRUE(seeded.has_value());
  auto again = Ed25519PrivateKeyFromSeed(std::string(32, '\x01'));
  EXPECT_TRUE(SamePublicKey(seeded->public_key(), again->public_key()));
  auto raw = Ed25519PublicKeyBytes(seeded->public_key());
  ASSERT_TRUE(raw.has_value());
  auto rebuilt = Ed25519PublicKeyFromBytes(*raw);
  EXPECT_TRUE(SamePublicKey(*rebuilt, seeded->public_key()));
  auto rsa = ParsePublicKeyPem(Str(Rfc9421Key("test-key-rsa"), "publicKeyPem"));
  EXPECT_FALSE(Ed25519PublicKeyBytes(*rsa).has_value());
}

TEST(HmacKeys, HaveNoPemForm) {
  auto secret = DecodeBase64(Str(Rfc9421Key("test-shared-secret"), "base64"));
  ASSERT_TRUE(secret.has_value());
  auto signing = HmacSigningKey(*secret);
  ASSERT_TRUE(signing.has_value());
  EXPECT_EQ(signing->bits(), 512);
  EXPECT_EQ(PublicKeyToPem(signing->public_key()).error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(PrivateKeyToPem(*signing).error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(HmacVerificationKey("").has_value());
  EXPECT_FALSE(HmacVerificationKey(std::string(2000, 'k')).has_value());
}

TEST(Multikey, DecodesTheFedifyActorKey) {
  const rapidjson::Document actor = testing::LoadFixtureJson("activities/actor-fedify-person.json");
  const std::string multibase = Str(actor["assertionMethod"][0], "publicKeyMultibase");
  auto key = DecodeMultikey(multibase);
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(key->type(), KeyType::kEd25519);
  auto vector_key = ParsePublicKeyPem(Str(Rfc9421Key("test-key-ed25519"), "publicKeyPem"));
  EXPECT_TRUE(SamePublicKey(*key, *vector_key));
  auto encoded = EncodeMultikey(*vector_key);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(*encoded, multibase);
}

TEST(Multikey, RsaKeysRoundTrip) {
  auto rsa = ParsePublicKeyPem(Str(Rfc9421Key("test-key-rsa"), "publicKeyPem"));
  auto encoded = EncodeMultikey(*rsa);
  ASSERT_TRUE(encoded.has_value()) << encoded.error().message;
  EXPECT_TRUE(encoded->starts_with("z4MX")) << *encoded;  // rsa-pub keys of 2048 bits
  auto decoded = DecodeMultikey(*encoded);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_TRUE(SamePublicKey(*decoded, *rsa));
}

TEST(Multikey, RefusesGarbage) {
  const std::string ed_prefix("\xed\x01", 2);
  struct Bad {
    std::string name;
    std::string text;
    ErrorCode code;
  };
  const Bad cases[] = {
      {"empty", "", ErrorCode::kInvalidArgument},
      {"only the prefix", "z", ErrorCode::kUnsupported},
      {"not base58", "z6Mk0OIl", ErrorCode::kInvalidArgument},
      {"base64 multibase", "m7QE", ErrorCode::kUnsupported},
      {"secp256k1 multicodec",
       EncodeMultibaseBase58Btc(std::string("\xe7\x01", 2) + std::string(33, 'a')),
       ErrorCode::kUnsupported},
      {"short Ed25519 key", EncodeMultibaseBase58Btc(ed_prefix + std::string(31, 'a')),
       ErrorCode::kInvalidArgument},
      {"long Ed25519 key", EncodeMultibaseBase58Btc(ed_prefix + std::string(33, 'a')),
       ErrorCode::kInvalidArgument},
      {"RSA garbage", EncodeMultibaseBase58Btc(std::string("\x85\x24", 2) + "garbage"),
       ErrorCode::kInvalidArgument},
  };
  for (const Bad& c : cases) {
    auto key = DecodeMultikey(c.text);
    ASSERT_FALSE(key.has_value()) << c.name;
    EXPECT_EQ(key.error().code, c.code) << c.name << ": " << key.error().message;
  }
  auto secret = HmacVerificationKey("secret");
  EXPECT_EQ(EncodeMultikey(*secret).error().code, ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace parvis::protocol
