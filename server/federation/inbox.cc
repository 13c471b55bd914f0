#include "server/federation/inbox.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/data_policy.h"
#include "parvis/protocol/activity_envelope.h"
#include "parvis/protocol/data_integrity.h"
#include "parvis/protocol/http_signature.h"
#include "parvis/protocol/json.h"
#include "server/federation/actor_urls.h"
#include "server/federation/host_health.h"

namespace parvis::federation {
namespace {

// Whether `activity` is a Create of an object replying to an id under `prefix`.
bool RepliesTo(const rapidjson::Value& activity, const std::string& prefix) {
  if (!activity.IsObject() || protocol::StringMember(activity, "type").value_or("") != "Create") return false;
  auto object = activity.FindMember("object");
  if (object == activity.MemberEnd() || !object->value.IsObject()) return false;
  return protocol::StringMember(object->value, "inReplyTo").value_or("").starts_with(prefix);
}

// The data policy publishes how long a signature's fingerprint is kept.
static_assert(2 * protocol::kDefaultSignatureSkewSeconds == RetentionSeconds("signature_fingerprints"));

using storage::Family;

http::Response Refuse(int status, std::string_view reason) {
  return http::Response::JsonError(status, reason);
}

http::Response TooMany(std::string_view who, int64_t wait) {
  http::Response response = http::Response::JsonError(
      429, std::string("too many deliveries from ") + std::string(who) + "; try again later");
  response.headers.emplace_back("Retry-After", std::to_string(wait));
  return response;
}

std::string ReceiptJson(const protocol::ActivityEnvelope& envelope, std::string_view signer,
                        const std::optional<std::string>& recipient, int64_t now,
                        std::string_view body) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("receivedAt");
  writer.Int64(now);
  writer.Key("signer");
  writer.String(signer.data(), static_cast<rapidjson::SizeType>(signer.size()));
  writer.Key("recipient");
  if (recipient) writer.String(recipient->c_str());
  else writer.Null();
  writer.Key("type");
  writer.String(envelope.type.c_str());
  writer.Key("activity");
  // The body exactly as received: it was checked against the digest.
  writer.RawValue(body.data(), body.size(), rapidjson::kObjectType);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Inbox::Inbox(InboxContext context) : context_(std::move(context)) {}

boost::asio::awaitable<http::Response> Inbox::Receive(http::Request& request,
                                                      std::optional<std::string> recipient) {
  const int64_t now = context_.now();
  const Limits& limits = context_.config->limits;
  // One client cannot keep the node verifying signatures for it alone.
  if (limits.inbox_per_client_per_minute != 0) {
    accounts::RateLimit limit{static_cast<int>(limits.inbox_per_client_per_minute), 60};
    if (int64_t wait = context_.limiter->Attempt("inbox-client/" + request.client, limit, now)) {
      co_return TooMany("this client", wait);
    }
  }
  if (recipient) {
    if (!accounts::ValidateAccountName(*recipient)) co_return Refuse(404, "no such account");
    Result<std::optional<accounts::Account>> account = context_.accounts->FindByName(*recipient);
    if (!account) co_return Refuse(503, "storage unavailable");
    if (!account->has_value()) co_return Refuse(404, "no such account");
  }

  // 1. Who signed, with a fresh signature covering enough, over this body.
  std::expected<VerifiedRequest, VerificationFailure> signed_by =
      co_await context_.verifier->Verify(request, /*check_digest=*/true, /*suspended_may_sign=*/true);
  if (!signed_by) {
    if (signed_by.error().key_gone && request.json.IsObject()) {
      // An actor deleting itself is gone by the time its Delete arrives, and
      // so is its key. If we never knew it there is nothing to delete:
      // accept, store nothing (as Mastodon does).
      Result<protocol::ActivityEnvelope> envelope = protocol::ReadActivityEnvelope(request.json);
      if (envelope && envelope->type == "Delete" && envelope->object_id == envelope->actor) {
        co_return http::Response::Text(202, "");
      }
    }
    co_return Refuse(signed_by.error().status, signed_by.error().reason);
  }
  const std::string& fingerprint = signed_by->fingerprint;
  // Counted per domain only once the signature holds, so no one can spend
  // another domain's allowance.
  if (std::optional<std::string> host = HostOf(signed_by->signer);
      host && limits.inbox_per_domain_per_minute != 0) {
    accounts::RateLimit limit{static_cast<int>(limits.inbox_per_domain_per_minute), 60};
    if (int64_t wait = context_.limiter->Attempt("inbox-domain/" + *host, limit, now)) {
      co_return TooMany(*host, wait);
    }
  }
  // A host that speaks to us is reachable again.
  if (std::optional<std::string> host = HostOf(signed_by->signer)) {
    HostHealth health(*context_.store);
    (void)health.ClearIfMarked(*host);
    // A host that signs with RFC 9421 will be answered in kind.
    if (signed_by->rfc9421) (void)health.SetSpeaksRfc9421(*host, true);
  }
  {
    Result<std::optional<std::string>> seen = context_.store->Get(Family::kReplay, fingerprint);
    if (!seen) co_return Refuse(503, "storage unavailable");
    if (seen->has_value() && static_cast<int64_t>(storage::DecodeUint64(**seen)) > now) {
      co_return Refuse(401, "this signature was already used");
    }
  }
  // 3. The activity, and whether its actor is the signer.
  Result<protocol::ActivityEnvelope> envelope = protocol::ReadActivityEnvelope(request.json);
  if (!envelope) co_return Refuse(400, envelope.error().message);
  if (!context_.policy->AllowsUrl(envelope->actor)) {
    co_return Refuse(403, "this node does not federate with the actor's domain");
  }
  // A suspended actor may still appeal: reply to the notice of its decision.
  if ((context_.policy->IsSuspended(signed_by->signer) || context_.policy->IsSuspended(envelope->actor)) &&
      !RepliesTo(request.json, ActorUrls(context_.config->base_url).ModerationNotices())) {
    co_return Refuse(403, "this node's moderators suspended the signer");
  }
  if (envelope->actor != signed_by->signer) {
    // Forwarded activities may carry their author's own proof (FEP-8b32).
    Result<protocol::DataIntegrityProofInfo> proof =
        protocol::InspectDataIntegrityProof(request.json);
    if (!proof) co_return Refuse(401, "the activity's actor is not the signer");
    Result<ResolvedKey> author =
        co_await context_.directory->ResolveKey(proof->verification_method, false);
    if (!author || author->owner != envelope->actor ||
        !protocol::VerifyEddsaJcsProof(request.json, author->key)) {
      co_return Refuse(401, "the activity's actor is not the signer, and its proof does not hold");
    }
  }

  // 4. Once only, durably, then acknowledged.
  std::lock_guard lock(write_mutex_);
  Result<std::optional<std::string>> seen = context_.store->Get(Family::kReplay, fingerprint);
  if (!seen) co_return Refuse(503, "storage unavailable");
  if (seen->has_value() && static_cast<int64_t>(storage::DecodeUint64(**seen)) > now) {
    co_return Refuse(401, "this signature was already used");
  }
  storage::Batch batch;
  // Remembered past the acceptance window, so it cannot come back.
  batch.Put(Family::kReplay, fingerprint,
            storage::EncodeUint64(static_cast<uint64_t>(now + 2 * protocol::kDefaultSignatureSkewSeconds)));
  if (context_.direct) {
    if (std::optional<http::Response> taken = context_.direct->Take(request.json, *envelope, batch)) {
      if (taken->status / 100 != 2) co_return *std::move(taken);
      if (Status written = context_.store->Write(batch); !written) {
        co_return Refuse(503, "storage unavailable");
      }
      co_return *std::move(taken);
    }
  }
  Result<std::optional<std::string>> known = context_.store->Get(Family::kActivities, envelope->id);
  if (!known) co_return Refuse(503, "storage unavailable");
  if (!known->has_value()) {
    Result<uint64_t> sequence = context_.store->NextSequence("inbox");
    if (!sequence) co_return Refuse(503, "storage unavailable");
    batch.Put(Family::kActivities, envelope->id,
              ReceiptJson(*envelope, signed_by->signer, recipient, now, request.body));
    batch.Put(Family::kQueues,
              std::string(kInboxQueue) + storage::EncodeUint64(*sequence), envelope->id);
  }
  if (Status written = context_.store->Write(batch); !written) {
    co_return Refuse(503, "storage unavailable");
  }
  if (context_.on_queued && !known->has_value()) context_.on_queued();
  co_return http::Response::Text(202, "");
}

void Inbox::AddRoutes(http::Router& router) {
  http::RouteOptions json{.json_body = true};
  router.AddAsync(
      "POST", "/inbox",
      [this](http::Request& request) { return Receive(request, std::nullopt); }, json);
  router.AddAsync(
      "POST", "/actor/inbox",
      [this](http::Request& request) { return Receive(request, std::nullopt); }, json);
  router.AddAsync(
      "POST", "/users/{name}/inbox",
      [this](http::Request& request) { return Receive(request, request.params["name"]); }, json);
}

}  // namespace parvis::federation
