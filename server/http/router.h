// Maps a method and a path to a handler. Patterns are literal segments and
// `{name}` segments that match one non-empty segment: "/users/{name}/outbox";
// a parameter may follow a literal prefix in its segment: "/@{name}".
#ifndef PARVIS_SERVER_HTTP_ROUTER_H_
#define PARVIS_SERVER_HTTP_ROUTER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "server/http/request.h"

namespace parvis::http {

// Handlers run on an I/O thread and must not block for long.
using Handler = std::function<Response(Request& request)>;
// For handlers that wait on the network or another pool: a coroutine on the
// connection's strand. `request` lives until the coroutine completes.
using AsyncHandler = std::function<boost::asio::awaitable<Response>(Request& request)>;

struct JsonBodyLimits {
  size_t max_bytes = 1 << 20;
  unsigned max_depth = 64;
};

struct RouteOptions {
  // The body must be JSON within the node's size and depth limits; the
  // server answers 400 itself otherwise and fills Request::json.
  bool json_body = false;
};

struct Route {
  std::string method;
  std::string pattern;  // also the route's name in metrics and logs
  std::vector<std::string> segments;
  Handler handler;             // exactly one of handler and async_handler is set
  AsyncHandler async_handler;
  RouteOptions options;
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler,
                RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;       // null: no route for this path
    bool path_known = false;            // some route has this path (405 rather than 404)
    std::vector<std::pair<std::string, std::string>> params;
    std::string allowed;                // methods for the path, for the Allow header
  };
  // `path` is already percent-decoded.
  Match Find(std::string_view method, std::string_view path) const;

  // Finds the route for `request` and runs it: 404 or 405 when there is none
  // (HEAD runs the GET route), 415/400 when a JSON body is required and the
  // body is not JSON within `json_limits`, 500 if the handler throws.
  // `route_name` is set to the route's pattern, or "(unrouted)".
  boost::asio::awaitable<Response> Dispatch(Request& request, const JsonBodyLimits& json_limits,
                                            std::string_view* route_name) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_ROUTER_H_
