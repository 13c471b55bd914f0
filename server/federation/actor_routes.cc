#include "server/federation/actor_routes.h"

#include "parvis/protocol/note_text.h"

#include <variant>

#include "parvis/protocol/actor_document.h"
#include "parvis/protocol/timestamps.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/fetch_gate.h"

namespace parvis::federation {
namespace {

// Caches must keep the JSON and the HTML apart.
http::Response ActivityJson(std::string body) {
  http::Response response = http::Response::ActivityJson(200, std::move(body));
  response.headers.emplace_back("Vary", "Accept");
  return response;
}

protocol::LocalActor DescribeAccount(const Config& config, const accounts::Account& account,
                                     const std::string& sector) {
  ActorUrls urls(config.base_url);
  const std::string& name = account.name;
  return protocol::LocalActor{
      .type = ActorType(account.kind),
      .id = urls.Actor(name),
      .preferred_username = name,
      .name = account.display_name.empty() ? name : account.display_name,
      .summary = account.bio.empty() ? "" : protocol::RenderPlainText(account.bio, {}),
      .url = urls.Profile(name),
      .inbox = urls.Inbox(name),
      .outbox = urls.Outbox(name),
      .followers = urls.Followers(name),
      .following = urls.Following(name),
      .featured = urls.Featured(name),
      .shared_inbox = urls.SharedInbox(),
      .manually_approves_followers = account.manually_approves_followers,
      .published = account.created_at,
      .rsa_key_id = urls.RsaKey(name),
      .rsa_public_pem = account.rsa_public_pem,
      .ed25519_key_id = urls.Ed25519Key(name),
      .ed25519_multibase = account.ed25519_multibase,
      .icon_url = account.avatar_type.empty() ? "" : urls.Avatar(name, account.avatar_version),
      .icon_media_type = account.avatar_type,
      .sector = sector,
      .also_known_as = account.also_known_as,
      .moved_to = account.moved_to,
      .e2ee_keys = urls.E2eeKeys(name),
  };
}

std::string SectorOf(const ActorContext& context, const accounts::Account& account) {
  if (context.sector_of) return context.sector_of(account);
  return account.kind == accounts::AccountKind::kCommercial ? "commercial" : "civic";
}

// The account named in the route, or the response to give instead.
std::variant<accounts::Account, http::Response> FindAccount(const ActorContext& context,
                                                            const std::string& name) {
  if (!accounts::ValidateAccountName(name)) return http::Response::JsonError(404, "no such account");
  Result<std::optional<accounts::Account>> found = context.accounts->FindByName(name);
  if (!found) return http::Response::JsonError(503, "storage unavailable");
  if (!found->has_value()) {
    // A deleted account's actor is gone for good: 410 with a Tombstone.
    Result<std::optional<int64_t>> deleted = context.accounts->DeletedAt(name);
    if (deleted && deleted->has_value()) {
      const std::string id = ActorUrls(context.config->base_url).Actor(name);
      http::Response gone = ActivityJson(
          R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + id +
          R"(","type":"Tombstone","formerType":"Person","deleted":")" + protocol::FormatRfc3339Utc(**deleted) + R"("})");
      gone.status = 410;
      return gone;
    }
  }
  // A registration waiting for approval is not published.
  if (!found->has_value() || !(*found)->approved) return http::Response::JsonError(404, "no such account");
  // Suspended by the moderators: gone, as Mastodon answers (an appeal granted brings it back).
  if (context.policy != nullptr &&
      context.policy->IsSuspended(ActorUrls(context.config->base_url).Actor((*found)->name))) {
    return http::Response::JsonError(410, "this account is suspended");
  }
  return std::move(**found);
}

http::Response InstanceActor(const ActorContext& context) {
  const Config& config = *context.config;
  ActorUrls urls(config.base_url);
  std::string actor = urls.InstanceActor();
  return ActivityJson(protocol::ActorDocument(protocol::LocalActor{
      .type = "Application",
      .id = actor,
      .preferred_username = config.host,
      .name = config.node_name,
      .summary = "",
      .url = config.base_url + "/about",
      .inbox = actor + "/inbox",
      .outbox = actor + "/outbox",
      .shared_inbox = urls.SharedInbox(),
      .manually_approves_followers = true,
      .rsa_key_id = urls.InstanceRsaKey(),
      .rsa_public_pem = context.instance_keys->rsa_public_pem,
      .ed25519_key_id = urls.InstanceEd25519Key(),
      .ed25519_multibase = context.instance_keys->ed25519_multibase,
  }));
}

}  // namespace

http::Response ActorResponse(const Config& config, const accounts::Account& account,
                             const std::string& sector) {
  return ActivityJson(protocol::ActorDocument(DescribeAccount(config, account, sector)));
}

const char* ActorType(accounts::AccountKind kind) {
  switch (kind) {
    case accounts::AccountKind::kPerson: return "Person";
    case accounts::AccountKind::kOrganization: return "Organization";
    case accounts::AccountKind::kGroup: return "Group";
    // A business; its commercial sector is declared on the document.
    case accounts::AccountKind::kCommercial: return "Organization";
    // A public body (a town hall, an agency): civic, like an association.
    case accounts::AccountKind::kPublicBody: return "Organization";
  }
  return "Person";
}

void AddActorRoutes(http::Router& router, const ActorContext& context) {
  bool required = context.config->authorized_fetch;
  router.AddAsync("GET", "/users/{name}", SignedFetch(context.verifier, required, [context](http::Request& request) {
    auto found = FindAccount(context, request.params["name"]);
    if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
    const accounts::Account& account = std::get<accounts::Account>(found);
    if (!request.AcceptsActivityJson()) {
      // People following a link land on the profile page.
      http::Response redirect = http::Response::Text(302, "");
      redirect.headers.emplace_back("Location", ActorUrls(context.config->base_url).Profile(account.name));
      redirect.headers.emplace_back("Vary", "Accept");
      return redirect;
    }
    return ActivityJson(
        protocol::ActorDocument(DescribeAccount(*context.config, account, SectorOf(context, account))));
  }, /*html_alternative=*/true));
  router.Add("GET", "/actor", [context](http::Request&) { return InstanceActor(context); });
}

}  // namespace parvis::federation
