#include "server/federation/collection_routes.h"

#include "server/federation/actor_urls.h"
#include "server/federation/fetch_gate.h"
#include "server/federation/follow_store.h"
#include "server/federation/paged_collection.h"

namespace parvis::federation {
namespace {


http::Response Follows(const CollectionContext& context, http::Request& request,
                       Direction direction) {
  const std::string& name = request.params["name"];
  if (!accounts::ValidateAccountName(name)) return http::Response::JsonError(404, "no such account");
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(name);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) return http::Response::JsonError(404, "no such account");
  ActorUrls urls(context.config->base_url);
  const std::string& canonical = (*account)->name;
  std::string id = direction == Direction::kFollowers ? urls.Followers(canonical)
                                                      : urls.Following(canonical);
  Result<std::vector<FollowRecord>> records =
      FollowStore(*context.store).List((*account)->id, direction);
  if (!records) return http::Response::JsonError(503, "storage unavailable");
  std::vector<std::string> accepted;
  for (const FollowRecord& record : *records) {
    if (record.state == FollowState::kAccepted) accepted.push_back(record.actor);
  }
  return PagedCollection(
      request, id, accepted.size(), [&](size_t i) { return JsonString(accepted[i]); },
      kCollectionPageSize);
}

}  // namespace

void AddCollectionRoutes(http::Router& router, const CollectionContext& context) {
  bool required = context.config->authorized_fetch;
  router.AddAsync("GET", "/users/{name}/followers",
                  SignedFetch(context.verifier, required, [context](http::Request& request) {
                    return Follows(context, request, Direction::kFollowers);
                  }));
  router.AddAsync("GET", "/users/{name}/following",
                  SignedFetch(context.verifier, required, [context](http::Request& request) {
                    return Follows(context, request, Direction::kFollowing);
                  }));
}

}  // namespace parvis::federation
