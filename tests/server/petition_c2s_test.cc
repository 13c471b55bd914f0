// Petitions through the client-to-server outbox: a script with a bearer
// token creates a petition (Create of an Article with a `petition` object),
// signs petitions here and on another node (Sign), withdraws (Undo, by id or
// embedded), and answers (Update with petition.officialAnswer); every
// refusal has its status and changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::Follow;
using ::parvis::testing::IssueToken;
using ::parvis::testing::Record;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::testing::HasSubstr;

constexpr char kJson[] = "Accept: application/activity+json\r\n";

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

std::string PostOutbox(TestNode& node, const std::string& name, const std::string& token,
                       const std::string& body) {
  return Fetch(node.port(), "POST", "/users/" + name + "/outbox",
               "Content-Type: application/activity+json\r\n" + Bearer(token), body);
}

std::string Deadline(int64_t seconds_from_now) {
  return protocol::FormatRfc3339Utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() +
      seconds_from_now);
}

// The Create of a petition Article, with `terms` as its petition object.
std::string CreatePetitionBody(const std::string& terms, const std::string& name = "Open the library on Sundays") {
  return R"({"type":"Create","object":{"type":"Article","name":")" + name +
         R"(","source":{"content":"We ask the **city**.","mediaType":"text/markdown"},"petition":)" + terms + "}}";
}

std::string Terms(uint64_t threshold, const std::string& end_time = Deadline(86400)) {
  return R"({"addressee":"Mairie de Lyon","threshold":)" + std::to_string(threshold) + R"(,"endTime":")" +
         end_time + R"(","showsNames":true})";
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return response.substr(at, response.find("\r\n", at) - at);
}

std::string IdOf(const std::string& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(response), {});
  if (!doc || !doc->IsObject()) return "";
  return protocol::StringMember(*doc, "id").value_or("");
}

class PetitionC2sTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a.CreateAccount("assoc", "organization");
    a.CreateAccount("zoe", "organization");
    a.CreateAccount("alix");
    b.CreateAccount("bea");
    assoc = IssueToken(a, "assoc");
    zoe = IssueToken(a, "zoe");
    alix = IssueToken(a, "alix");
    bea = IssueToken(b, "bea");
  }

  // A new open petition of assoc, through its outbox; its id.
  std::string Open(uint64_t threshold) {
    std::string created = PostOutbox(a, "assoc", assoc, CreatePetitionBody(Terms(threshold)));
    EXPECT_EQ(StatusOf(created), 201) << created;
    return HeaderOf(created, "Location");
  }

  rapidjson::Document Article(const std::string& id) {
    Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(a.Get(id.substr(a.base().size()), kJson)), {});
    if (!doc || !doc->IsObject() || !doc->HasMember("petition")) return rapidjson::Document();
    return std::move(*doc);
  }
  uint64_t Count(const std::string& id) {
    rapidjson::Document doc = Article(id);
    return doc.IsObject() ? doc["petition"]["signatureCount"].GetUint64() : 999999;
  }
  std::string State(const std::string& id) {
    rapidjson::Document doc = Article(id);
    return doc.IsObject() ? protocol::StringMember(doc["petition"], "petitionState").value_or("") : "";
  }

  TestNode a{{}, true};
  TestNode b{{}, true};
  std::string assoc, zoe, alix, bea;
};

TEST_F(PetitionC2sTest, ACreatedPetitionIsOpenAndReachesFollowers) {
  Follow(b, "bea", a.Handle("assoc"));
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(a, "assoc", 1); }));
  // A bare Article carrying a petition is wrapped in a Create, as a note is.
  std::string created = PostOutbox(
      a, "assoc", assoc,
      R"({"type":"Article","name":"Plant trees on the quay","content":"<p>Shade for <b>everyone</b>.</p>","petition":)" +
          Terms(3) + "}");
  ASSERT_EQ(StatusOf(created), 201) << created;
  std::string id = HeaderOf(created, "Location");
  EXPECT_THAT(id, ::testing::StartsWith(a.base() + "/petitions/"));
  EXPECT_EQ(IdOf(created), id + "#create");
  rapidjson::Document article = Article(id);
  ASSERT_TRUE(article.IsObject());
  EXPECT_EQ(protocol::StringMember(article, "name").value_or(""), "Plant trees on the quay");
  EXPECT_EQ(protocol::StringMember(article, "attributedTo").value_or(""), a.base() + "/users/assoc");
  EXPECT_EQ(protocol::StringMember(article["petition"], "addressee").value_or(""), "Mairie de Lyon");
  EXPECT_EQ(article["petition"]["threshold"].GetUint64(), 3u);
  EXPECT_EQ(State(id), "open");
  // The client's markup is not kept: the text is, rendered again.
  EXPECT_THAT(protocol::StringMember(article, "content").value_or(""), HasSubstr("Shade for everyone."));
  EXPECT_TRUE(Eventually([&] { return Record(b, id).find("Plant trees on the quay") != std::string::npos; }))
      << Record(b, id);
}

TEST_F(PetitionC2sTest, SignUndoAndAnswerThroughTheOutbox) {
  std::string id = Open(1);
  ASSERT_FALSE(id.empty());

  // A local account signs, and withdraws by the Sign's id.
  std::string signed_here = PostOutbox(a, "alix", alix, R"({"type":"Sign","object":")" + id + R"("})");
  ASSERT_EQ(StatusOf(signed_here), 201) << signed_here;
  std::string sign_id = HeaderOf(signed_here, "Location");
  EXPECT_THAT(sign_id, ::testing::StartsWith(a.base() + "/users/alix/signatures/")) << signed_here;
  EXPECT_THAT(BodyOf(signed_here), HasSubstr(R"("state":"signed")"));
  EXPECT_EQ(Count(id), 1u);
  EXPECT_EQ(State(id), "successful");
  std::string undone = PostOutbox(a, "alix", alix, R"({"type":"Undo","object":")" + sign_id + R"("})");
  ASSERT_EQ(StatusOf(undone), 202) << undone;
  EXPECT_THAT(BodyOf(undone), HasSubstr(R"("state":"withdrawn")"));
  EXPECT_EQ(Count(id), 0u);

  // An account of another node signs (anonymously): its node sends the Sign
  // and the home node counts it; then it withdraws with an embedded Sign.
  std::string signed_there =
      PostOutbox(b, "bea", bea, R"({"type":"Sign","object":")" + id + R"(","anonymous":true})");
  ASSERT_EQ(StatusOf(signed_there), 201) << signed_there;
  EXPECT_THAT(HeaderOf(signed_there, "Location"), ::testing::StartsWith(b.base() + "/users/bea/signatures/"));
  ASSERT_TRUE(Eventually([&] { return Count(id) == 1u; }));
  // Withdrawing needs the home node's receipt first.
  ASSERT_TRUE(Eventually([&] {
    return b.node().CallControl("GET", "/control/petitions/mine?account=bea&petition=" + id, "").body.find(
               R"("state":"signed")") != std::string::npos;
  }));
  std::string withdrawn = PostOutbox(
      b, "bea", bea, R"({"type":"Undo","object":{"type":"Sign","actor":")" + b.base() + R"(/users/bea","object":")" +
                         id + R"("}})");
  ASSERT_EQ(StatusOf(withdrawn), 202) << withdrawn;
  ASSERT_TRUE(Eventually([&] { return Count(id) == 0u; }));

  // Signed again (a new entry), the petition succeeds and its organiser
  // answers it with an Update of the Article.
  ASSERT_EQ(StatusOf(PostOutbox(a, "alix", alix, R"({"type":"Sign","object":")" + id + R"("})")), 201);
  std::string answered = PostOutbox(
      a, "assoc", assoc,
      R"({"type":"Update","object":{"id":")" + id +
          R"(","type":"Article","petition":{"officialAnswer":{"type":"Note","content":"<p>The library opens on Sundays from May.</p>"}}}})");
  ASSERT_EQ(StatusOf(answered), 202) << answered;
  EXPECT_EQ(State(id), "answered");
  rapidjson::Document article = Article(id);
  ASSERT_TRUE(article.IsObject() && article["petition"].HasMember("officialAnswer"));
  EXPECT_THAT(protocol::StringMember(article["petition"]["officialAnswer"], "content").value_or(""),
              HasSubstr("opens on Sundays from May"));
  // Signing has ended.
  std::string late = PostOutbox(a, "zoe", zoe, R"({"type":"Sign","object":")" + id + R"("})");
  EXPECT_EQ(StatusOf(late), 400) << late;
  EXPECT_THAT(BodyOf(late), HasSubstr("not open for signatures"));
}

TEST_F(PetitionC2sTest, RefusedRequestsGetTheRightStatusAndChangeNothing) {
  std::string signed_petition = Open(1);
  std::string open_petition = Open(5);
  ASSERT_EQ(StatusOf(PostOutbox(a, "alix", alix, R"({"type":"Sign","object":")" + signed_petition + R"("})")), 201);
  std::string unknown = a.base() + "/petitions/999";
  std::string alix_actor = a.base() + "/users/alix";
  auto answer = [](const std::string& id, const std::string& official) {
    return R"({"type":"Update","object":{"id":")" + id + R"(","type":"Article","petition":)" + official + "}}";
  };
  const std::string kAnswer = R"({"officialAnswer":{"content":"Yes."}})";
  struct Case {
    std::string name, account, token, body;
    int status;
  };
  std::vector<Case> cases = {
      // Sign
      {"Sign without object", "alix", alix, R"({"type":"Sign"})", 400},
      {"Sign of a non-URL", "alix", alix, R"({"type":"Sign","object":"petition 1"})", 400},
      {"Sign with anonymous not a boolean", "alix", alix,
       R"({"type":"Sign","object":")" + open_petition + R"(","anonymous":"yes"})", 400},
      {"Sign of an unknown petition", "alix", alix, R"({"type":"Sign","object":")" + unknown + R"("})", 404},
      {"Sign twice", "alix", alix, R"({"type":"Sign","object":")" + signed_petition + R"("})", 409},
      {"Sign by another actor", "alix", alix,
       R"({"type":"Sign","actor":")" + a.base() + R"(/users/zoe","object":")" + open_petition + R"("})", 403},
      // Undo of a Sign
      {"Undo of an unknown signature id", "alix", alix,
       R"({"type":"Undo","object":")" + alix_actor + R"(/signatures/0123"})", 404},
      {"Undo of a petition never signed", "alix", alix,
       R"({"type":"Undo","object":{"type":"Sign","object":")" + open_petition + R"("}})", 404},
      {"Undo of someone else's Sign", "alix", alix,
       R"({"type":"Undo","object":{"type":"Sign","actor":")" + a.base() + R"(/users/zoe","object":")" +
           signed_petition + R"("}})",
       403},
      {"Undo of a Sign naming nothing", "alix", alix, R"({"type":"Undo","object":{"type":"Sign"}})", 400},
      {"Undo of a Sign of a non-URL", "alix", alix, R"({"type":"Undo","object":{"type":"Sign","object":"x"}})", 400},
      // Create of a petition
      {"petition by a person", "alix", alix, CreatePetitionBody(Terms(10)), 403},
      {"petition attributed to another", "assoc", assoc,
       R"({"type":"Article","attributedTo":")" + a.base() +
           R"(/users/zoe","name":"T","content":"x","petition":)" + Terms(10) + "}",
       403},
      {"petition not an object", "assoc", assoc, CreatePetitionBody("true"), 400},
      {"petition in a Note", "assoc", assoc,
       R"({"type":"Create","object":{"type":"Note","content":"x","petition":)" + Terms(10) + "}}", 400},
      {"petition without name", "assoc", assoc,
       R"({"type":"Article","content":"x","petition":)" + Terms(10) + "}", 400},
      {"petition without text", "assoc", assoc, R"({"type":"Article","name":"T","petition":)" + Terms(10) + "}",
       400},
      {"petition with an HTML source", "assoc", assoc,
       R"({"type":"Article","name":"T","source":{"content":"x","mediaType":"text/html"},"petition":)" + Terms(10) +
           "}",
       400},
      {"petition without addressee", "assoc", assoc,
       CreatePetitionBody(R"({"threshold":10,"endTime":")" + Deadline(86400) + R"("})"), 400},
      {"threshold not a number", "assoc", assoc,
       CreatePetitionBody(R"({"addressee":"M","threshold":"ten","endTime":")" + Deadline(86400) + R"("})"), 400},
      {"threshold zero", "assoc", assoc, CreatePetitionBody(Terms(0)), 400},
      {"threshold negative", "assoc", assoc,
       CreatePetitionBody(R"({"addressee":"M","threshold":-3,"endTime":")" + Deadline(86400) + R"("})"), 400},
      {"endTime not a date", "assoc", assoc,
       CreatePetitionBody(R"({"addressee":"M","threshold":10,"endTime":"next week"})"), 400},
      {"endTime past", "assoc", assoc, CreatePetitionBody(Terms(10, Deadline(-60))), 400},
      {"endTime beyond two years", "assoc", assoc, CreatePetitionBody(Terms(10, Deadline(3 * 366 * 86400))), 400},
      {"showsNames not a boolean", "assoc", assoc,
       CreatePetitionBody(R"({"addressee":"M","threshold":10,"endTime":")" + Deadline(86400) +
                          R"(","showsNames":"no"})"),
       400},
      {"title too long", "assoc", assoc, CreatePetitionBody(Terms(10), std::string(201, 't')), 400},
      // Update (the answer)
      {"answer to someone else's petition", "zoe", zoe, answer(signed_petition, kAnswer), 403},
      {"answer by a signer", "alix", alix, answer(signed_petition, kAnswer), 403},
      {"answer to an unknown petition", "assoc", assoc, answer(unknown, kAnswer), 404},
      {"answer naming no petition of this node", "assoc", assoc,
       answer("https://elsewhere.example/petitions/1", kAnswer), 404},
      {"answer before the petition succeeded", "assoc", assoc, answer(open_petition, kAnswer), 400},
      {"Update without officialAnswer", "assoc", assoc, answer(signed_petition, R"({"threshold":3})"), 400},
      {"officialAnswer without content", "assoc", assoc,
       answer(signed_petition, R"({"officialAnswer":{"type":"Note"}})"), 400},
      {"empty answer", "assoc", assoc, answer(signed_petition, R"({"officialAnswer":{"content":""}})"), 400},
  };
  for (const Case& c : cases) {
    std::string response = PostOutbox(a, c.account, c.token, c.body);
    EXPECT_EQ(StatusOf(response), c.status) << c.name << ": " << response.substr(0, 400);
    EXPECT_THAT(BodyOf(response), HasSubstr(R"("error":)")) << c.name;
  }
  // Nothing changed: two petitions, the signed one still successful with
  // its one signature, the other open with none.
  EXPECT_EQ(Count(signed_petition), 1u);
  EXPECT_EQ(State(signed_petition), "successful");
  EXPECT_EQ(Count(open_petition), 0u);
  EXPECT_EQ(State(open_petition), "open");
  std::string next = open_petition.substr(0, open_petition.rfind('/') + 1) +
                     std::to_string(std::stoull(open_petition.substr(open_petition.rfind('/') + 1)) + 1);
  EXPECT_EQ(StatusOf(a.Get(next.substr(a.base().size()), kJson)), 404);
}

}  // namespace
}  // namespace parvis
