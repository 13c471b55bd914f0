// The admin page: registrations waiting for approval, invite codes, and
// the node's settings as configured.
//
//   GET  /admin
//   POST /admin/approve {id}, POST /admin/reject {id}, POST /admin/invites {uses, days}
#ifndef PARVIS_SERVER_PAGES_ADMIN_PAGES_H_
#define PARVIS_SERVER_PAGES_ADMIN_PAGES_H_

#include <variant>

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// The signed-in admin, or the answer refusing the request: a redirect to
// /login for a visitor not signed in, 403 for an account that is no admin.
std::variant<Visitor, http::Response> ReadAdmin(const PagesContext& context, const http::Request& request);

// ReadAdmin, then the posted form with its anti-forgery token checked.
struct AdminForm {
  Visitor visitor;
  Form form;
};
std::variant<AdminForm, http::Response> ReadAdminForm(const PagesContext& context, const http::Request& request);

// Everything in `context` must outlive the router.
void AddAdminPages(http::Router& router, const PagesContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_ADMIN_PAGES_H_
