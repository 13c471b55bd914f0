#include "server/federation/import_jobs.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

namespace parvis::federation {

// Held by the jobs and by every running import, so that an import still
// running when the node stops finds its state alive.
struct ImportJobs::Shared {
  ImportContext context;
  mutable std::mutex mutex;
  std::map<storage::AccountId, ImportJob> jobs;
};

ImportJobs::ImportJobs(ImportContext context) : shared_(std::make_shared<Shared>()) {
  shared_->context = std::move(context);
}

ImportJobs::~ImportJobs() = default;

boost::asio::awaitable<Status> ImportJobs::Start(accounts::Account account, ImportInput input) {
  {
    std::lock_guard lock(shared_->mutex);
    ImportJob& job = shared_->jobs[account.id];
    if (job.running) co_return Fail(ErrorCode::kBusy, "an import is running for this account");
    job = ImportJob{.running = true, .started = shared_->context.follows.now(), .file_name = input.file_name};
  }
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::co_spawn(executor, Run(shared_, std::move(account), std::move(input)), boost::asio::detached);
  co_return Ok();
}

boost::asio::awaitable<void> ImportJobs::Run(std::shared_ptr<Shared> shared, accounts::Account account,
                                             ImportInput input) {
  Result<ImportReport> report = co_await ImportAccountData(shared->context, account, std::move(input));
  std::lock_guard lock(shared->mutex);
  ImportJob& job = shared->jobs[account.id];
  job.running = false;
  job.finished = shared->context.follows.now();
  if (report) {
    job.report = std::move(*report);
  } else {
    job.error = report.error();
  }
}

std::optional<ImportJob> ImportJobs::Last(storage::AccountId account) const {
  std::lock_guard lock(shared_->mutex);
  auto it = shared_->jobs.find(account);
  if (it == shared_->jobs.end()) return std::nullopt;
  return it->second;
}

}  // namespace parvis::federation
