// The node's I/O threads: one Asio io_context run by N threads, shared by the
// HTTP server, the HTTP client and background work (deliveries, queues).
#ifndef PARVIS_SERVER_HTTP_EVENT_LOOP_H_
#define PARVIS_SERVER_HTTP_EVENT_LOOP_H_

#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace boost::asio {
class io_context;
}

namespace parvis::http {

class EventLoop {
 public:
  explicit EventLoop(unsigned threads);
  // Stops and joins.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts the threads; work may be posted before.
  void Start();
  // Makes every thread return as soon as it can; pending work is dropped
  // (and destroyed with the loop). Thread-safe, idempotent.
  void Stop();
  // Waits for the threads to end (after Stop). Idempotent.
  void Join();

  boost::asio::io_context& context();
  boost::asio::any_io_executor executor();
  unsigned threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_EVENT_LOOP_H_
