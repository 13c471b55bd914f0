#include "server/pages/account_pages.h"

#include <atomic>
#include <ctime>

#include <spdlog/spdlog.h>

#include "parvis/protocol/timestamps.h"
#include "server/accounts/invite_store.h"
#include "server/accounts/node_settings.h"
#include "server/accounts/scratch_file.h"
#include "server/accounts/session_store.h"
#include "server/federation/account_deletion.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/pages/appeal_pages.h"
#include "server/pages/multipart_form.h"
#include "server/pages/rules_pages.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

bool Secure(const PagesContext& context) { return context.config->base_url.starts_with("https://"); }

std::string Minutes(int64_t seconds) { return std::to_string((seconds + 59) / 60); }

// Signs `account` in: a new session (never one the browser already had, so
// a planted cookie is useless), then to the home timeline.
http::Response SignIn(const PagesContext& context, const Visitor& visitor,
                      const accounts::Account& account, const http::Request& request) {
  accounts::SessionStore sessions(*context.store);
  if (std::optional<std::string> old = CookieValue(request, kSessionCookie)) (void)sessions.End(*old);
  Result<std::string> cookie = sessions.Start(account.id, context.now());
  if (!cookie) {
    return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  }
  http::Response response = Redirect("/home");
  response.headers.emplace_back("Set-Cookie", SetCookie(kSessionCookie, *cookie, "Lax",
                                                        accounts::kSessionMaxAgeSeconds, Secure(context)));
  return response;
}

mustache::data RegisterData(const PagesContext& context, const Form& form, const std::string& error) {
  mustache::data data;
  RegistrationMode mode = accounts::LoadNodeSettings(*context.store, *context.config).registration;
  if (mode == RegistrationMode::kClosed) data.set("closed", true);
  if (mode == RegistrationMode::kInvite) data.set("invite_mode", true);
  if (mode == RegistrationMode::kApproval) data.set("approval_mode", true);
  data.set("name", Field(form, "name"));
  data.set("email", Field(form, "email"));
  data.set("invite", Field(form, "invite"));
  std::string kind = Field(form, "kind").empty() ? "person" : Field(form, "kind");
  for (accounts::AccountKind k : accounts::kAccountKinds) {
    if (kind == accounts::AccountKindName(k)) data.set("kind_" + std::string(accounts::AccountKindName(k)), true);
  }
  if (!error.empty()) data.set("error", error);
  // The terms in force: the form says which version the person accepts.
  if (std::optional<accounts::RulesVersion> terms = CurrentRules(context, accounts::RulesDocument::kTerms)) {
    mustache::data version;
    version.set("number", std::to_string(terms->number));
    version.set("effective", protocol::FormatRfc3339Utc(terms->effective_at));
    version.set("effective_date", RulesDate(*terms));
    data.set("terms", version);
  }
  return data;
}

http::Response RegisterPage(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (visitor.account) return Redirect("/home");
  int status = accounts::LoadNodeSettings(*context.store, *context.config).registration ==
                       RegistrationMode::kClosed
                   ? 403
                   : 200;
  return RenderPage(context, visitor, "register", T(visitor, "register"), RegisterData(context, {}, ""),
                    status);
}

http::Response Register(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const Form& form = std::get<Form>(read);
  RegistrationMode mode = accounts::LoadNodeSettings(*context.store, *context.config).registration;
  auto again = [&](int status, const std::string& error) {
    return RenderPage(context, visitor, "register", T(visitor, "register"),
                      RegisterData(context, form, error), status);
  };
  if (mode == RegistrationMode::kClosed) return again(403, T(visitor, "register_closed"));
  if (int64_t wait = context.limiter->Attempt("register/" + request.client, kRegisterPerClient,
                                              context.now())) {
    http::Response response = again(429, T(visitor, "error_rate") + " " + Minutes(wait) + " min.");
    response.headers.emplace_back("Retry-After", std::to_string(wait));
    return response;
  }
  std::string name = Field(form, "name");
  std::string password = Field(form, "password");
  if (Status valid = accounts::ValidateAccountName(name); !valid) return again(400, T(visitor, "error_name"));
  if (Status valid = accounts::ValidatePassword(password); !valid) {
    return again(400, T(visitor, "error_password"));
  }
  if (password != Field(form, "password_again")) return again(400, T(visitor, "error_password_again"));
  std::optional<accounts::AccountKind> kind = accounts::ParseAccountKind(Field(form, "kind"));
  if (!kind) return again(400, T(visitor, "error_kind"));
  std::string email = Field(form, "email");
  if (email.size() > 200 || (!email.empty() && email.find('@') == std::string::npos)) {
    return again(400, T(visitor, "error_email"));
  }
  if (Field(form, "rules") != "on") return again(400, T(visitor, "error_rules"));
  // The version accepted must be the one in force now.
  Result<std::optional<accounts::RulesVersion>> in_force =
      accounts::RulesStore(*context.store, context.now).Current(accounts::RulesDocument::kTerms);
  if (!in_force) return again(503, T(visitor, "error_storage"));
  const std::optional<accounts::RulesVersion>& terms = *in_force;
  if (terms && Field(form, "terms_version") != std::to_string(terms->number)) {
    return again(409, T(visitor, "error_terms_changed"));
  }
  if (mode == RegistrationMode::kInvite) {
    if (Status used = accounts::InviteStore(*context.store).Use(Field(form, "invite"), context.now());
        !used) {
      return again(403, T(visitor, "error_invite"));
    }
  }
  Result<accounts::Account> account = context.accounts->Create(
      {.name = name, .kind = *kind, .admin = false, .password = password,
       .approved = mode != RegistrationMode::kApproval, .email = email,
       .accepted_terms = terms ? terms->number : 0});
  if (!account) {
    if (account.error().code == ErrorCode::kAlreadyExists) return again(409, T(visitor, "error_taken"));
    return again(503, T(visitor, "error_storage"));
  }
  if (!account->approved) {
    return MessagePage(context, visitor, 202, T(visitor, "register"), T(visitor, "register_waiting"));
  }
  return SignIn(context, visitor, *account, request);
}

http::Response LoginPage(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (visitor.account) return Redirect("/home");
  return RenderPage(context, visitor, "login", T(visitor, "login"), {});
}

http::Response Login(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string name = Field(form, "name");
  auto again = [&](int status, const std::string& error) {
    mustache::data data;
    data.set("name", name);
    data.set("error", error);
    return RenderPage(context, visitor, "login", T(visitor, "login"), std::move(data), status);
  };
  // Both limits count every attempt; a success clears the name's.
  std::string name_key = "login/" + name.substr(0, 64);
  for (char& c : name_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int64_t now = context.now();
  int64_t wait = std::max(context.limiter->Attempt(name_key, kLoginPerName, now),
                          context.limiter->Attempt("login-client/" + request.client, kLoginPerClient, now));
  if (wait > 0) {
    http::Response response = again(429, T(visitor, "error_rate") + " " + Minutes(wait) + " min.");
    response.headers.emplace_back("Retry-After", std::to_string(wait));
    return response;
  }
  std::optional<accounts::Account> account;
  if (accounts::ValidateAccountName(name)) {
    Result<std::optional<accounts::Account>> found = context.accounts->FindByName(name);
    if (!found) return again(503, T(visitor, "error_storage"));
    if (found->has_value()) account = **found;
  }
  std::string password = Field(form, "password");
  // One answer for an unknown name and a wrong password.
  Result<bool> matches = account ? context.accounts->CheckPassword(*account, password) : false;
  if (!matches) return again(503, T(visitor, "error_storage"));
  if (!*matches) return again(401, T(visitor, "error_login"));
  if (!account->approved) return again(403, T(visitor, "register_waiting"));
  if (context.policy != nullptr &&
      context.policy->IsSuspended(federation::ActorUrls(context.config->base_url).Actor(account->name))) {
    // Moderators suspended it: the decision and the appeal, no session.
    return SuspendedPage(context, visitor, *account);
  }
  context.limiter->Reset(name_key);
  return SignIn(context, visitor, *account, request);
}

http::Response Logout(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  if (std::optional<std::string> cookie = CookieValue(request, kSessionCookie)) {
    (void)accounts::SessionStore(*context.store).End(*cookie);
  }
  http::Response response = Redirect("/");
  response.headers.emplace_back("Set-Cookie", SetCookie(kSessionCookie, "", "Lax", 0, Secure(context)));
  return response;
}

mustache::data SettingsData(const accounts::Account& account) {
  mustache::data data;
  data.set("display_name", account.display_name);
  data.set("bio", account.bio);
  if (account.locale == "fr") data.set("locale_fr", true);
  if (account.locale == "en") data.set("locale_en", true);
  if (account.locale.empty()) data.set("locale_auto", true);
  if (account.manually_approves_followers) data.set("manual", true);
  if (account.show_commercial) data.set("show_commercial", true);
  if (!account.avatar_type.empty()) {
    data.set("avatar", "/media/avatars/" + account.name + "?v=" + std::to_string(account.avatar_version));
  }
  return data;
}

http::Response SettingsPage(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  mustache::data data = SettingsData(*visitor.account);
  if (request.QueryParam("saved")) data.set("notice", T(visitor, "settings_saved"));
  return RenderPage(context, visitor, "settings", T(visitor, "settings"), std::move(data));
}

http::Response SaveProfile(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const Form& form = std::get<Form>(read);
  Status saved = context.accounts->EditProfile(
      visitor.account->id,
      {.display_name = Field(form, "display_name"), .bio = Field(form, "bio"), .locale = Field(form, "locale")});
  if (saved) saved = context.accounts->SetManualApproval(visitor.account->id, Field(form, "manual") == "on");
  if (!saved) {
    mustache::data data = SettingsData(*visitor.account);
    data.set("error", saved.error().code == ErrorCode::kInvalidArgument ? T(visitor, "error_profile")
                                                                        : T(visitor, "error_storage"));
    return RenderPage(context, visitor, "settings", T(visitor, "settings"), std::move(data), 400);
  }
  return Redirect("/settings?saved=1");
}

// POST /settings/timelines: let commercial posts into the civic timelines, or not.
http::Response SaveTimelines(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const std::string show = Field(std::get<Form>(read), "show_commercial");
  if (!show.empty() && show != "on") {
    return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  }
  if (!context.accounts->SetShowCommercial(visitor.account->id, show == "on")) {
    mustache::data data = SettingsData(*visitor.account);
    data.set("error", T(visitor, "error_storage"));
    return RenderPage(context, visitor, "settings", T(visitor, "settings"), std::move(data), 503);
  }
  return Redirect("/settings?saved=1");
}

// The settings page again, with `error` and `status`.
http::Response SettingsAgain(const PagesContext& context, const Visitor& visitor, int status,
                             const std::string& error) {
  mustache::data data = SettingsData(*visitor.account);
  data.set("error", error);
  return RenderPage(context, visitor, "settings", T(visitor, "settings"), std::move(data), status);
}

// A settings action that the current password (field "current") confirms:
// the signed-in visitor and the form, or the answer to give instead (login,
// anti-forgery refusal, too many attempts, wrong password).
struct Confirmed {
  Visitor visitor;
  Form form;
};
std::variant<Confirmed, http::Response> ConfirmWithPassword(const PagesContext& context,
                                                            const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  Form form = std::get<Form>(std::move(read));
  std::string key = "password/" + std::to_string(visitor.account->id);
  if (int64_t wait = context.limiter->Attempt(key, kLoginPerName, context.now())) {
    return SettingsAgain(context, visitor, 429, T(visitor, "error_rate") + " " + Minutes(wait) + " min.");
  }
  Result<bool> matches = context.accounts->CheckPassword(*visitor.account, Field(form, "current"));
  if (!matches) return SettingsAgain(context, visitor, 503, T(visitor, "error_storage"));
  if (!*matches) return SettingsAgain(context, visitor, 401, T(visitor, "error_current_password"));
  context.limiter->Reset(key);
  return Confirmed{std::move(visitor), std::move(form)};
}

http::Response SavePassword(const PagesContext& context, const http::Request& request) {
  auto confirmed = ConfirmWithPassword(context, request);
  if (auto* refused = std::get_if<http::Response>(&confirmed)) return std::move(*refused);
  const auto& [visitor, form] = std::get<Confirmed>(confirmed);
  auto again = [&](int status, const std::string& error) { return SettingsAgain(context, visitor, status, error); };
  std::string password = Field(form, "password");
  if (!accounts::ValidatePassword(password)) return again(400, T(visitor, "error_password"));
  if (password != Field(form, "password_again")) return again(400, T(visitor, "error_password_again"));
  if (!context.accounts->ChangePassword(*visitor.account, password)) {
    return again(503, T(visitor, "error_storage"));
  }
  // Every other browser signed in with the old password is signed out.
  accounts::SessionStore sessions(*context.store);
  if (!sessions.EndAll(visitor.account->id)) return again(503, T(visitor, "error_storage"));
  http::Response response = SignIn(context, visitor, *visitor.account, request);
  for (auto& [name, value] : response.headers) {
    if (name == "Location") value = "/settings?saved=1";
  }
  return response;
}

// POST /settings/delete: the account is deleted for good, once its password
// and its name, typed again, confirm it.
http::Response DeleteOwnAccount(const PagesContext& context, const federation::FollowCommandsContext& follows,
                                const http::Request& request) {
  auto confirmed = ConfirmWithPassword(context, request);
  if (auto* refused = std::get_if<http::Response>(&confirmed)) return std::move(*refused);
  const auto& [visitor, form] = std::get<Confirmed>(confirmed);
  auto again = [&](int status, const std::string& error) { return SettingsAgain(context, visitor, status, error); };
  if (Field(form, "confirm_name") != visitor.account->name) return again(400, T(visitor, "error_delete_name"));
  if (!follows.serving->load()) return again(503, T(visitor, "error_storage"));
  Result<federation::DeletionOutcome> deleted = federation::DeleteAccount(follows, *visitor.account);
  if (!deleted) return again(503, T(visitor, "error_storage"));
  Visitor gone = visitor;
  gone.account.reset();
  http::Response response = MessagePage(context, gone, 200, T(gone, "account_deleted_title"), T(gone, "account_deleted_text"));
  response.headers.emplace_back("Set-Cookie", SetCookie(kSessionCookie, "", "Lax", 0, Secure(context)));
  return response;
}

// "Download my data" ---------------------------------------------------------

// How many archives are being built on the node, to let one at a time: a
// build holds an I/O thread and, with the keys, Argon2id's 256 MiB.
struct ExportGate {
  std::atomic<int> building{0};
};
constexpr int kConcurrentExports = 1;
constexpr int64_t kExportBusyRetrySeconds = 30;

// "parvis-NAME-YYYYMMDD.tar", the day in UTC.
std::string ArchiveFileName(const std::string& name, int64_t now) {
  std::time_t time = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y%m%d", &tm);
  return "parvis-" + name + "-" + day + ".tar";
}

// POST /settings/export (see account_pages.h).
http::Response ExportOwnData(const PagesContext& context, const ArchiveSections& sections, ExportGate& gate,
                             const http::Request& request) {
  auto confirmed = ConfirmWithPassword(context, request);
  if (auto* refused = std::get_if<http::Response>(&confirmed)) return std::move(*refused);
  const auto& [visitor, form] = std::get<Confirmed>(confirmed);
  auto again = [&](int status, const std::string& error) { return SettingsAgain(context, visitor, status, error); };
  auto later = [&](int status, const std::string& error, int64_t wait) {
    http::Response response = again(status, error);
    response.headers.emplace_back("Retry-After", std::to_string(wait));
    return response;
  };
  const std::string with_keys = Field(form, "with_keys");
  if (!with_keys.empty() && with_keys != "on") return again(400, T(visitor, "error_form"));
  accounts::ExportOptions options;
  if (with_keys == "on") {
    std::string passphrase = Field(form, "passphrase");
    if (passphrase.size() < accounts::kMinExportPassphrase) return again(400, T(visitor, "error_export_passphrase"));
    options.passphrase = std::move(passphrase);
  }
  // The node's turn first, so that a busy node does not use up the account's minute.
  if (gate.building.fetch_add(1) >= kConcurrentExports) {
    --gate.building;
    return later(503, T(visitor, "error_export_busy"), kExportBusyRetrySeconds);
  }
  struct Release {
    ExportGate& gate;
    ~Release() { --gate.building; }
  } release{gate};
  const int64_t now = context.now();
  if (int64_t wait = context.limiter->Attempt("export/" + std::to_string(visitor.account->id), kExportPerAccount,
                                              now)) {
    return later(429, T(visitor, "error_export_rate") + " " + Minutes(wait) + " min.", wait);
  }
  Result<std::unique_ptr<accounts::ScratchFile>> scratch = accounts::ScratchFile::Create(context.config->data_dir);
  if (!scratch) {
    spdlog::error("account export: {}", scratch.error().message);
    return again(503, T(visitor, "error_storage"));
  }
  const accounts::Account& account = *visitor.account;
  accounts::TarWriter tar(scratch->get(), now);
  if (Status written = accounts::WriteArchive(account, context.config->base_url + "/users/" + account.name,
                                              sections(options), now, tar);
      !written) {
    spdlog::error("account export: {}", written.error().message);
    return again(503, T(visitor, "error_storage"));
  }
  http::Response response;
  response.content_type = "application/x-tar";
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + ArchiveFileName(account.name, now) + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.stream = accounts::ScratchFileBody(std::move(*scratch));
  return response;
}

// POST /settings/avatar (multipart): a new avatar, or none with "remove".
http::Response SaveAvatar(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  Result<MultipartForm> form =
      ParseMultipartForm(request.Header("content-type").value_or(""), request.body);
  if (!form) return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  if (!PassesCsrf(request, form->fields, context.config->base_url)) {
    return MessagePage(context, visitor, 403, T(visitor, "error_title"), T(visitor, "error_csrf"));
  }
  auto again = [&](int status, const std::string& error) {
    mustache::data data = SettingsData(*visitor.account);
    data.set("error", error);
    return RenderPage(context, visitor, "settings", T(visitor, "settings"), std::move(data), status);
  };
  std::string bytes;
  if (form->fields["remove"] != "on") {
    auto file = form->files.find("avatar");
    if (file == form->files.end() || file->second.bytes.empty()) return again(400, T(visitor, "error_avatar"));
    bytes = std::move(file->second.bytes);
  }
  Status saved = context.accounts->SetAvatar(visitor.account->id, bytes, context.now());
  if (!saved) {
    bool theirs = saved.error().code == ErrorCode::kInvalidArgument ||
                  saved.error().code == ErrorCode::kLimitExceeded;
    return again(theirs ? 400 : 503, theirs ? T(visitor, "error_avatar") : T(visitor, "error_storage"));
  }
  return Redirect("/settings?saved=1");
}

// GET /media/avatars/{name}: the image, as stored; nothing else can come out
// of it (checked signature, its own type, no sniffing, no script).
http::Response AvatarImage(const PagesContext& context, http::Request& request) {
  const std::string& name = request.params["name"];
  if (!accounts::ValidateAccountName(name)) return http::Response::Text(404, "not found\n");
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(name);
  if (!account || !account->has_value() || !(*account)->approved) return http::Response::Text(404, "not found\n");
  Result<std::optional<std::pair<std::string, std::string>>> image = context.accounts->Avatar((*account)->id);
  if (!image) return http::Response::Text(503, "storage unavailable\n");
  if (!image->has_value()) return http::Response::Text(404, "not found\n");
  http::Response response{200, (*image)->first, std::move((*image)->second), {}};
  response.headers.emplace_back("Cache-Control", "public, max-age=604800");
  response.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace

void AddAccountPages(http::Router& router, const PagesContext& context,
                     const federation::FollowCommandsContext& follows) {
  router.Add("GET", "/register", [context](http::Request& r) { return RegisterPage(context, r); });
  router.Add("POST", "/register", [context](http::Request& r) { return Register(context, r); });
  router.Add("GET", "/login", [context](http::Request& r) { return LoginPage(context, r); });
  router.Add("POST", "/login", [context](http::Request& r) { return Login(context, r); });
  router.Add("POST", "/logout", [context](http::Request& r) { return Logout(context, r); });
  router.Add("GET", "/settings", [context](http::Request& r) { return SettingsPage(context, r); });
  router.Add("POST", "/settings/profile", [context](http::Request& r) { return SaveProfile(context, r); });
  router.Add("POST", "/settings/timelines", [context](http::Request& r) { return SaveTimelines(context, r); });
  router.Add("POST", "/settings/password", [context](http::Request& r) { return SavePassword(context, r); });
  router.Add("POST", "/settings/avatar", [context](http::Request& r) { return SaveAvatar(context, r); });
  router.Add("POST", "/settings/delete",
             [context, follows](http::Request& r) { return DeleteOwnAccount(context, follows, r); });
  router.Add("GET", "/media/avatars/{name}", [context](http::Request& r) { return AvatarImage(context, r); });
}

void AddDataExportPage(http::Router& router, const PagesContext& context, ArchiveSections sections) {
  auto gate = std::make_shared<ExportGate>();
  router.Add("POST", "/settings/export", [context, sections = std::move(sections), gate](http::Request& r) {
    return ExportOwnData(context, sections, *gate, r);
  });
}

}  // namespace parvis::pages
