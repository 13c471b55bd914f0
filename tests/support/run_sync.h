// Runs a coroutine on an event loop and waits for its result, so tests can
// call asynchronous APIs from the test thread.
#ifndef PARVIS_TESTS_SUPPORT_RUN_SYNC_H_
#define PARVIS_TESTS_SUPPORT_RUN_SYNC_H_

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "server/http/event_loop.h"

namespace parvis::testing {

template <typename T>
T RunSync(http::EventLoop& loop, boost::asio::awaitable<T> work) {
  std::future<T> result =
      boost::asio::co_spawn(loop.executor(), std::move(work), boost::asio::use_future);
  return result.get();
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_RUN_SYNC_H_
