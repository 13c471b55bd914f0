#include "server/http/event_loop.h"

#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace parvis::http {

struct EventLoop::Impl {
  explicit Impl(unsigned n) : threads_wanted(n == 0 ? 1 : n), ioc(static_cast<int>(threads_wanted)) {}
  unsigned threads_wanted;
  boost::asio::io_context ioc;
  // Keeps run() from returning while there is momentarily nothing to do.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{ioc.get_executor()};
  std::vector<std::thread> threads;
  std::mutex mutex;  // guards threads and joined
  bool joined = false;
};

EventLoop::EventLoop(unsigned threads) : impl_(std::make_unique<Impl>(threads)) {}

EventLoop::~EventLoop() {
  Stop();
  Join();
}

void EventLoop::Start() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->threads.empty() || impl_->joined) return;
  for (unsigned i = 0; i < impl_->threads_wanted; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void EventLoop::Stop() {
  impl_->work.reset();
  impl_->ioc.stop();
}

void EventLoop::Join() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->joined) return;
  for (std::thread& thread : impl_->threads) {
    if (thread.get_id() != std::this_thread::get_id()) thread.join();
    else thread.detach();
  }
  impl_->joined = true;
}

boost::asio::io_context& EventLoop::context() { return impl_->ioc; }

boost::asio::any_io_executor EventLoop::executor() { return impl_->ioc.get_executor(); }

unsigned EventLoop::threads() const { return impl_->threads_wanted; }

}  // namespace parvis::http
