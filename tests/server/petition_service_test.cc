// PetitionService on a real store, without a network: many signers from
// several threads, the log read page by page, and the count proven by it.
#include <atomic>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "parvis/config.h"
#include "server/civic/petition_service.h"
#include "support/temp_dir.h"

namespace parvis::civic {
namespace {

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <typename T>
T RunNow(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  std::future<T> result = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.run();
  return result.get();
}

TEST(PetitionServiceTest, ConcurrentSignersGetOneEntryEachAndTheLogPagesProveTheCount) {
  testing::TempDir dir;
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = dir.Sub("data")});
  ASSERT_TRUE(store.has_value());
  Config config;
  config.base_url = "https://a.example";
  accounts::AccountService accounts(**store, Now);
  PetitionService petitions({.config = &config, .store = store->get(), .accounts = &accounts, .now = Now});
  // The decision path looks no account up: plain values stand in for them.
  accounts::Account organiser{.id = 1, .name = "assoc", .kind = accounts::AccountKind::kOrganization};
  Result<uint64_t> number = petitions.Create(
      organiser, {.title = "T", .text = "x", .addressee = "A", .threshold = 900, .deadline = Now() + 3600});
  ASSERT_TRUE(number.has_value());
  ASSERT_TRUE(RunNow(petitions.Open(organiser, *number)).has_value());
  std::string id = petitions.Id(*number);

  constexpr size_t kSigners = 1200;
  std::atomic<size_t> next{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < kSigners; i = next++) {
        accounts::Account signer{.id = 100 + i, .name = "s" + std::to_string(i)};
        if (!RunNow(petitions.Sign(signer, id, i % 2 == 0))) ++refused;
        // Every tenth signer tries a second time: refused, nothing written.
        if (i % 10 == 0 && RunNow(petitions.Sign(signer, id, false))) ++refused;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(refused.load(), 0u);
  for (size_t i = 0; i < 100; ++i) {
    accounts::Account signer{.id = 100 + i, .name = "s" + std::to_string(i)};
    ASSERT_TRUE(RunNow(petitions.Unsign(signer, id)).has_value());
  }

  // Pages of 500, as GET /petitions/N/log?from=I serves them.
  std::vector<protocol::SignatureEntry> log;
  for (uint64_t from = 0;; from += 500) {
    Result<std::vector<protocol::SignatureEntry>> page = petitions.Log(*number, from, 500);
    ASSERT_TRUE(page.has_value());
    if (!page->empty()) {
      EXPECT_EQ(page->front().index, from);
    }
    log.insert(log.end(), page->begin(), page->end());
    if (page->size() < 500) break;
  }
  ASSERT_EQ(log.size(), kSigners + 100);
  Result<protocol::TallyCheck> tally = protocol::VerifySignatureLog(id, log);
  ASSERT_TRUE(tally.has_value()) << tally.error().message;
  EXPECT_EQ(tally->count, kSigners - 100);
  Result<std::optional<Petition>> stored = petitions.Get(*number);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->count, kSigners - 100);
  EXPECT_EQ((*stored)->head, tally->head);
  EXPECT_EQ((*stored)->State(Now()), protocol::PetitionState::kSuccessful);
  // The organiser's export: live signatures, anonymous ones without a name.
  Result<std::vector<ExportedSignature>> exported = petitions.Signatures(*number);
  ASSERT_TRUE(exported.has_value());
  EXPECT_EQ(exported->size(), kSigners - 100);
  size_t named = 0;
  for (const ExportedSignature& s : *exported) named += s.actor.empty() ? 0 : 1;
  EXPECT_EQ(named, (kSigners - 100) / 2);
}

}  // namespace
}  // namespace parvis::civic
