// Transparent timelines (docs/timelines.md): every item of a timeline says
// why it is there, on the page and in the JSON; the civic digest ranks by
// its published formula; /timelines and /timelines.json publish it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/timeline_ordering.h"
#include "server/federation/follow_store.h"
#include "server/federation/object_record.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::Accepted;
using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Follow;
using ::parvis::testing::IssueToken;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

using Settings = std::map<std::string, std::string>;

void SignUp(WebClient& browser, const std::string& name) {
  browser.Get("/register");
  std::string response = browser.Post("/register", {{"name", name},
                                                    {"kind", "person"},
                                                    {"password", "a long passphrase"},
                                                    {"password_again", "a long passphrase"},
                                                    {"rules", "on"}});
  ASSERT_EQ(StatusOf(response), 303) << response;
}

// The note card (the <article>) that shows `text` on `page`, or "".
std::string CardWith(const std::string& page, const std::string& text) {
  size_t at = page.find(text);
  if (at == std::string::npos) return "";
  size_t start = page.rfind("<article", at);
  size_t end = page.find("</article>", at);
  if (start == std::string::npos || end == std::string::npos) return "";
  return page.substr(start, end - start);
}

std::string Mention(const TestNode& node, const std::string& name) {
  return "@" + name + "@127.0.0.1:" + std::to_string(node.port());
}

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The "why" of the item of `timeline` (a JSON body) whose id is `id`, as
// JSON text; "" when the item is absent.
std::string WhyOf(const std::string& timeline, const std::string& id) {
  Result<rapidjson::Document> doc = protocol::ParseJson(timeline, {});
  if (!doc || !doc->IsObject() || !doc->HasMember("items")) return "";
  for (const auto& item : (*doc)["items"].GetArray()) {
    if (protocol::StringMember(item, "id").value_or("") == id) return protocol::WriteJson(item["why"]);
  }
  return "";
}

// The ids of the items of a JSON timeline, in order.
std::vector<std::string> IdsOf(const std::string& timeline) {
  std::vector<std::string> ids;
  Result<rapidjson::Document> doc = protocol::ParseJson(timeline, {});
  if (!doc || !doc->IsObject() || !doc->HasMember("items")) return ids;
  for (const auto& item : (*doc)["items"].GetArray()) ids.push_back(protocol::StringMember(item, "id").value_or(""));
  return ids;
}

std::string OpenPetition(TestNode& node, const std::string& organiser, uint64_t threshold) {
  http::Response created = node.node().CallControl(
      "POST", "/control/petitions/create",
      R"({"account":")" + organiser +
          R"(","title":"Open the library on Sundays","text":"We ask the **city**.","addressee":"Mairie","threshold":)" +
          std::to_string(threshold) + R"(,"deadline":")" + protocol::FormatRfc3339Utc(Now() + 86400) +
          R"(","showsNames":true})");
  EXPECT_EQ(created.status, 201) << created.body;
  Result<rapidjson::Document> doc = protocol::ParseJson(created.body, {});
  std::string id = doc ? protocol::StringMember(*doc, "id").value_or("") : "";
  http::Response opened = node.node().CallControl(
      "POST", "/control/petitions/open", R"({"account":")" + organiser + R"(","id":")" + id + R"("})");
  EXPECT_EQ(opened.status, 200) << opened.body;
  return id;
}

std::string MineState(TestNode& node, const std::string& account, const std::string& petition) {
  http::Response mine = node.node().CallControl(
      "GET", "/control/petitions/mine?account=" + account + "&petition=" + petition, "");
  Result<rapidjson::Document> doc = protocol::ParseJson(mine.body, {});
  if (mine.status != 200 || !doc) return "none";
  return protocol::StringMember(*doc, "state").value_or("");
}

TEST(TransparentTimelinesTest, EachItemSaysWhyOnThePageAndInTheJson) {
  TestNode a({}, true), b({}, true), c(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  a.CreateAccount("auteur");
  a.CreateAccount("assoc", "organization");
  a.CreateAccount("quartier", "group");
  b.CreateAccount("relais", "organization");
  b.CreateAccount("dom");
  WebClient carol(c.port());
  SignUp(carol, "carol");

  Follow(b, "relais", a.Handle("auteur"));
  Follow(b, "dom", a.Handle("quartier"));
  Follow(c, "carol", b.Handle("relais"));
  Follow(c, "carol", a.Handle("quartier"));
  Follow(c, "carol", a.Handle("assoc"));
  ASSERT_TRUE(Eventually([&] {
    return Accepted(a, "quartier", 2) && Accepted(a, "assoc", 1) && Accepted(b, "relais", 2) &&
           Accepted(c, "carol", 3);
  }));

  // carol follows assoc: its post.
  std::string assembly = Publish(a, R"({"account":"assoc","content":"Assemblée générale jeudi"})");
  // carol does not follow auteur: relais, whom she follows, boosts his post.
  std::string market = Publish(a, R"({"account":"auteur","content":"Marché de producteurs samedi"})");
  ASSERT_TRUE(Eventually([&] { return Record(b, market).find("Marché") != std::string::npos; }));
  http::Response boosted = b.node().CallControl(
      "POST", "/control/react", R"({"account":"relais","object":")" + market + R"(","type":"Announce"})");
  ASSERT_EQ(boosted.status, 202) << boosted.body;
  // dom writes to the group quartier, which carol follows: the group announces it.
  std::string meeting = Publish(b, R"({"account":"dom","content":")" + Mention(a, "quartier") +
                                       R"( réunion de quartier mardi"})");
  // A petition of assoc, which carol signs.
  std::string petition = OpenPetition(a, "assoc", 3);
  ASSERT_TRUE(Eventually([&] { return BodyOf(carol.Get("/home")).find("Open the library") != std::string::npos; }));
  http::Response signed_up = c.node().CallControl(
      "POST", "/control/petitions/sign",
      R"({"account":"carol","petition":")" + petition + R"(","anonymous":false})");
  ASSERT_EQ(signed_up.status, 200) << signed_up.body;
  ASSERT_TRUE(Eventually([&] { return MineState(c, "carol", petition) == "signed"; }));
  // The home node's Update brings the new count to C.
  ASSERT_TRUE(Eventually([&] { return Record(c, petition).find("\"signatureCount\":1") != std::string::npos; }))
      << Record(c, petition);

  std::string home;
  ASSERT_TRUE(Eventually([&] {
    home = BodyOf(carol.Get("/home"));
    return home.find("Assemblée générale") != std::string::npos && home.find("Marché de producteurs") != std::string::npos &&
           home.find("réunion de quartier") != std::string::npos;
  })) << home;
  // On the page: a details element on each card, translated.
  std::string card = CardWith(home, "Assemblée générale");
  EXPECT_THAT(card, HasSubstr("<details class=\"why\"><summary>Why am I seeing this?</summary>"));
  EXPECT_THAT(card, HasSubstr("<li>You follow assoc (@assoc@127.0.0.1:" + std::to_string(a.port()) + ")</li>"));
  card = CardWith(home, "Marché de producteurs");
  EXPECT_THAT(card, HasSubstr("<li>Boosted by relais (@relais@"));
  EXPECT_THAT(card, Not(HasSubstr("You follow")));
  card = CardWith(home, "réunion de quartier");
  EXPECT_THAT(card, HasSubstr("<li>Announced by the group quartier (@quartier@"));
  card = CardWith(home, "Open the library");
  EXPECT_THAT(card, HasSubstr("<li>You follow assoc"));
  EXPECT_THAT(card, HasSubstr("<li>A petition you signed.</li>"));
  EXPECT_THAT(CardWith(BodyOf(carol.Get("/home?lang=fr")), "Open the library"),
              HasSubstr("<li>Une pétition que vous avez signée.</li>"));

  // In the JSON, for scripts with a token: the same reasons.
  std::string token = IssueToken(c, "carol");
  std::string timeline = BodyOf(c.Get("/api/timelines/home", Bearer(token)));
  EXPECT_EQ(WhyOf(timeline, assembly), R"([{"reason":"follows_author","actor":")" + a.base() + R"(/users/assoc"}])");
  EXPECT_EQ(WhyOf(timeline, market), R"([{"reason":"boosted_by","actor":")" + b.base() + R"(/users/relais"}])");
  EXPECT_EQ(WhyOf(timeline, meeting), R"([{"reason":"via_group","group":")" + a.base() + R"(/users/quartier"}])");
  EXPECT_EQ(WhyOf(timeline, petition), R"([{"reason":"follows_author","actor":")" + a.base() +
                                           R"(/users/assoc"},{"reason":"petition_signed","petition":")" +
                                           petition + R"("}])");
  EXPECT_THAT(timeline, HasSubstr(R"("ordering":"chronological")"));
  // The digest shows its inputs: carol's signed petition changed since she signed.
  std::string digest = BodyOf(c.Get("/api/timelines/home?order=digest", Bearer(token)));
  Result<rapidjson::Document> doc = protocol::ParseJson(digest, {});
  ASSERT_TRUE(doc && doc->IsObject()) << digest;
  bool found = false;
  for (const auto& item : (*doc)["items"].GetArray()) {
    if (protocol::StringMember(item, "id").value_or("") != petition) continue;
    found = true;
    EXPECT_EQ(item["inputs"]["follows_author"].GetDouble(), 1);
    EXPECT_EQ(item["inputs"]["signed_petition_changed"].GetDouble(), 1);
    EXPECT_EQ(item["inputs"]["petition_near_threshold"].GetDouble(), 0);  // 1 of 3
    EXPECT_THAT(protocol::WriteJson(item["why"]), HasSubstr(R"({"reason":"ranked","ordering":"digest","score":)"));
  }
  EXPECT_TRUE(found) << digest;
  // The local and federated timelines say why too.
  EXPECT_THAT(CardWith(BodyOf(a.Get("/local")), "Assemblée générale"),
              HasSubstr("<li>A public post written on this node.</li>"));
  EXPECT_EQ(WhyOf(BodyOf(c.Get("/api/timelines/federated")), assembly), R"([{"reason":"federated_public"}])");
}

// A node whose home timeline is built by hand, so the digest's inputs are known.
class DigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SignUp(rita_, "rita");
    Result<std::optional<std::string>> id = node_.node().store().Get(storage::Family::kAccountNames, "rita");
    ASSERT_TRUE(id && id->has_value());
    account_ = *storage::DecodeAccountId(**id);
    storage::Batch batch;
    for (auto [actor, type] : {std::pair{kAnn, "Person"}, std::pair{kBen, "Person"}, std::pair{kGroup, "Group"}}) {
      protocol::RemoteActor remote;
      remote.id = actor;
      remote.type = type;
      remote.preferred_username = std::string(actor).substr(std::string(actor).rfind('/') + 1);
      remote.inbox = std::string(actor) + "/inbox";
      batch.Put(storage::Family::kRemoteActors, actor, protocol::EncodeRemoteActor(remote));
    }
    federation::FollowStore follows(node_.node().store());
    for (const char* actor : {kAnn, kGroup}) {
      follows.Put(batch, account_, federation::Direction::kFollowing,
                  {.actor = actor, .activity_id = std::string(actor) + "#follow",
                   .state = federation::FollowState::kAccepted, .since = now_});
    }
    ASSERT_TRUE(node_.node().store().Write(batch).has_value());
  }

  // A public note by `author`, `hours` old, in rita's home (boosted by
  // `booster` if any), newest entry last.
  std::string Add(const std::string& name, const char* author, double hours, const char* booster = "",
                  const std::string& petition_json = "") {
    std::string id = "https://far.example/objects/" + name;
    std::string json = petition_json;
    if (json.empty()) {
      json = R"({"id":")" + id + R"(","type":"Note","attributedTo":")" + author + R"(","content":"<p>)" + name +
             R"( text</p>","published":")" +
             protocol::FormatRfc3339Utc(now_ - static_cast<int64_t>(hours * 3600)) +
             R"(","to":["https://www.w3.org/ns/activitystreams#Public"]})";
    }
    Result<rapidjson::Document> object = protocol::ParseJson(json, {});
    EXPECT_TRUE(object.has_value());
    Result<uint64_t> sequence = node_.node().store().NextSequence("feed");
    EXPECT_TRUE(sequence.has_value());
    storage::Batch batch;
    batch.Put(storage::Family::kObjects, id, federation::EncodeRemoteRecord(author, *object, 0));
    std::string entry = id;
    if (*booster != '\0') entry += std::string("\n") + booster;
    batch.Put(storage::Family::kHomeFeed, storage::AccountKey(account_, storage::EncodeUint64(*sequence)), entry);
    EXPECT_TRUE(node_.node().store().Write(batch).has_value());
    return id;
  }

  static constexpr const char* kAnn = "https://far.example/users/ann";
  static constexpr const char* kBen = "https://far.example/users/ben";
  static constexpr const char* kGroup = "https://far.example/users/voisins";
  TestNode node_{Settings{{"PARVIS_REGISTRATION", "open"}}};
  WebClient rita_{node_.port()};
  storage::AccountId account_ = 0;
  int64_t now_ = Now();
};

TEST_F(DigestTest, RanksByTheDocumentedFormulaAndShowsItsInputs) {
  protocol::PetitionDocument petition;
  petition.id = "https://far.example/objects/petition";
  petition.organiser = kBen;
  petition.followers = std::string(kBen) + "/followers";
  petition.title = "Save the square";
  petition.content = "<p>petition text</p>";
  petition.addressee = "Mairie";
  petition.threshold = 10;
  petition.count = 7;  // 0.7 of the threshold: near it
  petition.deadline = now_ + 86400;
  petition.published = now_ - 10 * 3600;
  petition.state = protocol::PetitionState::kOpen;
  // Oldest entry first. Scores (docs/timelines.md): 2·follows + 1.5·group +
  // 3·near − 0.1·age.
  std::string old_ann = Add("old_ann", kAnn, 30);                       // 2 − 3 = −1
  std::string near = Add("petition", kBen, 10, "", protocol::PetitionArticleJson(petition));  // 3 − 1 = 2
  std::string grouped = Add("grouped", kBen, 2, kGroup);                 // 1.5 − 0.2 = 1.3
  std::string ann = Add("ann", kAnn, 1);                                 // 2 − 0.1 = 1.9
  std::string ben1 = Add("ben1", kBen, 0.5);                             // −0.05
  std::string ben2 = Add("ben2", kBen, 0.5);                             // −0.05, newer: before ben1

  // Chronological stays the default.
  EXPECT_EQ(IdsOf(BodyOf(rita_.Get("/api/timelines/home"))),
            (std::vector<std::string>{ben2, ben1, ann, grouped, near, old_ann}));
  std::string digest = BodyOf(rita_.Get("/api/timelines/home?order=digest"));
  EXPECT_EQ(IdsOf(digest), (std::vector<std::string>{near, ann, grouped, ben2, ben1, old_ann})) << digest;
  // Each item carries its inputs; its score is the formula over them.
  Result<rapidjson::Document> doc = protocol::ParseJson(digest, {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(protocol::StringMember(*doc, "formula"), civic::DigestFormula());
  std::vector<double> expected = {2, 1.9, 1.3, -0.05, -0.05, -1};
  size_t i = 0;
  for (const auto& item : (*doc)["items"].GetArray()) {
    civic::DigestInputs inputs;
    for (const civic::DigestTerm& term : civic::kDigestTerms) {
      inputs[term.input] = item["inputs"][std::string(term.name).c_str()].GetDouble();
    }
    EXPECT_NEAR(item["score"].GetDouble(), civic::DigestScore(inputs), 1e-9);
    EXPECT_NEAR(item["score"].GetDouble(), expected[i], 0.01) << i;
    ++i;
  }
  EXPECT_EQ((*doc)["items"][0]["inputs"]["petition_near_threshold"].GetDouble(), 1);
  EXPECT_EQ((*doc)["items"][2]["inputs"]["via_group"].GetDouble(), 1);
  EXPECT_THAT(protocol::WriteJson((*doc)["items"][2]["why"]),
              HasSubstr(R"([{"reason":"via_group","group":"https://far.example/users/voisins"},)"));

  // The page, in the same order, with the inputs and the score in the "why".
  std::string page = BodyOf(rita_.Get("/home?order=digest"));
  std::vector<size_t> positions;
  for (const char* text : {"petition text", "ann text", "grouped text", "ben2 text", "ben1 text", "old_ann text"}) {
    positions.push_back(page.find(text));
    EXPECT_NE(positions.back(), std::string::npos) << text;
  }
  EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end())) << page;
  EXPECT_THAT(page, HasSubstr(civic::DigestFormula()));
  EXPECT_THAT(page, HasSubstr("aria-current=\"page\">Civic digest</a>"));
  EXPECT_THAT(CardWith(page, "ann text"),
              HasSubstr("<li>Placed by the civic digest: score 1.9 (follows_author 1 × 2, via_group 0 × 1.5, "
                        "petition_near_threshold 0 × 3, signed_petition_changed 0 × 4, age_hours 1 × -0.1)</li>"));
  EXPECT_THAT(BodyOf(rita_.Get("/home")), HasSubstr("aria-current=\"page\">Chronological</a>"));

  // Paging: the same cursor as the pages.
  std::string first = BodyOf(rita_.Get("/api/timelines/home?limit=2"));
  EXPECT_EQ(IdsOf(first), (std::vector<std::string>{ben2, ben1}));
  Result<rapidjson::Document> first_doc = protocol::ParseJson(first, {});
  std::string next = protocol::StringMember(*first_doc, "next").value_or("");
  ASSERT_THAT(next, HasSubstr("before="));
  EXPECT_EQ(IdsOf(BodyOf(rita_.Get(next.substr(next.find("/api/"))))), (std::vector<std::string>{ann, grouped}));
  EXPECT_EQ(IdsOf(BodyOf(rita_.Get("/api/timelines/home?order=digest&offset=2&limit=2"))),
            (std::vector<std::string>{grouped, ben2}));
}

TEST_F(DigestTest, TheApiRefusesMissingTokensAndBadParameters) {
  Add("ann", kAnn, 1);
  std::string token = IssueToken(node_, "rita");
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/home", Bearer(token))), 200);
  // No token, a bad one, another scheme: 401.
  std::string refused = node_.Get("/api/timelines/home");
  EXPECT_EQ(StatusOf(refused), 401);
  EXPECT_THAT(refused, HasSubstr("WWW-Authenticate: Bearer"));
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/home", Bearer("pvs_" + std::string(64, '0')))), 401);
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/home", Bearer("nonsense"))), 401);
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/home", "Authorization: Basic cml0YTpwdw==\r\n")), 401);
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/local", Bearer("nonsense"))), 401);
  // Public timelines need nobody.
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/local")), 200);
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/federated")), 200);
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/elsewhere")), 404);
  // Bad parameters: 400, saying which.
  for (const char* query : {"limit=0", "limit=41", "limit=ten", "limit=", "before=-1", "before=1x",
                            "order=popular", "order=digest&before=5", "offset=3", "order=digest&offset=201"}) {
    std::string response = node_.Get("/api/timelines/home?" + std::string(query), Bearer(token));
    EXPECT_EQ(StatusOf(response), 400) << query;
    EXPECT_THAT(BodyOf(response), HasSubstr("\"error\"")) << query;
  }
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/local?order=digest")), 400);
  EXPECT_EQ(StatusOf(node_.Get("/api/timelines/home?limit=40&order=digest&offset=0", Bearer(token))), 200);
}

TEST(TransparentTimelinesPageTest, TheOrderingsArePublishedFromTheConstants) {
  TestNode node;
  std::string page = BodyOf(node.Get("/timelines"));
  EXPECT_THAT(page, HasSubstr("<h1>How timelines are ordered</h1>"));
  EXPECT_THAT(page, HasSubstr("<code>" + civic::DigestFormula() + "</code>"));
  for (const civic::DigestTerm& term : civic::kDigestTerms) {
    EXPECT_THAT(page, HasSubstr("<td><code>" + std::string(term.name) + "</code></td><td>" +
                                civic::FormatNumber(term.weight) + "</td>"));
  }
  EXPECT_THAT(page, HasSubstr("<code>follows_author</code>: you follow its author"));
  EXPECT_THAT(BodyOf(node.Get("/timelines?lang=fr")), HasSubstr("Condensé citoyen"));
  // Linked from the about page and the footer of every page.
  EXPECT_THAT(BodyOf(node.Get("/about")), HasSubstr("<a href=\"/timelines\">"));
  EXPECT_THAT(BodyOf(node.Get("/local")), HasSubstr("<a href=\"/timelines\">"));

  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(node.Get("/timelines.json")), {});
  ASSERT_TRUE(doc && doc->IsObject());
  EXPECT_EQ(protocol::StringMember(*doc, "default"), "chronological");
  const auto& orderings = (*doc)["orderings"];
  ASSERT_EQ(orderings.Size(), 2u);
  EXPECT_EQ(protocol::StringMember(orderings[0], "name"), "chronological");
  EXPECT_EQ(protocol::StringMember(orderings[1], "name"), "digest");
  EXPECT_EQ(protocol::StringMember(orderings[1], "formula"), civic::DigestFormula());
  EXPECT_EQ(orderings[1]["window"].GetUint64(), civic::kDigestWindow);
  EXPECT_EQ(orderings[1]["nearThreshold"]["low"].GetDouble(), civic::kNearThresholdLow);
  ASSERT_EQ(orderings[1]["inputs"].Size(), civic::kDigestTerms.size());
  for (size_t i = 0; i < civic::kDigestTerms.size(); ++i) {
    EXPECT_EQ(protocol::StringMember(orderings[1]["inputs"][i], "name"), civic::kDigestTerms[i].name);
    EXPECT_EQ(orderings[1]["inputs"][i]["weight"].GetDouble(), civic::kDigestTerms[i].weight);
    EXPECT_FALSE(protocol::StringMember(orderings[1]["inputs"][i], "description").value_or("").empty());
  }
  EXPECT_EQ((*doc)["reasons"].Size(), civic::kReasonCount);
}

}  // namespace
}  // namespace parvis
