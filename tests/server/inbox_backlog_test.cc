// The inbox worker and a backlog: a stop does not wait for the queue to be
// empty (what is left stays queued, durably), and the next start takes it up.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "parvis/protocol/remote_actor.h"
#include "parvis/storage.h"
#include "support/eventually.h"
#include "support/test_node.h"

namespace parvis {
namespace {

using ::parvis::testing::Eventually;
using ::parvis::testing::TestNode;

size_t QueuedInbox(storage::Store& store) {
  size_t count = 0;
  (void)store.Scan(storage::Family::kQueues, "inbox/", [&](std::string_view, std::string_view) {
    ++count;
    return true;
  });
  return count;
}

// Activities as the inbox keeps them (a receipt, then a queue entry), of a
// type with no effect, from an actor already known: processing one never
// waits for anything.
void FillInbox(const std::string& data_dir, int count) {
  storage::StoreOptions options;
  options.path = data_dir;
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  storage::Batch batch;
  protocol::RemoteActor actor;
  actor.id = "https://remote.example/users/a";
  actor.type = "Person";
  actor.inbox = actor.id + "/inbox";
  actor.fetched_at = std::time(nullptr);
  batch.Put(storage::Family::kRemoteActors, actor.id, protocol::EncodeRemoteActor(actor));
  for (int i = 0; i < count; ++i) {
    std::string id = "https://remote.example/listens/" + std::to_string(i);
    batch.Put(storage::Family::kActivities, id,
              R"({"receivedAt":0,"signer":"https://remote.example/users/a#main-key",)"
              R"("recipient":null,"type":"Listen","activity":{"id":")" + id +
                  R"(","type":"Listen","actor":"https://remote.example/users/a",)"
                  R"("object":"https://remote.example/tracks/1"}})");
    Result<uint64_t> sequence = (*store)->NextSequence("inbox");
    ASSERT_TRUE(sequence.has_value());
    batch.Put(storage::Family::kQueues, "inbox/" + storage::EncodeUint64(*sequence), id);
  }
  ASSERT_TRUE((*store)->Write(batch).has_value());
}

TEST(InboxBacklogTest, AStopLeavesTheBacklogQueuedAndTheNextStartTakesItUp) {
  constexpr int kActivities = 20000;
  TestNode node;
  node.Stop();
  const std::string data = node.dir().Sub("data");
  FillInbox(data, kActivities);

  node.Start();
  // Stopped once the worker is busy with the backlog.
  ASSERT_TRUE(Eventually([&] { return QueuedInbox(node.node().store()) < kActivities; }));
  auto stop_start = std::chrono::steady_clock::now();
  node.Stop();
  auto stop_took = std::chrono::steady_clock::now() - stop_start;
  // The worker used to hold an I/O thread until the queue was empty.
  EXPECT_LT(stop_took, std::chrono::seconds(2));
  {
    storage::StoreOptions options;
    options.path = data;
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    size_t left = QueuedInbox(**store);
    std::printf("inbox backlog: stopped in %lld ms, %zu of %d entries left queued\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(stop_took).count()),
                left, kActivities);
    EXPECT_GT(left, 0u);
  }

  node.Start();
  EXPECT_TRUE(Eventually([&] { return QueuedInbox(node.node().store()) == 0; },
                         std::chrono::seconds(300)));
}

}  // namespace
}  // namespace parvis
