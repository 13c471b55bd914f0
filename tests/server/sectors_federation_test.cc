// Civil society and commercial posts across three real nodes: a business's
// post boosted by an association stays labelled, lives in the commercial
// stream and stays out of civic timelines unless the reader opted in; a
// moderator's reclassification is logged and takes effect.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
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
using ::parvis::testing::LocationOf;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

using Settings = std::map<std::string, std::string>;

constexpr char kActivityJson[] = "Accept: application/activity+json\r\n";

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

// The "sector" member of the actor document at `path`.
std::string PublishedSector(TestNode& node, const std::string& path, const char* member = "sector") {
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(node.Get(path, kActivityJson)), {});
  return doc && doc->IsObject() ? protocol::StringMember(*doc, member).value_or("(none)") : "(not JSON)";
}

std::string SectorOf(TestNode& node, const std::string& actor) {
  http::Response response =
      node.node().CallControl("GET", "/control/sector?actor=" + WebClient::Encode(actor), "");
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  return doc && doc->IsObject() ? protocol::StringMember(*doc, "sector").value_or("") : response.body;
}

TEST(SectorsFederationTest, BoostedCommercialPostStaysLabelledAndOutOfCivicTimelines) {
  TestNode a({}, true), b({}, true), c(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  a.CreateAccount("boutique", "commercial");
  b.CreateAccount("asso", "organization");
  // Each node publishes the sector of its accounts.
  EXPECT_EQ(PublishedSector(a, "/users/boutique"), "commercial");
  EXPECT_EQ(PublishedSector(b, "/users/asso"), "civic");

  WebClient carol(c.port()), dana(c.port());
  SignUp(carol, "carol");
  SignUp(dana, "dana");
  // dana lets commercial posts into her timelines; carol keeps the default.
  dana.Get("/settings");
  ASSERT_EQ(LocationOf(dana.Post("/settings/timelines", {{"show_commercial", "on"}})), "/settings?saved=1");
  EXPECT_THAT(BodyOf(dana.Get("/settings")), HasSubstr("name=\"show_commercial\" aria-describedby=\"show-commercial-help\" checked"));
  // A value that is not a checkbox's is refused.
  EXPECT_EQ(StatusOf(carol.Post("/settings/timelines", {{"show_commercial", "maybe"}})), 400);

  Follow(b, "asso", a.Handle("boutique"));
  Follow(c, "carol", b.Handle("asso"));
  Follow(c, "dana", b.Handle("asso"));
  ASSERT_TRUE(Eventually([&] { return Accepted(b, "asso", 3); }));

  std::string offer = Publish(a, R"({"account":"boutique","content":"Soldes : -50 % sur tout"})");
  ASSERT_TRUE(Eventually([&] { return Record(b, offer).find("Soldes") != std::string::npos; }));
  http::Response boosted = b.node().CallControl(
      "POST", "/control/react", R"({"account":"asso","object":")" + offer + R"(","type":"Announce"})");
  ASSERT_EQ(boosted.status, 202) << boosted.body;
  std::string civic_note = Publish(b, R"({"account":"asso","content":"Assemblée générale jeudi"})");

  // On C, where neither author lives: the boost arrived for both readers.
  ASSERT_TRUE(Eventually([&] { return Record(c, offer).find("Soldes") != std::string::npos; }));
  ASSERT_TRUE(Eventually([&] { return BodyOf(dana.Get("/home")).find("Soldes") != std::string::npos; }));
  ASSERT_TRUE(Eventually([&] {
    return BodyOf(carol.Get("/home")).find("Assemblée générale") != std::string::npos;
  }));
  EXPECT_EQ(SectorOf(c, a.base() + "/users/boutique"), "commercial");

  // carol (default): the civic post, not the boosted commercial one.
  std::string carol_home = BodyOf(carol.Get("/home"));
  EXPECT_THAT(carol_home, Not(HasSubstr("Soldes")));
  EXPECT_THAT(carol_home, HasSubstr("href=\"/commercial\""));
  for (const char* page : {"/local", "/federated"}) {
    EXPECT_THAT(BodyOf(carol.Get(page)), Not(HasSubstr("Soldes"))) << page;
  }
  // dana (opted in): the boost, labelled, with who boosted it.
  std::string card = CardWith(BodyOf(dana.Get("/home")), "Soldes");
  EXPECT_THAT(card, HasSubstr("class=\"sector sector-commercial\">Commercial<"));
  EXPECT_THAT(card, HasSubstr("class=\"boost\""));
  EXPECT_THAT(CardWith(BodyOf(dana.Get("/home")), "Assemblée"), Not(HasSubstr("sector-commercial")));
  // The commercial stream, for anyone, labelled; the civic post is not in it.
  std::string stream = BodyOf(c.Get("/commercial"));
  EXPECT_THAT(CardWith(stream, "Soldes"), HasSubstr("sector-commercial"));
  EXPECT_THAT(stream, Not(HasSubstr("Assemblée")));
  // The thread page labels it too, in French as well.
  std::string thread = "/thread?id=" + WebClient::Encode(offer);
  EXPECT_THAT(BodyOf(carol.Get(thread)), HasSubstr("sector-commercial\">Commercial<"));
  EXPECT_THAT(BodyOf(c.Get(thread + "&lang=fr")), HasSubstr("sector-commercial\">Commercial<"));

  // A moderator of C reclassifies the association: logged, and at once its
  // posts leave carol's timeline for the commercial stream.
  http::Response refused = c.node().CallControl(
      "POST", "/control/sector", R"({"actor":")" + b.base() + R"(/users/asso","sector":"commercial"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("reason"));
  refused = c.node().CallControl("POST", "/control/sector",
                                 R"({"actor":")" + b.base() +
                                     R"(/users/asso","sector":"business","reason":"x"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("civic or commercial"));
  http::Response changed = c.node().CallControl(
      "POST", "/control/sector",
      R"({"actor":")" + b.base() + R"(/users/asso","sector":"commercial","reason":"sponsored posts","moderator":"eve"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_THAT(changed.body, HasSubstr(R"("old":"civic","new":"commercial")"));
  EXPECT_EQ(SectorOf(c, b.base() + "/users/asso"), "commercial");
  EXPECT_THAT(BodyOf(carol.Get("/home")), Not(HasSubstr("Assemblée générale")));
  EXPECT_THAT(CardWith(BodyOf(c.Get("/commercial")), "Assemblée générale"), HasSubstr("sector-commercial"));
  std::string log = c.node().CallControl("GET", "/control/sector/log", "").body;
  EXPECT_THAT(log, HasSubstr(R"("moderator":"eve")"));
  EXPECT_THAT(log, HasSubstr(R"("reason":"sponsored posts")"));
  // Only C decided so: B still publishes asso as civic.
  EXPECT_EQ(PublishedSector(b, "/users/asso"), "civic");
}

TEST(SectorsFederationTest, AdminReclassifiesFromThePageAndTheRuleIsPublished) {
  TestNode node(Settings{{"PARVIS_REGISTRATION", "open"},
                         {"PARVIS_CIVIC_COMMERCIAL_DOMAINS", "shops.example"}},
                true);
  node.CreateAccount("mairie", "public_body");
  http::Response admin = node.node().CallControl(
      "POST", "/control/accounts", R"({"name":"modo","kind":"person","admin":true,"password":"password123"})");
  ASSERT_EQ(admin.status, 201) << admin.body;
  // A public body is a civic Organization.
  EXPECT_EQ(PublishedSector(node, "/users/mairie", "type"), "Organization");
  EXPECT_EQ(PublishedSector(node, "/users/mairie"), "civic");
  // An unknown kind is refused with the list of kinds.
  http::Response bad = node.node().CallControl(
      "POST", "/control/accounts", R"({"name":"x","kind":"ngo","password":"password123"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("public_body"));

  WebClient modo(node.port());
  modo.Get("/login");
  ASSERT_EQ(StatusOf(modo.Post("/login", {{"name", "modo"}, {"password", "password123"}})), 303);
  modo.Get("/admin");
  // Bad input: clear errors, the form filled again, nothing logged.
  std::string page = modo.Post("/admin/sector", {{"actor", "mairie"}, {"sector", "commercial"}, {"reason", " "}});
  EXPECT_EQ(StatusOf(page), 400);
  EXPECT_THAT(BodyOf(page), HasSubstr("Say why"));
  page = modo.Post("/admin/sector", {{"actor", "nobody"}, {"sector", "commercial"}, {"reason", "ads"}});
  EXPECT_EQ(StatusOf(page), 404);
  EXPECT_THAT(BodyOf(page), HasSubstr("No account matches"));
  EXPECT_THAT(BodyOf(page), HasSubstr("value=\"nobody\""));
  page = modo.Post("/admin/sector", {{"actor", "mairie"}, {"sector", "other"}, {"reason", "ads"}});
  EXPECT_EQ(StatusOf(page), 400);
  EXPECT_THAT(BodyOf(page), HasSubstr("No account has been reclassified."));
  // The change itself, then in the log with the moderator's name.
  page = modo.Post("/admin/sector",
                   {{"actor", "@mairie"}, {"sector", "commercial"}, {"reason", "publicité déguisée"}});
  ASSERT_EQ(LocationOf(page), "/admin?reclassified=1") << page;
  std::string admin_page = BodyOf(modo.Get("/admin?reclassified=1"));
  EXPECT_THAT(admin_page, HasSubstr("publicité déguisée"));
  EXPECT_THAT(admin_page, HasSubstr("<td>modo</td>"));
  EXPECT_THAT(admin_page, HasSubstr("Civic → Commercial"));
  // It takes effect on the published actor and the profile.
  EXPECT_EQ(PublishedSector(node, "/users/mairie"), "commercial");
  EXPECT_THAT(BodyOf(node.Get("/@mairie")), HasSubstr("sector-commercial"));
  // Not an admin: refused.
  WebClient visitor(node.port());
  SignUp(visitor, "ana");
  visitor.Get("/home");
  EXPECT_EQ(StatusOf(visitor.Post("/admin/sector", {{"actor", "ana"}, {"sector", "commercial"}, {"reason", "x"}})),
            403);

  // The rule, on the about page and in NodeInfo, with the domain policy.
  std::string about = BodyOf(node.Get("/about"));
  EXPECT_THAT(about, HasSubstr("Civil society and commercial posts"));
  EXPECT_THAT(about, HasSubstr("shops.example"));
  EXPECT_THAT(BodyOf(node.Get("/about?lang=fr")), HasSubstr("Société civile et publications commerciales"));
  Result<rapidjson::Document> info = protocol::ParseJson(BodyOf(node.Get("/nodeinfo/2.1")), {});
  ASSERT_TRUE(info && info->IsObject());
  const rapidjson::Value& sectors = (*info)["metadata"]["sectors"];
  EXPECT_FALSE(sectors["commercialInCivicTimelines"].GetBool());
  EXPECT_TRUE(sectors["commercialLabelled"].GetBool());
  EXPECT_STREQ(sectors["commercialDomains"][0].GetString(), "shops.example");
  // The register form offers the public body.
  EXPECT_THAT(BodyOf(WebClient(node.port()).Get("/register")), HasSubstr("value=\"public_body\""));
}

}  // namespace
}  // namespace parvis
