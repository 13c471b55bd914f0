#include "server/federation/replay_pruner.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace parvis::federation {

namespace asio = boost::asio;

Result<size_t> PruneReplayFingerprints(storage::Store& store, int64_t now, size_t limit) {
  storage::Batch batch;
  size_t expired = 0;
  Status scanned = store.Scan(storage::Family::kReplay, "",
                              [&](std::string_view key, std::string_view value) {
                                if (value.size() == 8 &&
                                    static_cast<int64_t>(storage::DecodeUint64(value)) <= now) {
                                  batch.Delete(storage::Family::kReplay, key);
                                  ++expired;
                                }
                                return expired < limit;
                              });
  if (!scanned) return std::unexpected(scanned.error());
  if (expired == 0) return size_t{0};
  if (Status written = store.Write(batch); !written) return std::unexpected(written.error());
  return expired;
}

struct ReplayPruner::Impl {
  Impl(storage::Store& s, http::EventLoop& l, std::function<int64_t()> n, std::function<void()> a)
      : store(s), timer(l.context()), now(std::move(n)), also(std::move(a)) {}

  // The coroutine holds no reference to the Impl. The pruner goes before
  // the event loop (Node's destructor resets it after the loop stopped):
  // destroying the timer cancels the wait, and neither the aborted wait nor
  // the frame's destruction with the loop touches the Impl.
  static asio::awaitable<void> Run(Impl* self) {
    for (;;) {
      Result<size_t> pruned = PruneReplayFingerprints(self->store, self->now());
      if (!pruned) spdlog::warn("replay pruning: {}", pruned.error().message);
      if (self->also) self->also();
      self->timer.expires_after(std::chrono::minutes(10));
      auto [ec] = co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
    }
  }

  storage::Store& store;
  asio::steady_timer timer;
  std::function<int64_t()> now;
  std::function<void()> also;
};

ReplayPruner::ReplayPruner(storage::Store& store, http::EventLoop& loop, std::function<int64_t()> now,
                           std::function<void()> also)
    : impl_(std::make_unique<Impl>(store, loop, std::move(now), std::move(also))) {}

ReplayPruner::~ReplayPruner() = default;

void ReplayPruner::Start() {
  asio::co_spawn(impl_->timer.get_executor(), Impl::Run(impl_.get()), asio::detached);
}

}  // namespace parvis::federation
