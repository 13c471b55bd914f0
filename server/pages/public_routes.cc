#include "server/pages/public_routes.h"

#include <string>
#include <string_view>

#include "parvis/embedded.h"

namespace parvis::pages {
namespace {

std::string_view MediaTypeOf(std::string_view path) {
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  // .mjs: ES modules (web/node_modules' libsodium); a browser loads a module only when its
  // type is JavaScript, and compiles WebAssembly by streaming only as application/wasm.
  if (path.ends_with(".js") || path.ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".wasm")) return "application/wasm";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

// web/static/`path`, or a 404.
http::Response StaticFile(const std::string& path) {
  std::optional<std::string_view> bytes = embedded::FindWebFile("static/" + path);
  if (!bytes) return http::Response::JsonError(404, "not found");
  http::Response response{200, std::string(MediaTypeOf(path)), std::string(*bytes), {}};
  response.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return response;
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
  router.Add("GET", "/static/{file}",
             [](http::Request& request) { return StaticFile(request.params["file"]); });
  // One folder deep (web/static/e2ee/): each segment is a single one, so no "..".
  router.Add("GET", "/static/{dir}/{file}", [](http::Request& request) {
    return StaticFile(request.params["dir"] + "/" + request.params["file"]);
  });
}

}  // namespace parvis::pages
