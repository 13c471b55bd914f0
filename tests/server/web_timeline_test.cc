// Timelines, threads and posting through the pages over real HTTP: what
// each reader may see, paging, hostile remote HTML shown sanitised.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/eventually.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Eventually;
using ::parvis::testing::Fetch;
using ::parvis::testing::LocationOf;
using ::parvis::testing::PeerActor;
using ::parvis::testing::RawConnection;
using ::parvis::testing::RemotePeer;
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

std::string Publish(WebClient& browser, const std::string& text, const std::string& visibility = "public",
                    const std::string& reply_to = "") {
  browser.Get("/home");
  return browser.Post("/statuses", {{"text", text}, {"visibility", visibility}, {"in_reply_to", reply_to}});
}

TEST(WebTimelineTest, EachReaderSeesWhatTheyMay) {
  TestNode node(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  WebClient ana(node.port()), ben(node.port());
  SignUp(ana, "ana");
  SignUp(ben, "ben");
  ASSERT_EQ(LocationOf(Publish(ana, "Réunion **publique** mardi #quartier")), "/home");
  ASSERT_EQ(StatusOf(Publish(ana, "Pour mes abonnés seulement", "followers")), 303);
  ASSERT_EQ(StatusOf(Publish(ana, "Salut @ben, en privé", "direct")), 303);
  std::string local = BodyOf(Fetch(node.port(), "GET", "/local"));
  EXPECT_THAT(local, HasSubstr("<strong>publique</strong>"));
  EXPECT_THAT(local, HasSubstr("class=\"mention hashtag\""));
  EXPECT_THAT(local, Not(HasSubstr("abonnés seulement")));
  EXPECT_THAT(local, Not(HasSubstr("en privé")));
  // ana sees all three at home; ben, mentioned, gets the direct one.
  std::string home = BodyOf(ana.Get("/home"));
  EXPECT_THAT(home, HasSubstr("abonnés seulement"));
  EXPECT_THAT(home, HasSubstr("en privé"));
  std::string ben_home = BodyOf(ben.Get("/home"));
  EXPECT_THAT(ben_home, HasSubstr("en privé"));
  EXPECT_THAT(ben_home, HasSubstr("h-card"));
  // The direct post's thread: ben yes, an anonymous visitor no.
  std::string id = node.base() + "/users/ana/statuses/3";
  std::string thread = "/thread?id=" + WebClient::Encode(id);
  EXPECT_THAT(BodyOf(ben.Get(thread)), HasSubstr("en privé"));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", thread)), 404);
  // The profile lists public and followers-only posts to their author, not
  // to others; never the direct one.
  EXPECT_THAT(BodyOf(ana.Get("/@ana")), HasSubstr("abonnés seulement"));
  std::string seen_by_ben = BodyOf(ben.Get("/@ana"));
  EXPECT_THAT(seen_by_ben, HasSubstr("publique"));
  EXPECT_THAT(seen_by_ben, Not(HasSubstr("abonnés seulement")));
  EXPECT_THAT(seen_by_ben, Not(HasSubstr("en privé")));
  // Pages that need an account send visitors to the login form.
  for (const char* page : {"/home", "/settings", "/notifications", "/admin"}) {
    EXPECT_EQ(LocationOf(Fetch(node.port(), "GET", page)), "/login") << page;
  }
}

TEST(WebTimelineTest, RepliesFormAThreadAndBadPostsAreRefused) {
  TestNode node(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  WebClient ana(node.port()), ben(node.port());
  SignUp(ana, "ana");
  SignUp(ben, "ben");
  Publish(ana, "Question du jour");
  std::string root = node.base() + "/users/ana/statuses/1";
  std::string replied = Publish(ben, "Ma réponse", "public", root);
  ASSERT_EQ(StatusOf(replied), 303) << replied;
  EXPECT_EQ(LocationOf(replied), "/thread?id=" + WebClient::Encode(root));
  std::string thread = BodyOf(ana.Get(LocationOf(replied)));
  EXPECT_THAT(thread, HasSubstr("Question du jour"));
  EXPECT_THAT(thread, HasSubstr("Ma réponse"));
  // The reply's own thread shows its parent above it.
  std::string child = BodyOf(ana.Get("/thread?id=" + WebClient::Encode(node.base() + "/users/ben/statuses/2")));
  EXPECT_LT(child.find("Question du jour"), child.find("Ma réponse"));
  // ana hears of it.
  EXPECT_THAT(BodyOf(ana.Get("/notifications")), Not(HasSubstr("Nothing new")));

  // Only the author sees the delete button, and only the author can delete.
  std::string reply_id = node.base() + "/users/ben/statuses/2";
  EXPECT_THAT(BodyOf(ben.Get("/home")), HasSubstr("action=\"/statuses/delete\""));
  EXPECT_EQ(StatusOf(ana.Post("/statuses/delete", {{"id", reply_id}})), 404);
  EXPECT_EQ(StatusOf(ben.Post("/statuses/delete", {{"id", reply_id}}, false)), 403);
  ASSERT_EQ(StatusOf(ben.Post("/statuses/delete", {{"id", reply_id}})), 303);
  EXPECT_THAT(BodyOf(ana.Get("/thread?id=" + WebClient::Encode(root))), Not(HasSubstr("Ma réponse")));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/users/ben/statuses/2", "Accept: application/activity+json\r\n")), 410);

  EXPECT_EQ(StatusOf(Publish(ana, "")), 400);
  EXPECT_EQ(StatusOf(Publish(ana, std::string(5001, 'x'))), 400);
  EXPECT_EQ(StatusOf(Publish(ana, "x", "secret")), 400);
  EXPECT_EQ(StatusOf(Publish(ana, "x", "public", node.base() + "/users/ana/statuses/99")), 400);
  EXPECT_EQ(StatusOf(Publish(ana, "à personne", "direct")), 400);
  // The reasons are said in the reader's language.
  ana.Get("/settings");
  ana.Post("/settings/profile", {{"locale", "fr"}});
  EXPECT_THAT(BodyOf(Publish(ana, "à personne", "direct")), HasSubstr("doit mentionner au moins un compte"));
  EXPECT_THAT(BodyOf(Publish(ana, "")), HasSubstr("de 1 à 5000 caractères"));
  EXPECT_THAT(BodyOf(Publish(ana, "x", "public", node.base() + "/users/ana/statuses/99")),
              HasSubstr("existe pas ici"));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/thread?id=nothing")), 404);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/thread")), 404);
}

TEST(WebTimelineTest, TimelinesArePaged) {
  TestNode node(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  WebClient ana(node.port());
  SignUp(ana, "ana");
  for (int i = 1; i <= 25; ++i) ASSERT_EQ(StatusOf(Publish(ana, "billet " + std::to_string(i) + " fin")), 303);
  std::string first = BodyOf(Fetch(node.port(), "GET", "/local"));
  EXPECT_THAT(first, HasSubstr("billet 25 fin"));
  EXPECT_THAT(first, HasSubstr("billet 6 fin"));
  EXPECT_THAT(first, Not(HasSubstr("billet 5 fin")));
  size_t at = first.find("/local?before=");
  ASSERT_NE(at, std::string::npos);
  std::string next = first.substr(at, first.find('"', at) - at);
  std::string second = BodyOf(Fetch(node.port(), "GET", next));
  EXPECT_THAT(second, HasSubstr("billet 5 fin"));
  EXPECT_THAT(second, HasSubstr("billet 1 fin"));
  EXPECT_THAT(second, Not(HasSubstr("billet 6 fin")));
  EXPECT_THAT(second, Not(HasSubstr("?before=")));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/local?before=abc")), 200);
  std::string profile = BodyOf(ana.Get("/@ana"));
  EXPECT_THAT(profile, HasSubstr("<dd>25</dd>"));
  EXPECT_THAT(profile, HasSubstr("/@ana?before="));
}

TEST(WebTimelineTest, HostileRemoteHtmlIsShownSanitised) {
  RemotePeer peer;
  PeerActor mallory = peer.AddActor("mallory");
  TestNode node(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  std::string note = mallory.id + "/notes/1";
  std::string content =
      R"(<p>Bonjour<script>alert(1)</script><img src=x onerror=alert(2)>)"
      R"(<a href=\"javascript:alert(3)\">lien</a><a href=\"https://ok.example/\" onclick=\"x()\">ok</a></p>)";
  std::string create = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + note +
                       R"(#create","type":"Create","actor":")" + mallory.id +
                       R"(","to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":")" + note +
                       R"(","type":"Note","attributedTo":")" + mallory.id + R"(","content":")" + content +
                       R"(","to":["https://www.w3.org/ns/activitystreams#Public"]}})";
  RawConnection connection(node.port());
  connection.Send(RemotePeer::SignedPost(mallory, node.port(), "/inbox", create));
  ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  std::string federated;
  ASSERT_TRUE(Eventually([&] {
    federated = BodyOf(Fetch(node.port(), "GET", "/federated"));
    return federated.find("Bonjour") != std::string::npos;
  }));
  EXPECT_THAT(federated, Not(HasSubstr("<script")));
  EXPECT_THAT(federated, Not(HasSubstr("onerror")));
  EXPECT_THAT(federated, Not(HasSubstr("onclick")));
  EXPECT_THAT(federated, Not(HasSubstr("javascript:")));
  EXPECT_THAT(federated, HasSubstr(R"(<a href="https://ok.example/" rel="nofollow noopener noreferrer ugc")"));
  std::string headers = Fetch(node.port(), "GET", "/federated");
  EXPECT_THAT(headers, HasSubstr("script-src 'self'"));
  EXPECT_THAT(headers, Not(HasSubstr("unsafe-inline")));
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

TEST(WebSearchTest, AccountsHashtagsAndHandlesAreFound) {
  TestNode a(Settings{{"PARVIS_REGISTRATION", "open"}}, true), b(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  WebClient ana(a.port()), anatole(a.port()), ben(b.port());
  SignUp(ana, "ana");
  SignUp(anatole, "anatole");
  SignUp(ben, "ben");
  Publish(ana, "Budget #Climat et #climatologie");
  std::string found = BodyOf(Fetch(a.port(), "GET", "/search?q=ana"));
  EXPECT_THAT(found, HasSubstr("href=\"/@ana\""));
  EXPECT_THAT(found, HasSubstr("href=\"/@anatole\""));
  std::string tags = BodyOf(Fetch(a.port(), "GET", "/search?q=%23clim"));
  EXPECT_THAT(tags, HasSubstr("/tags/climat\""));
  EXPECT_THAT(tags, HasSubstr("/tags/climatologie\""));
  std::string tag_page = BodyOf(Fetch(a.port(), "GET", "/tags/CLIMAT"));
  EXPECT_THAT(tag_page, HasSubstr("Budget"));
  EXPECT_EQ(StatusOf(Fetch(a.port(), "GET", "/tags/%3Cscript%3E")), 404);
  EXPECT_THAT(BodyOf(Fetch(a.port(), "GET", "/search?q=zzz")), HasSubstr("Nothing found"));
  EXPECT_THAT(BodyOf(Fetch(a.port(), "GET", "/search?q=%3Cscript%3E")), Not(HasSubstr("<script>")));
  // A handle elsewhere is looked up, with a page to follow it from.
  std::string handle = "@ben@127.0.0.1:" + std::to_string(b.port());
  std::string remote = BodyOf(ana.Get("/search?q=" + WebClient::Encode(handle)));
  size_t at = remote.find("/remote?id=");
  ASSERT_NE(at, std::string::npos) << remote;
  std::string profile_path = remote.substr(at, remote.find('"', at) - at);
  std::string profile = BodyOf(ana.Get(profile_path));
  EXPECT_THAT(profile, HasSubstr("@ben@127.0.0.1"));
  std::string followed = ana.Post("/follow", {{"handle", b.base() + "/users/ben"}});
  EXPECT_EQ(StatusOf(followed), 303) << followed;
  EXPECT_TRUE(Eventually([&] { return BodyOf(ana.Get(profile_path)).find("You follow") != std::string::npos; }));
  ASSERT_EQ(StatusOf(ana.Post("/unfollow", {{"actor", b.base() + "/users/ben"}})), 303);
  EXPECT_THAT(BodyOf(ana.Get(profile_path)), HasSubstr(">Follow<"));
  EXPECT_EQ(StatusOf(ana.Get("/remote?id=javascript:alert(1)")), 404);
}

TEST(WebSearchTest, FollowRequestsWaitForTheAnswer) {
  TestNode a(Settings{{"PARVIS_REGISTRATION", "open"}}, true), b(Settings{{"PARVIS_REGISTRATION", "open"}}, true);
  WebClient ana(a.port()), ben(b.port());
  SignUp(ana, "ana");
  SignUp(ben, "ben");
  ben.Get("/settings");
  ASSERT_EQ(StatusOf(ben.Post("/settings/profile", {{"manual", "on"}})), 303);
  ana.Get("/home");
  ASSERT_EQ(StatusOf(ana.Post("/follow", {{"handle", "@ben@127.0.0.1:" + std::to_string(b.port())}})), 303);
  std::string requests;
  ASSERT_TRUE(Eventually([&] {
    requests = BodyOf(ben.Get("/follow-requests"));
    return requests.find("/users/ana") != std::string::npos;
  }));
  EXPECT_EQ(StatusOf(ben.Post("/follow-requests", {{"actor", "https://nobody.example/u"}, {"accept", "1"}})), 404);
  ASSERT_EQ(StatusOf(ben.Post("/follow-requests", {{"actor", a.base() + "/users/ana"}, {"accept", "1"}})), 303);
  EXPECT_THAT(BodyOf(ben.Get("/follow-requests")), HasSubstr("No one is waiting"));
  // Accepted: ben's posts reach ana's home timeline.
  std::string profile = "/remote?id=" + WebClient::Encode(b.base() + "/users/ben");
  ASSERT_TRUE(Eventually([&] { return BodyOf(ana.Get(profile)).find("You follow") != std::string::npos; }));
  Publish(ben, "Pour mes abonnés", "followers");
  EXPECT_TRUE(Eventually([&] { return BodyOf(ana.Get("/home")).find("Pour mes abonnés") != std::string::npos; }));
  // ben's profile on ana's node lists it for her, not for a visitor.
  EXPECT_THAT(BodyOf(ana.Get(profile)), HasSubstr("Pour mes abonnés"));
  EXPECT_THAT(BodyOf(Fetch(a.port(), "GET", profile)), Not(HasSubstr("Pour mes abonnés")));
}

}  // namespace
}  // namespace parvis
