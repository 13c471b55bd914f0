#include "parvis/protocol/petition.h"

#include <functional>

#include <gtest/gtest.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"

namespace parvis::protocol {
namespace {

constexpr std::string_view kPetition = "https://a.example/petitions/1";

std::string Signer(std::string_view who) { return EncodeHex(Sha256(who)); }

// A log: sign by a (named), b (anonymous), c (named); b withdraws.
std::vector<SignatureEntry> SampleLog() {
  std::vector<SignatureEntry> log;
  std::string prev = PetitionLogGenesis(kPetition);
  auto add = [&](SignatureEntry entry) {
    entry.index = log.size();
    entry.prev = prev;
    entry.time = 1'800'000'000 + static_cast<int64_t>(log.size());
    SealSignatureEntry(entry);
    prev = entry.hash;
    log.push_back(entry);
  };
  add({.signer = Signer("a"), .actor = "https://b.example/users/a"});
  add({.signer = Signer("b")});
  add({.signer = Signer("c"), .actor = "https://c.example/users/c"});
  add({.withdrawal = true, .signer = Signer("b"), .withdraws = 1});
  return log;
}

// Re-seals from `from` on, as a forger who rewrites the rest of the log would.
void Reseal(std::vector<SignatureEntry>& log, size_t from) {
  for (size_t i = from; i < log.size(); ++i) {
    log[i].prev = i == 0 ? PetitionLogGenesis(kPetition) : log[i - 1].hash;
    SealSignatureEntry(log[i]);
  }
}

TEST(SignatureLogTest, ReplayGivesCountAndHead) {
  std::vector<SignatureEntry> log = SampleLog();
  Result<TallyCheck> check = VerifySignatureLog(kPetition, log);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_EQ(check->count, 2u);
  EXPECT_EQ(check->entries, 4u);
  EXPECT_EQ(check->head, log.back().hash);
  Result<TallyCheck> empty = VerifySignatureLog(kPetition, {});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->count, 0u);
  EXPECT_EQ(empty->head, PetitionLogGenesis(kPetition));
}

TEST(SignatureLogTest, EntriesRoundTripThroughJson) {
  for (const SignatureEntry& entry : SampleLog()) {
    Result<rapidjson::Document> doc = ParseJson(SignatureEntryJson(entry), {});
    ASSERT_TRUE(doc.has_value());
    Result<SignatureEntry> read = ReadSignatureEntry(*doc);
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(read->hash, entry.hash);
    EXPECT_EQ(read->actor, entry.actor);
    EXPECT_EQ(read->withdrawal, entry.withdrawal);
    EXPECT_EQ(read->withdraws, entry.withdraws);
    EXPECT_EQ(read->time, entry.time);
  }
  // An anonymous entry has no actor member at all.
  EXPECT_EQ(SignatureEntryJson(SampleLog()[1]).find("actor"), std::string::npos);
}

TEST(SignatureLogTest, TamperedLogsFailWithTheEntryNamed) {
  struct Case {
    const char* name;
    std::function<void(std::vector<SignatureEntry>&)> tamper;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"an entry's actor changed", [](auto& log) { log[0].actor = "https://evil.example/u"; },
       "entry 0: hash does not match"},
      {"an entry dropped", [](auto& log) { log.erase(log.begin() + 1); }, "entry 1: index 2 out of order"},
      {"an entry dropped and the rest renumbered",
       [](auto& log) {
         log.erase(log.begin() + 1);
         for (size_t i = 0; i < log.size(); ++i) log[i].index = i;
         SealSignatureEntry(log[1]);
       },
       "entry 1: prev is not the hash"},
      {"a duplicate signature appended and sealed",
       [](auto& log) {
         SignatureEntry copy = log[0];
         copy.index = log.size();
         log.push_back(copy);
         Reseal(log, log.size() - 1);
       },
       "entry 4: second live signature"},
      {"a withdrawal by someone else",
       [](auto& log) {
         log[3].signer = Signer("a");
         Reseal(log, 3);
       },
       "entry 3: withdraws a signature that is not"},
      {"a log from another petition",
       [](auto& log) {
         log[0].prev = PetitionLogGenesis("https://a.example/petitions/2");
         Reseal(log, 1);
         SealSignatureEntry(log[0]);
       },
       "entry 0: prev is not the hash"},
      {"entries swapped", [](auto& log) { std::swap(log[1], log[2]); }, "entry 1: index 2 out of order"},
  };
  for (Case& c : cases) {
    std::vector<SignatureEntry> log = SampleLog();
    c.tamper(log);
    Result<TallyCheck> check = VerifySignatureLog(kPetition, log);
    ASSERT_FALSE(check.has_value()) << c.name;
    EXPECT_NE(check.error().message.find(c.expected), std::string::npos)
        << c.name << ": " << check.error().message;
  }
}

TEST(SignatureLogTest, MalformedEntriesAreRefusedByName) {
  std::string hash(64, 'a');
  std::string base = R"({"index":0,"type":"sign","signer":")" + hash + R"(","prev":")" + hash +
                     R"(","hash":")" + hash + R"(","time":"2027-01-01T00:00:00Z")";
  struct Case {
    std::string json;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"[]", "not an object"},
      {base + "}", ""},
      {R"({"index":-1,"type":"sign"})", "index"},
      {R"({"index":9007199254740992,"type":"sign"})", "index"},
      {R"({"index":"0","type":"sign"})", "index"},
      {R"({"index":0,"type":"vote"})", "type"},
      {R"({"index":0,"type":"sign","signer":"XYZ"})", "signer"},
      {base + R"(,"time":"yesterday"})", "member time repeated"},
      {R"({"index":0,"type":"sign","signer":")" + hash + R"(","prev":")" + hash + R"(","hash":")" + hash +
           R"(","time":"yesterday"})",
       "time is not"},
      {base + R"(,"actor":42})", "actor"},
      {base + R"(,"actor":""})", "actor"},
      {base + R"(,"extra":1})", "unknown member extra"},
      {R"({"index":0,"type":"withdraw","signer":")" + hash + R"(","prev":")" + hash + R"(","hash":")" +
           hash + R"(","time":"2027-01-01T00:00:00Z"})",
       "withdraws"},
  };
  for (const Case& c : cases) {
    Result<rapidjson::Document> doc = ParseJson(c.json, {});
    ASSERT_TRUE(doc.has_value()) << c.json;
    Result<SignatureEntry> entry = ReadSignatureEntry(*doc);
    if (std::string_view(c.expected).empty()) {
      EXPECT_TRUE(entry.has_value()) << c.json;
      continue;
    }
    ASSERT_FALSE(entry.has_value()) << c.json;
    EXPECT_NE(entry.error().message.find(c.expected), std::string::npos) << entry.error().message;
  }
}

// SampleLog, then: a's account moves to d (named), e signs, c's account
// moves to e, who had signed too (a merge), and d withdraws a's signature.
std::vector<SignatureEntry> MoveLog() {
  std::vector<SignatureEntry> log = SampleLog();
  auto add = [&](SignatureEntry entry) {
    entry.index = log.size();
    entry.prev = log.back().hash;
    entry.time = 1'800'000'000 + static_cast<int64_t>(log.size());
    SealSignatureEntry(entry);
    log.push_back(entry);
  };
  add({.move = true, .signer = Signer("a"), .actor = "https://d.example/users/d", .moves = 0, .to = Signer("d")});
  add({.signer = Signer("e")});
  add({.move = true, .signer = Signer("c"), .moves = 2, .to = Signer("e"), .into = 5});
  add({.withdrawal = true, .signer = Signer("d"), .withdraws = 0});
  return log;
}

TEST(SignatureLogTest, MovesHandSignaturesOnAndMergesCountOnce) {
  std::vector<SignatureEntry> log = MoveLog();
  for (size_t entries : {5u, 7u, 8u}) {
    std::vector<SignatureEntry> prefix(log.begin(), log.begin() + static_cast<long>(entries));
    Result<TallyCheck> check = VerifySignatureLog(kPetition, prefix);
    ASSERT_TRUE(check.has_value()) << entries << ": " << check.error().message;
    // A move keeps the count (c, d); e's signature and the merge of c's into
    // it leave two; d's withdrawal one.
    EXPECT_EQ(check->count, entries == 8 ? 1u : 2u) << entries;
    EXPECT_EQ(check->head, prefix.back().hash);
  }
  for (const SignatureEntry& entry : log) {
    Result<rapidjson::Document> doc = ParseJson(SignatureEntryJson(entry), {});
    ASSERT_TRUE(doc.has_value());
    Result<SignatureEntry> read = ReadSignatureEntry(*doc);
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(SignatureEntryJson(*read), SignatureEntryJson(entry));
  }
  EXPECT_EQ(SignatureEntryJson(log[4]).find("into"), std::string::npos);
  EXPECT_NE(SignatureEntryJson(log[6]).find(R"("into":5,"moves":2)"), std::string::npos) << SignatureEntryJson(log[6]);

  struct Case {
    const char* name;
    std::function<void(std::vector<SignatureEntry>&)> tamper;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"the old signer withdraws after its move", [](auto& log) { log[7].signer = Signer("a"); Reseal(log, 7); },
       "entry 7: withdraws a signature that is not"},
      {"a move of a withdrawn signature",
       [](auto& log) { log[4].signer = Signer("b"); log[4].moves = 1; Reseal(log, 4); },
       "entry 4: moves a signature that is not"},
      {"a move of another signer's signature", [](auto& log) { log[4].moves = 2; Reseal(log, 4); },
       "entry 4: moves a signature that is not"},
      {"a move to its own signer", [](auto& log) { log[4].to = Signer("a"); Reseal(log, 4); },
       "entry 4: moves a signature to its own signer"},
      {"a second live signature by a move",
       [](auto& log) { log[6].into.reset(); Reseal(log, 6); },
       "entry 6: moves a signature to a signer with a live one"},
      {"a merge into the wrong signature", [](auto& log) { log[6].into = 0; Reseal(log, 6); },
       "entry 6: merges into a signature"},
      {"a merge into nobody", [](auto& log) { log[6].to = Signer("z"); Reseal(log, 6); },
       "entry 6: merges into a signature"},
      {"a merge that names an actor", [](auto& log) { log[6].actor = "https://e.example/u"; Reseal(log, 6); },
       "entry 6: a merge names no actor"},
      {"a move's target changed", [](auto& log) { log[4].to = Signer("x"); }, "entry 4: hash does not match"},
  };
  for (Case& c : cases) {
    std::vector<SignatureEntry> tampered = MoveLog();
    c.tamper(tampered);
    Result<TallyCheck> check = VerifySignatureLog(kPetition, tampered);
    ASSERT_FALSE(check.has_value()) << c.name;
    EXPECT_NE(check.error().message.find(c.expected), std::string::npos) << c.name << ": " << check.error().message;
  }
}

TEST(SignatureLogTest, MalformedMovesAreRefusedByName) {
  std::string hash(64, 'a');
  std::string common = R"("index":1,"signer":")" + hash + R"(","prev":")" + hash + R"(","hash":")" + hash +
                       R"(","time":"2027-01-01T00:00:00Z")";
  std::string move = "{" + common + R"(,"type":"move","moves":0,"to":")" + std::string(64, 'b') + R"(")";
  struct Case {
    std::string json;
    const char* expected;
  };
  std::vector<Case> cases = {
      {move + "}", ""},
      {move + R"(,"into":3})", ""},
      {"{" + common + R"(,"type":"move","to":")" + hash + R"("})", "moves is not"},
      {"{" + common + R"(,"type":"move","moves":-1,"to":")" + hash + R"("})", "moves is not"},
      {"{" + common + R"(,"type":"move","moves":0})", "to is not"},
      {"{" + common + R"(,"type":"move","moves":0,"to":"ABC"})", "to is not"},
      {move + R"(,"into":"3"})", "into is not"},
      {move + R"(,"into":9007199254740992})", "into is not"},
      {move + R"(,"withdraws":0})", "unknown member withdraws"},
      {move + R"(,"to":"x"})", "member to repeated"},
      {"{" + common + R"(,"type":"sign","to":")" + hash + R"("})", "unknown member to"},
      {"{" + common + R"(,"type":"withdraw","withdraws":0,"moves":0})", "unknown member moves"},
  };
  for (const Case& c : cases) {
    Result<rapidjson::Document> doc = ParseJson(c.json, {});
    ASSERT_TRUE(doc.has_value()) << c.json;
    Result<SignatureEntry> entry = ReadSignatureEntry(*doc);
    if (std::string_view(c.expected).empty()) {
      EXPECT_TRUE(entry.has_value()) << c.json << ": " << entry.error().message;
      continue;
    }
    ASSERT_FALSE(entry.has_value()) << c.json;
    EXPECT_NE(entry.error().message.find(c.expected), std::string::npos) << entry.error().message;
  }
}

PetitionDocument SamplePetition() {
  return {.id = std::string(kPetition),
          .organiser = "https://a.example/users/assoc",
          .followers = "https://a.example/users/assoc/followers",
          .title = "Open the library on Sundays",
          .content = "<p>We ask…</p>",
          .addressee = "Mairie <de> Lyon",
          .threshold = 100,
          .deadline = 1'900'000'000,
          .published = 1'800'000'000,
          .state = PetitionState::kOpen,
          .shows_names = false,
          .count = 7,
          .entries = 8,
          .head = std::string(64, 'b')};
}

TEST(PetitionDocumentTest, ArticleCarriesThePetitionAndAReadableLine) {
  std::string json = PetitionArticleJson(SamplePetition());
  Result<rapidjson::Document> doc = ParseJson(json, {});
  ASSERT_TRUE(doc.has_value()) << json;
  EXPECT_EQ(StringMember(*doc, "type"), "Article");
  std::string content = StringMember(*doc, "content").value_or("");
  // What Mastodon shows: the text, then the count, the state and a link.
  EXPECT_NE(content.find("7 of 100 signatures · open"), std::string::npos) << content;
  EXPECT_NE(content.find("Mairie &lt;de&gt; Lyon"), std::string::npos) << content;
  EXPECT_NE(content.find("closes 2030-03-17"), std::string::npos) << content;
  Result<PetitionDocument> read = ReadPetitionArticle(*doc);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->count, 7u);
  EXPECT_EQ(read->threshold, 100u);
  EXPECT_EQ(read->entries, 8u);
  EXPECT_EQ(read->deadline, 1'900'000'000);
  EXPECT_FALSE(read->shows_names);
  EXPECT_EQ(read->state, PetitionState::kOpen);
  EXPECT_EQ(read->organiser, "https://a.example/users/assoc");
}

TEST(PetitionDocumentTest, HostileArticlesAreRefused) {
  std::vector<std::string> bad = {
      R"({"id":"https://x/p","type":"Article","attributedTo":"https://x/u"})",
      R"({"id":"https://x/p","attributedTo":"https://x/u","petition":"yes"})",
      R"({"id":"https://x/p","attributedTo":"https://x/u","petition":{"petitionState":"won"}})",
      R"({"id":"https://x/p","attributedTo":"https://x/u","petition":{"petitionState":"open","signatureCount":-3}})",
      R"({"id":"https://x/p","attributedTo":"https://x/u","petition":{"petitionState":"open","threshold":1.5}})",
      R"({"id":"https://x/p","attributedTo":"https://x/u","petition":{"petitionState":"open","endTime":"soon"}})",
      R"({"id":"https://x/p","attributedTo":"https://x/u","petition":{"petitionState":"open","showsNames":"no"}})",
      R"({"attributedTo":"https://x/u","petition":{"petitionState":"open"}})",
  };
  for (const std::string& json : bad) {
    Result<rapidjson::Document> doc = ParseJson(json, {});
    ASSERT_TRUE(doc.has_value());
    EXPECT_FALSE(ReadPetitionArticle(*doc).has_value()) << json;
  }
}

TEST(PetitionDocumentTest, AnswersEmbedTheSignAndCarryTheReceipt) {
  std::string sign = SignActivityJson("https://b.example/users/bob/signatures/1", "https://b.example/users/bob",
                                      kPetition, "https://a.example/users/assoc", true);
  Result<rapidjson::Document> sign_doc = ParseJson(sign, {});
  ASSERT_TRUE(sign_doc.has_value());
  EXPECT_EQ(StringMember(*sign_doc, "type"), "Sign");
  EXPECT_TRUE((*sign_doc)["anonymous"].GetBool());
  SignatureReceipt receipt{.petition = std::string(kPetition), .index = 3, .hash = std::string(64, 'c'), .count = 2};
  std::string accept = SignatureAnswerJson("https://a.example/users/assoc#accepts/x", "https://a.example/users/assoc",
                                           "https://b.example/users/bob", *sign_doc, &receipt, "");
  Result<rapidjson::Document> accept_doc = ParseJson(accept, {});
  ASSERT_TRUE(accept_doc.has_value());
  EXPECT_EQ(StringMember(*accept_doc, "type"), "Accept");
  EXPECT_EQ(StringMember((*accept_doc)["object"], "type"), "Sign");
  std::optional<SignatureReceipt> read = ReadSignatureReceipt(*accept_doc);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->index, 3u);
  EXPECT_EQ(read->count, 2u);
  std::string reject = SignatureAnswerJson("https://a.example/users/assoc#rejects/x", "https://a.example/users/assoc",
                                           "https://b.example/users/bob", *sign_doc, nullptr, "already signed");
  Result<rapidjson::Document> reject_doc = ParseJson(reject, {});
  ASSERT_TRUE(reject_doc.has_value());
  EXPECT_EQ(StringMember(*reject_doc, "type"), "Reject");
  EXPECT_EQ(StringMember(*reject_doc, "summary"), "already signed");
  EXPECT_FALSE(ReadSignatureReceipt(*reject_doc).has_value());
}

}  // namespace
}  // namespace parvis::protocol
