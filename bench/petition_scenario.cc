// Petition signatures: the home node's decision path (one live signature
// per actor, the hash-chained log entry, the signer record, the petition's
// count and the signer's receipt, written in one RocksDB batch) driven by
// several threads at once on a real store in a temporary directory; then
// withdrawals; then the whole log is read back and replayed, and the count
// must be exact. HTTP and signature checks are not in this figure: the
// inbox-ingest figures measure them for every activity, Sign included.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "bench/report.h"
#include "bench/scenarios.h"
#include "parvis/config.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/civic/petition_service.h"

namespace parvis::bench {

int RunPetitions(const PetitionOptions& options) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("parvis-petition-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = dir.string()});
  if (!store) {
    Progress(options.label, "cannot open a store: " + store.error().message);
    return 1;
  }
  auto now = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  Config config;
  config.base_url = "https://bench.example";
  accounts::AccountService accounts(**store, now);
  civic::PetitionService petitions({.config = &config,
                                    .store = store->get(),
                                    .accounts = &accounts,
                                    .directory = nullptr,
                                    .deliveries = nullptr,
                                    .posts = nullptr,
                                    .now = now});
  // Accounts are never looked up on this path: plain values stand in for them.
  accounts::Account organiser{.id = 1, .name = "assoc", .kind = accounts::AccountKind::kOrganization};
  Result<uint64_t> number = petitions.Create(
      organiser, {.title = "Bench", .text = "Bench", .addressee = "Bench", .threshold = options.signatures,
                  .deadline = now() + 86400});
  if (!number) {
    Progress(options.label, "cannot create the petition: " + number.error().message);
    return 1;
  }
  {
    // Open's Create goes to no one: the organiser is not a stored account.
    boost::asio::io_context io;
    std::future<Status> opened = boost::asio::co_spawn(io, petitions.Open(organiser, *number), boost::asio::use_future);
    io.run();
    if (Status ok = opened.get(); !ok) {
      Progress(options.label, "cannot open the petition: " + ok.error().message);
      return 1;
    }
  }
  std::string id = petitions.Id(*number);

  auto run = [&](bool withdraw, size_t count) {
    std::atomic<size_t> next{0}, done{0}, failed{0};
    std::vector<std::thread> threads;
    auto start = std::chrono::steady_clock::now();
    for (unsigned t = 0; t < options.threads; ++t) {
      threads.emplace_back([&] {
        boost::asio::io_context local;
        for (size_t i = next++; i < count; i = next++) {
          accounts::Account signer{.id = 100 + i, .name = "s" + std::to_string(i)};
          auto work = withdraw ? petitions.Unsign(signer, id) : petitions.Sign(signer, id, i % 3 == 0);
          std::future<Result<civic::MySignature>> result =
              boost::asio::co_spawn(local, std::move(work), boost::asio::use_future);
          local.restart();
          local.run();
          if (result.get()) {
            ++done;
          } else {
            ++failed;
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::tuple{done.load(), failed.load(), seconds};
  };

  Progress(options.label, std::to_string(options.signatures) + " signatures from " + std::to_string(options.threads) +
                              " threads");
  auto [signed_count, sign_failed, sign_seconds] = run(false, options.signatures);
  size_t withdrawals = options.signatures / 10;
  auto [withdrawn, withdraw_failed, withdraw_seconds] = run(true, withdrawals);
  // Replay the whole log, as verify-petition does.
  auto check_start = std::chrono::steady_clock::now();
  Result<std::vector<protocol::SignatureEntry>> log = petitions.Log(*number, 0, SIZE_MAX);
  Result<protocol::TallyCheck> tally =
      log ? protocol::VerifySignatureLog(id, *log) : Result<protocol::TallyCheck>(std::unexpected(log.error()));
  double check_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - check_start).count();
  Result<std::optional<civic::Petition>> stored = petitions.Get(*number);
  uint64_t published = stored && stored->has_value() ? (*stored)->count : 0;
  bool exact = tally && tally->count == signed_count - withdrawn && published == tally->count &&
               sign_failed == 0 && withdraw_failed == 0;
  Report(options.label, "signatures", static_cast<double>(signed_count));
  Report(options.label, "signatures_per_s", static_cast<double>(signed_count) / sign_seconds);
  Report(options.label, "withdrawals", static_cast<double>(withdrawn));
  Report(options.label, "withdrawals_per_s", static_cast<double>(withdrawn) / withdraw_seconds);
  Report(options.label, "final_count", static_cast<double>(published));
  Report(options.label, "log_entries", tally ? static_cast<double>(tally->entries) : 0);
  Report(options.label, "log_replay_seconds", check_seconds);
  Report(options.label, "exact", exact ? 1 : 0);
  if (!exact) {
    Progress(options.label, "count NOT exact: " + (tally ? std::to_string(tally->count) : tally.error().message) +
                                " in the log, " + std::to_string(published) + " published, " +
                                std::to_string(sign_failed + withdraw_failed) + " failures");
  }
  petitions.Stop();
  store->reset();
  fs::remove_all(dir);
  return exact ? 0 : 1;
}

}  // namespace parvis::bench
