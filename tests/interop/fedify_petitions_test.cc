// Petitions between Parvis and a real third-party server, Fedify: a Fedify follower of an
// association gets the Create (and the Update) of a petition the association started through
// its C2S outbox; Fedify dereferences the petition as an Article and reads its signature log.
//
// Each test starts a `parvis serve` child (accounts `assoc`, an organisation, and `alix`) and
// a Fedify peer child (actor `alice`, peer.mjs) on loopback. Deliveries go through queues, so
// checks on the peer's side poll (Eventually). What the peer received and sent is printed at
// the end of each test, and a test fails if Fedify logged a warning or an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "interop/interop_harness.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPublic[] = "https://www.w3.org/ns/activitystreams#Public";

std::string Deadline(int64_t seconds_from_now) {
  return protocol::FormatRfc3339Utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() +
      seconds_from_now);
}

// The value of header `name` in a raw response, or "".
std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return response.substr(at, response.find("\r\n", at) - at);
}

class FedifyPetitionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(parvis_.ok()) << "parvis did not print its listening line";
    ASSERT_TRUE(peer_.ok()) << "the Fedify peer did not start";
    for (const char* kind : {"organization", "person"}) {
      std::string name = std::string(kind) == "person" ? "alix" : "assoc";
      ProcessResult created = parvis_.CreateUser(name, kind);
      ASSERT_EQ(created.exit_code, 0) << created.err;
      ProcessResult token = parvis_.Admin({"token", name});
      ASSERT_EQ(token.exit_code, 0) << token.err;
      tokens_[name] = token.out.substr(0, token.out.find('\n'));
    }
    assoc_ = parvis_.base_url() + "/users/assoc";
  }

  // What crossed the wire; then no warning or error may be in Fedify's log.
  void TearDown() override {
    if (!peer_.ok()) return;
    std::string exchanges = DescribePeerExchanges(peer_);
    std::cout << exchanges;
    RecordProperty("fedify_peer_exchanges", exchanges);
    HttpAnswer log = peer_.Get("fedify-log");
    EXPECT_EQ(log.body, "[]") << "Fedify complained while talking to Parvis";
  }

  rapidjson::Document PeerGet(const std::string& route) {
    HttpAnswer answer = peer_.Get(route);
    EXPECT_EQ(answer.status, 200) << "GET /_test/" << route << ": " << answer.body;
    return ParseJson(answer.body);
  }

  rapidjson::Document PeerPost(const std::string& route, const std::string& json) {
    HttpAnswer answer = peer_.Post(route, json);
    EXPECT_EQ(answer.status, 200) << "POST /_test/" << route << " " << json << ": " << answer.body;
    return ParseJson(answer.body);
  }

  // POST to NAME's C2S outbox with its token; the raw response.
  std::string Outbox(const std::string& name, const std::string& activity) {
    return Fetch(parvis_.port(), "POST", "/users/" + name + "/outbox",
                 "Content-Type: application/activity+json\r\nAuthorization: Bearer " + tokens_[name] + "\r\n",
                 activity);
  }

  // assoc starts a petition through its outbox; its id.
  std::string StartPetition(uint64_t threshold) {
    std::string created = Outbox(
        "assoc", R"({"type":"Create","object":{"type":"Article","name":"Open the library on Sundays",)"
                 R"("source":{"content":"We ask the **city**.","mediaType":"text/markdown"},)"
                 R"("petition":{"addressee":"Mairie de Lyon","threshold":)" +
                     std::to_string(threshold) + R"(,"endTime":")" + Deadline(86400) + R"(","showsNames":true}}})");
    EXPECT_EQ(StatusOf(created), 201) << created;
    return HeaderOf(created, "Location");
  }

  void Sign(const std::string& name, const std::string& petition) {
    std::string signed_response = Outbox(name, R"({"type":"Sign","object":)" + JsonString(petition) + "}");
    EXPECT_EQ(StatusOf(signed_response), 201) << signed_response;
  }

  // An activity in the peer's inbox log for which `match` holds (null if none came).
  rapidjson::Document EventuallyReceived(const std::function<bool(const rapidjson::Value&)>& match) {
    rapidjson::Document found;
    Eventually([&] {
      rapidjson::Document log = PeerGet("log");
      const rapidjson::Value* entry = Find(log, match);
      if (entry != nullptr) found.CopyFrom(*entry, found.GetAllocator());
      return entry != nullptr;
    });
    return found;
  }

  static void Report(const std::string& what) {
    std::cout << "[report] " << what << "\n";
    ::testing::Test::RecordProperty("report", what);
  }

  ParvisProcess parvis_;
  FedifyPeer peer_;
  std::map<std::string, std::string> tokens_;
  std::string assoc_;
};

// Alice (Fedify) follows assoc; assoc starts a petition through C2S: the Create reaches
// alice's inbox, verified and parsed by Fedify (its listener runs only after that, before the
// inbox answers 202), the Article embedded; a signature then brings an Update with the count.
TEST_F(FedifyPetitionsTest, AFedifyFollowerAcceptsThePetitionsCreateAndUpdate) {
  HttpAnswer followed = peer_.Post("follow", R"({"target":)" + JsonString("acct:assoc@" + parvis_.host()) + "}");
  ASSERT_EQ(followed.status, 200) << "Fedify could not follow assoc: " << followed.body;
  ASSERT_TRUE(Eventually([&] {
    return StringMember(Member(PeerGet("following"), assoc_.c_str()), "state") == "accepted";
  })) << "assoc never accepted alice: " << peer_.Get("following").body;

  const std::string id = StartPetition(2);
  ASSERT_EQ(id.rfind(parvis_.base_url() + "/petitions/", 0), 0u) << id;
  rapidjson::Document create = EventuallyReceived([&](const rapidjson::Value& e) {
    return StringMember(e, "type") == "Create" && StringMember(e, "object") == id;
  });
  ASSERT_TRUE(create.IsObject()) << "Fedify never got the Create of " << id << "; its log: " << peer_.Get("log").body;
  EXPECT_EQ(StringMember(create, "actor"), assoc_);
  EXPECT_FALSE(Member(create, "signature").IsNull());
  const rapidjson::Value& article = Member(Member(create, "body"), "object");
  EXPECT_EQ(StringMember(article, "type"), "Article") << ToJson(Member(create, "body"));
  EXPECT_EQ(StringMember(Member(article, "petition"), "petitionState"), "open");
  const rapidjson::Value& parsed = Member(create, "parsed");
  EXPECT_EQ(StringMember(parsed, "type"), "Article");
  EXPECT_EQ(StringMember(parsed, "id"), id);
  EXPECT_EQ(StringMember(parsed, "name"), "Open the library on Sundays");
  EXPECT_EQ(StringMember(parsed, "url"), id);
  EXPECT_THAT(Strings(Member(parsed, "attributedTo")), ElementsAre(assoc_));
  EXPECT_THAT(Strings(Member(parsed, "to")), ElementsAre(kPublic));
  EXPECT_THAT(StringMember(parsed, "content"), HasSubstr("0 of 2 signatures"));
  Report("petition Create as Fedify parsed its Article: " + ToJson(parsed));

  Sign("alix", id);
  rapidjson::Document update = EventuallyReceived([&](const rapidjson::Value& e) {
    const rapidjson::Value& object = Member(Member(e, "body"), "object");
    const rapidjson::Value& count = Member(Member(object, "petition"), "signatureCount");
    return StringMember(e, "type") == "Update" && StringMember(object, "id") == id && count.IsUint64() &&
           count.GetUint64() == 1;
  });
  ASSERT_TRUE(update.IsObject()) << "Fedify never got the Update of " << id << "; its log: " << peer_.Get("log").body;
  EXPECT_EQ(StringMember(Member(update, "parsed"), "type"), "Article");
  EXPECT_THAT(StringMember(Member(update, "parsed"), "content"), HasSubstr("1 of 2 signatures"));
}

// Fedify dereferences a petition (lookupObject, Accept: activity+json) and parses it as an
// Article; it reads the signature log's collection, and its page through its document
// loader: the entries are data that no ActivityStreams class models (traverseCollection
// yields none of them), so the test checks them as Parvis's own verifier does.
TEST_F(FedifyPetitionsTest, FedifyReadsAPetitionAndItsSignatureLog) {
  const std::string id = StartPetition(3);
  ASSERT_FALSE(id.empty());
  Sign("alix", id);

  rapidjson::Document object = PeerPost("object", R"({"fresh":true,"target":)" + JsonString(id) + "}");
  ASSERT_TRUE(Member(object, "found").IsTrue()) << ToJson(object);
  EXPECT_EQ(StringMember(object, "type"), "Article");
  EXPECT_EQ(StringMember(object, "id"), id);
  EXPECT_EQ(StringMember(object, "name"), "Open the library on Sundays");
  EXPECT_EQ(StringMember(object, "url"), id);
  EXPECT_THAT(Strings(Member(object, "attributedTo")), ElementsAre(assoc_));
  EXPECT_THAT(StringMember(object, "content"), HasSubstr("<strong>city</strong>"));
  EXPECT_THAT(StringMember(object, "content"), HasSubstr("1 of 3 signatures"));
  Report("petition as Fedify's lookupObject parsed it: " + ToJson(object));

  const std::string log = id + "/log";
  rapidjson::Document collection = PeerPost("collection", R"({"target":)" + JsonString(log) + "}");
  EXPECT_EQ(StringMember(collection, "type"), "OrderedCollection") << ToJson(collection);
  EXPECT_EQ(StringMember(collection, "id"), log);
  ASSERT_TRUE(Member(collection, "totalItems").IsInt()) << ToJson(collection);
  EXPECT_EQ(Member(collection, "totalItems").GetInt(), 1);
  EXPECT_EQ(StringMember(collection, "first"), log + "?from=0");
  Report("signature log as Fedify's traverseCollection read it: " + ToJson(collection));

  rapidjson::Document page = PeerPost("document", R"({"url":)" + JsonString(log + "?from=0") + "}");
  const rapidjson::Value& document = Member(page, "document");
  EXPECT_EQ(StringMember(document, "type"), "OrderedCollectionPage") << ToJson(page);
  EXPECT_EQ(StringMember(document, "partOf"), log);
  const rapidjson::Value& items = Member(document, "orderedItems");
  ASSERT_TRUE(items.IsArray()) << ToJson(page);
  std::vector<protocol::SignatureEntry> entries;
  for (const rapidjson::Value& item : items.GetArray()) {
    Result<protocol::SignatureEntry> entry = protocol::ReadSignatureEntry(item);
    ASSERT_TRUE(entry.has_value()) << entry.error().message << ": " << ToJson(item);
    entries.push_back(*entry);
  }
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, parvis_.base_url() + "/users/alix");
  Result<protocol::TallyCheck> tally = protocol::VerifySignatureLog(id, entries);
  ASSERT_TRUE(tally.has_value()) << tally.error().message;
  EXPECT_EQ(tally->count, 1u);
}

// Fedify dereferences a consultation (an Article with its proposals and results) and one of
// its proposals (a Note in reply to it, attributed to the organiser) without complaint.
TEST_F(FedifyPetitionsTest, FedifyReadsAConsultationAndAProposal) {
  std::string created = Outbox(
      "assoc", R"({"type":"Create","object":{"type":"Article","name":"What should the park become?",)"
               R"("content":"<p>Tell us.</p>","consultation":{"endTime":")" + Deadline(86400) + R"("}}})");
  ASSERT_EQ(StatusOf(created), 201) << created;
  const std::string id = HeaderOf(created, "Location");
  std::string offered = Outbox("alix", R"({"type":"Offer","target":)" + JsonString(id) +
                                           R"(,"object":{"type":"Note","content":"A garden"}})");
  ASSERT_EQ(StatusOf(offered), 201) << offered;
  const std::string proposal = HeaderOf(offered, "Location");
  std::string voted = Outbox("alix", R"({"type":"Vote","object":)" + JsonString(proposal) + R"(,"choice":"for"})");
  ASSERT_EQ(StatusOf(voted), 202) << voted;

  rapidjson::Document object = PeerPost("object", R"({"fresh":true,"target":)" + JsonString(id) + "}");
  ASSERT_TRUE(Member(object, "found").IsTrue()) << ToJson(object);
  EXPECT_EQ(StringMember(object, "type"), "Article");
  EXPECT_EQ(StringMember(object, "name"), "What should the park become?");
  EXPECT_THAT(Strings(Member(object, "attributedTo")), ElementsAre(assoc_));
  EXPECT_THAT(StringMember(object, "content"), HasSubstr("1 proposals"));
  Report("consultation as Fedify's lookupObject parsed it: " + ToJson(object));

  rapidjson::Document note = PeerPost("object", R"({"fresh":true,"target":)" + JsonString(proposal) + "}");
  ASSERT_TRUE(Member(note, "found").IsTrue()) << ToJson(note);
  EXPECT_EQ(StringMember(note, "type"), "Note");
  EXPECT_EQ(StringMember(note, "id"), proposal);
  EXPECT_THAT(StringMember(note, "content"), HasSubstr("A garden"));
  Report("proposal as Fedify's lookupObject parsed it: " + ToJson(note));
  // The results are in the document Fedify's loader fetched.
  rapidjson::Document raw = PeerPost("document", R"({"url":)" + JsonString(id) + "}");
  EXPECT_THAT(ToJson(Member(raw, "document")), HasSubstr("\"votesFor\":1"));
}

}  // namespace
}  // namespace parvis::testing
