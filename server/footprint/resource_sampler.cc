#include "server/footprint/resource_sampler.h"

#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "server/process_stats.h"

namespace parvis::footprint {

namespace asio = boost::asio;

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_regular_file(entry_ec)) {
      uint64_t size = it->file_size(entry_ec);
      if (!entry_ec) total += size;
    }
  }
  return total;
}

struct ResourceSampler::Impl {
  Impl(storage::Store& s, SamplerSources src, uint64_t seg, int64_t started, double cpu)
      : store(s), sources(std::move(src)), segment(seg), segment_start(started), cpu_at_start(cpu) {}

  // `self` keeps the state (and its timer) alive while the loop runs it.
  static asio::awaitable<void> Run(std::shared_ptr<Impl> self, std::chrono::seconds interval) {
    for (;;) {
      if (Status recorded = self->Record(); !recorded) {
        spdlog::warn("resource sample: {}", recorded.error().message);
      }
      self->timer->expires_after(interval);
      auto [ec] = co_await self->timer->async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec || self->stopped) co_return;
    }
  }

  ResourceSample Read() const {
    ResourceSample sample;
    sample.at = sources.now();
    sample.segment = segment;
    sample.segment_start = segment_start;
    // The run's own CPU time: a node reopened in the same process (tests)
    // starts from 0 like a new process.
    sample.cpu_seconds = std::max(0.0, CpuSeconds() - cpu_at_start);
    sample.rss_bytes = ResidentMemoryBytes();
    sample.server_in = sources.traffic->server_in.load();
    sample.server_out = sources.traffic->server_out.load();
    sample.client_in = sources.traffic->client_in.load();
    sample.client_out = sources.traffic->client_out.load();
    sample.deliveries = sources.deliveries ? sources.deliveries() : 0;
    sample.storage_bytes = DirectoryBytes(store.path());
    return sample;
  }

  Status Record() {
    ResourceSample sample = Read();
    storage::Batch batch;
    batch.Put(storage::Family::kResources, SampleKey(sample), EncodeSample(sample));
    return store.Write(batch);
  }

  storage::Store& store;
  const SamplerSources sources;
  const uint64_t segment;
  const int64_t segment_start;
  const double cpu_at_start;

  // Set by Start; the timer is only touched on `strand`.
  std::optional<asio::strand<asio::any_io_executor>> strand;
  std::optional<asio::steady_timer> timer;
  bool stopped = false;  // on `strand`
};

Result<std::unique_ptr<ResourceSampler>> ResourceSampler::Create(storage::Store& store, SamplerSources sources) {
  if (sources.traffic == nullptr || !sources.now) {
    return Fail(ErrorCode::kInvalidArgument, "a resource sampler needs traffic counters and a clock");
  }
  Result<uint64_t> segment = store.NextSequence("resource-segment");
  if (!segment) return std::unexpected(segment.error());
  int64_t started = sources.now();
  auto impl = std::make_shared<Impl>(store, std::move(sources), *segment, started, CpuSeconds());
  return std::unique_ptr<ResourceSampler>(new ResourceSampler(std::move(impl)));
}

ResourceSampler::ResourceSampler(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ResourceSampler::~ResourceSampler() { Stop(); }

void ResourceSampler::Start(http::EventLoop& loop, std::chrono::seconds interval) {
  if (impl_->strand) return;
  impl_->strand.emplace(asio::make_strand(loop.executor()));
  impl_->timer.emplace(*impl_->strand);
  asio::co_spawn(*impl_->strand, Impl::Run(impl_, interval), asio::detached);
}

void ResourceSampler::Stop() {
  if (!impl_->strand) return;
  asio::post(*impl_->strand, [impl = impl_] {
    impl->stopped = true;
    impl->timer->cancel();
  });
}

ResourceSample ResourceSampler::Read() const { return impl_->Read(); }

Status ResourceSampler::Record() { return impl_->Record(); }

uint64_t ResourceSampler::segment() const { return impl_->segment; }

}  // namespace parvis::footprint
