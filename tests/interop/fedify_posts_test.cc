// Notes between Parvis and a real third-party server, Fedify, in both directions: what a
// Parvis account posts and deletes reaches a Fedify follower; what the Fedify actor creates,
// updates and deletes is stored (or not) by Parvis; Fedify dereferences Parvis's notes and
// reads its outbox and follow collections.
//
// Each test starts a `parvis serve` child (account `camille`) and a Fedify peer child (actor
// `alice`, peer.mjs) on loopback. Deliveries go through queues on both sides, so every check
// on the other side polls with a generous deadline (Eventually). What the peer received and
// sent, and what Fedify made of Parvis's documents, is printed at the end of each test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "interop/interop_harness.h"

namespace parvis::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kPublic[] = "https://www.w3.org/ns/activitystreams#Public";

// Text with characters that HTML must escape, an accent, and a line break; and the HTML
// Parvis makes of it (RenderPlainText: escaped, one <p>, a single newline as <br>).
constexpr char kPostText[] = "Caf\u00e9 cr\u00e8me: <b>bold</b> & \"quoted\" 'apostrophe'\nsecond line";
constexpr char kPostHtml[] =
    "<p>Caf\u00e9 cr\u00e8me: &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; "
    "&#39;apostrophe&#39;<br>second line</p>";

// A JSON object of string members, properly escaped (the texts here are not plain ASCII).
std::string JsonObject(std::initializer_list<std::pair<const char*, std::string>> members) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : members) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  return buffer.GetString();
}

// A query parameter value: everything but unreserved characters percent-encoded.
std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class FedifyPostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(parvis_.ok()) << "parvis did not print its listening line";
    ASSERT_TRUE(peer_.ok()) << "the Fedify peer did not start";
    ProcessResult created = parvis_.CreateUser("camille", "person");
    ASSERT_EQ(created.exit_code, 0) << created.err;
    camille_ = parvis_.base_url() + "/users/camille";
    followers_ = camille_ + "/followers";
    peer_base_ = "http://127.0.0.1:" + std::to_string(peer_.port());
    alice_ = peer_base_ + "/users/alice";
  }

  // Prints what crossed the wire; then, as in the other interop tests, a test ends with
  // nothing in Fedify's log (a warning or an error there means something bothered it), but
  // for the records a test announced with ExpectFedifyLog (printed, not failed).
  void TearDown() override {
    if (!peer_.ok()) return;
    std::string exchanges = DescribePeerExchanges(peer_);
    std::cout << exchanges;
    RecordProperty("fedify_peer_exchanges", exchanges);
    rapidjson::Document log = PeerGet("fedify-log");
    ASSERT_TRUE(log.IsArray());
    rapidjson::Document unexpected(rapidjson::kArrayType);
    for (const rapidjson::Value& entry : log.GetArray()) {
      std::string line = "[" + StringMember(entry, "level") + "] " +
                         StringMember(entry, "category") + ": " + StringMember(entry, "message");
      bool announced = false;
      for (const std::string& part : expected_fedify_log_) {
        announced = announced || line.find(part) != std::string::npos;
      }
      if (announced) {
        std::cout << "[fedify log, expected] " << line << "\n";
      } else {
        unexpected.PushBack(rapidjson::Value(entry, unexpected.GetAllocator()),
                            unexpected.GetAllocator());
      }
    }
    EXPECT_EQ(ToJson(unexpected), "[]") << "Fedify complained while talking to Parvis";
  }

  // A record Fedify's log will hold (any whose text contains `part`), because the test makes
  // Fedify do something that fails on purpose.
  void ExpectFedifyLog(const std::string& part) { expected_fedify_log_.push_back(part); }

  rapidjson::Document PeerGet(const std::string& route) {
    HttpAnswer answer = peer_.Get(route);
    EXPECT_EQ(answer.status, 200) << "GET /_test/" << route << ": " << answer.body;
    return ParseJson(answer.body);
  }

  // POST /_test/ROUTE; the answer parsed (a failure is recorded, with Fedify's log).
  rapidjson::Document PeerPost(const std::string& route, const std::string& json) {
    HttpAnswer answer = peer_.Post(route, json);
    EXPECT_EQ(answer.status, 200) << "POST /_test/" << route << " " << json << ": " << answer.body;
    return ParseJson(answer.body);
  }

  // `parvis admin post camille --visibility V` with `text` on stdin: the note's id.
  std::string Post(const std::string& text, const std::string& visibility) {
    ProcessResult posted = parvis_.Admin({"post", "camille", "--visibility", visibility}, text);
    EXPECT_EQ(posted.exit_code, 0) << posted.out << posted.err;
    std::string id = StringMember(ParseJson(posted.out), "id");
    EXPECT_FALSE(id.empty()) << "no id in: " << posted.out;
    return id;
  }

  void DeleteNote(const std::string& id) {
    ProcessResult deleted = parvis_.Admin({"delete", "camille", id});
    EXPECT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  }

  // Alice follows camille through Fedify, and Parvis has recorded it (so posts reach her).
  void AliceFollowsCamille() {
    HttpAnswer answer =
        peer_.Post("follow", R"({"target":)" + JsonString("acct:camille@" + parvis_.host()) + "}");
    ASSERT_EQ(answer.status, 200) << "Fedify could not follow camille: " << answer.body;
    ASSERT_TRUE(Eventually([&] {
      rapidjson::Document following = PeerGet("following");
      return StringMember(Member(following, camille_.c_str()), "state") == "accepted";
    })) << "camille never accepted alice: "
        << peer_.Get("following").body;
  }

  // The record Parvis keeps for `id` (GET /control/object on its control socket).
  HttpAnswer ObjectRecord(const std::string& id) {
    return parvis_.ControlGet("/control/object?id=" + PercentEncode(id));
  }

  // Waits until the record of `id` satisfies `done`; the last record seen.
  rapidjson::Document EventuallyRecord(const std::string& id,
                                       const std::function<bool(const rapidjson::Value&)>& done) {
    rapidjson::Document record;
    Eventually([&] {
      HttpAnswer answer = ObjectRecord(id);
      last_record_ = std::to_string(answer.status) + " " + answer.body;
      if (answer.status != 200) return false;
      record = ParseJson(answer.body);
      return done(record);
    });
    return record;
  }

  // Waits for an activity in the peer's inbox log for which `match` holds; a copy of it
  // (a null value if none came).
  rapidjson::Document EventuallyReceived(
      const std::function<bool(const rapidjson::Value&)>& match) {
    rapidjson::Document found;
    Eventually([&] {
      rapidjson::Document log = PeerGet("log");
      const rapidjson::Value* entry = Find(log, match);
      if (entry != nullptr) found.CopyFrom(*entry, found.GetAllocator());
      return entry != nullptr;
    });
    return found;
  }

  // Parvis's answers to the peer's POSTs of activity `id` (one per attempt).
  std::vector<int> PostStatuses(const std::string& id) {
    std::vector<int> statuses;
    rapidjson::Document sent = PeerGet("sent");
    if (!sent.IsArray()) return statuses;
    for (const rapidjson::Value& e : sent.GetArray()) {
      if (StringMember(e, "method") != "POST" || StringMember(e, "id") != id) continue;
      statuses.push_back(Member(e, "status").IsInt() ? Member(e, "status").GetInt() : 0);
    }
    return statuses;
  }

  // Parvis's answers to the peer's GETs of `url`, in order.
  std::vector<int> GetStatuses(const std::string& url) {
    std::vector<int> statuses;
    rapidjson::Document sent = PeerGet("sent");
    if (!sent.IsArray()) return statuses;
    for (const rapidjson::Value& e : sent.GetArray()) {
      if (StringMember(e, "method") != "GET" || StringMember(e, "url") != url) continue;
      statuses.push_back(Member(e, "status").IsInt() ? Member(e, "status").GetInt() : 0);
    }
    return statuses;
  }

  // The peer (alice) sends camille a Create of a Note; returns the Note's id.
  std::string AliceCreates(const std::string& content, const std::string& attributed_to = "") {
    std::string body =
        attributed_to.empty()
            ? JsonObject({{"to", camille_}, {"content", content}})
            : JsonObject({{"to", camille_}, {"content", content}, {"attributedTo", attributed_to}});
    rapidjson::Document sent = PeerPost("create", body);
    std::string create_id = StringMember(sent, "createId");
    EXPECT_THAT(PostStatuses(create_id), ElementsAre(202)) << "Parvis's answers to " << create_id;
    return StringMember(sent, "noteId");
  }

  // The Note delivered in an activity the peer received, as it arrived (raw JSON).
  static const rapidjson::Value& EmbeddedObject(const rapidjson::Value& received) {
    return Member(Member(received, "body"), "object");
  }

  static void Report(const std::string& what) {
    std::cout << "[report] " << what << "\n";
    ::testing::Test::RecordProperty("report", what);
  }

  ParvisProcess parvis_;
  FedifyPeer peer_;
  std::string camille_, followers_, alice_, peer_base_;
  std::string last_record_;  // the last /control/object answer EventuallyRecord saw
  std::vector<std::string> expected_fedify_log_;
};

// Camille posts publicly, then to followers only, then deletes the first note: the Fedify
// follower gets a Create (Note embedded, Mastodon addressing), another Create, then a Delete
// with a Tombstone, each verified by Fedify (its listener runs only after that).
TEST_F(FedifyPostsTest, AFedifyFollowerGetsCreatesAndADelete) {
  AliceFollowsCamille();

  const std::string public_id = Post(kPostText, "public");
  ASSERT_FALSE(public_id.empty());
  EXPECT_EQ(public_id.rfind(camille_ + "/statuses/", 0), 0u) << public_id;
  rapidjson::Document create = EventuallyReceived([&](const rapidjson::Value& e) {
    return StringMember(e, "type") == "Create" && StringMember(e, "object") == public_id;
  });
  ASSERT_TRUE(create.IsObject()) << "Fedify never got the Create of " << public_id
                                 << "; its log: " << peer_.Get("log").body;
  EXPECT_EQ(StringMember(create, "actor"), camille_);
  EXPECT_TRUE(Member(create, "recipient").IsNull()) << "not delivered to alice's shared inbox";
  // Fedify signs RFC 9421, so Parvis answers in kind: ed25519 by #ed25519-key.
  EXPECT_EQ(StringMember(Member(create, "signature"), "spec"), "rfc9421");
  EXPECT_EQ(StringMember(Member(create, "signature"), "keyId"), camille_ + "#ed25519-key");
  // As it arrived.
  const rapidjson::Value& note = EmbeddedObject(create);
  ASSERT_TRUE(note.IsObject()) << "the Create does not embed the Note: " << ToJson(create);
  EXPECT_EQ(StringMember(note, "type"), "Note");
  EXPECT_EQ(StringMember(note, "id"), public_id);
  EXPECT_EQ(StringMember(note, "attributedTo"), camille_);
  EXPECT_EQ(StringMember(note, "content"), kPostHtml);
  EXPECT_THAT(Strings(Member(note, "to")), ElementsAre(kPublic));
  EXPECT_THAT(Strings(Member(note, "cc")), ElementsAre(followers_));
  EXPECT_THAT(Strings(Member(Member(create, "body"), "to")), ElementsAre(kPublic));
  EXPECT_THAT(Strings(Member(Member(create, "body"), "cc")), ElementsAre(followers_));
  // As Fedify parsed it.
  const rapidjson::Value& parsed = Member(create, "parsed");
  EXPECT_EQ(StringMember(create, "content"), kPostHtml);
  EXPECT_EQ(StringMember(parsed, "type"), "Note");
  EXPECT_THAT(Strings(Member(parsed, "attributedTo")), ElementsAre(camille_));
  EXPECT_THAT(Strings(Member(parsed, "to")), ElementsAre(kPublic));
  EXPECT_THAT(Strings(Member(parsed, "cc")), ElementsAre(followers_));
  Report("public Create as Fedify parsed its Note: " + ToJson(parsed));

  const std::string followers_only_id = Post("only for my followers", "followers");
  ASSERT_FALSE(followers_only_id.empty());
  rapidjson::Document private_create = EventuallyReceived([&](const rapidjson::Value& e) {
    return StringMember(e, "type") == "Create" && StringMember(e, "object") == followers_only_id;
  });
  ASSERT_TRUE(private_create.IsObject()) << "Fedify never got the Create of " << followers_only_id
                                         << "; its log: " << peer_.Get("log").body;
  const rapidjson::Value& private_note = EmbeddedObject(private_create);
  EXPECT_EQ(StringMember(private_note, "content"), "<p>only for my followers</p>");
  EXPECT_THAT(Strings(Member(private_note, "to")), ElementsAre(followers_));
  EXPECT_THAT(Strings(Member(private_note, "cc")), IsEmpty());
  EXPECT_THAT(Strings(Member(Member(private_create, "parsed"), "to")), ElementsAre(followers_));
  Report("followers-only Create as Fedify parsed its Note: " +
         ToJson(Member(private_create, "parsed")));

  DeleteNote(public_id);
  rapidjson::Document del = EventuallyReceived([&](const rapidjson::Value& e) {
    return StringMember(e, "type") == "Delete" && StringMember(e, "object") == public_id;
  });
  ASSERT_TRUE(del.IsObject()) << "Fedify never got the Delete of " << public_id
                              << "; its log: " << peer_.Get("log").body;
  EXPECT_EQ(StringMember(del, "actor"), camille_);
  EXPECT_EQ(StringMember(Member(del, "signature"), "keyId"), camille_ + "#ed25519-key");
  const rapidjson::Value& tombstone = EmbeddedObject(del);
  EXPECT_EQ(StringMember(tombstone, "type"), "Tombstone") << ToJson(Member(del, "body"));
  EXPECT_EQ(StringMember(tombstone, "id"), public_id);
  EXPECT_EQ(StringMember(Member(del, "parsed"), "type"), "Tombstone");
  EXPECT_THAT(Strings(Member(Member(del, "body"), "to")), ElementsAre(kPublic));
  EXPECT_THAT(Strings(Member(Member(del, "body"), "cc")), ElementsAre(followers_));
  Report("Delete as it arrived: " + ToJson(Member(del, "body")));
}

// Alice (Fedify) creates, updates and deletes a Note addressed to camille: Parvis stores it
// as a remote object by alice, follows the Update, and keeps only a Tombstone after the Delete.
TEST_F(FedifyPostsTest, ParvisStoresUpdatesAndDeletesAFedifyNote) {
  const std::string content = "<p>Hello from <em>Fedify</em> &amp; caf\u00e9</p>";
  const std::string note_id = AliceCreates(content);
  ASSERT_FALSE(note_id.empty());

  rapidjson::Document record = EventuallyRecord(note_id, [](const rapidjson::Value& r) {
    return StringMember(Member(r, "object"), "content").size() > 0;
  });
  ASSERT_TRUE(record.IsObject()) << "Parvis never stored " << note_id << ": " << last_record_;
  EXPECT_TRUE(Member(record, "local").IsFalse()) << last_record_;
  EXPECT_EQ(StringMember(record, "author"), alice_);
  EXPECT_EQ(Member(record, "deleted").IsInt64() ? Member(record, "deleted").GetInt64() : -1, 0);
  EXPECT_EQ(StringMember(Member(record, "object"), "type"), "Note");
  EXPECT_EQ(StringMember(Member(record, "object"), "id"), note_id);
  EXPECT_EQ(StringMember(Member(record, "object"), "content"), content);
  EXPECT_EQ(StringMember(Member(record, "object"), "attributedTo"), alice_);
  Report("Parvis's record of alice's Create: " + last_record_);

  const std::string edited = "<p>Edited: <strong>new</strong> content</p>";
  rapidjson::Document updated =
      PeerPost("update", JsonObject({{"to", camille_}, {"noteId", note_id}, {"content", edited}}));
  EXPECT_THAT(PostStatuses(StringMember(updated, "updateId")), ElementsAre(202));
  record = EventuallyRecord(note_id, [&](const rapidjson::Value& r) {
    return StringMember(Member(r, "object"), "content") == edited;
  });
  EXPECT_EQ(StringMember(Member(record, "object"), "content"), edited)
      << "the Update never changed the record: " << last_record_;
  EXPECT_EQ(StringMember(record, "author"), alice_);

  rapidjson::Document deleted =
      PeerPost("delete", JsonObject({{"to", camille_}, {"noteId", note_id}}));
  EXPECT_THAT(PostStatuses(StringMember(deleted, "deleteId")), ElementsAre(202));
  record = EventuallyRecord(note_id, [](const rapidjson::Value& r) {
    return StringMember(Member(r, "object"), "type") == "Tombstone";
  });
  EXPECT_EQ(StringMember(Member(record, "object"), "type"), "Tombstone")
      << "the Delete never made a Tombstone: " << last_record_;
  EXPECT_FALSE(Member(record, "object").HasMember("content")) << last_record_;
  EXPECT_GT(Member(record, "deleted").IsInt64() ? Member(record, "deleted").GetInt64() : 0, 0)
      << last_record_;
  EXPECT_EQ(StringMember(record, "author"), alice_);
  Report("Parvis's record after alice's Delete: " + last_record_);
}

// Alice deletes her account: Parvis forgets her notes, her place on profile pages and her
// keys (issue: a Delete from another server is honoured).
TEST_F(FedifyPostsTest, ParvisForgetsAnActorThatDeletesItself) {
  const std::string first = AliceCreates("<p>FORGET-ME-one</p>");
  const std::string second = AliceCreates("<p>FORGET-ME-two</p>");
  for (const std::string& id : {first, second}) {
    ASSERT_TRUE(EventuallyRecord(id, [](const rapidjson::Value& r) { return r.IsObject(); }).IsObject())
        << last_record_;
  }
  rapidjson::Document deleted = PeerPost("delete-actor", JsonObject({{"to", camille_}}));
  EXPECT_THAT(PostStatuses(StringMember(deleted, "deleteId")), ElementsAre(202));
  for (const std::string& id : {first, second}) {
    EXPECT_TRUE(Eventually([&] { return ObjectRecord(id).status == 404; }))
        << id << " is still stored: " << ObjectRecord(id).body;
  }
  Report("after alice's Delete of herself: " + ObjectRecord(first).body);
}

// A Create from alice whose Note claims another author is taken (202: the request is signed
// by alice) but not stored, whether the claimed author is on alice's server or on Parvis's.
TEST_F(FedifyPostsTest, ParvisDoesNotStoreANoteAttributedToSomeoneElse) {
  const std::string claims_bob = AliceCreates("<p>I am bob</p>", peer_base_ + "/users/bob");
  const std::string claims_camille = AliceCreates("<p>I am camille</p>", camille_);
  // The inbox is processed in order: once a later, honest Note is stored, the two before it
  // have been processed.
  const std::string honest = AliceCreates("<p>honest</p>");
  ASSERT_FALSE(claims_bob.empty());
  ASSERT_FALSE(claims_camille.empty());
  rapidjson::Document record = EventuallyRecord(
      honest, [](const rapidjson::Value& r) { return Member(r, "object").IsObject(); });
  ASSERT_TRUE(record.IsObject()) << "Parvis never stored the honest note: " << last_record_;

  HttpAnswer bob = ObjectRecord(claims_bob);
  EXPECT_EQ(bob.status, 404) << "a Note by alice claiming to be bob's was stored: " << bob.body;
  HttpAnswer camille = ObjectRecord(claims_camille);
  EXPECT_EQ(camille.status, 404) << "a Note by alice claiming to be camille's was stored: "
                                 << camille.body;
}

// Fedify dereferences a Parvis note (lookupObject) and gets the Note; a followers-only note
// is not served; after deletion the note URL answers 410 with a Tombstone.
TEST_F(FedifyPostsTest, FedifyLooksUpANoteBeforeAndAfterDeletion) {
  const std::string public_id = Post(kPostText, "public");
  ASSERT_FALSE(public_id.empty());
  rapidjson::Document note = PeerPost("object", JsonObject({{"target", public_id}}));
  EXPECT_TRUE(Member(note, "found").IsTrue()) << ToJson(note);
  EXPECT_EQ(StringMember(note, "type"), "Note");
  EXPECT_EQ(StringMember(note, "id"), public_id);
  EXPECT_EQ(StringMember(note, "content"), kPostHtml);
  EXPECT_THAT(Strings(Member(note, "attributedTo")), ElementsAre(camille_));
  EXPECT_THAT(Strings(Member(note, "to")), ElementsAre(kPublic));
  EXPECT_THAT(Strings(Member(note, "cc")), ElementsAre(followers_));
  EXPECT_EQ(StringMember(note, "url"), public_id);
  EXPECT_FALSE(StringMember(note, "published").empty());
  Report("Fedify's lookupObject of a public note: " + ToJson(note));

  // Fedify's document loader logs every non-2xx answer as an error.
  const std::string private_id = Post("followers only", "followers");
  ASSERT_FALSE(private_id.empty());
  ExpectFedifyLog("Failed to fetch document: 404 " + private_id + " ");
  rapidjson::Document hidden = PeerPost("object", JsonObject({{"target", private_id}}));
  EXPECT_TRUE(Member(hidden, "found").IsFalse())
      << "a followers-only note was served to an anonymous fetch: " << ToJson(hidden);
  EXPECT_THAT(GetStatuses(private_id), ElementsAre(404));

  DeleteNote(public_id);
  // The federation's loader caches documents for 5 minutes: Fedify asks Parvis nothing and
  // still returns the Note.
  rapidjson::Document cached = PeerPost("object", JsonObject({{"target", public_id}}));
  EXPECT_THAT(GetStatuses(public_id), ElementsAre(200));
  Report("after deletion, Fedify's (cached) lookupObject returned a " +
         StringMember(cached, "type") + " without asking Parvis");

  // An uncached loader asks again; Parvis answers 410 (with a Tombstone in the body), which
  // Fedify's loader refuses like any non-2xx answer, so lookupObject finds nothing.
  ExpectFedifyLog("Failed to fetch document: 410 " + public_id + " ");
  rapidjson::Document gone =
      PeerPost("object", R"({"target":)" + JsonString(public_id) + R"(,"fresh":true})");
  ASSERT_TRUE(gone.IsObject());
  EXPECT_THAT(GetStatuses(public_id), ElementsAre(200, 410));
  if (Member(gone, "found").IsTrue()) {
    EXPECT_EQ(StringMember(gone, "type"), "Tombstone") << ToJson(gone);
    Report("after deletion, Fedify's uncached lookupObject returned: " + ToJson(gone));
  } else {
    Report("after deletion (410), Fedify's uncached lookupObject returned null (not found)");
  }
  EXPECT_TRUE(Member(gone, "found").IsFalse()) << ToJson(gone);
  // What Parvis serves there.
  HttpAnswer tombstone = Ask(parvis_.port(), "GET", public_id.substr(parvis_.base_url().size()));
  EXPECT_EQ(tombstone.status, 410);
  EXPECT_EQ(StringMember(ParseJson(tombstone.body), "type"), "Tombstone") << tombstone.body;
  Report("Parvis's answer for the deleted note: " + std::to_string(tombstone.status) + " " +
         tombstone.body);
}

// A note with a content warning (`--summary`): Fedify sees the warning as the Note's summary
// and the Note as sensitive. (This found that `sensitive` needs Mastodon's
// {"sensitive": "as:sensitive"} in the @context, or JSON-LD readers drop it.)
TEST_F(FedifyPostsTest, FedifySeesAContentWarningAsSensitive) {
  ProcessResult posted =
      parvis_.Admin({"post", "camille", "--summary", "Spoiler: caf\u00e9"}, "the butler did it");
  ASSERT_EQ(posted.exit_code, 0) << posted.out << posted.err;
  const std::string id = StringMember(ParseJson(posted.out), "id");
  HttpAnswer served = Ask(parvis_.port(), "GET", id.substr(parvis_.base_url().size()));
  Report("Parvis serves the note with a content warning as: " + served.body);
  EXPECT_TRUE(Member(ParseJson(served.body), "sensitive").IsTrue()) << served.body;

  rapidjson::Document note = PeerPost("object", JsonObject({{"target", id}}));
  Report("Fedify's lookupObject of it: " + ToJson(note));
  EXPECT_EQ(StringMember(note, "summary"), "Spoiler: caf\u00e9");
  EXPECT_EQ(StringMember(note, "content"), "<p>the butler did it</p>");
  EXPECT_TRUE(Member(note, "sensitive").IsTrue())
      << "Fedify does not see the note as sensitive: Parvis's @context does not define "
         "`sensitive` (as:sensitive), so JSON-LD processing drops it. Served: "
      << served.body;
}

// Fedify reads camille's outbox (two pages: 21 public notes and an unlisted one; the
// followers-only and the deleted notes are left out), followers and following collections.
TEST_F(FedifyPostsTest, FedifyTraversesTheOutboxAndFollowCollections) {
  AliceFollowsCamille();
  ProcessResult followed = parvis_.Admin({"follow", "camille", alice_});
  ASSERT_EQ(followed.exit_code, 0) << followed.out << followed.err;
  ASSERT_TRUE(Eventually([&] {
    rapidjson::Document follows = ParseJson(parvis_.Admin({"follows", "camille"}).out);
    const rapidjson::Value* entry = Find(Member(follows, "following"), [&](const rapidjson::Value& e) {
      return StringMember(e, "actor") == alice_ && StringMember(e, "state") == "accepted";
    });
    return entry != nullptr;
  })) << "alice never accepted camille's follow";

  std::vector<std::string> ids;  // in posting order
  for (int i = 1; i <= 21; ++i) ids.push_back(Post("public note " + std::to_string(i), "public"));
  ids.push_back(Post("unlisted note", "unlisted"));
  Post("followers-only note", "followers");
  DeleteNote(Post("deleted note", "public"));

  rapidjson::Document outbox = PeerPost("collection", JsonObject({{"target", camille_ + "/outbox"}}));
  Report("Fedify's traversal of the outbox: type " + StringMember(outbox, "type") +
         ", totalItems " +
         (Member(outbox, "totalItems").IsInt() ? std::to_string(Member(outbox, "totalItems").GetInt())
                                               : "none") +
         ", first " + StringMember(outbox, "first") + ", " +
         std::to_string(Member(outbox, "items").IsArray() ? Member(outbox, "items").Size() : 0) +
         " items; first item " +
         (Member(outbox, "items").IsArray() && !Member(outbox, "items").Empty()
              ? ToJson(Member(outbox, "items")[0])
              : "none"));
  EXPECT_EQ(StringMember(outbox, "type"), "OrderedCollection");
  EXPECT_EQ(StringMember(outbox, "id"), camille_ + "/outbox");
  ASSERT_TRUE(Member(outbox, "totalItems").IsInt()) << ToJson(outbox);
  EXPECT_EQ(Member(outbox, "totalItems").GetInt(), 22);
  const rapidjson::Value& items = Member(outbox, "items");
  ASSERT_TRUE(items.IsArray()) << ToJson(outbox);
  ASSERT_EQ(items.Size(), 22u);
  // Newest first: the unlisted note, then public note 21 down to 1.
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    const rapidjson::Value& item = items[i];
    const std::string& expected_id = ids[ids.size() - 1 - i];
    SCOPED_TRACE("outbox item " + std::to_string(i) + ": " + ToJson(item));
    EXPECT_EQ(StringMember(item, "type"), "Create");
    EXPECT_THAT(Strings(Member(item, "actor")), ElementsAre(camille_));
    EXPECT_EQ(StringMember(item, "objectId"), expected_id);
    EXPECT_EQ(StringMember(Member(item, "object"), "type"), "Note");
    EXPECT_THAT(Strings(Member(Member(item, "object"), "attributedTo")), ElementsAre(camille_));
    EXPECT_EQ(StringMember(Member(item, "object"), "content"),
              i == 0 ? "<p>unlisted note</p>" : "<p>public note " + std::to_string(22 - i) + "</p>");
  }
  EXPECT_THAT(Strings(Member(Member(items[0], "object"), "to")), ElementsAre(followers_));
  EXPECT_THAT(Strings(Member(Member(items[0], "object"), "cc")), ElementsAre(kPublic));
  // Fedify walked both pages.
  EXPECT_THAT(GetStatuses(camille_ + "/outbox?page=1"), ElementsAre(200));
  EXPECT_THAT(GetStatuses(camille_ + "/outbox?page=2"), ElementsAre(200));

  for (const char* which : {"followers", "following"}) {
    rapidjson::Document collection =
        PeerPost("collection", JsonObject({{"target", camille_ + "/" + which}}));
    Report(std::string("Fedify's traversal of ") + which + ": " + ToJson(collection));
    SCOPED_TRACE(which);
    EXPECT_EQ(StringMember(collection, "type"), "OrderedCollection");
    EXPECT_EQ(StringMember(collection, "id"), camille_ + "/" + which);
    EXPECT_EQ(Member(collection, "totalItems").IsInt() ? Member(collection, "totalItems").GetInt() : -1,
              1);
    const rapidjson::Value& actors = Member(collection, "items");
    ASSERT_TRUE(actors.IsArray() && actors.Size() == 1) << ToJson(collection);
    EXPECT_EQ(StringMember(actors[0], "id"), alice_);
    EXPECT_EQ(StringMember(actors[0], "type"), "Person");
  }
}

}  // namespace
}  // namespace parvis::testing
