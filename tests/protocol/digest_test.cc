#include "parvis/protocol/digest.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using testing::SignatureVectors;
using testing::Str;

constexpr std::string_view kBody = R"({"hello": "world"})";

TEST(VerifyBodyDigest, AcceptsEveryRfc9530VectorWithContent) {
  int checked = 0;
  for (const auto& vector : SignatureVectors()["rfc9530"]["vectors"].GetArray()) {
    if (vector["content"].IsNull()) continue;
    const std::string content = Str(vector, "content");
    const std::string value = Str(vector, "value");
    auto status = VerifyBodyDigest("", value, content);
    if (vector.HasMember("deprecated")) {
      // Only md5 and sha: nothing we support, so nothing is proven.
      ASSERT_FALSE(status.has_value()) << Str(vector, "name");
      EXPECT_EQ(status.error().code, ErrorCode::kUnsupported);
      continue;
    }
    EXPECT_TRUE(status.has_value()) << Str(vector, "name") << ": " << status.error().message;
    EXPECT_FALSE(VerifyBodyDigest("", value, content + " ").has_value()) << Str(vector, "name");
    if (vector.HasMember("legacyDigestHeader")) {
      EXPECT_TRUE(VerifyBodyDigest(Str(vector, "legacyDigestHeader"), "", content).has_value());
      EXPECT_TRUE(VerifyBodyDigest(Str(vector, "legacyDigestHeader"), value, content).has_value());
    }
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

TEST(VerifyBodyDigest, TwoMemberSyntaxExampleParsesButDoesNotMatch) {
  const auto& vectors = SignatureVectors()["rfc9530"]["vectors"];
  const std::string value = Str(vectors[vectors.Size() - 1], "value");
  // Its sha-512 member is right for the body with LF; its sha-256 member is
  // not, and every supported member must match.
  auto status = VerifyBodyDigest("", value, std::string(kBody) + "\n");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "Content-Digest sha-256 does not match the body");
}

TEST(VerifyBodyDigest, AcceptsTheCavageDigestHeader) {
  const auto& request = SignatureVectors()["draftCavage12"]["request"];
  HttpMessage message = testing::MessageFromVector(request);
  EXPECT_TRUE(
      VerifyBodyDigest(*message.FieldValue("digest"), "", Str(request, "body")).has_value());
}

struct DigestCase {
  std::string name;
  std::string digest;
  std::string content_digest;
  ErrorCode code;  // ignored when ok
  bool ok;
};

TEST(VerifyBodyDigest, Table) {
  const std::string sha256 = MakeDigestHeader(kBody);
  const std::string sha512 = MakeDigestHeader(kBody, DigestAlgorithm::kSha512);
  const std::string b64_256 = sha256.substr(8);
  const std::string b64_512 = sha512.substr(8);
  const std::string wrong_256 = MakeDigestHeader("other").substr(8);
  const DigestCase cases[] = {
      {"Digest SHA-256", sha256, "", {}, true},
      {"Digest lower-case name", "sha-256=" + b64_256, "", {}, true},
      {"Digest SHA-512", sha512, "", {}, true},
      {"Digest two algorithms", sha256 + ", " + sha512, "", {}, true},
      {"Digest with unknown extra", "MD5=Sd/dVLAcvNLSq16eXua5uQ==," + sha256, "", {}, true},
      {"Digest spaces", "  " + sha256 + "  ", "", {}, true},
      {"Content-Digest sha-256", "", MakeContentDigestHeader(kBody), {}, true},
      {"Content-Digest both",
       "",
       MakeContentDigestHeader(kBody) + ", " +
           MakeContentDigestHeader(kBody, DigestAlgorithm::kSha512),
       {},
       true},
      {"both headers", sha256, MakeContentDigestHeader(kBody, DigestAlgorithm::kSha512), {}, true},
      {"neither header", "", "", ErrorCode::kInvalidArgument, false},
      {"Digest wrong value", "SHA-256=" + wrong_256, "", ErrorCode::kInvalidArgument, false},
      {"Digest one of two wrong", sha512 + ",SHA-256=" + wrong_256, "", ErrorCode::kInvalidArgument,
       false},
      {"Digest unknown only", "MD5=Sd/dVLAcvNLSq16eXua5uQ==", "", ErrorCode::kUnsupported, false},
      {"Digest base64 garbage", "SHA-256=!!!", "", ErrorCode::kInvalidArgument, false},
      {"Digest truncated", "SHA-256=" + b64_256.substr(0, 20), "", ErrorCode::kInvalidArgument,
       false},
      {"Digest SHA-256 holding a SHA-512 value", "SHA-256=" + b64_512, "",
       ErrorCode::kInvalidArgument, false},
      {"Digest no equals", "SHA-256", "", ErrorCode::kInvalidArgument, false},
      {"Digest empty member", sha256 + ",", "", ErrorCode::kInvalidArgument, false},
      {"Digest empty name", "=abc", "", ErrorCode::kInvalidArgument, false},
      {"good Digest, bad Content-Digest", sha256, "sha-256=:" + wrong_256 + ":",
       ErrorCode::kInvalidArgument, false},
      {"Content-Digest not a byte sequence", "", "sha-256=\"" + b64_256 + "\"",
       ErrorCode::kInvalidArgument, false},
      {"Content-Digest malformed", "", "sha-256=:" + b64_256, ErrorCode::kInvalidArgument, false},
      {"Content-Digest upper-case key", "", "SHA-256=:" + b64_256 + ":",
       ErrorCode::kInvalidArgument, false},
      {"Content-Digest unknown only", "", "md5=:Sd/dVLAcvNLSq16eXua5uQ==:", ErrorCode::kUnsupported,
       false},
      {"Content-Digest inner list", "", "sha-256=(:" + b64_256 + ":)", ErrorCode::kInvalidArgument,
       false},
  };
  for (const DigestCase& c : cases) {
    auto status = VerifyBodyDigest(c.digest, c.content_digest, kBody);
    if (c.ok) {
      EXPECT_TRUE(status.has_value()) << c.name << ": " << status.error().message;
    } else {
      ASSERT_FALSE(status.has_value()) << c.name;
      EXPECT_EQ(status.error().code, c.code) << c.name << ": " << status.error().message;
    }
  }
}

TEST(MakeDigestHeader, MatchesPublishedValues) {
  EXPECT_EQ(MakeDigestHeader(kBody), "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
  EXPECT_EQ(MakeContentDigestHeader(kBody, DigestAlgorithm::kSha512),
            "sha-512=:WZDPaVn/"
            "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
  EXPECT_EQ(MakeContentDigestHeader(""), "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
}

}  // namespace
}  // namespace parvis::protocol
