// Imports started from the web (settings page), run in the background on the
// node's event loop: one at a time per account, the last one's report kept
// in memory (it names addresses: it is never stored, and a restart forgets
// it; running the import again completes what was cut short).
#ifndef PARVIS_SERVER_FEDERATION_IMPORT_JOBS_H_
#define PARVIS_SERVER_FEDERATION_IMPORT_JOBS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "server/federation/account_import.h"

namespace parvis::federation {

struct ImportJob {
  bool running = false;
  int64_t started = 0;
  int64_t finished = 0;
  std::string file_name;
  std::optional<ImportReport> report;  // when it ended well
  std::optional<Error> error;          // when the input was refused
};

class ImportJobs {
 public:
  explicit ImportJobs(ImportContext context);
  ~ImportJobs();
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Starts importing `input` into `account` on the calling coroutine's
  // executor and returns at once; kBusy while the account's last import runs.
  boost::asio::awaitable<Status> Start(accounts::Account account, ImportInput input);
  // The account's running or last import.
  std::optional<ImportJob> Last(storage::AccountId account) const;

 private:
  struct Shared;
  static boost::asio::awaitable<void> Run(std::shared_ptr<Shared> shared, accounts::Account account,
                                          ImportInput input);
  std::shared_ptr<Shared> shared_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_IMPORT_JOBS_H_
