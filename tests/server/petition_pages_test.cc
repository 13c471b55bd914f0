// Petition pages, driven like a browser without JavaScript: an association
// starts a petition from the form, people sign it here and from another
// node, the organiser answers and exports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "support/eventually.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::LocationOf;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

void LogIn(WebClient& browser, const std::string& name) {
  browser.Get("/login");
  ASSERT_EQ(StatusOf(browser.Post("/login", {{"name", name}, {"password", "password123"}})), 303);
}

std::string InAYear() {
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  return protocol::FormatRfc3339Utc(now + 365 * 86400).substr(0, 10);
}

TEST(PetitionPagesTest, StartSignAnswerAndExportFromTheSite) {
  TestNode a({}, /*federating=*/true), b({}, /*federating=*/true);
  a.CreateAccount("assoc", "organization");
  a.CreateAccount("alix");
  b.CreateAccount("bea");
  WebClient assoc(a.port()), alix(a.port()), bea(b.port());
  LogIn(assoc, "assoc");
  LogIn(alix, "alix");
  LogIn(bea, "bea");

  // A person cannot start one; the association can.
  EXPECT_EQ(StatusOf(alix.Get("/petitions/new")), 403);
  EXPECT_THAT(BodyOf(assoc.Get("/petitions/new")), HasSubstr("name=\"threshold\""));
  std::string refused = assoc.Post("/petitions/new", {{"title", "Bancs"}, {"addressee", "Mairie"},
                                                       {"text", "Des bancs"}, {"threshold", "many"},
                                                       {"deadline", InAYear()}, {"open", "on"}});
  EXPECT_EQ(StatusOf(refused), 400);
  EXPECT_THAT(BodyOf(refused), HasSubstr("whole number"));
  EXPECT_THAT(BodyOf(refused), HasSubstr("value=\"Bancs\""));  // the form comes back filled
  refused = assoc.Post("/petitions/new", {{"title", "Bancs"}, {"addressee", "Mairie"}, {"text", "Des bancs"},
                                          {"threshold", "2"}, {"deadline", "2001-01-01"}, {"open", "on"}});
  EXPECT_EQ(StatusOf(refused), 400);
  std::string created = assoc.Post("/petitions/new", {{"title", "Des bancs au parc"},
                                                      {"addressee", "Mairie <du> 3e"},
                                                      {"text", "Nous demandons **des bancs**."},
                                                      {"threshold", "2"},
                                                      {"deadline", InAYear()},
                                                      {"shows_names", "on"},
                                                      {"open", "on"}});
  ASSERT_EQ(StatusOf(created), 303) << BodyOf(created);
  std::string path = LocationOf(created);
  EXPECT_EQ(path, "/petitions/1");
  std::string id = a.base() + path;

  std::string page = BodyOf(alix.Get(path));
  EXPECT_THAT(page, HasSubstr("Des bancs au parc"));
  EXPECT_THAT(page, HasSubstr("Mairie &lt;du&gt; 3e"));
  EXPECT_THAT(page, HasSubstr("<strong>des bancs</strong>"));
  EXPECT_THAT(page, HasSubstr("<progress max=\"2\" value=\"0\""));
  EXPECT_THAT(BodyOf(alix.Get("/petitions")), HasSubstr("Des bancs au parc"));
  // Servers asking for JSON get the Article at the same address.
  EXPECT_THAT(BodyOf(alix.Get(path, "Accept: application/activity+json\r\n")), HasSubstr("\"type\":\"Article\""));

  // alix signs anonymously; the page shows the receipt and no second form.
  std::string signed_here = alix.Post("/petitions/sign", {{"petition", id}, {"anonymous", "on"}});
  ASSERT_EQ(StatusOf(signed_here), 303) << BodyOf(signed_here);
  page = BodyOf(alix.Get(path));
  EXPECT_THAT(page, HasSubstr("1 / 2"));
  EXPECT_THAT(page, HasSubstr("receipt #0"));
  EXPECT_THAT(page, Not(HasSubstr("action=\"/petitions/sign\"")));
  EXPECT_THAT(page, HasSubstr("action=\"/petitions/unsign\""));
  // Without the anti-forgery token: refused.
  EXPECT_EQ(StatusOf(alix.Post("/petitions/unsign", {{"petition", id}}, /*with_csrf=*/false)), 403);

  // bea, on node B, opens the petition from its URL and signs by name.
  std::string remote = "/petitions/remote?id=" + WebClient::Encode(id);
  EXPECT_THAT(BodyOf(bea.Get(remote)), HasSubstr("Des bancs au parc"));
  ASSERT_EQ(StatusOf(bea.Post("/petitions/sign", {{"petition", id}})), 303);
  EXPECT_TRUE(Eventually([&] { return BodyOf(bea.Get(remote)).find("receipt #1") != std::string::npos; }));
  EXPECT_THAT(BodyOf(bea.Get("/petitions")), HasSubstr("Petitions you signed"));
  page = BodyOf(assoc.Get(path));
  EXPECT_THAT(page, HasSubstr("2 / 2"));
  EXPECT_THAT(page, HasSubstr("Successful"));

  // The organiser exports: bea by name, alix anonymous.
  std::string csv = assoc.Get(path + "/export?format=csv");
  EXPECT_EQ(StatusOf(csv), 200);
  EXPECT_THAT(BodyOf(csv), HasSubstr(b.base() + "/users/bea"));
  EXPECT_THAT(BodyOf(csv), HasSubstr("\"anonymous\""));
  EXPECT_THAT(BodyOf(csv), Not(HasSubstr("alix")));
  EXPECT_EQ(StatusOf(alix.Get(path + "/export?format=csv")), 404);  // not the organiser
  // The organiser was told of the milestones.
  std::string notes = BodyOf(assoc.Get("/notifications"));
  EXPECT_THAT(notes, HasSubstr("Your petition reached 33 %"));
  EXPECT_THAT(notes, HasSubstr("Your petition reached 100 %"));

  // The answer: shown on the page, alix notified, bea's node told.
  std::string answered = assoc.Post("/petitions/manage", {{"id", id}, {"action", "answer"}, {"text", "Les bancs arrivent en mai."}});
  ASSERT_EQ(StatusOf(answered), 303) << BodyOf(answered);
  EXPECT_THAT(BodyOf(alix.Get(path)), HasSubstr("Les bancs arrivent en mai."));
  EXPECT_THAT(BodyOf(alix.Get("/notifications")), HasSubstr("A petition you signed was answered"));
  EXPECT_TRUE(Eventually([&] {
    return BodyOf(bea.Get(remote)).find("Les bancs arrivent en mai.") != std::string::npos;
  }));
  // Someone else cannot manage it; unknown actions are refused.
  EXPECT_EQ(StatusOf(alix.Post("/petitions/manage", {{"id", id}, {"action", "withdraw"}})), 404);
  EXPECT_EQ(StatusOf(assoc.Post("/petitions/manage", {{"id", id}, {"action", "explode"}})), 400);
  EXPECT_EQ(StatusOf(alix.Get("/petitions/999")), 404);
  EXPECT_EQ(StatusOf(alix.Get("/petitions/remote?id=javascript:alert(1)")), 404);
}

}  // namespace
}  // namespace parvis
