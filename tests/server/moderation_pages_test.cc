// The moderation pages (issue 6): a person reports a post from its card, sees
// the report in their list; an admin filters the queue, decides with a
// reason, the post is removed and the person sees the decision; the audit
// page shows the chain holding; non-admins and forged forms are refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::LocationOf;
using ::parvis::testing::Publish;
using ::parvis::testing::Record;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

void SignIn(WebClient& browser, const std::string& name, const std::string& password) {
  browser.Get("/login");
  ASSERT_EQ(StatusOf(browser.Post("/login", {{"name", name}, {"password", password}})), 303);
}

TEST(ModerationPagesTest, AReportFromACardToADecision) {
  TestNode node({}, true);
  node.CreateAccount("ana");
  node.CreateAccount("eve");
  node.node().CallControl("POST", "/control/accounts",
                          R"({"name":"root","kind":"person","admin":true,"password":"admin passphrase"})");
  const std::string eve = node.base() + "/users/eve";
  std::string note = Publish(node, R"({"account":"eve","content":"REPORTED-post"})");
  WebClient ana(node.port());
  SignIn(ana, "ana", "password123");
  // The card offers the report link, with the author and the post.
  std::string thread = BodyOf(ana.Get("/@eve"));
  EXPECT_THAT(thread, HasSubstr("/report?target=" + WebClient::Encode(eve) + "&amp;object=" + WebClient::Encode(note)));
  std::string form = ana.Get("/report?target=" + WebClient::Encode(eve) + "&object=" + WebClient::Encode(note));
  ASSERT_EQ(StatusOf(form), 200);
  EXPECT_THAT(BodyOf(form), HasSubstr("Undisclosed commercial content"));
  // No category: the form again.
  EXPECT_EQ(StatusOf(ana.Post("/report", {{"target", eve}, {"object", note}})), 400);
  // Without the anti-forgery token: refused.
  EXPECT_EQ(StatusOf(ana.Post("/report", {{"target", eve}, {"category", "hate"}}, false)), 403);
  std::string sent = ana.Post("/report", {{"target", eve}, {"object", note}, {"category", "hate"}, {"comment", "REPORT-comment"}});
  ASSERT_EQ(StatusOf(sent), 303) << sent;
  EXPECT_EQ(LocationOf(sent), "/reports?filed=1");
  std::string mine = BodyOf(ana.Get("/reports?filed=1"));
  EXPECT_THAT(mine, HasSubstr("REPORT-comment"));
  EXPECT_THAT(mine, HasSubstr("Waiting for a moderator."));

  // Not for others than admins.
  EXPECT_EQ(StatusOf(ana.Get("/admin/reports")), 403);
  EXPECT_EQ(StatusOf(ana.Post("/admin/reports/decide", {{"report", "1"}, {"action", "dismiss"}, {"reason", "x"}})), 403);
  WebClient root(node.port());
  SignIn(root, "root", "admin passphrase");
  std::string queue = BodyOf(root.Get("/admin/reports"));
  EXPECT_THAT(queue, HasSubstr("REPORT-comment"));
  EXPECT_THAT(BodyOf(root.Get("/admin/reports?category=spam")), Not(HasSubstr("REPORT-comment")));
  EXPECT_THAT(BodyOf(root.Get("/admin/reports?origin=remote")), Not(HasSubstr("REPORT-comment")));
  EXPECT_THAT(BodyOf(root.Get("/admin/reports?category=hate&origin=local")), HasSubstr("REPORT-comment"));
  EXPECT_EQ(StatusOf(root.Post("/admin/reports/decide", {{"report", "1"}, {"action", "remove-object"}, {"reason", ""}})), 400);
  EXPECT_EQ(StatusOf(root.Post("/admin/reports/decide", {{"report", "x1"}, {"action", "dismiss"}, {"reason", "r"}})), 400);
  EXPECT_EQ(StatusOf(root.Post("/admin/reports/decide", {{"report", "1"}, {"action", "reclassify"}, {"reason", "r"}, {"sector", "shop"}})), 400);
  std::string decided = root.Post("/admin/reports/decide", {{"report", "1"}, {"action", "remove-object"}, {"reason", "DECISION-reason"}});
  ASSERT_EQ(StatusOf(decided), 303) << decided;
  EXPECT_THAT(Record(node, note), Not(HasSubstr("\"deleted\":0")));
  EXPECT_EQ(StatusOf(root.Post("/admin/reports/decide", {{"report", "1"}, {"action", "dismiss"}, {"reason", "again"}})), 409);
  EXPECT_THAT(BodyOf(root.Get("/admin/reports")), Not(HasSubstr("REPORT-comment")));
  EXPECT_THAT(BodyOf(root.Get("/admin/reports?status=decided")), HasSubstr("DECISION-reason"));
  std::string audit = BodyOf(root.Get("/admin/reports/audit"));
  EXPECT_THAT(audit, HasSubstr("no entry was changed or removed"));
  EXPECT_THAT(audit, HasSubstr("DECISION-reason"));
  EXPECT_THAT(BodyOf(ana.Get("/reports")), HasSubstr("DECISION-reason"));
  // The transparency report counts what happened: one local report about
  // hate, one post removed, two home pages read in the default order and
  // one in the digest's; public, as HTML and JSON.
  ana.Get("/home");
  ana.Get("/home");
  ana.Get("/home?order=digest");
  WebClient visitor(node.port());
  std::string report = visitor.Get("/about/transparency?format=json");
  ASSERT_EQ(StatusOf(report), 200);
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("received":1,"byCategory":{"illegal":{"local":0,"remote":0},"harassment":{"local":0,"remote":0},"hate":{"local":1,"remote":0})"));
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("decisions":{"total":1,"byAction":{"remove-object":1})"));
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("openAtEnd":0)"));
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("homePagesServed":{"chronological":2,"digest":1})"));
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("appeals":{"filed":0,"granted":0,"rejected":0,"openAtEnd":0})"));
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("amplificationLabels":{"issued":0)"));
  EXPECT_THAT(BodyOf(report), HasSubstr(R"("resources":{"cpuSeconds":)"));
  std::string page = BodyOf(visitor.Get("/about/transparency"));
  EXPECT_THAT(page, HasSubstr("Remove the post</th><td>1</td>"));
  EXPECT_THAT(page, HasSubstr("href=\"/about/transparency\""));
  // A period before anything happened counts nothing; bad periods are refused.
  EXPECT_THAT(BodyOf(visitor.Get("/about/transparency?from=2020-01-01&to=2020-12-31&format=json")),
              HasSubstr(R"("received":0)"));
  for (const char* bad : {"from=2021-01-01&to=2020-01-01", "from=yesterday", "from=2000-01-01&to=2020-01-01",
                          "to=2020-13-45"}) {
    EXPECT_EQ(StatusOf(visitor.Get(std::string("/about/transparency?") + bad)), 400) << bad;
    EXPECT_EQ(StatusOf(visitor.Get(std::string("/about/transparency?format=json&") + bad)), 400) << bad;
  }
  // French too.
  EXPECT_THAT(BodyOf(ana.Get("/reports?lang=fr")), HasSubstr("Retirer la publication"));
}

}  // namespace
}  // namespace parvis
