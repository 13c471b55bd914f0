// Accounts through the web pages over real HTTP: registration in each mode,
// sessions (no fixation, logout, password change), the anti-forgery check
// on every form, rate limits, malformed forms, languages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/raw_http.h"
#include "support/test_node.h"
#include "support/web_client.h"

namespace parvis {
namespace {

using ::parvis::testing::BodyOf;
using ::parvis::testing::Fetch;
using ::parvis::testing::LocationOf;
using ::parvis::testing::StatusOf;
using ::parvis::testing::TestNode;
using ::parvis::testing::WebClient;
using ::testing::HasSubstr;
using ::testing::Not;

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields Registration(const std::string& name, const std::string& extra_key = "",
                    const std::string& extra_value = "") {
  Fields fields = {{"name", name},
                   {"kind", "person"},
                   {"password", "a long passphrase"},
                   {"password_again", "a long passphrase"},
                   {"rules", "on"}};
  if (!extra_key.empty()) fields.emplace_back(extra_key, extra_value);
  return fields;
}

std::string Register(WebClient& browser, const std::string& name, const std::string& key = "",
                     const std::string& value = "") {
  browser.Get("/register");
  return browser.Post("/register", Registration(name, key, value));
}

std::string Login(WebClient& browser, const std::string& name, const std::string& password) {
  browser.Get("/login");
  return browser.Post("/login", {{"name", name}, {"password", password}});
}

TEST(WebAccountsTest, OpenRegistrationSignsInWithASafeSessionCookie) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  WebClient browser(node.port());
  std::string form = browser.Get("/register");
  EXPECT_EQ(StatusOf(form), 200);
  // The anti-forgery cookie: HttpOnly, SameSite=Strict.
  ASSERT_FALSE(browser.set_cookies().empty());
  EXPECT_THAT(browser.set_cookies()[0], HasSubstr("HttpOnly"));
  EXPECT_THAT(browser.set_cookies()[0], HasSubstr("SameSite=Strict"));
  EXPECT_THAT(browser.set_cookies()[0], Not(HasSubstr("Secure")));  // http base URL
  // A session cookie planted before registering is not adopted.
  browser.SetCookie("parvis_session", "pvc_" + std::string(64, 'a'));
  std::string registered = browser.Post("/register", Registration("ana"));
  ASSERT_EQ(StatusOf(registered), 303) << registered;
  EXPECT_EQ(LocationOf(registered), "/home");
  std::string session = browser.Cookie("parvis_session");
  EXPECT_NE(session, "pvc_" + std::string(64, 'a'));
  EXPECT_THAT(registered, HasSubstr("HttpOnly; SameSite=Lax"));
  std::string home = browser.Get("/home");
  EXPECT_EQ(StatusOf(home), 200);
  EXPECT_THAT(home, HasSubstr("Cache-Control: private, no-store"));
  EXPECT_THAT(BodyOf(home), HasSubstr("/@ana"));
  // The same name again, in another case, is refused.
  WebClient other(node.port());
  std::string taken = Register(other, "ANA");
  EXPECT_EQ(StatusOf(taken), 409);
  EXPECT_THAT(BodyOf(taken), HasSubstr("taken"));
}

TEST(WebAccountsTest, ApprovalModeWaitsForAnAdmin) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "approval"}});
  WebClient visitor(node.port());
  std::string waiting = Register(visitor, "bruno");
  EXPECT_EQ(StatusOf(waiting), 202);
  EXPECT_THAT(BodyOf(waiting), HasSubstr("waiting"));
  EXPECT_EQ(visitor.Cookie("parvis_session"), "");
  EXPECT_EQ(StatusOf(Login(visitor, "bruno", "a long passphrase")), 403);
  // Not published while waiting.
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/users/bruno", "Accept: application/activity+json\r\n")), 404);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/.well-known/webfinger?resource=acct:bruno@127.0.0.1")), 404);

  node.node().CallControl("POST", "/control/accounts",
                          R"({"name":"root","kind":"person","admin":true,"password":"admin passphrase"})");
  WebClient admin(node.port());
  ASSERT_EQ(StatusOf(Login(admin, "root", "admin passphrase")), 303);
  std::string page = admin.Get("/admin");
  ASSERT_EQ(StatusOf(page), 200);
  EXPECT_THAT(BodyOf(page), HasSubstr("bruno"));
  // Not for others.
  EXPECT_EQ(StatusOf(visitor.Get("/admin")), 303);
  std::string approved = admin.Post("/admin/approve", {{"id", "1"}});
  EXPECT_EQ(StatusOf(approved), 303) << approved;
  EXPECT_EQ(StatusOf(Login(visitor, "bruno", "a long passphrase")), 303);
  // An approved account cannot be "refused" away.
  EXPECT_EQ(StatusOf(admin.Post("/admin/reject", {{"id", "1"}})), 400);

  WebClient refused(node.port());
  Register(refused, "spam");
  ASSERT_EQ(StatusOf(admin.Post("/admin/reject", {{"id", "3"}})), 303);
  EXPECT_EQ(StatusOf(Login(refused, "spam", "a long passphrase")), 401);
  // The name is free again.
  EXPECT_EQ(StatusOf(Register(refused, "spam")), 202);
}

TEST(WebAccountsTest, InviteModeNeedsAValidCodeAndUsesItUp) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "invite"}});
  node.node().CallControl("POST", "/control/accounts",
                          R"({"name":"root","kind":"person","admin":true,"password":"admin passphrase"})");
  WebClient admin(node.port());
  ASSERT_EQ(StatusOf(Login(admin, "root", "admin passphrase")), 303);
  admin.Get("/admin");
  ASSERT_EQ(StatusOf(admin.Post("/admin/invites", {{"uses", "1"}, {"days", "7"}})), 303);
  std::string page = BodyOf(admin.Get("/admin"));
  size_t at = page.find("<code>");
  ASSERT_NE(at, std::string::npos) << page;
  std::string code = page.substr(at + 6, 16);

  WebClient a(node.port()), b(node.port()), c(node.port());
  EXPECT_EQ(StatusOf(Register(a, "sans_code")), 403);
  EXPECT_EQ(StatusOf(Register(a, "faux", "invite", "0123456789abcdef")), 403);
  EXPECT_EQ(StatusOf(Register(b, "invitee", "invite", code)), 303);
  EXPECT_EQ(StatusOf(Register(c, "second", "invite", code)), 403) << "used up";
  EXPECT_EQ(StatusOf(admin.Post("/admin/invites", {{"uses", "0"}, {"days", "7"}})), 400);
  EXPECT_EQ(StatusOf(admin.Post("/admin/invites", {{"uses", "x"}, {"days", "7"}})), 400);
}

TEST(WebAccountsTest, ClosedModeRefusesRegistrations) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "closed"}});
  WebClient browser(node.port());
  std::string page = browser.Get("/register");
  EXPECT_EQ(StatusOf(page), 403);
  EXPECT_THAT(BodyOf(page), Not(HasSubstr("<form method=\"post\" action=\"/register\"")));
  EXPECT_EQ(StatusOf(browser.Post("/register", Registration("x"))), 403);
}

TEST(WebAccountsTest, EveryFormNeedsTheAntiForgeryTokenAndOurOrigin) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  WebClient browser(node.port());
  ASSERT_EQ(StatusOf(Register(browser, "ana")), 303);
  browser.Get("/home");
  struct Case {
    std::string target;
    Fields fields;
  };
  std::vector<Case> forms = {
      {"/statuses", {{"text", "forged"}}},
      {"/settings/profile", {{"display_name", "forged"}}},
      {"/settings/password", {{"current", "a long passphrase"}, {"password", "forged pass"}, {"password_again", "forged pass"}}},
      {"/logout", {}},
      {"/follow", {{"handle", "x@example.org"}}},
      {"/react", {{"object", "https://x.example/1"}}},
      {"/login", {{"name", "ana"}, {"password", "a long passphrase"}}},
      {"/register", Registration("forged")},
      {"/admin/invites", {{"uses", "1"}, {"days", "1"}}},
  };
  for (const Case& form : forms) {
    // No token.
    EXPECT_EQ(StatusOf(browser.Post(form.target, form.fields, false)), 403) << form.target;
    // A wrong token of the right shape.
    Fields wrong = form.fields;
    wrong.emplace_back("csrf", std::string(64, 'f'));
    EXPECT_EQ(StatusOf(browser.Post(form.target, wrong, false)), 403) << form.target;
    // The right token from another site.
    EXPECT_EQ(StatusOf(browser.Post(form.target, form.fields, true, "Origin: https://evil.example\r\n")), 403)
        << form.target;
  }
  // Nothing of that happened: still signed in, no post, no display name.
  std::string home = BodyOf(browser.Get("/home"));
  EXPECT_THAT(home, Not(HasSubstr("forged")));
  EXPECT_THAT(home, HasSubstr("/@ana"));
}

TEST(WebAccountsTest, LogoutAndPasswordChangeEndSessions) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  WebClient first(node.port()), second(node.port());
  ASSERT_EQ(StatusOf(Register(first, "ana")), 303);
  ASSERT_EQ(StatusOf(Login(second, "ana", "a long passphrase")), 303);
  ASSERT_NE(first.Cookie("parvis_session"), second.Cookie("parvis_session"));
  // Logging out ends only that session; its cookie is useless afterwards.
  std::string stale = second.Cookie("parvis_session");
  second.Get("/home");
  std::string out = second.Post("/logout", {});
  EXPECT_EQ(StatusOf(out), 303);
  EXPECT_EQ(second.Cookie("parvis_session"), "");
  second.SetCookie("parvis_session", stale);
  EXPECT_EQ(LocationOf(second.Get("/home")), "/login");
  EXPECT_EQ(StatusOf(first.Get("/home")), 200);

  // A password change ends the other sessions and keeps this one.
  WebClient third(node.port());
  ASSERT_EQ(StatusOf(Login(third, "ana", "a long passphrase")), 303);
  first.Get("/settings");
  EXPECT_EQ(StatusOf(first.Post("/settings/password", {{"current", "wrong"}, {"password", "new passphrase"},
                                                        {"password_again", "new passphrase"}})),
            401);
  EXPECT_EQ(StatusOf(first.Post("/settings/password", {{"current", "a long passphrase"},
                                                        {"password", "new passphrase"},
                                                        {"password_again", "other passphrase"}})),
            400);
  std::string changed = first.Post("/settings/password", {{"current", "a long passphrase"},
                                                           {"password", "new passphrase"},
                                                           {"password_again", "new passphrase"}});
  ASSERT_EQ(StatusOf(changed), 303) << changed;
  EXPECT_EQ(StatusOf(first.Get("/home")), 200);
  EXPECT_EQ(LocationOf(third.Get("/home")), "/login");
  WebClient fourth(node.port());
  EXPECT_EQ(StatusOf(Login(fourth, "ana", "a long passphrase")), 401);
  EXPECT_EQ(StatusOf(Login(fourth, "ana", "new passphrase")), 303);
}

TEST(WebAccountsTest, LoginAttemptsAreLimitedPerNameAndPerClient) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  WebClient owner(node.port());
  ASSERT_EQ(StatusOf(Register(owner, "ana")), 303);
  WebClient attacker(node.port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(StatusOf(Login(attacker, "ana", "guess " + std::to_string(i))), 401) << i;
  }
  std::string limited = Login(attacker, "ana", "a long passphrase");
  EXPECT_EQ(StatusOf(limited), 429);
  EXPECT_THAT(limited, HasSubstr("Retry-After: "));
  EXPECT_THAT(BodyOf(limited), HasSubstr("Too many attempts"));
  // The name is limited for everyone (the limit protects the account)...
  WebClient elsewhere(node.port());
  EXPECT_EQ(StatusOf(Login(elsewhere, "ANA", "a long passphrase")), 429);
  // ...and one client cannot go on across names either.
  for (int i = 0; i < 14; ++i) Login(attacker, "name" + std::to_string(i), "guess");
  EXPECT_EQ(StatusOf(Login(attacker, "other", "guess")), 429);
}

TEST(WebAccountsTest, MalformedAndHostileFormsAreRefusedCleanly) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  WebClient browser(node.port());
  browser.Get("/login");
  std::string cookie = "Cookie: parvis_csrf=" + browser.csrf() + "\r\n";
  auto post = [&](const std::string& type, const std::string& body) {
    return StatusOf(Fetch(node.port(), "POST", "/login", cookie + "Content-Type: " + type + "\r\n", body));
  };
  EXPECT_EQ(post("application/json", R"({"name":"x"})"), 400);
  EXPECT_EQ(post("application/x-www-form-urlencoded", "name=%ZZ&csrf=" + browser.csrf()), 400);
  EXPECT_EQ(post("application/x-www-form-urlencoded", "name=a%00b&csrf=" + browser.csrf()), 400);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_EQ(post("application/x-www-form-urlencoded", many + "csrf=" + browser.csrf()), 400);
  EXPECT_EQ(post("application/x-www-form-urlencoded", std::string(2 << 20, 'a')), 413);
  // Hostile names and texts come back escaped.
  std::string hostile = Register(browser, "<script>alert(1)</script>");
  EXPECT_EQ(StatusOf(hostile), 400);
  EXPECT_THAT(BodyOf(hostile), Not(HasSubstr("<script>alert")));
  EXPECT_THAT(BodyOf(hostile), HasSubstr("&lt;script&gt;"));
  // Registration attempts per client are limited too.
  WebClient flood(node.port());
  int limited = 0;
  for (int i = 0; i < 8; ++i) limited += StatusOf(Register(flood, "flood" + std::to_string(i))) == 429;
  EXPECT_GE(limited, 1);
}

TEST(WebAccountsTest, PagesSpeakFrenchOrEnglish) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  std::string french = Fetch(node.port(), "GET", "/register", "Accept-Language: fr-FR,fr;q=0.9,en;q=0.5\r\n");
  EXPECT_THAT(french, HasSubstr("Content-Language: fr"));
  EXPECT_THAT(BodyOf(french), HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(BodyOf(french), HasSubstr("Créer un compte"));
  std::string english = Fetch(node.port(), "GET", "/register", "Accept-Language: de, en;q=0.5\r\n");
  EXPECT_THAT(BodyOf(english), HasSubstr("Create an account"));
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/register?lang=fr")), HasSubstr("Créer un compte"));
  // The account's choice wins over the browser's.
  WebClient browser(node.port());
  ASSERT_EQ(StatusOf(Register(browser, "ana")), 303);
  browser.Get("/settings");
  ASSERT_EQ(StatusOf(browser.Post("/settings/profile", {{"display_name", "Ana <B>"}, {"bio", "Bénévole"},
                                                        {"locale", "fr"}})),
            303);
  std::string home = browser.Get("/home", "Accept-Language: en\r\n");
  EXPECT_THAT(BodyOf(home), HasSubstr("Quoi de neuf"));
  // The display name shows escaped on the profile, and in the actor.
  std::string profile = BodyOf(browser.Get("/@ana"));
  EXPECT_THAT(profile, HasSubstr("Ana &lt;B&gt;"));
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/users/ana", "Accept: application/activity+json\r\n")),
              HasSubstr(R"("name":"Ana <B>")"));
  EXPECT_EQ(StatusOf(browser.Post("/settings/profile", {{"display_name", std::string(101, 'x')}})), 400);
  EXPECT_EQ(StatusOf(browser.Post("/settings/profile", {{"locale", "de"}})), 400);
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

TEST(WebAdminTest, AdminsChangeTheNodesSettings) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  node.node().CallControl("POST", "/control/accounts",
                          R"({"name":"root","kind":"person","admin":true,"password":"admin passphrase"})");
  WebClient admin(node.port());
  ASSERT_EQ(StatusOf(Login(admin, "root", "admin passphrase")), 303);
  EXPECT_THAT(BodyOf(admin.Get("/admin")), HasSubstr("name=\"node_name\""));
  Fields settings = {{"node_name", "Quartier <Nord>"}, {"description", "Le nœud du quartier"},
                     {"rules", "Pas d'insultes.\nPas de publicité."}, {"editor_name", "Jeanne Martin"},
                     {"editor_contact", "jeanne@example.org"}, {"registration", "closed"}};
  ASSERT_EQ(StatusOf(admin.Post("/admin/settings", settings)), 303);
  std::string front = BodyOf(Fetch(node.port(), "GET", "/"));
  EXPECT_THAT(front, HasSubstr("Quartier &lt;Nord&gt;"));
  EXPECT_THAT(front, HasSubstr("Jeanne Martin"));
  // Rules are versioned on their own form (rules_test.cc), not in the settings.
  ASSERT_EQ(StatusOf(admin.Post("/admin/rules", {{"document", "rules"}, {"text", "Pas d'insultes.\nPas de publicité."}, {"summary", "Premières règles"}})), 303);
  std::string about = BodyOf(Fetch(node.port(), "GET", "/about"));
  EXPECT_THAT(about, HasSubstr("Pas d&#39;insultes.<br>Pas de publicité."));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/register")), 403);
  std::string nodeinfo = BodyOf(Fetch(node.port(), "GET", "/nodeinfo/2.1"));
  EXPECT_THAT(nodeinfo, HasSubstr("Jeanne Martin"));
  EXPECT_THAT(nodeinfo, HasSubstr("\"openRegistrations\":false"));
  // Refused: an empty name, an unknown mode, a non-admin, a forged form.
  Fields empty = settings;
  empty[0].second = "";
  EXPECT_EQ(StatusOf(admin.Post("/admin/settings", empty)), 400);
  Fields unknown = settings;
  unknown[5].second = "sometimes";
  EXPECT_EQ(StatusOf(admin.Post("/admin/settings", unknown)), 400);
  EXPECT_EQ(StatusOf(admin.Post("/admin/settings", settings, false)), 403);
  node.node().CallControl("POST", "/control/accounts",
                          R"({"name":"ana","kind":"person","password":"a long passphrase"})");
  WebClient ana(node.port());
  ASSERT_EQ(StatusOf(Login(ana, "ana", "a long passphrase")), 303);
  ana.Get("/home");
  EXPECT_EQ(StatusOf(ana.Post("/admin/settings", settings)), 403);
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/")), HasSubstr("Quartier &lt;Nord&gt;"));
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

TEST(WebAvatarTest, AnAvatarIsUploadedServedPublishedAndRemoved) {
  TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  WebClient ana(node.port());
  ASSERT_EQ(StatusOf(Register(ana, "ana")), 303);
  ana.Get("/settings");
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0') + "IEND";
  std::string uploaded = ana.PostFile("/settings/avatar", "avatar", png);
  ASSERT_EQ(StatusOf(uploaded), 303) << uploaded;
  std::string actor = BodyOf(Fetch(node.port(), "GET", "/users/ana", "Accept: application/activity+json\r\n"));
  size_t at = actor.find("/media/avatars/ana?v=");
  ASSERT_NE(at, std::string::npos) << actor;
  EXPECT_THAT(actor, HasSubstr(R"("icon":{"type":"Image","mediaType":"image/png")"));
  std::string image = Fetch(node.port(), "GET", actor.substr(at, actor.find('"', at) - at));
  EXPECT_EQ(StatusOf(image), 200);
  EXPECT_THAT(image, HasSubstr("Content-Type: image/png"));
  EXPECT_THAT(image, HasSubstr("Content-Security-Policy: default-src 'none'; sandbox"));
  EXPECT_EQ(BodyOf(image), png);
  EXPECT_THAT(BodyOf(ana.Get("/@ana")), HasSubstr("class=\"avatar\""));

  // Not images, too large, forged: refused, and the avatar stays.
  ana.Get("/settings");
  EXPECT_EQ(StatusOf(ana.PostFile("/settings/avatar", "avatar", "<svg onload=alert(1)></svg>")), 400);
  EXPECT_EQ(StatusOf(ana.PostFile("/settings/avatar", "avatar", "<html><script>x</script>")), 400);
  EXPECT_EQ(StatusOf(ana.PostFile("/settings/avatar", "avatar", png + std::string(600 << 10, 'x'))), 400);
  EXPECT_EQ(StatusOf(ana.PostFile("/settings/avatar", "avatar", "")), 400);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "POST", "/settings/avatar",
                           "Cookie: parvis_session=" + ana.Cookie("parvis_session") +
                               "\r\nContent-Type: multipart/form-data; boundary=x\r\n",
                           "--x\r\ngarbage")),
            400);
  WebClient stranger(node.port());
  stranger.Get("/login");
  EXPECT_EQ(LocationOf(stranger.PostFile("/settings/avatar", "avatar", png)), "/login");
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/media/avatars/ana")), 200);

  ana.Get("/settings");
  ASSERT_EQ(StatusOf(ana.PostFile("/settings/avatar", "avatar", "", {{"remove", "on"}})), 303);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/media/avatars/ana")), 404);
  EXPECT_THAT(BodyOf(Fetch(node.port(), "GET", "/users/ana", "Accept: application/activity+json\r\n")),
              Not(HasSubstr("\"icon\"")));
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/media/avatars/nobody")), 404);
  EXPECT_EQ(StatusOf(Fetch(node.port(), "GET", "/media/avatars/..%2F..")), 404);
}

}  // namespace
}  // namespace parvis

namespace parvis {
namespace {

// Deleting one's own account from the settings page: the password and the
// name typed again confirm it; afterwards the session is gone, the actor
// answers 410 and the name cannot be registered again.
TEST(WebAccountsTest, APersonDeletesTheirAccountFromTheSettingsPage) {
  testing::TestNode node(std::map<std::string, std::string>{{"PARVIS_REGISTRATION", "open"}});
  testing::WebClient browser(node.port());
  ASSERT_EQ(testing::StatusOf(Register(browser, "dana")), 303);
  std::string settings = browser.Get("/settings");
  ASSERT_THAT(settings, ::testing::HasSubstr("action=\"/settings/delete\""));
  struct Case {
    const char* name;
    std::string password, confirm;
    int status;
  } refused[] = {
      {"wrong password", "not the password", "dana", 401},
      {"name not typed", "a long passphrase", "", 400},
      {"another name", "a long passphrase", "Dana ", 400},
  };
  for (const Case& c : refused) {
    std::string response = browser.Post("/settings/delete", {{"current", c.password}, {"confirm_name", c.confirm}});
    EXPECT_EQ(testing::StatusOf(response), c.status) << c.name;
  }
  // Without the anti-forgery token nothing happens.
  EXPECT_EQ(testing::StatusOf(browser.Post("/settings/delete", {{"current", "a long passphrase"}, {"confirm_name", "dana"}},
                                           /*with_csrf=*/false)),
            403);
  EXPECT_EQ(testing::StatusOf(node.Get("/users/dana", "Accept: application/activity+json\r\n")), 200);

  std::string deleted = browser.Post("/settings/delete", {{"current", "a long passphrase"}, {"confirm_name", "dana"}});
  EXPECT_EQ(testing::StatusOf(deleted), 200) << deleted;
  EXPECT_THAT(deleted, ::testing::HasSubstr("Account deleted"));
  EXPECT_THAT(deleted, ::testing::HasSubstr("parvis_session=;"));
  EXPECT_EQ(testing::StatusOf(node.Get("/users/dana", "Accept: application/activity+json\r\n")), 410);
  EXPECT_THAT(browser.Get("/settings"), ::testing::HasSubstr("Location: /login"));
  testing::WebClient other(node.port());
  // The name is never given again (the status, not a substring: a random
  // anti-forgery token in the page may hold "303").
  EXPECT_EQ(testing::StatusOf(Register(other, "dana")), 409);
}

}  // namespace
}  // namespace parvis
