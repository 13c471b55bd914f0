// Amplification signals (docs/signals.md): the computation against values
// worked out by hand; the recorder on a real store with an injected clock
// (organic spread over days, a coordinated burst, undo, replay, texts,
// petition signatures); and a whole node taking signed Announces, Undos and
// Creates over real HTTP from peers on many loopback domains.
#include <atomic>
#include <ctime>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/config.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/petition_service.h"
#include "server/signals/amplification.h"
#include "server/signals/signal_recorder.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/remote_peer.h"
#include "support/run_sync.h"
#include "support/temp_dir.h"
#include "support/test_node.h"

namespace parvis::signals {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1'800'000'000;  // the injected clock starts here

// ---------------------------------------------------------------------------
// The pure computation.

TEST(AmplificationMath, PeakInWindow) {
  const struct {
    std::vector<int64_t> times;
    int64_t window;
    uint64_t peak;
  } cases[] = {
      {{}, 3600, 0},
      {{5}, 3600, 1},
      {{0, 10, 20}, 15, 2},          // [0,15) holds 0 and 10; [10,25) holds 10 and 20
      {{0, 3599, 3600}, 3600, 2},    // the window is half-open
      {{7, 7, 7, 7, 7}, 1, 5},
      {{100, 0, 50, 7000, 7001}, 3600, 3},  // unsorted input
  };
  for (const auto& c : cases) EXPECT_EQ(PeakInWindow(c.times, c.window), c.peak) << c.times.size();
}

TEST(AmplificationMath, MedianAndDomains) {
  EXPECT_EQ(Median({}), 0);
  EXPECT_EQ(Median({3}), 3);
  EXPECT_EQ(Median({9, 1, 5}), 5);
  EXPECT_EQ(Median({1, 2, 3, 10}), 2.5);
  EXPECT_EQ(HostOf("https://Example.ORG:8443/users/a"), "example.org");
  EXPECT_EQ(HostOf("http://127.0.0.7:41000/users/a"), "127.0.0.7");
  EXPECT_EQ(HostOf("http://[::1]:80/x"), "[::1]");
  EXPECT_EQ(HostOf("acct:bob@example.org"), "");
  EXPECT_EQ(HostOf(""), "");
}

// 12 amplifiers worked out by hand:
//   9 young (2 days), 2 old (2 years), 1 unknown      -> young 9/12 = 0.75
//   8 on a.example, 2 on b.example, 2 local           -> remote 10, top 0.8, HHI 0.64 + 0.04 = 0.68
//   10 within half an hour, 2 the day before          -> peak 10; author peaks {1,2,3} -> typical 2
Inputs HandWorked() {
  Inputs inputs;
  inputs.now = kT0;
  inputs.local_host = "parvis.example";
  for (int i = 0; i < 12; ++i) {
    std::string actor = i < 8    ? "https://a.example/users/u" + std::to_string(i)
                        : i < 10 ? "https://b.example/users/u" + std::to_string(i)
                                 : "https://parvis.example/users/u" + std::to_string(i);
    int64_t created = i < 9 ? kT0 - 2 * kDay : i < 11 ? kT0 - 730 * kDay : 0;
    int64_t at = i < 10 ? kT0 - 1800 + i * 60 : kT0 - kDay - i;
    inputs.amplifications.push_back({.actor = actor, .kind = i % 3 == 0 ? Kind::kLike : Kind::kBoost,
                                     .at = at, .created = created});
  }
  inputs.author_peaks = {1, 2, 3};
  return inputs;
}

TEST(AmplificationMath, HandWorkedAssessment) {
  Assessment a = Assess(HandWorked());
  const Evidence& e = a.evidence;
  EXPECT_EQ(e.amplifiers, 12u);
  EXPECT_EQ(e.likes, 4u);  // i = 0, 3, 6, 9
  EXPECT_EQ(e.boosts, 8u);
  EXPECT_EQ(e.peak, 10u);
  EXPECT_EQ(e.typical, 2.0);
  EXPECT_EQ(e.young, 9u);
  EXPECT_EQ(e.unknown_age, 1u);
  EXPECT_DOUBLE_EQ(e.young_share, 0.75);
  EXPECT_EQ(e.remote, 10u);
  EXPECT_EQ(e.top_domain, "a.example");
  EXPECT_DOUBLE_EQ(e.top_share, 0.8);
  EXPECT_DOUBLE_EQ(e.hhi, 0.68);
  EXPECT_EQ(e.co_amplifiers, 0u);
  // burst: 10 >= 10 and 10 >= 5 x 2; young: 0.75 >= 0.5; concentration: 0.68 >= 0.5.
  EXPECT_THAT(a.fired, ElementsAre(Signal::kBurst, Signal::kYoungAccounts, Signal::kDomainConcentration));
  EXPECT_TRUE(a.labelled);
}

TEST(AmplificationMath, ThresholdsDecide) {
  // An author whose posts usually peak at 4: 10 in an hour is not a burst for them.
  Inputs usual = HandWorked();
  usual.author_peaks = {4, 4, 6};
  Assessment a = Assess(usual);
  EXPECT_EQ(a.evidence.typical, 4.0);
  EXPECT_THAT(a.fired, ElementsAre(Signal::kYoungAccounts, Signal::kDomainConcentration));
  EXPECT_TRUE(a.labelled);
  // One amplification signal alone does not label.
  Assessment single = Assess(usual, {.young_share = 0.9});
  EXPECT_THAT(single.fired, ElementsAre(Signal::kDomainConcentration));
  EXPECT_FALSE(single.labelled);
  // Identical texts alone do.
  Inputs texts;
  texts.now = kT0;
  texts.identical_authors = 5;
  Assessment copied = Assess(texts);
  EXPECT_THAT(copied.fired, ElementsAre(Signal::kIdenticalText));
  EXPECT_TRUE(copied.labelled);
  texts.identical_authors = 4;
  EXPECT_FALSE(Assess(texts).labelled);
  // Too few amplifiers say nothing of their accounts or domains.
  Inputs few = HandWorked();
  few.amplifications.resize(9);
  Assessment small = Assess(few);
  EXPECT_EQ(small.evidence.young, 9u);
  EXPECT_THAT(small.fired, ElementsAre());
  // A creation date in the future is no age at all.
  Inputs future = HandWorked();
  for (Amplification& amplification : future.amplifications) amplification.created = kT0 + 10 * kDay;
  Assessment later = Assess(future);
  EXPECT_EQ(later.evidence.young, 0u);
  EXPECT_EQ(later.evidence.unknown_age, 12u);
}

TEST(AmplificationMath, CoAmplifiersCountedByHand) {
  // a, b, c amplified P1, P2, P3 within minutes of each other; d only P1;
  // a and b also P4, with no third account.
  std::vector<Amplification> amplifiers;
  for (std::string name : {"a", "b", "c", "d"}) amplifiers.push_back({.actor = name});
  auto histories = [](int64_t c_on_p3) {
    std::map<std::string, std::vector<OtherAmplification>> h;
    h["a"] = {{"P1", 100}, {"P2", 5000}, {"P3", 9000}, {"P4", 20000}};
    h["b"] = {{"P1", 160}, {"P2", 5100}, {"P3", 9100}, {"P4", 20050}};
    h["c"] = {{"P1", 400}, {"P2", 5500}, {"P3", c_on_p3}};
    h["d"] = {{"P1", 200}};
    return h;
  };
  Thresholds limits;  // 3 objects, 2 partners, one hour
  EXPECT_EQ(CountCoAmplifiers(amplifiers, histories(9300), limits), 3u);  // a, b, c
  // c two hours late on P3: P3 has only a and b together, so nobody reaches 3 objects.
  EXPECT_EQ(CountCoAmplifiers(amplifiers, histories(9000 + 7200), limits), 0u);
  // With two objects enough, a, b and c count again (P1, P2).
  EXPECT_EQ(CountCoAmplifiers(amplifiers, histories(9000 + 7200), {.co_objects = 2}), 3u);
  // Histories of accounts that did not amplify this object are ignored.
  auto strangers = histories(9300);
  strangers["x"] = {{"P1", 100}, {"P2", 5000}, {"P3", 9000}};
  EXPECT_EQ(CountCoAmplifiers({{.actor = "a"}, {.actor = "b"}}, strangers, limits), 0u);
}

TEST(AmplificationMath, TextFingerprintsIgnoreMarkupCaseMentionsAndLinks) {
  std::string plain = TextFingerprint("vote now for the new bridge it is urgent", 20);
  ASSERT_FALSE(plain.empty());
  for (std::string variant : {
           "<p>Vote NOW for the new bridge, it is URGENT!</p>",
           "<p><span class=\"h-card\"><a href=\"https://x.example/@bob\">@bob</a></span> Vote now for the new "
           "bridge <a href=\"https://spam.example/1\">https://spam.example/1</a> it is urgent</p>",
           "Vote   now\nfor the new bridge... it is urgent @carol@elsewhere.example",
       }) {
    EXPECT_EQ(TextFingerprint(variant, 20), plain) << variant << " -> " << NormaliseText(variant);
  }
  EXPECT_NE(TextFingerprint("vote later for the new bridge it is urgent", 20), plain);
  // Short texts ("Good morning!") are everyone's: not fingerprinted.
  EXPECT_EQ(TextFingerprint("<p>Good morning!</p>", 20), "");
  EXPECT_EQ(TextFingerprint("", 20), "");
}

// ---------------------------------------------------------------------------
// The recorder on a real store, with an injected clock.

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::Store>> opened = storage::Store::Open({.path = dir_.Sub("data")});
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    accounts_ = std::make_unique<accounts::AccountService>(*store_, [this] { return clock_.load(); });
    recorder_ = std::make_unique<SignalRecorder>(RecorderContext{.store = store_.get(),
                                                                 .accounts = accounts_.get(),
                                                                 .base_url = "https://parvis.example",
                                                                 .now = [this] { return clock_.load(); }});
  }

  // A remote actor as the directory stores it, created at `published` (0: unsaid).
  std::string Actor(const std::string& domain, const std::string& name, int64_t published) {
    protocol::RemoteActor actor;
    actor.id = "https://" + domain + "/users/" + name;
    actor.type = "Person";
    actor.inbox = actor.id + "/inbox";
    actor.published = published;
    storage::Batch batch;
    batch.Put(storage::Family::kRemoteActors, actor.id, protocol::EncodeRemoteActor(actor));
    EXPECT_TRUE(store_->Write(batch).has_value());
    return actor.id;
  }

  void Amplify(const std::string& object, const std::string& author, const std::string& actor,
               Kind kind = Kind::kBoost, bool added = true) {
    storage::Batch batch;
    ASSERT_TRUE(recorder_->Amplify(batch, object, author, actor, kind, added).has_value());
    ASSERT_TRUE(store_->Write(batch).has_value());
  }

  void Text(const std::string& object, const std::string& author, const std::string& html) {
    storage::Batch batch;
    ASSERT_TRUE(recorder_->NoteText(batch, object, author, html).has_value());
    ASSERT_TRUE(store_->Write(batch).has_value());
  }

  std::optional<Label> LabelOf(const std::string& object) {
    Result<std::optional<Label>> label = ReadLabel(*store_, object);
    EXPECT_TRUE(label.has_value());
    return label ? *label : std::nullopt;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::atomic<int64_t> clock_{kT0};
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<SignalRecorder> recorder_;
};

TEST_F(RecorderTest, OrganicSpreadOverDaysFromManyDomainsIsNotLabelled) {
  const std::string author = "https://far.example/users/writer";
  const std::string post = "https://far.example/notes/organic";
  // 30 accounts two years old on 15 domains, one boost every two hours.
  for (int i = 0; i < 30; ++i) {
    std::string actor = Actor("d" + std::to_string(i % 15) + ".example", "p" + std::to_string(i), kT0 - 730 * kDay);
    Amplify(post, author, actor, i % 2 ? Kind::kLike : Kind::kBoost);
    clock_ += 2 * 3600;
  }
  EXPECT_FALSE(LabelOf(post).has_value());
  Result<LabelCounts> counts = CountLabelsIssued(*store_, 0, kT0 + 365 * kDay);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->total, 0u);
}

TEST_F(RecorderTest, CoordinatedBurstOfNewAccountsOnOneDomainIsLabelledWithItsNumbers) {
  const std::string author = "https://far.example/users/writer";
  // The author's usual level: three earlier posts boosted 1, 2 and 3 times by old accounts.
  for (int n = 1; n <= 3; ++n) {
    for (int i = 0; i < n; ++i) {
      Amplify("https://far.example/notes/earlier" + std::to_string(n), author,
              Actor("friends.example", "f" + std::to_string(i), kT0 - 900 * kDay));
    }
    clock_ += kDay;
  }
  // 20 accounts created 3 days ago on one domain boost three other posts together...
  std::vector<std::string> bots;
  for (int i = 0; i < 20; ++i) bots.push_back(Actor("bots.example", "b" + std::to_string(i), clock_ - 3 * kDay));
  const int64_t start = clock_;
  for (int p = 1; p <= 3; ++p) {
    for (const std::string& bot : bots) {
      Amplify("https://news.example/notes/p" + std::to_string(p), "https://news.example/users/o" + std::to_string(p), bot);
      clock_ += 20;
    }
    clock_ += 6 * 3600;
  }
  // ...then the target, within ten minutes.
  const std::string target = "https://far.example/notes/target";
  for (const std::string& bot : bots) {
    Amplify(target, author, bot);
    clock_ += 30;
  }
  std::optional<Label> label = LabelOf(target);
  ASSERT_TRUE(label.has_value());
  EXPECT_THAT(label->assessment.fired, ElementsAre(Signal::kBurst, Signal::kYoungAccounts,
                                                   Signal::kDomainConcentration, Signal::kCoAmplification));
  const Evidence& e = label->assessment.evidence;
  EXPECT_EQ(e.amplifiers, 20u);
  EXPECT_EQ(e.boosts, 20u);
  EXPECT_EQ(e.peak, 20u);
  EXPECT_EQ(e.typical, 2.0);  // median of 1, 2, 3
  EXPECT_EQ(e.young, 20u);
  EXPECT_DOUBLE_EQ(e.young_share, 1.0);
  EXPECT_EQ(e.remote, 20u);
  EXPECT_EQ(e.top_domain, "bots.example");
  EXPECT_DOUBLE_EQ(e.hhi, 1.0);
  EXPECT_EQ(e.co_amplifiers, 20u);
  EXPECT_DOUBLE_EQ(e.co_share, 1.0);
  // The three posts boosted first were labelled too (no co-amplification
  // yet: the accounts had amplified fewer than three posts together).
  std::optional<Label> first = LabelOf("https://news.example/notes/p1");
  ASSERT_TRUE(first.has_value());
  EXPECT_THAT(first->assessment.fired,
              ElementsAre(Signal::kBurst, Signal::kYoungAccounts, Signal::kDomainConcentration));
  EXPECT_FALSE(LabelOf("https://far.example/notes/earlier3").has_value());

  // The issued log: four objects labelled, each signal counted where it fired.
  Result<LabelCounts> counts = CountLabelsIssued(*store_, start, clock_ + 1);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->total, 4u);
  EXPECT_EQ(counts->by_signal["burst"], 4u);
  EXPECT_EQ(counts->by_signal["young_accounts"], 4u);
  EXPECT_EQ(counts->by_signal["domain_concentration"], 4u);
  EXPECT_EQ(counts->by_signal["co_amplification"], 1u);
  EXPECT_EQ(counts->by_signal["identical_text"], 0u);
  // A period before it all counts nothing.
  Result<LabelCounts> before = CountLabelsIssued(*store_, 0, start);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->total, 0u);

  // Undoing 15 boosts takes the label off; the log still says it was issued.
  for (int i = 0; i < 15; ++i) Amplify(target, author, bots[i], Kind::kBoost, /*added=*/false);
  EXPECT_FALSE(LabelOf(target).has_value());
  EXPECT_EQ(CountLabelsIssued(*store_, start, clock_ + 1)->total, 4u);
}

TEST_F(RecorderTest, ReplaysCountOnceAndUndoingNothingChangesNothing) {
  const std::string post = "https://far.example/notes/replayed";
  std::string actor = Actor("x.example", "a", kT0 - 3 * kDay);
  for (int i = 0; i < 5; ++i) {
    Amplify(post, "", actor);
    clock_ += 10;
  }
  Amplify(post, "", Actor("x.example", "never", 0), Kind::kBoost, /*added=*/false);
  size_t records = 0;
  ASSERT_TRUE(store_->Scan(storage::Family::kSignals, "r/" + post + "\n", [&](std::string_view, std::string_view value) {
    ++records;
    EXPECT_EQ(storage::DecodeUint64(value), static_cast<uint64_t>(kT0));  // the first time stays
    return true;
  }).has_value());
  EXPECT_EQ(records, 1u);
  // A like and a boost by one account are two amplifications of one amplifier.
  Amplify(post, "", actor, Kind::kLike);
  records = 0;
  ASSERT_TRUE(store_->Scan(storage::Family::kSignals, "r/" + post + "\n", [&](std::string_view, std::string_view) {
    ++records;
    return true;
  }).has_value());
  EXPECT_EQ(records, 2u);
  // Ids that are not http(s), or carry control bytes, are not recorded.
  Amplify("javascript:alert(1)", "", actor);
  Amplify(post, "", "https://x.example/users/a\nL\nhttps://forged");
  records = 0;
  ASSERT_TRUE(store_->Scan(storage::Family::kSignals, "r/", [&](std::string_view, std::string_view) {
    ++records;
    return true;
  }).has_value());
  EXPECT_EQ(records, 2u);
}

TEST_F(RecorderTest, IdenticalTextsFromFiveAuthorsLabelEveryCopy) {
  const std::string text = "<p>The mayor lied about the bridge, share before they delete this!</p>";
  for (int i = 0; i < 4; ++i) {
    Text("https://t" + std::to_string(i) + ".example/notes/1", "https://t" + std::to_string(i) + ".example/users/u",
         i % 2 ? text : "<p>the MAYOR lied about the bridge... share before they delete this</p>");
  }
  // One author repeating itself is one author.
  Text("https://t0.example/notes/2", "https://t0.example/users/u", text);
  EXPECT_FALSE(LabelOf("https://t0.example/notes/1").has_value());
  EXPECT_FALSE(LabelOf("https://t0.example/notes/2").has_value());
  Text("https://t4.example/notes/1", "https://t4.example/users/u", text);
  // Every copy, the repeated one too.
  std::vector<std::string> copies = {"https://t0.example/notes/2"};
  for (int i = 0; i < 5; ++i) copies.push_back("https://t" + std::to_string(i) + ".example/notes/1");
  for (const std::string& copy : copies) {
    std::optional<Label> label = LabelOf(copy);
    ASSERT_TRUE(label.has_value()) << copy;
    EXPECT_THAT(label->assessment.fired, ElementsAre(Signal::kIdenticalText));
    EXPECT_EQ(label->assessment.evidence.identical_authors, 5u);
  }
  Result<LabelCounts> counts = CountLabelsIssued(*store_, kT0, kT0 + 1);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->total, 6u);
  EXPECT_EQ(counts->by_signal["identical_text"], 6u);
  // Another text, by the same five, is another fingerprint.
  Text("https://t0.example/notes/3", "https://t0.example/users/u", "<p>Something else entirely, said only once here.</p>");
  EXPECT_FALSE(LabelOf("https://t0.example/notes/3").has_value());
}

TEST_F(RecorderTest, AWidelyCopiedTextIsCountedAsCopiesArriveAndEachCopyLabelledOnce) {
  const std::string text = "<p>Sign now, the vote closes tonight and they are hiding it from you!</p>";
  constexpr int kAuthors = 300;
  for (int i = 0; i < kAuthors; ++i) {
    std::string host = "https://c" + std::to_string(i) + ".example";
    Text(host + "/notes/1", host + "/users/u", text);
    if (i == 3) {
      EXPECT_FALSE(LabelOf(host + "/notes/1").has_value());
    }
  }
  // A repeat by a known author adds a copy, not an author.
  Text("https://c0.example/notes/2", "https://c0.example/users/u", text);
  std::optional<Label> last = LabelOf("https://c0.example/notes/2");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->assessment.evidence.identical_authors, static_cast<uint64_t>(kAuthors));
  ASSERT_TRUE(LabelOf("https://c0.example/notes/1").has_value());
  ASSERT_TRUE(LabelOf("https://c299.example/notes/1").has_value());
  // Each copy newly labelled once: the earlier four when the fifth came.
  Result<LabelCounts> counts = CountLabelsIssued(*store_, kT0, kT0 + 1);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->total, static_cast<uint64_t>(kAuthors + 1));
  // A later amplification reads the kept count.
  Amplify("https://c7.example/notes/1", "https://c7.example/users/u", "https://fan.example/users/f");
  std::optional<Label> amplified = LabelOf("https://c7.example/notes/1");
  ASSERT_TRUE(amplified.has_value());
  EXPECT_EQ(amplified->assessment.evidence.identical_authors, static_cast<uint64_t>(kAuthors));
}

TEST_F(RecorderTest, CopiesRecordedBeforeTheCountWasKeptAreCountedOnce) {
  const std::string text = "<p>An older text, recorded before the counts were kept here.</p>";
  // The copies, as a node before the count wrote them: "t/" entries only.
  Text("https://old0.example/notes/1", "https://old0.example/users/u", text);
  std::string fingerprint;
  ASSERT_TRUE(store_->Scan(storage::Family::kSignals, "c/", [&](std::string_view key, std::string_view) {
    fingerprint = std::string(key.substr(2));
    return false;
  }).has_value());
  ASSERT_FALSE(fingerprint.empty());
  storage::Batch legacy;
  legacy.Delete(storage::Family::kSignals, "c/" + fingerprint);
  for (int i = 1; i < 4; ++i) {
    std::string host = "https://old" + std::to_string(i) + ".example";
    legacy.Put(storage::Family::kSignals, "t/" + fingerprint + "\n" + host + "/users/u\n" + host + "/notes/1", "");
  }
  ASSERT_TRUE(store_->Write(legacy).has_value());
  Text("https://old4.example/notes/1", "https://old4.example/users/u", text);
  std::optional<Label> label = LabelOf("https://old4.example/notes/1");
  ASSERT_TRUE(label.has_value());
  EXPECT_EQ(label->assessment.evidence.identical_authors, 5u);
  EXPECT_TRUE(LabelOf("https://old2.example/notes/1").has_value());
}

TEST_F(RecorderTest, AccountAgesFromActorDocumentsAndLocalAccounts) {
  // What the directory keeps of hostile documents: malformed and pre-1970
  // dates read as unknown; a future date is kept but counts as no age.
  for (std::string published : {R"("last tuesday")", "1700000000", R"("1969-07-20T20:17:00Z")", R"({"@value":"x"})"}) {
    Result<rapidjson::Document> doc = protocol::ParseJson(
        R"({"id":"https://h.example/users/a","type":"Person","inbox":"https://h.example/inbox","published":)" +
            published + "}",
        {});
    ASSERT_TRUE(doc.has_value());
    Result<protocol::RemoteActor> actor = protocol::ParseRemoteActor(*doc);
    ASSERT_TRUE(actor.has_value()) << published;
    EXPECT_EQ(actor->published, 0) << published;
  }
  Result<protocol::RemoteActor> decoded =
      protocol::DecodeRemoteActor(protocol::EncodeRemoteActor({.id = "https://h.example/users/b", .type = "Person",
                                                               .inbox = "https://h.example/inbox",
                                                               .published = kT0 - 5}));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->published, kT0 - 5);

  // Ten accounts created here today, eight from the future elsewhere, on one
  // post: the local ones are young, the future ones of unknown age.
  const std::string post = "https://parvis.example/users/host/statuses/1";
  for (int i = 0; i < 10; ++i) {
    Result<accounts::Account> account = accounts_->Create({.name = "new" + std::to_string(i), .password = "password123"});
    ASSERT_TRUE(account.has_value()) << account.error().message;
    Amplify(post, "https://parvis.example/users/host", "https://parvis.example/users/new" + std::to_string(i));
  }
  for (int i = 0; i < 8; ++i) Amplify(post, "https://parvis.example/users/host", Actor("future.example", "f" + std::to_string(i), kT0 + 400 * kDay));
  std::optional<Label> label = LabelOf(post);
  ASSERT_TRUE(label.has_value());  // a burst of mostly young accounts
  EXPECT_EQ(label->assessment.evidence.amplifiers, 18u);
  EXPECT_EQ(label->assessment.evidence.young, 10u);
  EXPECT_EQ(label->assessment.evidence.unknown_age, 8u);
  // Local accounts are not "another domain".
  EXPECT_EQ(label->assessment.evidence.remote, 8u);
  EXPECT_THAT(label->assessment.fired, ElementsAre(Signal::kBurst, Signal::kYoungAccounts));
}

TEST_F(RecorderTest, PetitionSignaturesFromFreshAccountsAreCounted) {
  http::EventLoop loop(1);
  loop.Start();
  auto RunNow = [&loop](auto work) { return testing::RunSync(loop, std::move(work)); };
  Config config;
  config.base_url = "https://parvis.example";
  SignalRecorder* recorder = recorder_.get();
  civic::PetitionService petitions({.config = &config,
                                    .store = store_.get(),
                                    .accounts = accounts_.get(),
                                    .now = [this] { return clock_.load(); },
                                    .on_signature = [recorder](storage::Batch& batch, const std::string& petition,
                                                               const std::string& organiser, const std::string& signer,
                                                               bool added) {
                                      return recorder->Amplify(batch, petition, organiser, signer, Kind::kSignature,
                                                               added);
                                    }});
  accounts::Account organiser{.id = 1, .name = "assoc", .kind = accounts::AccountKind::kOrganization};
  Result<uint64_t> number = petitions.Create(
      organiser, {.title = "T", .text = "x", .addressee = "A", .threshold = 900, .deadline = kT0 + 3600});
  ASSERT_TRUE(number.has_value());
  ASSERT_TRUE(RunNow(petitions.Open(organiser, *number)).has_value());
  std::string id = petitions.Id(*number);
  std::vector<accounts::Account> signers;
  for (int i = 0; i < 12; ++i) {
    Result<accounts::Account> signer = accounts_->Create({.name = "signer" + std::to_string(i), .password = "password123"});
    ASSERT_TRUE(signer.has_value()) << signer.error().message;
    signers.push_back(*signer);
    ASSERT_TRUE(RunNow(petitions.Sign(*signer, id, false)).has_value());
    clock_ += 5;
  }
  std::optional<Label> label = LabelOf(id);
  ASSERT_TRUE(label.has_value());
  EXPECT_EQ(label->assessment.evidence.signatures, 12u);
  EXPECT_EQ(label->assessment.evidence.young, 12u);
  EXPECT_THAT(label->assessment.fired, ElementsAre(Signal::kBurst, Signal::kYoungAccounts));
  // Withdrawals go out of the count.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(RunNow(petitions.Unsign(signers[i], id)).has_value());
  EXPECT_FALSE(LabelOf(id).has_value());
}

// ---------------------------------------------------------------------------
// A whole node over real HTTP. The node runs on the wall clock: the
// assertions need only that the test takes less than the burst window.

int64_t WallNow() { return static_cast<int64_t>(std::time(nullptr)); }

std::string Quoted(int64_t when) { return "\"" + protocol::FormatRfc3339Utc(when) + "\""; }

class AmplificationNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::string name : {"alice", "carol", "bob", "dora"}) node_.CreateAccount(name);
  }

  int Post(const testing::PeerActor& actor, const std::string& body, const testing::SignedPostOptions& options = {}) {
    testing::RawConnection connection(node_.port());
    connection.Send(testing::RemotePeer::SignedPost(actor, node_.port(), "/inbox", body, options));
    return testing::StatusOf(connection.ReadToEnd());
  }

  static std::string Announce(const testing::PeerActor& actor, const std::string& object, const std::string& suffix = "") {
    return R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + actor.id + "/announces/" +
           std::to_string(std::hash<std::string>{}(object)) + suffix + R"(","type":"Announce","actor":")" + actor.id +
           R"(","object":")" + object + R"(","to":["https://www.w3.org/ns/activitystreams#Public"]})";
  }

  std::optional<Label> LabelOf(const std::string& object) {
    Result<std::optional<Label>> label = ReadLabel(node_.node().store(), object);
    return label ? *label : std::nullopt;
  }

  // Amplifications recorded for `object` (processing is asynchronous).
  size_t Recorded(const std::string& object) {
    size_t count = 0;
    (void)node_.node().store().Scan(storage::Family::kSignals, "r/" + object + "\n",
                                    [&](std::string_view, std::string_view) {
                                      ++count;
                                      return true;
                                    });
    return count;
  }

  bool QueueEmpty() {
    bool empty = true;
    (void)node_.node().store().Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
      empty = false;
      return false;
    });
    return empty;
  }

  testing::TestNode node_{{{"PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"}}};
};

TEST_F(AmplificationNodeTest, CoordinatedBoostsAreLabelledOnTheCardAndInTheApiOrganicOnesAreNot) {
  // 12 accounts created three days ago on one server.
  testing::RemotePeer bots("localhost");
  std::vector<testing::PeerActor> accounts;
  accounts.push_back(bots.AddActor("b0", {.published = Quoted(WallNow() - 3 * kDay)}));
  for (int i = 1; i < 12; ++i) {
    accounts.push_back(bots.AddActor("b" + std::to_string(i), {.published = Quoted(WallNow() - 3 * kDay),
                                                               .keys_of = &accounts.front()}));
  }
  // They boost three of carol's posts together, then alice's.
  std::vector<std::string> warmups;
  for (int p = 0; p < 3; ++p) {
    warmups.push_back(testing::Publish(node_, R"({"account":"carol","content":"carol post )" + std::to_string(p) + "\"}"));
  }
  std::string target = testing::Publish(node_, R"({"account":"alice","content":"alice's post"})");
  for (const std::string& post : warmups) {
    for (const testing::PeerActor& bot : accounts) ASSERT_EQ(Post(bot, Announce(bot, post)), 202);
  }
  for (const testing::PeerActor& bot : accounts) ASSERT_EQ(Post(bot, Announce(bot, target)), 202);
  ASSERT_TRUE(testing::Eventually([&] { return Recorded(target) == 12; }));

  // Hostile repeats: the same Announce again (signed afresh: a replayed
  // signature is refused before), and a new Announce id from the same account.
  ASSERT_EQ(Post(accounts[0], Announce(accounts[0], target), {.scheme = testing::SignAs::kRfc9421Ed25519}), 202);
  ASSERT_EQ(Post(accounts[1], Announce(accounts[1], target, "-again")), 202);
  ASSERT_TRUE(testing::Eventually([&] { return QueueEmpty(); }));
  EXPECT_EQ(Recorded(target), 12u);

  std::optional<Label> label = LabelOf(target);
  ASSERT_TRUE(label.has_value());
  EXPECT_THAT(label->assessment.fired, ElementsAre(Signal::kBurst, Signal::kYoungAccounts,
                                                   Signal::kDomainConcentration, Signal::kCoAmplification));
  EXPECT_EQ(label->assessment.evidence.amplifiers, 12u);
  EXPECT_EQ(label->assessment.evidence.young, 12u);
  EXPECT_EQ(label->assessment.evidence.top_domain, "localhost");
  EXPECT_EQ(label->assessment.evidence.co_amplifiers, 12u);

  // The card says so, with the numbers.
  std::string page = node_.Get("/thread?id=" + target, "Accept-Language: en\r\n");
  EXPECT_THAT(page, HasSubstr("Unusual amplification"));
  EXPECT_THAT(page, HasSubstr("12 of 12 amplifying accounts (100 %) are younger than 30 days"));
  EXPECT_THAT(page, HasSubstr("100 % of 12 amplifying accounts elsewhere are on localhost"));
  std::string french = node_.Get("/thread?id=" + target, "Accept-Language: fr\r\n");
  EXPECT_THAT(french, HasSubstr("Amplification inhabituelle"));
  // So does the JSON timeline.
  std::string api = testing::BodyOf(node_.Get("/api/timelines/local"));
  Result<rapidjson::Document> timeline = protocol::ParseJson(api, {});
  ASSERT_TRUE(timeline.has_value()) << api;
  bool found = false;
  for (const rapidjson::Value& item : (*timeline)["items"].GetArray()) {
    if (protocol::StringMember(item, "id") != target) continue;
    found = true;
    ASSERT_TRUE(item.HasMember("amplification")) << api;
    EXPECT_EQ(item["amplification"]["evidence"]["amplifiers"].GetUint64(), 12u);
    EXPECT_EQ(item["amplification"]["signals"].Size(), 4u);
  }
  EXPECT_TRUE(found);

  // Issued: carol's three posts and alice's.
  Result<LabelCounts> counts = CountLabelsIssued(node_.node().store(), 0, WallNow() + 3600);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->total, 4u);
  EXPECT_EQ(counts->by_signal["co_amplification"], 1u);

  // An Undo (embedded, as Mastodon sends it) takes a boost away; another
  // account's Undo of it changes nothing.
  std::string undo = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + accounts[2].id +
                     R"(/undo/1","type":"Undo","actor":")" + accounts[2].id + R"(","object":)" +
                     Announce(accounts[2], target) + "}";
  std::string forged = R"({"id":")" + accounts[3].id + R"(/undo/1","type":"Undo","actor":")" + accounts[3].id +
                       R"(","object":)" + Announce(accounts[4], target) + "}";
  ASSERT_EQ(Post(accounts[3], forged), 202);
  ASSERT_EQ(Post(accounts[2], undo), 202);
  ASSERT_TRUE(testing::Eventually([&] { return Recorded(target) == 11; }));
  ASSERT_TRUE(testing::Eventually([&] { return QueueEmpty(); }));
  EXPECT_EQ(Recorded(target), 11u);
  EXPECT_EQ(LabelOf(target)->assessment.evidence.amplifiers, 11u);

  // Organic: 20 accounts two years old on ten servers boost bob's post.
  std::string organic = testing::Publish(node_, R"({"account":"bob","content":"bob's popular post"})");
  std::vector<std::unique_ptr<testing::RemotePeer>> servers;
  for (int s = 0; s < 10; ++s) {
    servers.push_back(std::make_unique<testing::RemotePeer>("127.0.0." + std::to_string(s + 20)));
    testing::PeerActor first = servers.back()->AddActor("p", {.published = Quoted(WallNow() - 730 * kDay),
                                                              .keys_of = &accounts.front()});
    testing::PeerActor second = servers.back()->AddActor("q", {.published = Quoted(WallNow() - 700 * kDay),
                                                               .keys_of = &accounts.front()});
    ASSERT_EQ(Post(first, Announce(first, organic)), 202);
    ASSERT_EQ(Post(second, Announce(second, organic)), 202);
  }
  ASSERT_TRUE(testing::Eventually([&] { return Recorded(organic) == 20; }));
  ASSERT_TRUE(testing::Eventually([&] { return QueueEmpty(); }));
  EXPECT_FALSE(LabelOf(organic).has_value());
  EXPECT_THAT(node_.Get("/thread?id=" + organic, "Accept-Language: en\r\n"), Not(HasSubstr("Unusual amplification")));
}

TEST_F(AmplificationNodeTest, HostileAccountDatesAndIdenticalTextsOverTheInbox) {
  // Malformed and future `published` on one server: no age, never young.
  testing::RemotePeer odd("localhost");
  std::vector<std::string> dates = {R"("yesterday")", "42", R"("2026-13-45T99:99:99Z")", "null",
                                    R"(["2020-01-01T00:00:00Z"])", Quoted(WallNow() + 400 * kDay)};
  std::string post = testing::Publish(node_, R"({"account":"dora","content":"dora's post"})");
  std::vector<testing::PeerActor> actors;
  actors.push_back(odd.AddActor("o0", {.published = dates[0]}));
  for (int i = 1; i < 12; ++i) {
    actors.push_back(odd.AddActor("o" + std::to_string(i), {.published = dates[i % dates.size()],
                                                            .keys_of = &actors.front()}));
  }
  for (const testing::PeerActor& actor : actors) ASSERT_EQ(Post(actor, Announce(actor, post)), 202);
  ASSERT_TRUE(testing::Eventually([&] { return Recorded(post) == 12; }));
  std::optional<Label> label = LabelOf(post);
  ASSERT_TRUE(label.has_value());  // a burst on one domain
  EXPECT_EQ(label->assessment.evidence.young, 0u);
  EXPECT_EQ(label->assessment.evidence.unknown_age, 12u);
  EXPECT_THAT(label->assessment.fired, ElementsAre(Signal::kBurst, Signal::kDomainConcentration));

  // Five accounts post the same text (mentions and links differ): each copy is labelled.
  std::vector<std::string> notes;
  for (int i = 0; i < 5; ++i) {
    const testing::PeerActor& actor = actors[i];
    std::string note = actor.id + "/notes/same";
    notes.push_back(note);
    std::string create = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + note +
                         R"(#create","type":"Create","actor":")" + actor.id + R"(","object":{"id":")" + note +
                         R"(","type":"Note","attributedTo":")" + actor.id +
                         R"(","content":"<p>@friend)" + std::to_string(i) +
                         R"( The election is rigged, vote on Thursday instead! https://x.example/)" +
                         std::to_string(i) + R"(</p>","to":["https://www.w3.org/ns/activitystreams#Public"]}})";
    ASSERT_EQ(Post(actor, create), 202);
  }
  // A Create of someone else's note is not counted.
  std::string forged = R"({"id":")" + actors[6].id + R"(/c","type":"Create","actor":")" + actors[6].id +
                       R"(","object":{"id":"https://else.example/n","type":"Note","attributedTo":"https://else.example/u",)"
                       R"("content":"The election is rigged, vote on Thursday instead!","to":["https://www.w3.org/ns/activitystreams#Public"]}})";
  ASSERT_EQ(Post(actors[6], forged), 202);
  ASSERT_TRUE(testing::Eventually([&] { return QueueEmpty() && LabelOf(notes[0]).has_value(); }));
  for (const std::string& note : notes) {
    std::optional<Label> copy = LabelOf(note);
    ASSERT_TRUE(copy.has_value()) << note;
    EXPECT_EQ(copy->assessment.evidence.identical_authors, 5u);
    EXPECT_THAT(copy->assessment.fired, ElementsAre(Signal::kIdenticalText));
  }
  EXPECT_FALSE(LabelOf("https://else.example/n").has_value());
  EXPECT_THAT(node_.Get("/thread?id=" + notes[0], "Accept-Language: en\r\n"),
              HasSubstr("The same text was posted by 5 different accounts"));
}

}  // namespace
}  // namespace parvis::signals
