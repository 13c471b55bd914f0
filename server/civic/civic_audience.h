// What petitions and consultations share: the inboxes of their remote
// participants, and the loop that sends their pending Updates.
#ifndef PARVIS_SERVER_CIVIC_CIVIC_AUDIENCE_H_
#define PARVIS_SERVER_CIVIC_CIVIC_AUDIENCE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/federation/actor_directory.h"

namespace parvis::civic {

// The inboxes (shared ones where they exist) of `actors` that are not of
// this node (`base_url`), each once, in first-seen order; actors that
// cannot be resolved are left out. With `by_inbox`, which actors each
// inbox serves.
boost::asio::awaitable<std::vector<std::string>> RemoteInboxes(
    federation::ActorDirectory& directory, const std::string& base_url, const std::vector<std::string>& actors,
    std::map<std::string, std::vector<std::string>>* by_inbox);

// Runs `round` now and then every two seconds until `timer` is destroyed
// (which its owner does after the loop stopped).
boost::asio::awaitable<void> RunPeriodically(boost::asio::steady_timer* timer,
                                             std::function<boost::asio::awaitable<void>()> round);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CIVIC_AUDIENCE_H_
