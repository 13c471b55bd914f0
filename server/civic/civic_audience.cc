#include "server/civic/civic_audience.h"

#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parvis::civic {

boost::asio::awaitable<std::vector<std::string>> RemoteInboxes(
    federation::ActorDirectory& directory, const std::string& base_url, const std::vector<std::string>& actors,
    std::map<std::string, std::vector<std::string>>* by_inbox) {
  std::set<std::string> seen;
  std::vector<std::string> inboxes;
  for (const std::string& actor : actors) {
    if (actor.starts_with(base_url + "/")) continue;  // local: nothing to deliver
    Result<protocol::RemoteActor> remote = co_await directory.Get(actor, false);
    if (!remote) continue;
    const std::string& inbox = remote->shared_inbox.empty() ? remote->inbox : remote->shared_inbox;
    if (by_inbox != nullptr) (*by_inbox)[inbox].push_back(actor);
    if (seen.insert(inbox).second) inboxes.push_back(inbox);
  }
  co_return inboxes;
}

boost::asio::awaitable<void> RunPeriodically(boost::asio::steady_timer* timer,
                                             std::function<boost::asio::awaitable<void>()> round) {
  for (;;) {
    co_await round();
    timer->expires_after(std::chrono::seconds(2));
    auto [ec] = co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace parvis::civic
