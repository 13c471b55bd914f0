#include "server/federation/discovery_routes.h"

#include "server/accounts/node_settings.h"

#include <cctype>
#include <string>

#include "parvis/protocol/discovery.h"
#include "server/federation/actor_urls.h"

#ifndef PARVIS_VERSION
#define PARVIS_VERSION "0.0.0"
#endif

namespace parvis::federation {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Discovery documents are public and read by browsers' scripts too.
http::Response Public(http::Response response) {
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  response.headers.emplace_back("Cache-Control", "max-age=300");
  return response;
}

http::Response WebFinger(const DiscoveryContext& context, http::Request& request) {
  std::optional<std::string> resource = request.QueryParam("resource");
  if (!resource) return http::Response::JsonError(400, "the resource parameter is required");
  Result<protocol::WebFingerResource> parsed = protocol::ParseWebFingerResource(*resource);
  if (!parsed) return http::Response::JsonError(400, parsed.error().message);
  const Config& config = *context.config;
  ActorUrls urls(config.base_url);
  std::string name;
  if (parsed->kind == protocol::WebFingerResource::Kind::kAccount) {
    if (parsed->host != Lower(config.host)) {
      return http::Response::JsonError(404, "not an account of this node");
    }
    name = parsed->name;
  } else {
    std::optional<std::string> from_url = urls.NameFromUrl(parsed->url);
    if (!from_url) return http::Response::JsonError(404, "not an account of this node");
    name = *from_url;
  }
  if (!accounts::ValidateAccountName(name)) return http::Response::JsonError(404, "no such account");
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(name);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value() || !(*account)->approved) {
    return http::Response::JsonError(404, "no such account");
  }
  const std::string& canonical = (*account)->name;
  http::Response response = http::Response::Json(
      200, protocol::WebFingerDocument({.subject = "acct:" + canonical + "@" + config.host,
                                        .aliases = {urls.Actor(canonical), urls.Profile(canonical)},
                                        .actor_id = urls.Actor(canonical),
                                        .profile_url = urls.Profile(canonical)}));
  response.content_type = "application/jrd+json; charset=utf-8";
  return Public(std::move(response));
}

http::Response NodeInfoDocument(const DiscoveryContext& context) {
  Result<uint64_t> users = context.accounts->Count();
  if (!users) return http::Response::JsonError(503, "storage unavailable");
  const Config& config = *context.config;
  accounts::NodeSettings settings = accounts::LoadNodeSettings(*context.store, config);
  protocol::NodeInfo info{
      .software_version = PARVIS_VERSION,
      .open_registrations = settings.registration == RegistrationMode::kOpen ||
                            settings.registration == RegistrationMode::kApproval,
      .total_users = *users,
      // Activity is not tracked yet (no sign-ins); every account counts.
      .active_month = *users,
      .active_halfyear = *users,
      .local_posts = 0,
      .node_name = settings.node_name,
      .node_description = settings.description,
      .editor_name = settings.editor_name,
      .editor_contact = settings.editor_contact,
      .registration_mode = RegistrationModeName(settings.registration),
      .federation_mode = FederationModeName(config.federation),
      // What the civic wing offers (docs/protocol.md): other software can
      // tell a Parvis node's extensions from this list.
      .civic_features = {"sectors", "petitions", "signature-log", "consultations", "e2ee-messages-v1"},
  };
  // The civil-society / commercial rule, with the per-domain policy.
  info.sectors.commercial_domains = config.commercial_domains;
  info.sectors.civic_domains = config.civic_domains;
  http::Response response = http::Response::Json(200, protocol::NodeInfoDocument(info));
  response.content_type =
      "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"";
  return Public(std::move(response));
}

}  // namespace

void AddDiscoveryRoutes(http::Router& router, const DiscoveryContext& context) {
  router.Add("GET", "/.well-known/webfinger",
             [context](http::Request& request) { return WebFinger(context, request); });
  router.Add("GET", "/.well-known/host-meta", [context](http::Request&) {
    http::Response response{200, "application/xrd+xml; charset=utf-8",
                            protocol::HostMetaDocument(context.config->base_url), {}};
    return Public(std::move(response));
  });
  router.Add("GET", "/.well-known/nodeinfo", [context](http::Request&) {
    return Public(http::Response::Json(200, protocol::NodeInfoLinksDocument(context.config->base_url)));
  });
  router.Add("GET", "/nodeinfo/2.1",
             [context](http::Request&) { return NodeInfoDocument(context); });
}

}  // namespace parvis::federation
