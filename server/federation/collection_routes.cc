#include "server/federation/collection_routes.h"

#include <charconv>

#include "parvis/protocol/collection.h"
#include "server/federation/actor_urls.h"
#include "server/federation/fetch_gate.h"
#include "server/federation/follow_store.h"

namespace parvis::federation {
namespace {

http::Response ActivityJson(std::string body) {
  http::Response response = http::Response::Json(200, std::move(body));
  response.content_type = "application/activity+json; charset=utf-8";
  return response;
}

std::string Quoted(const std::string& id) {
  std::string out = "\"";
  for (char c : id) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

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
  std::optional<std::string> page_param = request.QueryParam("page");
  if (!page_param) {
    return ActivityJson(protocol::OrderedCollectionDocument(id, accepted.size(), id + "?page=1"));
  }
  size_t page = 0;
  auto [end, error] = std::from_chars(page_param->data(), page_param->data() + page_param->size(), page);
  if (error != std::errc() || end != page_param->data() + page_param->size() || page == 0 ||
      page > 1'000'000) {
    return http::Response::JsonError(400, "page must be a number from 1");
  }
  protocol::CollectionPage out{id + "?page=" + std::to_string(page), id, "", "", {}};
  size_t first = (page - 1) * kCollectionPageSize;
  for (size_t i = first; i < accepted.size() && i < first + kCollectionPageSize; ++i) {
    out.items.push_back(Quoted(accepted[i]));
  }
  if (first + kCollectionPageSize < accepted.size()) out.next = id + "?page=" + std::to_string(page + 1);
  if (page > 1) out.prev = id + "?page=" + std::to_string(page - 1);
  return ActivityJson(protocol::OrderedCollectionPageDocument(out));
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
