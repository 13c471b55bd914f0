#include "server/http/run_to_completion.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace parvis::http {

Response RunToCompletion(const Router& router, Request& request, const JsonBodyLimits& limits) {
  boost::asio::io_context ioc;
  Response response;
  auto run = [&]() -> boost::asio::awaitable<void> {
    std::string_view route;
    response = co_await router.Dispatch(request, limits, &route);
  };
  boost::asio::co_spawn(ioc, run(), boost::asio::detached);
  ioc.run();
  return response;
}

}  // namespace parvis::http
