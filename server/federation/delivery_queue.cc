#include "server/federation/delivery_queue.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "parvis/protocol/data_integrity.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/keys.h"
#include "server/federation/domain_policy.h"
#include "server/federation/host_health.h"
#include "server/federation/lru_cache.h"
#include "server/federation/request_signer.h"

namespace parvis::federation {
namespace {

namespace asio = boost::asio;
using storage::Family;



struct Entry {
  storage::AccountId sender = 0;
  std::string inbox;
  std::string body;
  int attempts = 0;
  int64_t created = 0;
  std::string last_error;
};

std::string Encode(const Entry& entry) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("sender");
  writer.Uint64(entry.sender);
  writer.Key("inbox");
  writer.String(entry.inbox.c_str());
  writer.Key("body");
  writer.String(entry.body.c_str(), static_cast<rapidjson::SizeType>(entry.body.size()));
  writer.Key("attempts");
  writer.Int(entry.attempts);
  writer.Key("created");
  writer.Int64(entry.created);
  writer.Key("lastError");
  writer.String(entry.last_error.c_str());
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Entry> Decode(std::string_view bytes) {
  Result<rapidjson::Document> doc = protocol::ParseJson(bytes, {.max_bytes = 64 << 20});
  if (!doc || !doc->IsObject() || !(*doc)["sender"].IsUint64() || !(*doc)["inbox"].IsString() ||
      !(*doc)["body"].IsString() || !(*doc)["attempts"].IsInt() || !(*doc)["created"].IsInt64()) {
    return Fail(ErrorCode::kCorruption, "delivery entry does not decode");
  }
  Entry entry{(*doc)["sender"].GetUint64(), (*doc)["inbox"].GetString(),
              std::string((*doc)["body"].GetString(), (*doc)["body"].GetStringLength()),
              (*doc)["attempts"].GetInt(), (*doc)["created"].GetInt64(), ""};
  if (doc->HasMember("lastError") && (*doc)["lastError"].IsString()) {
    entry.last_error = (*doc)["lastError"].GetString();
  }
  return entry;
}

// Statuses after which trying again cannot help.
bool IsPermanentFailure(int status) {
  return status >= 400 && status < 500 && status != 408 && status != 429;
}

}  // namespace

struct DeliveryQueue::Impl : std::enable_shared_from_this<DeliveryQueue::Impl> {
  Impl(storage::Store& s, http::EventLoop& l, http::HttpClient& c, accounts::AccountService& a,
       const InstanceActorKeys& k, ActorUrls u, std::function<int64_t()> n, DeliveryOptions o)
      : store(s), loop(l), client(c), accounts(a), instance_keys(k), urls(std::move(u)),
        now(std::move(n)), options(o), parsed_senders(std::max<size_t>(1, o.parsed_senders_kept)),
        strand(asio::make_strand(l.context())), timer(strand) {}

  asio::awaitable<void> Schedule(std::shared_ptr<Impl> self);
  asio::awaitable<void> Deliver(std::shared_ptr<Impl> self, std::string key, Entry entry);
  struct SenderKeys {
    protocol::PrivateKey rsa;
    std::string rsa_key_id;
    protocol::PrivateKey ed25519;
    std::string ed25519_key_id;
  };
  Result<SenderKeys> SenderKey(storage::AccountId sender);
  // What SenderKey parsed, by sender, with a digest of the PEM keys it
  // parsed them from (the keys themselves are not kept twice).
  struct ParsedSender {
    std::array<unsigned char, crypto_generichash_BYTES> pem_digest;
    protocol::PrivateKey rsa;
    protocol::PrivateKey ed25519;
  };
  void Finish(const std::string& key);

  storage::Store& store;
  http::EventLoop& loop;
  http::HttpClient& client;
  accounts::AccountService& accounts;
  const InstanceActorKeys& instance_keys;
  ActorUrls urls;
  std::function<int64_t()> now;
  DeliveryOptions options;
  const DomainPolicy* policy = nullptr;  // hosts refused since a delivery was queued
  std::atomic<uint64_t> failed_count{0};
  std::atomic<uint64_t> delivered_count{0};
  LruCache<storage::AccountId, ParsedSender> parsed_senders;  // locks itself

  // Touched only on the strand.
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  bool wake_pending = false;
  // A wake is posted to the strand and has not run yet: more are not posted.
  std::atomic<bool> wake_posted{false};
  std::set<std::string> in_flight;  // queue keys being delivered
};

int64_t DeliveryQueue::BackoffSeconds(const DeliveryOptions& options, int attempt) {
  int64_t delay = options.first_retry_seconds;
  for (int i = 1; i < attempt && delay < options.max_retry_seconds; ++i) delay *= 2;
  return std::min(delay, options.max_retry_seconds);
}

Result<DeliveryQueue::Impl::SenderKeys> DeliveryQueue::Impl::SenderKey(
    storage::AccountId sender) {
  std::string rsa_pem, ed25519_pem, rsa_key_id, ed25519_key_id;
  // The PEM copies hold private keys: wiped however this returns.
  struct Wipe {
    std::string& a;
    std::string& b;
    ~Wipe() {
      sodium_memzero(a.data(), a.size());
      sodium_memzero(b.data(), b.size());
    }
  } wipe{rsa_pem, ed25519_pem};
  if (sender == kInstanceSender) {
    rsa_pem = instance_keys.rsa_private_pem;
    ed25519_pem = instance_keys.ed25519_private_pem;
    rsa_key_id = urls.InstanceRsaKey();
    ed25519_key_id = urls.InstanceEd25519Key();
  } else {
    // Read and unsealed for every delivery all the same, so an erased
    // account (its data key destroyed) stops sending at once.
    Result<std::optional<accounts::Account>> account = accounts.FindById(sender);
    if (!account || !account->has_value()) parsed_senders.Erase(sender);
    if (!account) return std::unexpected(account.error());
    if (!account->has_value()) return Fail(ErrorCode::kNotFound, "the sender no longer exists");
    Result<accounts::PrivateKeyPems> pems = accounts.PrivateKeys(**account);
    if (!pems) {
      parsed_senders.Erase(sender);
      return std::unexpected(pems.error());
    }
    rsa_pem = std::move(pems->rsa);
    ed25519_pem = std::move(pems->ed25519);
    sodium_memzero(pems->rsa.data(), pems->rsa.size());
    sodium_memzero(pems->ed25519.data(), pems->ed25519.size());
    rsa_key_id = urls.RsaKey((*account)->name);
    ed25519_key_id = urls.Ed25519Key((*account)->name);
  }
  std::array<unsigned char, crypto_generichash_BYTES> digest;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, digest.size());
  for (const std::string* pem : {&rsa_pem, &ed25519_pem}) {
    // Length first, so the two keys cannot be cut differently.
    const uint64_t length = pem->size();
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&length), sizeof length);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(pem->data()),
                              pem->size());
  }
  crypto_generichash_final(&state, digest.data(), digest.size());
  if (std::optional<ParsedSender> kept = parsed_senders.Find(sender);
      kept && kept->pem_digest == digest) {
    return SenderKeys{kept->rsa, std::move(rsa_key_id), kept->ed25519, std::move(ed25519_key_id)};
  }
  Result<protocol::PrivateKey> rsa = protocol::ParsePrivateKeyPem(rsa_pem);
  if (!rsa) return std::unexpected(rsa.error());
  Result<protocol::PrivateKey> ed25519 = protocol::ParsePrivateKeyPem(ed25519_pem);
  if (!ed25519) return std::unexpected(ed25519.error());
  parsed_senders.Put(sender, ParsedSender{digest, *rsa, *ed25519});
  return SenderKeys{std::move(*rsa), std::move(rsa_key_id), std::move(*ed25519),
                    std::move(ed25519_key_id)};
}

// The body with an FEP-8b32 eddsa-jcs-2022 proof by the sender, so it stays
// verifiable when forwarded. Bodies that are not JSON objects go unchanged.
static std::string WithProof(const std::string& body, const protocol::PrivateKey& key,
                      const std::string& key_id, int64_t now) {
  Result<rapidjson::Document> doc = protocol::ParseJson(body, {.max_bytes = 64 << 20});
  if (!doc || !doc->IsObject() || doc->HasMember("proof")) return body;
  auto& allocator = doc->GetAllocator();
  // The proof's terms come from the Data Integrity context.
  constexpr const char* kIntegrity = "https://w3id.org/security/data-integrity/v1";
  auto context = doc->FindMember("@context");
  if (context == doc->MemberEnd()) {
    rapidjson::Value list(rapidjson::kArrayType);
    list.PushBack("https://www.w3.org/ns/activitystreams", allocator);
    list.PushBack(rapidjson::StringRef(kIntegrity), allocator);
    doc->AddMember("@context", list, allocator);
  } else if (!context->value.IsArray()) {
    rapidjson::Value list(rapidjson::kArrayType);
    list.PushBack(rapidjson::Value(context->value, allocator), allocator);
    list.PushBack(rapidjson::StringRef(kIntegrity), allocator);
    context->value = list;
  } else {
    bool present = false;
    for (const auto& entry : context->value.GetArray()) {
      present = present || (entry.IsString() && std::string_view(entry.GetString()) == kIntegrity);
    }
    if (!present) context->value.PushBack(rapidjson::StringRef(kIntegrity), allocator);
  }
  if (!protocol::AddEddsaJcsProof(*doc, key, {.verification_method = key_id, .created_unix = now})) {
    return body;
  }
  return protocol::WriteJson(*doc);
}

void DeliveryQueue::Impl::Finish(const std::string& key) {
  asio::post(strand, [self = shared_from_this(), key] {
    self->in_flight.erase(key);
    self->wake_pending = true;
    self->timer.cancel();
  });
}

// `self` keeps the queue alive while the delivery runs.
asio::awaitable<void> DeliveryQueue::Impl::Deliver([[maybe_unused]] std::shared_ptr<Impl> self, std::string key,
                                                   Entry entry) {
  ++entry.attempts;
  HostHealth health(store);
  std::string host = HostOf(entry.inbox).value_or("");
  Result<SenderKeys> signer = SenderKey(entry.sender);
  int status = 0;
  std::string error;
  bool transient_failure = false;
  if (policy != nullptr && !policy->AllowsUrl(entry.inbox)) {
    // Blocked (by configuration or a moderator) after it was queued.
    error = "host " + host + " is blocked";
    entry.attempts = options.max_attempts;
  } else if (health.Unavailable(host)) {
    // Skipped until the host shows signs of life.
    error = "host " + host + " is marked unavailable";
    entry.attempts = options.max_attempts;
  } else if (!signer) {
    // No key, no delivery, ever: the account was erased.
    error = signer.error().message;
    entry.attempts = options.max_attempts;
  } else {
    std::string body = WithProof(entry.body, signer->ed25519, signer->ed25519_key_id, now());
    bool rfc9421 = health.SpeaksRfc9421(host);
    auto attempt = [&](bool use_rfc9421) {
      http::ClientRequest request;
      request.method = "POST";
      request.url = entry.inbox;
      request.headers = {{"Content-Type", "application/activity+json"},
                         {"Accept", "application/activity+json"}};
      request.body = body;
      request.sign = use_rfc9421 ? Rfc9421Signer(signer->ed25519, signer->ed25519_key_id, now)
                                 : CavageSigner(signer->rsa, signer->rsa_key_id, now);
      return client.Fetch(std::move(request));
    };
    Result<http::ClientResponse> response = co_await attempt(rfc9421);
    if (rfc9421 && response && response->status == 401) {
      // The "double knock": a host that refuses RFC 9421 gets draft-cavage,
      // and is remembered as such.
      (void)health.SetSpeaksRfc9421(host, false);
      response = co_await attempt(false);
    }
    if (response) {
      status = response->status;
      transient_failure = status < 200 || (status >= 300 && !IsPermanentFailure(status));
    } else {
      error = response.error().message;
      transient_failure = true;
      // Refused addresses and malformed inboxes never get better.
      if (response.error().code == ErrorCode::kInvalidArgument) {
        entry.attempts = options.max_attempts;
        transient_failure = false;
      }
    }
  }
  storage::Batch batch;
  batch.Delete(Family::kQueues, key);
  if (status >= 200 && status < 300) {
    health.MarkAvailable(batch, host);
    ++delivered_count;
  } else {
    if (status != 0) error = "HTTP " + std::to_string(status);
    entry.last_error = error;
    std::string sequence = key.substr(key.size() - 8);
    if (IsPermanentFailure(status) || entry.attempts >= options.max_attempts) {
      spdlog::warn("giving up delivery to {} after {} attempts: {}", entry.inbox, entry.attempts,
                   error);
      batch.Put(Family::kQueues, std::string(kFailedDeliveries) + sequence, Encode(entry));
      ++failed_count;
      // A host that failed through every retry is skipped from now on.
      if (transient_failure && !host.empty()) health.MarkUnavailable(batch, host, now());
    } else {
      int64_t delay = BackoffSeconds(options, entry.attempts);
      // Up to a fifth more, so retries from many deliveries spread out.
      delay += static_cast<int64_t>(randombytes_uniform(static_cast<uint32_t>(delay / 5 + 1)));
      batch.Put(Family::kQueues,
                std::string(kDeliveryQueue) + storage::EncodeUint64(static_cast<uint64_t>(now() + delay)) +
                    sequence,
                Encode(entry));
    }
  }
  if (Status written = store.Write(batch); !written) {
    spdlog::error("delivery queue: {}", written.error().message);
  }
  Finish(key);
}

asio::awaitable<void> DeliveryQueue::Impl::Schedule(std::shared_ptr<Impl> self) {
  for (;;) {
    wake_pending = false;
    int64_t current = now();
    int64_t next_due = current + 60;
    std::vector<std::pair<std::string, Entry>> due;
    // From the oldest delivery in flight: the entries before it were all
    // taken (keys sort by due time, new and retried ones come later), and
    // seeking there skips their deletions, which a fan-out to thousands of
    // inboxes would otherwise step over again at each wake. With none in
    // flight, from the start (an entry queued after the clock went back is
    // found then).
    std::string from = in_flight.empty() ? std::string(kDeliveryQueue) : *in_flight.begin();
    Status scanned = store.ScanFrom(
        Family::kQueues, kDeliveryQueue, from, [&](std::string_view key, std::string_view value) {
          uint64_t at = storage::DecodeUint64(key.substr(kDeliveryQueue.size(), 8));
          if (static_cast<int64_t>(at) > current) {
            next_due = std::min<int64_t>(next_due, static_cast<int64_t>(at));
            return false;
          }
          if (in_flight.size() + due.size() >= options.concurrency) return false;
          std::string k(key);
          if (in_flight.count(k) != 0) return true;
          Result<Entry> entry = Decode(value);
          if (!entry) {
            spdlog::error("dropping unreadable delivery entry: {}", entry.error().message);
            storage::Batch drop;
            drop.Delete(Family::kQueues, k);
            (void)store.Write(drop);
            return true;
          }
          due.emplace_back(std::move(k), std::move(*entry));
          return true;
        });
    if (!scanned) spdlog::error("delivery queue: {}", scanned.error().message);
    for (auto& [key, entry] : due) {
      in_flight.insert(key);
      asio::co_spawn(loop.executor(), Deliver(self, key, std::move(entry)), asio::detached);
    }
    if (wake_pending) continue;
    timer.expires_after(std::chrono::seconds(std::max<int64_t>(1, next_due - now())));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

DeliveryQueue::DeliveryQueue(storage::Store& store, http::EventLoop& loop, http::HttpClient& client,
                             accounts::AccountService& accounts,
                             const InstanceActorKeys& instance_keys, ActorUrls urls,
                             std::function<int64_t()> now, DeliveryOptions options,
                             const DomainPolicy* policy)
    : impl_(std::make_shared<Impl>(store, loop, client, accounts, instance_keys, std::move(urls),
                                   std::move(now), options)) {
  impl_->policy = policy;
}

DeliveryQueue::~DeliveryQueue() = default;

Status DeliveryQueue::Enqueue(storage::Batch& batch, storage::AccountId sender,
                              const std::string& inbox, const std::string& body) {
  Result<uint64_t> sequence = impl_->store.NextSequence("delivery");
  if (!sequence) return std::unexpected(sequence.error());
  Entry entry{sender, inbox, body, 0, impl_->now(), ""};
  batch.Put(Family::kQueues,
            std::string(kDeliveryQueue) + storage::EncodeUint64(static_cast<uint64_t>(impl_->now())) +
                storage::EncodeUint64(*sequence),
            Encode(entry));
  return Ok();
}

void DeliveryQueue::Wake() {
  if (impl_->wake_posted.exchange(true)) return;
  asio::post(impl_->strand, [impl = impl_] {
    // Cleared first: a wake after this point posts again. An exchange, so
    // what a wake that found one posted wrote before it is seen here.
    impl->wake_posted.exchange(false);
    impl->wake_pending = true;
    impl->timer.cancel();
  });
}

void DeliveryQueue::Start() {
  asio::co_spawn(impl_->strand, impl_->Schedule(impl_), asio::detached);
}

uint64_t DeliveryQueue::pending() const {
  uint64_t count = 0;
  (void)impl_->store.Scan(Family::kQueues, kDeliveryQueue, [&](std::string_view, std::string_view) {
    ++count;
    return true;
  });
  return count;
}

uint64_t DeliveryQueue::failed() const { return impl_->failed_count.load(); }

uint64_t DeliveryQueue::delivered() const { return impl_->delivered_count.load(); }

}  // namespace parvis::federation
