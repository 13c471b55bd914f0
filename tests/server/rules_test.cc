// Terms and rules (issue 6, item 8): every version is kept with its date and
// shown; saving the same text makes no version; the rules a node had in its
// settings become version 1; the public pages give each version in HTML and
// JSON; the admin form refuses what it must; registration records the terms'
// version; and every page names the responsible editor.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "server/accounts/account_service.h"
#include "server/accounts/node_settings.h"
#include "server/accounts/rules_store.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/temp_dir.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using accounts::RulesDocument;
using accounts::RulesStore;
using accounts::RulesVersion;
using ::parvis::testing::BodyOf;
using ::parvis::testing::Fetch;
using ::parvis::testing::LocationOf;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

class RulesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::Store>> opened = storage::Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
  }

  RulesStore Rules() { return RulesStore(*store_, [this] { return now_; }); }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  int64_t now_ = 1000;
};

TEST_F(RulesStoreTest, VersionsAreAppendedWithTheirDates) {
  RulesStore rules = Rules();
  Result<std::optional<RulesVersion>> first = rules.Publish(RulesDocument::kRules, "Be kind.\r\nNo ads.", "root", "First rules");
  ASSERT_TRUE(first && first->has_value()) << (first ? "" : first.error().message);
  EXPECT_EQ((*first)->number, 1u);
  EXPECT_EQ((*first)->effective_at, 1000);
  EXPECT_EQ((*first)->text, "Be kind.\nNo ads.");  // line ends normalised

  // The same text (in any line ends) makes no version.
  now_ = 2000;
  Result<std::optional<RulesVersion>> same = rules.Publish(RulesDocument::kRules, "Be kind.\nNo ads.", "root", "Again");
  ASSERT_TRUE(same.has_value());
  EXPECT_FALSE(same->has_value());

  now_ = 3000;
  Result<std::optional<RulesVersion>> second = rules.Publish(RulesDocument::kRules, "Be kind.\nNo ads.\nNo spam.", "ana", "No spam");
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ((*second)->number, 2u);
  EXPECT_EQ((*second)->effective_at, 3000);

  // A clock that goes back does not date a version before the previous one.
  now_ = 2500;
  Result<std::optional<RulesVersion>> third = rules.Publish(RulesDocument::kRules, "Rule three.", "ana", "Shorter");
  ASSERT_TRUE(third && third->has_value());
  EXPECT_EQ((*third)->effective_at, 3000);

  Result<std::vector<RulesVersion>> history = rules.History(RulesDocument::kRules);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].number, 3u);
  EXPECT_EQ((*history)[2].number, 1u);
  // Old versions stay exactly as they were.
  Result<std::optional<RulesVersion>> old = rules.Find(RulesDocument::kRules, 1);
  ASSERT_TRUE(old && old->has_value());
  EXPECT_EQ((*old)->text, "Be kind.\nNo ads.");
  EXPECT_EQ((*old)->author, "root");
  EXPECT_EQ((*old)->summary, "First rules");
  EXPECT_EQ((*old)->effective_at, 1000);
  EXPECT_FALSE(rules.Find(RulesDocument::kRules, 0)->has_value());
  EXPECT_FALSE(rules.Find(RulesDocument::kRules, 4)->has_value());
  EXPECT_EQ((*rules.Current(RulesDocument::kRules))->number, 3u);
  // The two documents are apart.
  EXPECT_FALSE(rules.Current(RulesDocument::kTerms)->has_value());
  now_ = 5000;
  ASSERT_TRUE(rules.Publish(RulesDocument::kTerms, "Terms.", "root", "First terms").has_value());

  // For the transparency report: versions that took effect in [from, to).
  EXPECT_EQ(*accounts::CountRulesVersionsPublished(*store_, 0, 3000), 1u);
  EXPECT_EQ(*accounts::CountRulesVersionsPublished(*store_, 1000, 3001), 3u);
  EXPECT_EQ(*accounts::CountRulesVersionsPublished(*store_, 0, 10000), 4u);
  EXPECT_EQ(*accounts::CountRulesVersionsPublished(*store_, 5001, 10000), 0u);
}

TEST_F(RulesStoreTest, RefusesWhatIsTooLongMalformedOrHostile) {
  RulesStore rules = Rules();
  struct Case {
    const char* name;
    std::string text;
    std::string summary;
  };
  const std::string ok = "A rule.";
  const Case cases[] = {
      {"text too long", std::string(accounts::kMaxRulesTextBytes + 1, 'a'), "s"},
      {"empty text", "", "s"},
      {"blank text", " \n\t\r\n", "s"},
      {"invalid byte", "rule \xff", "s"},
      {"overlong slash", "rule \xc0\xaf", "s"},
      {"surrogate", "rule \xed\xa0\x80", "s"},
      {"truncated sequence", "rule \xe2\x82", "s"},
      {"above U+10FFFF", "rule \xf4\x90\x80\x80", "s"},
      {"NUL", std::string("rule\0x", 6), "s"},
      {"escape", "rule \x1b[31mred", "s"},
      {"C1 control", "rule \xc2\x85", "s"},
      {"DEL", "rule \x7f", "s"},
      {"empty summary", ok, ""},
      {"blank summary", ok, "   "},
      {"summary on two lines", ok, "one\ntwo"},
      {"summary too long", ok, std::string(accounts::kMaxRulesSummaryBytes + 1, 's')},
      {"summary not UTF-8", ok, "\xfe"},
  };
  for (const Case& c : cases) {
    Result<std::optional<RulesVersion>> published = rules.Publish(RulesDocument::kRules, c.text, "root", c.summary);
    ASSERT_FALSE(published.has_value()) << c.name;
    EXPECT_EQ(published.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_FALSE(published.error().message.empty()) << c.name;
  }
  EXPECT_FALSE(rules.Publish(RulesDocument::kRules, ok, std::string(accounts::kMaxRulesAuthorBytes + 1, 'a'), "s"));
  EXPECT_TRUE(rules.History(RulesDocument::kRules)->empty());
  // At the limits, and with tabs and any script: accepted.
  EXPECT_TRUE(rules.Publish(RulesDocument::kRules, std::string(accounts::kMaxRulesTextBytes, 'a'), "root",
                            std::string(accounts::kMaxRulesSummaryBytes, 's')));
  Result<std::optional<RulesVersion>> markup = rules.Publish(
      RulesDocument::kRules, "Règle\tn° 1 — 规则\n\nHi <script>alert(1)</script> **kind** [x](javascript:alert(1))", "root", "Markup");
  ASSERT_TRUE(markup && markup->has_value());
  EXPECT_THAT((*markup)->html, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT((*markup)->html, HasSubstr("<strong>kind</strong>"));
  EXPECT_THAT((*markup)->html, Not(HasSubstr("<script")));
  EXPECT_THAT((*markup)->html, Not(HasSubstr("javascript:")));
}

TEST_F(RulesStoreTest, TheRulesOfTheNodeSettingsBecomeVersionOneOnce) {
  RulesStore rules = Rules();
  EXPECT_FALSE(*rules.AdoptLegacyRules("  \n"));
  now_ = 700;
  EXPECT_TRUE(*rules.AdoptLegacyRules("Old rules.\r\nStill good."));
  now_ = 800;
  EXPECT_FALSE(*rules.AdoptLegacyRules("Old rules.\r\nStill good."));
  EXPECT_FALSE(*rules.AdoptLegacyRules("Something else."));
  Result<std::vector<RulesVersion>> history = rules.History(RulesDocument::kRules);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].text, "Old rules.\nStill good.");
  EXPECT_EQ((*history)[0].effective_at, 700);
  EXPECT_EQ((*history)[0].author, "");
  EXPECT_FALSE((*history)[0].summary.empty());
  ASSERT_TRUE(rules.Publish(RulesDocument::kRules, "New rules.", "root", "Rewritten"));
  EXPECT_EQ((*rules.Current(RulesDocument::kRules))->number, 2u);
  EXPECT_EQ((*rules.Find(RulesDocument::kRules, 1))->text, "Old rules.\nStill good.");
  // Once versions exist, the settings' text is never adopted again.
  EXPECT_FALSE(*rules.AdoptLegacyRules("Old rules."));
  EXPECT_FALSE(rules.Current(RulesDocument::kTerms)->has_value());
}

void SignIn(WebClient& browser, const std::string& name, const std::string& password) {
  browser.Get("/login");
  ASSERT_EQ(StatusOf(browser.Post("/login", {{"name", name}, {"password", password}})), 303);
}

void CreateAdmin(TestNode& node) {
  http::Response created = node.node().CallControl(
      "POST", "/control/accounts", R"({"name":"root","kind":"person","admin":true,"password":"admin passphrase"})");
  ASSERT_EQ(created.status, 201) << created.body;
}

Result<rapidjson::Document> JsonOf(const std::string& response) { return protocol::ParseJson(BodyOf(response), {}); }

TEST(RulesPagesTest, AdminsPublishVersionsAndEveryoneReadsThem) {
  TestNode node;
  CreateAdmin(node);
  node.CreateAccount("ana");
  WebClient root(node.port());
  SignIn(root, "root", "admin passphrase");
  std::string form = root.Get("/admin/rules");
  ASSERT_EQ(StatusOf(form), 200);
  EXPECT_THAT(BodyOf(form), HasSubstr("name=\"summary\""));
  EXPECT_THAT(BodyOf(root.Get("/admin")), HasSubstr("href=\"/admin/rules\""));

  std::string first = root.Post("/admin/rules", {{"document", "terms"}, {"text", "TERMS-ONE <b>x</b>"}, {"summary", "SUMMARY-ONE"}});
  ASSERT_EQ(StatusOf(first), 303) << first;
  EXPECT_EQ(LocationOf(first), "/admin/rules?published=terms#terms");
  ASSERT_EQ(StatusOf(root.Post("/admin/rules", {{"document", "terms"}, {"text", "TERMS-TWO"}, {"summary", "SUMMARY-TWO"}})), 303);
  // The same text again (line ends and trailing blank lines aside): no version.
  std::string unchanged = root.Post("/admin/rules", {{"document", "terms"}, {"text", "TERMS-TWO\r\n\r\n"}, {"summary", "again"}});
  EXPECT_EQ(LocationOf(unchanged), "/admin/rules?unchanged=terms#terms");
  EXPECT_THAT(BodyOf(root.Get("/admin/rules?unchanged=terms")), HasSubstr("nothing was published"));

  std::string page = BodyOf(Fetch(node.port(), "GET", "/about/terms?lang=en"));
  EXPECT_THAT(page, HasSubstr("TERMS-TWO"));
  EXPECT_THAT(page, Not(HasSubstr("TERMS-ONE")));
  EXPECT_THAT(page, HasSubstr("Version 2"));
  EXPECT_THAT(page, HasSubstr("SUMMARY-ONE"));
  EXPECT_THAT(page, HasSubstr("SUMMARY-TWO"));
  EXPECT_THAT(page, HasSubstr("href=\"/about/terms/v/1\""));
  EXPECT_THAT(page, HasSubstr(">root<"));
  // An old version, exactly as it was (escaped), marked as not in force.
  std::string old = Fetch(node.port(), "GET", "/about/terms/v/1?lang=en");
  ASSERT_EQ(StatusOf(old), 200);
  EXPECT_THAT(BodyOf(old), HasSubstr("TERMS-ONE &lt;b&gt;x&lt;/b&gt;"));
  EXPECT_THAT(BodyOf(old), HasSubstr("This is not the version in force."));
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/about/terms/v/2?lang=en")), Not(HasSubstr("not the version in force")));
  // Malformed numbers are 400, unknown ones 404.
  for (const char* bad : {"abc", "-1", "+1", "1.0", "0x1", "01", "000000000000000000002", "99999999999999999999999", "1%00", "%20", "1e3"}) {
    EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", std::string("/about/terms/v/") + bad)), 400) << bad;
  }
  for (const char* unknown : {"0", "3", "18446744073709551615"}) {
    EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", std::string("/about/terms/v/") + unknown)), 404) << unknown;
  }
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/about/terms/v/")), 404);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/about/rules/v/1")), 404);

  // JSON: the list, and one version with its text.
  std::string listing = Fetch(node.port(), "GET", "/about/terms?format=json");
  ASSERT_EQ(StatusOf(listing), 200);
  Result<rapidjson::Document> doc = JsonOf(listing);
  ASSERT_TRUE(doc && doc->IsObject()) << listing;
  EXPECT_EQ((*doc)["current"].GetUint64(), 2u);
  ASSERT_EQ((*doc)["versions"].Size(), 2u);
  EXPECT_EQ(std::string((*doc)["versions"][1]["summary"].GetString()), "SUMMARY-ONE");
  EXPECT_TRUE((*doc)["versions"][1]["effectiveAt"].IsInt64());
  EXPECT_FALSE((*doc)["versions"][0].HasMember("text"));
  std::string one = Fetch(node.port(), "GET", "/about/terms/v/1", "Accept: application/json\r\n");
  Result<rapidjson::Document> version = JsonOf(one);
  ASSERT_TRUE(version && version->IsObject()) << one;
  EXPECT_EQ(std::string((*version)["text"].GetString()), "TERMS-ONE <b>x</b>");
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/about/terms/v/x?format=json")), 400);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/about/terms/v/9?format=json")), 404);
  Result<rapidjson::Document> empty = JsonOf(Fetch(node.port(), "GET", "/about/rules?format=json"));
  ASSERT_TRUE(empty && empty->IsObject());
  EXPECT_TRUE((*empty)["current"].IsNull());

  // The about page links to both and shows the rules in force.
  ASSERT_EQ(StatusOf(root.Post("/admin/rules", {{"document", "rules"}, {"text", "RULES-ONE"}, {"summary", "s"}})), 303);
  std::string about = BodyOf(Fetch(node.port(), "GET", "/about"));
  EXPECT_THAT(about, HasSubstr("RULES-ONE"));
  EXPECT_THAT(about, HasSubstr("href=\"/about/terms\""));
  EXPECT_THAT(about, HasSubstr("href=\"/about/rules#versions\""));

  // Refused: too long, not UTF-8, control characters, no summary, unknown
  // document, no anti-forgery token, not an admin, not signed in.
  std::string too_long = root.Post("/admin/rules", {{"document", "rules"}, {"text", std::string(20001, 'a')}, {"summary", "s"}});
  EXPECT_EQ(StatusOf(too_long), 400);
  EXPECT_THAT(BodyOf(too_long), HasSubstr("20,000 bytes"));
  EXPECT_EQ(StatusOf(root.Post("/admin/rules", {{"document", "rules"}, {"text", "bad \xff"}, {"summary", "s"}})), 400);
  EXPECT_EQ(StatusOf(root.Post("/admin/rules", {{"document", "rules"}, {"text", "bell \x07"}, {"summary", "s"}})), 400);
  std::string no_summary = root.Post("/admin/rules", {{"document", "rules"}, {"text", "RULES-DRAFT"}, {"summary", ""}});
  EXPECT_EQ(StatusOf(no_summary), 400);
  EXPECT_THAT(BodyOf(no_summary), HasSubstr("RULES-DRAFT"));  // the draft is not lost
  EXPECT_EQ(StatusOf(root.Post("/admin/rules", {{"document", "policy"}, {"text", "x"}, {"summary", "s"}})), 400);
  EXPECT_EQ(StatusOf(root.Post("/admin/rules", {{"document", "rules"}, {"text", "FORGED"}, {"summary", "s"}}, false)), 403);
  WebClient ana(node.port());
  SignIn(ana, "ana", "password123");
  ana.Get("/home");
  EXPECT_EQ(StatusOf(ana.Get("/admin/rules")), 403);
  EXPECT_EQ(StatusOf(ana.Post("/admin/rules", {{"document", "rules"}, {"text", "ANA-RULES"}, {"summary", "s"}})), 403);
  WebClient stranger(node.port());
  stranger.Get("/about");
  std::string anonymous = stranger.Post("/admin/rules", {{"document", "rules"}, {"text", "X"}, {"summary", "s"}});
  EXPECT_EQ(StatusOf(anonymous), 303);
  EXPECT_EQ(LocationOf(anonymous), "/login");
  Result<rapidjson::Document> rules = JsonOf(Fetch(node.port(), "GET", "/about/rules?format=json"));
  ASSERT_TRUE(rules && rules->IsObject());
  EXPECT_EQ((*rules)["versions"].Size(), 1u);
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/about/rules")), Not(HasSubstr("FORGED")));
}

TEST(RulesPagesTest, TheControlRoutePublishesAndShows) {
  TestNode node;
  http::Response refused = node.node().CallControl("POST", "/control/rules", R"({"document":"rules","text":"x"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(node.node().CallControl("POST", "/control/rules", R"({"document":"other","text":"x","summary":"s"})").status, 400);
  EXPECT_EQ(node.node().CallControl("POST", "/control/rules", R"({"document":"rules","text":"\u0000","summary":"s"})").status, 400);
  http::Response published =
      node.node().CallControl("POST", "/control/rules", R"({"document":"rules","text":"CLI-RULES","summary":"From the CLI"})");
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_THAT(published.body, HasSubstr(R"("author":"operator")"));
  EXPECT_EQ(node.node().CallControl("POST", "/control/rules", R"({"document":"rules","text":"CLI-RULES","summary":"s"})").status, 200);
  http::Response shown = node.node().CallControl("GET", "/control/rules?document=rules", "");
  ASSERT_EQ(shown.status, 200);
  EXPECT_THAT(shown.body, HasSubstr(R"("text":"CLI-RULES")"));
  EXPECT_THAT(shown.body, HasSubstr("From the CLI"));
  EXPECT_EQ(node.node().CallControl("GET", "/control/rules?document=x", "").status, 400);
}

TEST(RulesPagesTest, RulesFromTheNodeSettingsAreVersionOne) {
  TestNode node;
  CreateAdmin(node);
  accounts::NodeSettings settings;
  settings.node_name = "Parvis";
  settings.rules = "LEGACY-RULES\nkept.";
  ASSERT_TRUE(accounts::SaveNodeSettings(node.node().store(), settings).has_value());
  std::string page = BodyOf(Fetch(node.port(), "GET", "/about/rules?lang=en"));
  EXPECT_THAT(page, HasSubstr("LEGACY-RULES"));
  EXPECT_THAT(page, HasSubstr("Version 1"));
  // Read again, saved from the admin settings form: still one version.
  WebClient root(node.port());
  SignIn(root, "root", "admin passphrase");
  root.Get("/admin");
  ASSERT_EQ(StatusOf(root.Post("/admin/settings", {{"node_name", "Parvis"}, {"registration", "open"}})), 303);
  Fetch(node.port(), "GET", "/about");
  RulesStore rules(node.node().store(), [] { return int64_t{0}; });
  Result<std::vector<RulesVersion>> history = rules.History(RulesDocument::kRules);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].text, "LEGACY-RULES\nkept.");
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/about")), HasSubstr("LEGACY-RULES"));
}

TEST(RulesPagesTest, RegistrationRecordsTheTermsVersionAccepted) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  ASSERT_EQ(node.node().CallControl("POST", "/control/rules", R"({"document":"terms","text":"T1","summary":"s"})").status, 201);
  ASSERT_EQ(node.node().CallControl("POST", "/control/rules", R"({"document":"terms","text":"T2","summary":"s"})").status, 201);
  WebClient ana(node.port());
  std::string form = BodyOf(ana.Get("/register"));
  EXPECT_THAT(form, HasSubstr(R"(name="terms_version" value="2")"));
  EXPECT_THAT(form, HasSubstr(R"(href="/about/terms/v/2")"));
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", "ana"}, {"kind", "person"}, {"password", "password123"}, {"password_again", "password123"}, {"rules", "on"}};
  // A form showing an older version (or none): read the new one first.
  auto with = [&](const char* version) {
    auto all = fields;
    if (version != nullptr) all.emplace_back("terms_version", version);
    return all;
  };
  EXPECT_EQ(StatusOf(ana.Post("/register", with("1"))), 409);
  EXPECT_EQ(StatusOf(ana.Post("/register", with(nullptr))), 409);
  ASSERT_EQ(StatusOf(ana.Post("/register", with("2"))), 303);
  accounts::AccountService service(node.node().store(), [] { return int64_t{0}; });
  Result<std::optional<accounts::Account>> account = service.FindByName("ana");
  ASSERT_TRUE(account && account->has_value());
  EXPECT_EQ((*account)->accepted_terms, 2u);
}

// The responsible editor is named at the foot of every page, with links to
// the rules and terms: pages of every kind, error pages included.
TEST(FooterTest, EveryPageNamesTheResponsibleEditor) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_EDITOR_NAME", "EDITOR-Jeanne Martin"},
                                                   {"PARVIS_REGISTRATION", "open"}});
  node.CreateAccount("ana");
  std::string note = testing::Publish(node, R"({"account":"ana","content":"A post"})");
  ASSERT_FALSE(note.empty());
  WebClient ana(node.port());
  SignIn(ana, "ana", "password123");
  struct Page {
    std::string target;
    int status;
    bool signed_in = false;
  };
  const Page pages[] = {
      {"/", 200},
      {"/about", 200},
      {"/about/rules", 200},
      {"/about/terms", 200},
      {"/about/rules/v/7", 404},
      {"/about/rules/v/x", 400},
      {"/login", 200},
      {"/register", 200},
      {"/@ana", 200},
      {"/@nobody", 404},
      {"/thread?id=" + WebClient::Encode(note), 200},
      {"/thread?id=" + WebClient::Encode(node.base() + "/none"), 404},
      {"/local", 200},
      {"/timelines", 200},
      {"/about/transparency", 200},
      {"/petitions", 200},
      {"/home", 200, true},
      {"/settings", 200, true},
      {"/admin", 403, true},
  };
  for (const Page& page : pages) {
    std::string response = page.signed_in ? ana.Get(page.target) : Fetch(node.port(), "GET", page.target);
    EXPECT_EQ(StatusOf(response), page.status) << page.target;
    std::string body = BodyOf(response);
    size_t footer = body.find("<footer>");
    ASSERT_NE(footer, std::string::npos) << page.target;
    EXPECT_THAT(body.substr(footer), HasSubstr("EDITOR-Jeanne Martin")) << page.target;
    EXPECT_THAT(body.substr(footer), HasSubstr("href=\"/about/rules\"")) << page.target;
  }
  // A refused form too.
  std::string refused = ana.Post("/settings/profile", {{"locale", "de"}});
  EXPECT_EQ(StatusOf(refused), 400);
  EXPECT_THAT(BodyOf(refused), HasSubstr("EDITOR-Jeanne Martin"));
}

}  // namespace
}  // namespace parvis
