#include "server/pages/public_routes.h"

#include <string>
#include <string_view>

#include "parvis/embedded.h"

namespace parvis::pages {
namespace {

std::string_view MediaTypeOf(std::string_view path) {
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

void AddPublicRoutes(http::Router& router, const PublicContext& context) {
  router.Add("GET", "/healthz", [context](http::Request&) {
    // Healthy means the database answers a read.
    Result<std::optional<std::string>> probe =
        context.store->Get(storage::Family::kMeta, "schema_version");
    if (!probe) return http::Response::Text(503, "storage unavailable\n");
    return http::Response::Text(200, "ok\n");
  });
  router.Add("GET", "/metrics", [context](http::Request&) {
    http::Response response = http::Response::Text(200, context.metrics->RenderPrometheus());
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
  });
  router.Add("GET", "/static/{file}", [](http::Request& request) {
    const std::string& file = request.params["file"];
    std::optional<std::string_view> bytes = embedded::FindWebFile("static/" + file);
    if (!bytes) return http::Response::JsonError(404, "not found");
    http::Response response{200, std::string(MediaTypeOf(file)), std::string(*bytes), {}};
    response.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return response;
  });
}

}  // namespace parvis::pages
