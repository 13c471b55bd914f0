// The page of confidential messages (docs/e2ee.md, docs/web.md): GET /messages
// for a signed-in visitor. The node renders only the frame; the browser's
// script (web/static/e2ee/messages-app.js) holds the keys, encrypts, decrypts
// and talks to /api/e2ee/* (server/messaging/messaging_routes.h). Without
// JavaScript, or when the build has no libsodium for browsers, the page says
// that encrypted messages are unavailable: there is no plaintext fallback.
#ifndef PARVIS_SERVER_PAGES_MESSAGE_PAGES_H_
#define PARVIS_SERVER_PAGES_MESSAGE_PAGES_H_

#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Everything in `context` must outlive the router.
void AddMessagePages(http::Router& router, const PagesContext& context);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_MESSAGE_PAGES_H_
