#include "parvis/protocol/signature_algorithm.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/base64.h"
#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using testing::SignatureVectors;
using testing::Str;

PrivateKey VectorPrivateKey(const char* id) {
  const rapidjson::Value& key = SignatureVectors()["rfc9421"]["keys"][id];
  if (std::string(id) == "test-shared-secret")
    return *HmacSigningKey(*DecodeBase64(Str(key, "base64")));
  return *ParsePrivateKeyPem(Str(key, "privateKeyPem"));
}

struct Pairing {
  const char* key;
  SignatureAlgorithm algorithm;
  size_t signature_size;
};

const Pairing kPairings[] = {
    {"test-key-rsa", SignatureAlgorithm::kRsaPkcs1Sha256, 256},
    {"test-key-rsa", SignatureAlgorithm::kRsaPkcs1Sha512, 256},
    {"test-key-rsa", SignatureAlgorithm::kRsaPssSha512, 256},
    {"test-key-rsa-pss", SignatureAlgorithm::kRsaPssSha512, 256},
    {"test-key-ecc-p256", SignatureAlgorithm::kEcdsaP256Sha256, 64},
    {"test-key-ed25519", SignatureAlgorithm::kEd25519, 64},
    {"test-shared-secret", SignatureAlgorithm::kHmacSha256, 32},
};

TEST(SignBytes, EveryAlgorithmRoundTripsAndDetectsTampering) {
  for (const Pairing& p : kPairings) {
    const std::string label = std::string(p.key) + "/" + SignatureAlgorithmName(p.algorithm);
    const PrivateKey key = VectorPrivateKey(p.key);
    auto signature = SignBytes(key, p.algorithm, "message");
    ASSERT_TRUE(signature.has_value()) << label << ": " << signature.error().message;
    EXPECT_EQ(signature->size(), p.signature_size) << label;
    EXPECT_TRUE(VerifyBytes(key.public_key(), p.algorithm, "message", *signature).has_value())
        << label;

    std::string flipped = *signature;
    flipped[flipped.size() / 2] ^= 0x01;
    auto bad = VerifyBytes(key.public_key(), p.algorithm, "message", flipped);
    ASSERT_FALSE(bad.has_value()) << label;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument) << label;
    EXPECT_FALSE(VerifyBytes(key.public_key(), p.algorithm, "messagE", *signature).has_value())
        << label;
    EXPECT_FALSE(VerifyBytes(key.public_key(), p.algorithm, "message", "").has_value()) << label;
    EXPECT_FALSE(
        VerifyBytes(key.public_key(), p.algorithm, "message", signature->substr(1)).has_value())
        << label;
    EXPECT_FALSE(
        VerifyBytes(key.public_key(), p.algorithm, "message", *signature + "x").has_value())
        << label;
  }
}

TEST(SignBytes, WrongKeyTypeForAlgorithmIsRefused) {
  const char* keys[] = {"test-key-rsa", "test-key-ecc-p256", "test-key-ed25519",
                        "test-shared-secret"};
  const SignatureAlgorithm algorithms[] = {
      SignatureAlgorithm::kRsaPkcs1Sha256, SignatureAlgorithm::kRsaPkcs1Sha512,
      SignatureAlgorithm::kRsaPssSha512,   SignatureAlgorithm::kEcdsaP256Sha256,
      SignatureAlgorithm::kEd25519,        SignatureAlgorithm::kHmacSha256,
  };
  int refused = 0;
  for (const char* id : keys) {
    const PrivateKey key = VectorPrivateKey(id);
    for (SignatureAlgorithm algorithm : algorithms) {
      if (KeyTypeFor(algorithm) == key.type()) continue;
      auto signature = SignBytes(key, algorithm, "m");
      ASSERT_FALSE(signature.has_value()) << id << " " << SignatureAlgorithmName(algorithm);
      EXPECT_EQ(signature.error().code, ErrorCode::kInvalidArgument);
      auto verified = VerifyBytes(key.public_key(), algorithm, "m", std::string(64, 'x'));
      ASSERT_FALSE(verified.has_value());
      EXPECT_NE(verified.error().message.find("cannot be used with"), std::string::npos)
          << verified.error().message;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 18);
}

TEST(SignBytes, DeterministicAlgorithmsRepeatThemselves) {
  for (const char* id : {"test-key-rsa", "test-key-ed25519", "test-shared-secret"}) {
    const PrivateKey key = VectorPrivateKey(id);
    const SignatureAlgorithm algorithm =
        key.type() == KeyType::kRsa       ? SignatureAlgorithm::kRsaPkcs1Sha256
        : key.type() == KeyType::kEd25519 ? SignatureAlgorithm::kEd25519
                                          : SignatureAlgorithm::kHmacSha256;
    EXPECT_EQ(*SignBytes(key, algorithm, "x"), *SignBytes(key, algorithm, "x")) << id;
  }
  // PSS and ECDSA are randomized.
  const PrivateKey pss = VectorPrivateKey("test-key-rsa-pss");
  EXPECT_NE(*SignBytes(pss, SignatureAlgorithm::kRsaPssSha512, "x"),
            *SignBytes(pss, SignatureAlgorithm::kRsaPssSha512, "x"));
}

TEST(SignBytes, EcdsaSignaturesAreFixedWidthNotDer) {
  const PrivateKey key = VectorPrivateKey("test-key-ecc-p256");
  for (int i = 0; i < 20; ++i) {
    auto signature = SignBytes(key, SignatureAlgorithm::kEcdsaP256Sha256, std::to_string(i));
    ASSERT_TRUE(signature.has_value());
    ASSERT_EQ(signature->size(), 64u);
    EXPECT_TRUE(VerifyBytes(key.public_key(), SignatureAlgorithm::kEcdsaP256Sha256,
                            std::to_string(i), *signature)
                    .has_value());
  }
  auto all_zero = VerifyBytes(key.public_key(), SignatureAlgorithm::kEcdsaP256Sha256, "m",
                              std::string(64, '\0'));
  EXPECT_FALSE(all_zero.has_value());
}

TEST(SignatureAlgorithmName, NamesRoundTrip) {
  for (SignatureAlgorithm algorithm :
       {SignatureAlgorithm::kRsaPkcs1Sha256, SignatureAlgorithm::kRsaPssSha512,
        SignatureAlgorithm::kEcdsaP256Sha256, SignatureAlgorithm::kEd25519,
        SignatureAlgorithm::kHmacSha256}) {
    EXPECT_EQ(SignatureAlgorithmFromName(SignatureAlgorithmName(algorithm)), algorithm);
  }
  for (const char* unknown : {"", "rsa-sha256", "hs2019", "RSA-V1_5-SHA256", "rsa-v1_5-sha512"}) {
    EXPECT_FALSE(SignatureAlgorithmFromName(unknown).has_value()) << unknown;
  }
}

}  // namespace
}  // namespace parvis::protocol
