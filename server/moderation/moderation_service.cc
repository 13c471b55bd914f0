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
#include "server/moderation/moderation_common.h"

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
  if (!decision->sector.empty()) {
    writer.Key("sector");
    writer.String(decision->sector.c_str());
  }
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
  writer.Key("appeal");
  if (!report.appeal) {
    writer.Null();
  } else {
    writer.StartObject();
    writer.Key("text");
    writer.String(report.appeal->text.c_str());
    writer.Key("filed");
    writer.Int64(report.appeal->filed);
    writer.Key("status");
    writer.String(!report.appeal->upheld ? "open" : *report.appeal->upheld ? "rejected" : "granted");
    if (report.appeal->upheld) {
      writer.Key("reason");
      writer.String(report.appeal->reason.c_str());
      writer.Key("decided");
      writer.Int64(report.appeal->decided);
    }
    writer.EndObject();
  }
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
  if (envelope.type == "Create") co_return co_await ReceiveAppeal(activity, envelope);
  if (envelope.type == "Accept" || envelope.type == "Reject") {
    Result<std::optional<protocol::ModerationDecision>> decision = protocol::ParseDecision(activity);
    if (!decision) {
      spdlog::info("moderation decision {} refused: {}", envelope.id, decision.error().message);
      co_return ExtensionOutcome::kDropped;
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
    co_return ExtensionOutcome::kDropped;
  }
  Result<std::optional<uint64_t>> known = reports_.ByFlag(flag->id);
  if (!known) co_return ExtensionOutcome::kRetry;
  if (known->has_value()) co_return ExtensionOutcome::kDropped;  // the same Flag again
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
    co_return ExtensionOutcome::kDropped;
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
  co_return ExtensionOutcome::kDropped;
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
    co_return ExtensionOutcome::kDropped;
  }
  Report updated = std::move(**report);
  updated.outcome = Decision{.action = decision.action,
                             .reason = decision.reason,
                             .moderator = federation::HostOf(decision.actor).value_or(""),
                             .decided = decision.decided};
  storage::Batch batch;
  reports_.Put(batch, updated);
  if (Status written = context_.store->Write(batch); !written) co_return ExtensionOutcome::kRetry;
  if (updated.reporter_account != 0) (void)Notify(updated.reporter_account, updated.id, "outcome");
  co_return ExtensionOutcome::kDropped;
}

boost::asio::awaitable<Result<Report>> ModerationService::Decide(uint64_t id, ModerationAction action,
                                                                 std::string reason, std::string moderator,
                                                                 std::string sector) {
  if (reason.empty() || CodePoints(reason) > kMaxReason) {
    co_return Fail(ErrorCode::kInvalidArgument, "a decision needs a reason of 1 to 1000 characters");
  }
  Result<std::optional<Report>> found = reports_.Get(id);
  if (!found) co_return std::unexpected(found.error());
  if (!found->has_value()) co_return Fail(ErrorCode::kNotFound, "no such report");
  if ((*found)->decision) co_return Fail(ErrorCode::kAlreadyExists, "the report is decided already");
  Decision decision{.action = action, .reason = reason, .moderator = moderator, .sector = sector};
  if (Status applied = co_await Apply(**found, decision); !applied) co_return std::unexpected(applied.error());
  Report report;
  {
    std::lock_guard lock(decide_mutex_);
    Result<std::optional<Report>> again = reports_.Get(id);
    if (!again) co_return std::unexpected(again.error());
    if (!again->has_value()) co_return Fail(ErrorCode::kNotFound, "no such report");
    if ((*again)->decision) co_return Fail(ErrorCode::kAlreadyExists, "the report is decided already");
    report = std::move(**again);
    decision.decided = context_.now();
    report.decision = std::move(decision);
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
  if (Status told = co_await TellDecision(report); !told) {
    spdlog::warn("report {}: the decision was not told: {}", report.id, told.error().message);
  }
  if (report.origin == ReportOrigin::kRemote && !report.flag_in.empty()) {
    // The reporting server learns what became of its report.
    Result<protocol::RemoteActor> reporter = co_await context_.directory->Get(report.reporter_actor, false);
    if (!reporter) {
      spdlog::warn("report {}: the decision cannot reach {}: {}", report.id, report.reporter_actor,
                   reporter.error().message);
      co_return report;
    }
    protocol::ModerationDecision answer{.id = context_.config->base_url + "/decisions/" + protocol::RandomHex(16),
                                        .actor = InstanceActor(*context_.config),
                                        .flag_id = report.flag_in,
                                        .action = action,
                                        .reason = reason,
                                        .decided = report.decision->decided};
    std::string inbox = reporter->shared_inbox.empty() ? reporter->inbox : reporter->shared_inbox;
    storage::Batch batch;
    if (Status queued = context_.deliveries->Enqueue(batch, federation::kInstanceSender, inbox,
                                                     protocol::DecisionActivity(answer, reporter->id));
        !queued) {
      co_return std::unexpected(queued.error());
    }
    if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
    context_.deliveries->Wake();
  }
  co_return report;
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
