#include "server/pages/admin_pages.h"

#include <charconv>

#include "parvis/protocol/timestamps.h"
#include "server/accounts/invite_store.h"
#include "server/accounts/node_settings.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

std::optional<int64_t> Number(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The visitor if an admin, else the page refusing.
std::variant<Visitor, http::Response> Admin(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  if (!visitor.account->admin) {
    return MessagePage(context, visitor, 403, T(visitor, "error_title"), T(visitor, "error_admin_only"));
  }
  return visitor;
}

http::Response AdminPage(const PagesContext& context, const http::Request& request,
                         const std::string& notice = "") {
  auto admin = Admin(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  mustache::data pending(mustache::data::type::list);
  if (Result<std::vector<accounts::Account>> waiting = context.accounts->Pending()) {
    for (const accounts::Account& account : *waiting) {
      mustache::data entry;
      entry.set("id", std::to_string(account.id));
      entry.set("name", account.name);
      entry.set("kind", T(visitor, std::string("kind_") + accounts::AccountKindName(account.kind)));
      entry.set("created", protocol::FormatRfc3339Utc(account.created_at));
      pending.push_back(entry);
    }
  }
  mustache::data invites(mustache::data::type::list);
  if (Result<std::vector<accounts::Invite>> live = accounts::InviteStore(*context.store).List(context.now())) {
    for (const accounts::Invite& invite : *live) {
      mustache::data entry;
      entry.set("code", invite.code);
      entry.set("uses", std::to_string(invite.uses_left));
      entry.set("expires", protocol::FormatRfc3339Utc(invite.expires));
      invites.push_back(entry);
    }
  }
  const Config& config = *context.config;
  accounts::NodeSettings settings = accounts::LoadNodeSettings(*context.store, config);
  mustache::data data;
  data.set("pending", pending);
  data.set("invites", invites);
  data.set("federation_mode", FederationModeName(config.federation));
  data.set("node_name_value", settings.node_name);
  data.set("description_value", settings.description);
  data.set("rules_value", settings.rules);
  data.set("editor_name_value", settings.editor_name);
  data.set("editor_contact_value", settings.editor_contact);
  data.set(std::string("mode_") + RegistrationModeName(settings.registration), true);
  if (!notice.empty()) data.set("notice", notice);
  if (request.QueryParam("saved")) data.set("notice", T(visitor, "settings_saved"));
  return RenderPage(context, visitor, "admin", T(visitor, "admin"), std::move(data));
}

http::Response Decide(const PagesContext& context, const http::Request& request, bool approve) {
  auto admin = Admin(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  std::optional<int64_t> id = Number(Field(std::get<Form>(read), "id"));
  if (!id || *id <= 0) return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  auto account_id = static_cast<storage::AccountId>(*id);
  Status decided = approve ? context.accounts->Approve(account_id) : context.accounts->Reject(account_id);
  if (!decided) {
    return MessagePage(context, visitor, decided.error().code == ErrorCode::kNotFound ? 404 : 400,
                       T(visitor, "error_title"), decided.error().message);
  }
  return Redirect("/admin");
}

http::Response CreateInvite(const PagesContext& context, const http::Request& request) {
  auto admin = Admin(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::optional<int64_t> uses = Number(Field(form, "uses"));
  std::optional<int64_t> days = Number(Field(form, "days"));
  if (!uses || !days || *uses > 1000 || *days > 1000) {
    return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  }
  Result<accounts::Invite> invite = accounts::InviteStore(*context.store)
                                        .Create(visitor.account->id, static_cast<int>(*uses),
                                                static_cast<int>(*days), context.now());
  if (!invite) return MessagePage(context, visitor, 400, T(visitor, "error_title"), invite.error().message);
  return Redirect("/admin");
}

http::Response SaveSettings(const PagesContext& context, const http::Request& request) {
  auto admin = Admin(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(admin);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::optional<RegistrationMode> mode;
  for (RegistrationMode m : {RegistrationMode::kOpen, RegistrationMode::kApproval,
                             RegistrationMode::kInvite, RegistrationMode::kClosed}) {
    if (Field(form, "registration") == RegistrationModeName(m)) mode = m;
  }
  if (!mode) return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  Status saved = accounts::SaveNodeSettings(
      *context.store, {.node_name = Field(form, "node_name"),
                       .description = Field(form, "description"),
                       .rules = Field(form, "rules"),
                       .editor_name = Field(form, "editor_name"),
                       .editor_contact = Field(form, "editor_contact"),
                       .registration = *mode});
  if (!saved) {
    return MessagePage(context, visitor, saved.error().code == ErrorCode::kInvalidArgument ? 400 : 503,
                       T(visitor, "error_title"), saved.error().message);
  }
  return Redirect("/admin?saved=1");
}

}  // namespace

void AddAdminPages(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/admin", [context](http::Request& r) { return AdminPage(context, r); });
  router.Add("POST", "/admin/approve", [context](http::Request& r) { return Decide(context, r, true); });
  router.Add("POST", "/admin/reject", [context](http::Request& r) { return Decide(context, r, false); });
  router.Add("POST", "/admin/invites", [context](http::Request& r) { return CreateInvite(context, r); });
  router.Add("POST", "/admin/settings", [context](http::Request& r) { return SaveSettings(context, r); });
}

}  // namespace parvis::pages
