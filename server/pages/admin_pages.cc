#include "server/pages/admin_pages.h"

#include <charconv>

#include "parvis/protocol/timestamps.h"
#include "server/accounts/invite_store.h"
#include "server/accounts/node_settings.h"
#include "server/civic/sector_service.h"
#include "server/pages/note_view.h"
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


// The latest reclassifications, for the admin page.
void AddSectorLog(const PagesContext& context, const Visitor& visitor, mustache::data& data) {
  mustache::data log(mustache::data::type::list);
  if (context.sectors != nullptr) {
    if (Result<std::vector<civic::SectorChange>> changes = context.sectors->Log(50)) {
      for (const civic::SectorChange& change : *changes) {
        mustache::data entry;
        entry.set("at", protocol::FormatRfc3339Utc(change.at));
        entry.set("moderator", change.moderator);
        entry.set("actor", ActorLabel(context, change.actor));
        entry.set("old", T(visitor, std::string("sector_name_") + protocol::SectorName(change.old_sector)));
        entry.set("new", T(visitor, std::string("sector_name_") + protocol::SectorName(change.new_sector)));
        entry.set("reason", change.reason);
        log.push_back(entry);
      }
    }
  }
  if (log.is_empty_list()) data.set("sector_log_empty", true);
  data.set("sector_log", log);
}

http::Response AdminPage(const PagesContext& context, const http::Request& request,
                         const std::string& notice = "", int status = 200,
                         const std::string& sector_error = "", const Form* sector_form = nullptr) {
  auto admin = ReadAdmin(context, request);
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
  data.set("editor_name_value", settings.editor_name);
  data.set("editor_contact_value", settings.editor_contact);
  data.set(std::string("mode_") + RegistrationModeName(settings.registration), true);
  // The reclassification form, filled again after a refusal.
  if (!sector_error.empty()) data.set("sector_error", sector_error);
  if (sector_form != nullptr) {
    data.set("sector_actor", Field(*sector_form, "actor"));
    data.set("sector_reason", Field(*sector_form, "reason"));
    std::string chosen = Field(*sector_form, "sector");
    if (chosen == "civic" || chosen == "commercial") data.set("sector_" + chosen + "_chosen", true);
  }
  AddSectorLog(context, visitor, data);
  if (!notice.empty()) data.set("notice", notice);
  if (request.QueryParam("saved")) data.set("notice", T(visitor, "settings_saved"));
  if (request.QueryParam("reclassified")) data.set("notice", T(visitor, "sector_reclassified"));
  return RenderPage(context, visitor, "admin", T(visitor, "admin"), std::move(data), status);
}

// POST /admin/sector {actor, sector, reason}: a moderator reclassifies an
// actor; the change is logged with the moderator's name.
http::Response Reclassify(const PagesContext& context, const http::Request& request) {
  auto admin = ReadAdminForm(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<AdminForm>(admin).visitor;
  const Form& form = std::get<AdminForm>(admin).form;
  auto again = [&](int status, const std::string& error) {
    return AdminPage(context, request, "", status, error, &form);
  };
  if (context.sectors == nullptr) return again(503, T(visitor, "error_storage"));
  protocol::Sector sector = protocol::ParseSector(Field(form, "sector"));
  if (sector == protocol::Sector::kUnknown) return again(400, T(visitor, "error_sector_choice"));
  std::string reason = Field(form, "reason");
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return again(400, T(visitor, "error_sector_reason"));
  }
  Result<civic::SectorChange> change =
      context.sectors->Reclassify(Field(form, "actor"), sector, visitor.account->name, reason);
  if (!change) {
    ErrorCode code = change.error().code;
    if (code == ErrorCode::kNotFound) return again(404, T(visitor, "error_sector_actor"));
    if (code == ErrorCode::kInvalidArgument) {
      // The service's reason, in the moderator's language where we have it.
      const std::string& why = change.error().message;
      if (why.find("reason") != std::string::npos) return again(400, T(visitor, "error_sector_reason"));
      return again(400, T(visitor, "error_sector_actor"));
    }
    return again(503, T(visitor, "error_storage"));
  }
  return Redirect("/admin?reclassified=1");
}

http::Response Decide(const PagesContext& context, const http::Request& request, bool approve) {
  auto admin = ReadAdmin(context, request);
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
  auto admin = ReadAdminForm(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<AdminForm>(admin).visitor;
  const Form& form = std::get<AdminForm>(admin).form;
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
  auto admin = ReadAdminForm(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  const Visitor& visitor = std::get<AdminForm>(admin).visitor;
  const Form& form = std::get<AdminForm>(admin).form;
  std::optional<RegistrationMode> mode;
  for (RegistrationMode m : {RegistrationMode::kOpen, RegistrationMode::kApproval,
                             RegistrationMode::kInvite, RegistrationMode::kClosed}) {
    if (Field(form, "registration") == RegistrationModeName(m)) mode = m;
  }
  if (!mode) return MessagePage(context, visitor, 400, T(visitor, "error_title"), T(visitor, "error_form"));
  // Rules are versioned on their own page (/admin/rules); the text kept here
  // is only what a node had before versions, adopted as version 1.
  Status saved = accounts::SaveNodeSettings(
      *context.store, {.node_name = Field(form, "node_name"),
                       .description = Field(form, "description"),
                       .rules = accounts::LoadNodeSettings(*context.store, *context.config).rules,
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

std::variant<Visitor, http::Response> ReadAdmin(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  if (!visitor.account) return Redirect("/login");
  if (!visitor.account->admin) {
    return MessagePage(context, visitor, 403, T(visitor, "error_title"), T(visitor, "error_admin_only"));
  }
  return visitor;
}

std::variant<AdminForm, http::Response> ReadAdminForm(const PagesContext& context, const http::Request& request) {
  auto admin = ReadAdmin(context, request);
  if (auto* refused = std::get_if<http::Response>(&admin)) return std::move(*refused);
  Visitor& visitor = std::get<Visitor>(admin);
  auto read = ReadPostedForm(context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  return AdminForm{std::move(visitor), std::get<Form>(std::move(read))};
}

void AddAdminPages(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/admin", [context](http::Request& r) { return AdminPage(context, r); });
  router.Add("POST", "/admin/approve", [context](http::Request& r) { return Decide(context, r, true); });
  router.Add("POST", "/admin/reject", [context](http::Request& r) { return Decide(context, r, false); });
  router.Add("POST", "/admin/invites", [context](http::Request& r) { return CreateInvite(context, r); });
  router.Add("POST", "/admin/settings", [context](http::Request& r) { return SaveSettings(context, r); });
  router.Add("POST", "/admin/sector", [context](http::Request& r) { return Reclassify(context, r); });
}

}  // namespace parvis::pages
