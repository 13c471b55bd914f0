#include "server/moderation/moderation_service.h"

#include <charconv>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/object_record.h"

namespace parvis::moderation {
namespace {

using federation::ExtensionOutcome;
using protocol::ModerationAction;
using storage::Family;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

bool IsHttpUrl(std::string_view text) {
  return (text.starts_with("https://") || text.starts_with("http://")) && text.size() <= 2048 &&
         text.find_first_of(" \t\r\n") == std::string_view::npos;
}

size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// Suspended remote actors and blocked servers, in Family::kModeration: the
// actor id or host -> the report that decided it (8 bytes).
const std::string kSuspendedPrefix = "suspended/";
const std::string kBlockedHostPrefix = "blocked-host/";

std::string InstanceActor(const Config& config) { return config.base_url + "/actor"; }

bool SameHost(std::string_view a, std::string_view b) {
  std::optional<std::string> host_a = federation::HostOf(a);
  return host_a && host_a == federation::HostOf(b);
}

void WriteDecision(Writer& writer, const char* key, const std::optional<Decision>& decision) {
  writer.Key(key);
  if (!decision) {
    writer.Null();
    return;
  }
  writer.StartObject();
  writer.Key("action");
  writer.String(protocol::ModerationActionName(decision->action));
  writer.Key("reason");
  writer.String(decision->reason.c_str());
  writer.Key("moderator");
  writer.String(decision->moderator.c_str());
  writer.Key("decided");
  writer.Int64(decision->decided);
  writer.EndObject();
}

}  // namespace

std::string ReportJson(const Report& report) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(report.id);
  writer.Key("origin");
  writer.String(report.origin == ReportOrigin::kLocal ? "local" : "remote");
  writer.Key("reporter");
  writer.String(report.reporter_actor.c_str());
  writer.Key("target");
  writer.String(report.target.c_str());
  writer.Key("objects");
  writer.StartArray();
  for (const std::string& object : report.objects) writer.String(object.c_str());
  writer.EndArray();
  writer.Key("category");
  writer.String(protocol::ReportCategoryName(report.category));
  writer.Key("comment");
  writer.String(report.comment.c_str());
  writer.Key("created");
  writer.Int64(report.created);
  writer.Key("forwarded");
  writer.Bool(!report.flag_out.empty());
  writer.Key("status");
  writer.String(report.decision ? "decided" : "open");
  WriteDecision(writer, "decision", report.decision);
  WriteDecision(writer, "outcome", report.outcome);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

boost::asio::awaitable<Result<Report>> ModerationService::FileReport(const accounts::Account& reporter,
                                                                     ReportRequest request) {
  if (!IsHttpUrl(request.target)) co_return Fail(ErrorCode::kInvalidArgument, "target must be an actor id (URL)");
  if (request.objects.size() > protocol::kMaxReportObjects) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "a report names at most " + std::to_string(protocol::kMaxReportObjects) + " posts");
  }
  for (const std::string& object : request.objects) {
    if (!IsHttpUrl(object)) co_return Fail(ErrorCode::kInvalidArgument, "objects must be post ids (URLs)");
  }
  if (CodePoints(request.comment) > protocol::kMaxReportComment) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "the comment is longer than " + std::to_string(protocol::kMaxReportComment) + " characters");
  }
  federation::ActorUrls urls(context_.config->base_url);
  std::string self = urls.Actor(reporter.name);
  if (request.target == self) co_return Fail(ErrorCode::kInvalidArgument, "an account cannot report itself");
  Report report;
  report.origin = ReportOrigin::kLocal;
  report.reporter_account = reporter.id;
  report.reporter_actor = self;
  report.reveal = request.reveal;
  report.target = request.target;
  report.objects = std::move(request.objects);
  report.category = request.category;
  report.comment = protocol::HtmlText(request.comment);
  report.created = context_.now();
  bool local_target = urls.NameFromUrl(report.target).has_value();
  std::optional<protocol::RemoteActor> remote;
  if (!local_target) {
    Result<protocol::RemoteActor> fetched = co_await context_.directory->Get(report.target, false);
    if (!fetched) co_return Fail(fetched.error().code == ErrorCode::kInvalidArgument ? ErrorCode::kInvalidArgument
                                                                                     : ErrorCode::kUnavailable,
                                 "the reported account cannot be reached: " + fetched.error().message);
    remote = std::move(*fetched);
  }
  Result<uint64_t> id = reports_.NextId();
  if (!id) co_return std::unexpected(id.error());
  report.id = *id;
  storage::Batch batch;
  if (remote && request.forward) {
    protocol::FlagDocument flag;
    flag.id = context_.config->base_url + "/flags/" + protocol::RandomHex(16);
    flag.actor = report.reveal ? self : InstanceActor(*context_.config);
    flag.objects.push_back(remote->id);
    // Only what lives on the reported account's server goes there.
    for (const std::string& object : report.objects) {
      if (SameHost(object, remote->id)) flag.objects.push_back(object);
    }
    flag.content = report.comment;
    flag.category = report.category;
    report.flag_out = flag.id;
    report.forwarded_to = remote->shared_inbox.empty() ? remote->inbox : remote->shared_inbox;
    storage::AccountId sender = report.reveal ? reporter.id : federation::kInstanceSender;
    if (Status queued = context_.deliveries->Enqueue(batch, sender, report.forwarded_to,
                                                     protocol::FlagActivity(flag, remote->id));
        !queued) {
      co_return std::unexpected(queued.error());
    }
    reports_.IndexFlag(batch, flag.id, report.id);
  }
  reports_.Put(batch, report);
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  if (!report.flag_out.empty()) context_.deliveries->Wake();
  co_return report;
}

boost::asio::awaitable<ExtensionOutcome> ModerationService::Act(const rapidjson::Value& activity,
                                                                const protocol::ActivityEnvelope& envelope,
                                                                storage::Batch& batch) {
  (void)batch;
  if (envelope.type == "Flag") co_return co_await ReceiveFlag(activity, envelope);
  if (envelope.type == "Accept" || envelope.type == "Reject") {
    Result<std::optional<protocol::ModerationDecision>> decision = protocol::ParseDecision(activity);
    if (!decision) {
      spdlog::info("moderation decision {} refused: {}", envelope.id, decision.error().message);
      co_return ExtensionOutcome::kDone;
    }
    if (decision->has_value()) co_return co_await ReceiveDecision(**decision, envelope);
  }
  co_return ExtensionOutcome::kNotMine;
}

boost::asio::awaitable<ExtensionOutcome> ModerationService::ReceiveFlag(const rapidjson::Value& activity,
                                                                        const protocol::ActivityEnvelope& envelope) {
  Result<protocol::FlagDocument> flag = protocol::ParseFlag(activity);
  if (!flag || flag->actor != envelope.actor) {
    spdlog::info("Flag {} refused: {}", envelope.id, flag ? "its actor did not sign it" : flag.error().message);
    co_return ExtensionOutcome::kDone;
  }
  Result<std::optional<uint64_t>> known = reports_.ByFlag(flag->id);
  if (!known) co_return ExtensionOutcome::kRetry;
  if (known->has_value()) co_return ExtensionOutcome::kDone;  // the same Flag again
  // The reported account: an actor of this node named in the Flag, else the
  // author of the first post of this node it names.
  federation::ActorUrls urls(context_.config->base_url);
  Report report;
  for (const std::string& object : flag->objects) {
    if (urls.NameFromUrl(object)) {
      if (report.target.empty()) report.target = object;
      continue;
    }
    if (!object.starts_with(context_.config->base_url + "/")) continue;
    Result<std::optional<federation::StoredObject>> stored = context_.posts->Get(object);
    if (!stored) co_return ExtensionOutcome::kRetry;
    if (!stored->has_value() || !(*stored)->local) continue;
    report.objects.push_back(object);
    if (report.target.empty()) report.target = (*stored)->author;
  }
  if (report.target.empty()) {
    spdlog::info("Flag {} names nothing of this node: ignored", flag->id);
    co_return ExtensionOutcome::kDone;
  }
  Result<uint64_t> id = reports_.NextId();
  if (!id) co_return ExtensionOutcome::kRetry;
  report.id = *id;
  report.origin = ReportOrigin::kRemote;
  report.reporter_actor = flag->actor;
  report.category = flag->category.value_or(protocol::ReportCategory::kOther);
  report.comment = flag->content;
  report.created = context_.now();
  report.flag_in = flag->id;
  storage::Batch own;
  reports_.Put(own, report);
  reports_.IndexFlag(own, flag->id, report.id);
  if (Status written = context_.store->Write(own); !written) co_return ExtensionOutcome::kRetry;
  co_return ExtensionOutcome::kDone;
}

boost::asio::awaitable<ExtensionOutcome> ModerationService::ReceiveDecision(
    const protocol::ModerationDecision& decision, const protocol::ActivityEnvelope& envelope) {
  Result<std::optional<uint64_t>> id = reports_.ByFlag(decision.flag_id);
  if (!id) co_return ExtensionOutcome::kRetry;
  Result<std::optional<Report>> report = id->has_value() ? reports_.Get(**id) : Result<std::optional<Report>>();
  if (!report) co_return ExtensionOutcome::kRetry;
  // Only the server the report was forwarded to decides on it, once.
  if (!report->has_value() || (*report)->flag_out != decision.flag_id || decision.actor != envelope.actor ||
      !SameHost(decision.actor, (*report)->forwarded_to) || (*report)->outcome) {
    spdlog::info("moderation decision {} ignored: not an answer to a report forwarded there", decision.id);
    co_return ExtensionOutcome::kDone;
  }
  Report updated = std::move(**report);
  updated.outcome = Decision{.action = decision.action,
                             .reason = decision.reason,
                             .moderator = federation::HostOf(decision.actor).value_or(""),
                             .decided = decision.decided};
  storage::Batch batch;
  reports_.Put(batch, updated);
  if (Status written = context_.store->Write(batch); !written) co_return ExtensionOutcome::kRetry;
  co_return ExtensionOutcome::kDone;
}

boost::asio::awaitable<Status> ModerationService::Apply(const Report& report, ModerationAction action) {
  switch (action) {
    case ModerationAction::kDismiss:
      co_return Ok();
    case ModerationAction::kRemoveObject: {
      if (report.objects.empty()) co_return Fail(ErrorCode::kInvalidArgument, "the report names no post to remove");
      for (const std::string& id : report.objects) {
        Result<std::optional<federation::StoredObject>> stored = context_.posts->Get(id);
        if (!stored) co_return std::unexpected(stored.error());
        if (!stored->has_value() || (*stored)->deleted != 0) continue;
        if ((*stored)->local) {
          // The author's own deletion: Tombstone here, Delete to its audience.
          Result<std::optional<accounts::Account>> author = context_.accounts->FindById((*stored)->account);
          if (!author) co_return std::unexpected(author.error());
          if (!author->has_value()) continue;
          if (Status deleted = co_await context_.posts->Delete(**author, id); !deleted) co_return deleted;
        } else {
          // Another server's post: gone from this node.
          storage::Batch batch;
          batch.Put(Family::kObjects, id,
                    federation::EncodeRemoteRecord((*stored)->author, (*stored)->object, context_.now()));
          if (Status written = context_.store->Write(batch); !written) co_return written;
        }
      }
      co_return Ok();
    }
    case ModerationAction::kSuspendAccount:
    case ModerationAction::kBlockDomain: {
      federation::ActorUrls urls(context_.config->base_url);
      if (urls.NameFromUrl(report.target) || SameHost(report.target, context_.config->base_url)) {
        co_return Fail(ErrorCode::kUnsupported,
                       "suspending an account of this node, or blocking this node, is not available yet");
      }
      std::optional<std::string> host = federation::HostOf(report.target);
      if (!host) co_return Fail(ErrorCode::kInvalidArgument, "the reported actor has no host");
      storage::Batch batch;
      bool suspend = action == ModerationAction::kSuspendAccount;
      batch.Put(Family::kModeration, (suspend ? kSuspendedPrefix : kBlockedHostPrefix) + (suspend ? report.target : *host),
                storage::EncodeUint64(report.id));
      if (Status written = context_.store->Write(batch); !written) co_return written;
      if (suspend) {
        context_.policy->SuspendActor(report.target);
      } else {
        context_.policy->BlockHost(*host);
      }
      co_return Ok();
    }
    default:
      co_return Fail(ErrorCode::kUnsupported,
                     std::string("the action ") + protocol::ModerationActionName(action) + " is not available yet");
  }
}

boost::asio::awaitable<Result<Report>> ModerationService::Decide(uint64_t id, ModerationAction action,
                                                                 std::string reason, std::string moderator) {
  if (reason.empty() || CodePoints(reason) > kMaxReason) {
    co_return Fail(ErrorCode::kInvalidArgument, "a decision needs a reason of 1 to 1000 characters");
  }
  Result<std::optional<Report>> found = reports_.Get(id);
  if (!found) co_return std::unexpected(found.error());
  if (!found->has_value()) co_return Fail(ErrorCode::kNotFound, "no such report");
  if ((*found)->decision) co_return Fail(ErrorCode::kAlreadyExists, "the report is decided already");
  if (Status applied = co_await Apply(**found, action); !applied) co_return std::unexpected(applied.error());
  Report report;
  {
    std::lock_guard lock(decide_mutex_);
    Result<std::optional<Report>> again = reports_.Get(id);
    if (!again) co_return std::unexpected(again.error());
    if (!again->has_value()) co_return Fail(ErrorCode::kNotFound, "no such report");
    if ((*again)->decision) co_return Fail(ErrorCode::kAlreadyExists, "the report is decided already");
    report = std::move(**again);
    report.decision = Decision{.action = action, .reason = reason, .moderator = moderator, .decided = context_.now()};
    storage::Batch batch;
    Result<AuditEntry> entry = reports_.Append(batch, {.at = report.decision->decided,
                                                       .moderator = moderator,
                                                       .report = report.id,
                                                       .action = protocol::ModerationActionName(action),
                                                       .target = report.target,
                                                       .reason = reason});
    if (!entry) co_return std::unexpected(entry.error());
    reports_.Put(batch, report);
    if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  }
  if (report.origin == ReportOrigin::kRemote && !report.flag_in.empty()) {
    // The reporting server learns what became of its report.
    Result<protocol::RemoteActor> reporter = co_await context_.directory->Get(report.reporter_actor, false);
    if (!reporter) {
      spdlog::warn("report {}: the decision cannot reach {}: {}", report.id, report.reporter_actor,
                   reporter.error().message);
      co_return report;
    }
    protocol::ModerationDecision decision{.id = context_.config->base_url + "/decisions/" + protocol::RandomHex(16),
                                          .actor = InstanceActor(*context_.config),
                                          .flag_id = report.flag_in,
                                          .action = action,
                                          .reason = reason,
                                          .decided = report.decision->decided};
    std::string inbox = reporter->shared_inbox.empty() ? reporter->inbox : reporter->shared_inbox;
    storage::Batch batch;
    if (Status queued = context_.deliveries->Enqueue(batch, federation::kInstanceSender, inbox,
                                                     protocol::DecisionActivity(decision, reporter->id));
        !queued) {
      co_return std::unexpected(queued.error());
    }
    if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
    context_.deliveries->Wake();
  }
  co_return report;
}

Status ModerationService::LoadDecisions() {
  for (const std::string* prefix : {&kSuspendedPrefix, &kBlockedHostPrefix}) {
    Status scanned = context_.store->Scan(Family::kModeration, *prefix, [&](std::string_view key, std::string_view) {
      std::string value(key.substr(prefix->size()));
      if (prefix == &kSuspendedPrefix) {
        context_.policy->SuspendActor(std::move(value));
      } else {
        context_.policy->BlockHost(std::move(value));
      }
      return true;
    });
    if (!scanned) return scanned;
  }
  return Ok();
}

Result<bool> ModerationService::AuditChainHolds() const {
  Result<std::vector<AuditEntry>> entries = reports_.Audit();
  if (!entries) return std::unexpected(entries.error());
  std::string previous;
  uint64_t sequence = 0;
  for (const AuditEntry& entry : *entries) {
    if (entry.sequence != ++sequence || entry.previous != previous) return false;
    if (protocol::EncodeHex(protocol::Sha256(AuditEntryJson(entry, false))) != entry.hash) return false;
    previous = entry.hash;
  }
  return true;
}

}  // namespace parvis::moderation
