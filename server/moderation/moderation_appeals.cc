// Telling people about decisions, and the single appeal (docs/moderation.md,
// "Notices and appeals"):
//
//   - The reporter of a local report is notified of the decision, and of
//     the outcome a forwarded report gets from the other server.
//   - An account of this node that a decision concerns is notified; it
//     appeals from /appeals/N (or, suspended, from the sign-in page).
//   - Another server's account gets a direct note from the instance actor
//     with the decision and its reason; its reply to that note is its
//     appeal (accepted even from a suspended actor, and nothing else is).
//   - A moderator keeps or overturns the decision, with a reason, in the
//     audit log; the appellant is told in the same way.
#include <spdlog/spdlog.h>

#include "parvis/protocol/hex.h"
#include "parvis/protocol/html_escape.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "server/federation/actor_urls.h"
#include "server/federation/inbox_items.h"
#include "server/moderation/moderation_common.h"
#include "server/moderation/moderation_service.h"

namespace parvis::moderation {
namespace {

using federation::ExtensionOutcome;
using protocol::ModerationAction;

std::string Escape(std::string_view text) {
  std::string out;
  protocol::AppendHtmlEscaped(out, text);
  return out;
}

}  // namespace

bool Appealable(const Decision& decision) {
  return decision.action != ModerationAction::kDismiss && decision.action != ModerationAction::kBlockDomain;
}

std::string ModerationService::ActorOf(const accounts::Account& account) const {
  return federation::ActorUrls(context_.config->base_url).Actor(account.name);
}

Status ModerationService::Notify(storage::AccountId account, uint64_t report, std::string_view event) {
  storage::Batch batch;
  std::string item = context_.config->base_url + "/reports/" + std::to_string(report) + "#" + std::string(event);
  if (Status added = federation::AddInboxItem(*context_.store, batch, account, item); !added) return added;
  return context_.store->Write(batch);
}

boost::asio::awaitable<Result<std::string>> ModerationService::SendNotice(const std::string& actor,
                                                                          const std::string& text,
                                                                          const std::string& in_reply_to) {
  Result<protocol::RemoteActor> remote = co_await context_.directory->Get(actor, false);
  if (!remote) co_return std::unexpected(remote.error());
  protocol::LocalNote note;
  note.id = federation::ActorUrls(context_.config->base_url).ModerationNotices() + protocol::RandomHex(16);
  note.author = InstanceActor(*context_.config);
  note.followers = note.author + "/followers";
  note.visibility = protocol::Visibility::kDirect;
  note.mentions = {remote->id};
  std::string handle = "@" + remote->preferred_username + "@" + federation::HostOf(remote->id).value_or("");
  note.tags.push_back({.type = "Mention", .href = remote->id, .name = handle});
  note.content_html = "<p><span class=\"h-card\"><a href=\"" + Escape(remote->id) + "\" class=\"u-url mention\">" +
                      Escape(handle) + "</a></span> " + text + "</p>";
  note.published = context_.now();
  note.in_reply_to = in_reply_to;
  note.url = note.id;
  storage::Batch batch;
  if (Status queued = context_.deliveries->Enqueue(batch, federation::kInstanceSender, remote->inbox,
                                                   protocol::CreateNoteActivity(note, note.id + "/activity"));
      !queued) {
    co_return std::unexpected(queued.error());
  }
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  context_.deliveries->Wake();
  co_return note.id;
}

boost::asio::awaitable<Status> ModerationService::TellDecision(Report& report) {
  const Decision& decision = *report.decision;
  if (report.origin == ReportOrigin::kLocal && report.reporter_account != 0) {
    if (Status told = Notify(report.reporter_account, report.id, "outcome"); !told) co_return told;
  }
  if (!Appealable(decision)) co_return Ok();
  federation::ActorUrls urls(context_.config->base_url);
  if (std::optional<std::string> name = urls.NameFromUrl(report.target)) {
    Result<std::optional<accounts::Account>> account = context_.accounts->FindByName(*name);
    if (!account) co_return std::unexpected(account.error());
    if (account->has_value()) co_return Notify((*account)->id, report.id, "decision");
    co_return Ok();
  }
  std::string text = "The moderators of " + Escape(context_.config->host) + " decided about your account: " +
                     protocol::ModerationActionName(decision.action) + ". Reason: " + Escape(decision.reason) +
                     ". You may appeal once, by replying to this message.";
  Result<std::string> notice = co_await SendNotice(report.target, text, "");
  if (!notice) {
    // The decision stands; the person could not be told (logged).
    spdlog::warn("report {}: the notice to {} was not sent: {}", report.id, report.target, notice.error().message);
    co_return Ok();
  }
  report.notice = *notice;
  storage::Batch batch;
  reports_.IndexNotice(batch, *notice, report.id);
  reports_.Put(batch, report);
  co_return context_.store->Write(batch);
}

boost::asio::awaitable<Result<Report>> ModerationService::Appeal(uint64_t id, const std::string& appellant,
                                                                 std::string text) {
  if (text.empty() || CodePoints(text) > kMaxAppeal) {
    co_return Fail(ErrorCode::kInvalidArgument, "an appeal needs a text of 1 to 2000 characters");
  }
  std::lock_guard lock(decide_mutex_);
  Result<std::optional<Report>> found = reports_.Get(id);
  if (!found) co_return std::unexpected(found.error());
  if (!found->has_value() || (**found).target != appellant || !(**found).decision ||
      !Appealable(*(**found).decision)) {
    co_return Fail(ErrorCode::kNotFound, "no decision about this account to appeal");
  }
  Report report = std::move(**found);
  if (report.appeal) co_return Fail(ErrorCode::kAlreadyExists, "this decision was appealed already");
  report.appeal = moderation::Appeal{.text = std::move(text), .by = appellant, .filed = context_.now()};
  storage::Batch batch;
  reports_.Put(batch, report);
  if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  co_return report;
}

boost::asio::awaitable<Result<Report>> ModerationService::DecideAppeal(uint64_t id, bool uphold, std::string reason,
                                                                       std::string moderator) {
  if (reason.empty() || CodePoints(reason) > kMaxReason) {
    co_return Fail(ErrorCode::kInvalidArgument, "a decision needs a reason of 1 to 1000 characters");
  }
  Result<std::optional<Report>> found = reports_.Get(id);
  if (!found) co_return std::unexpected(found.error());
  if (!found->has_value() || !(**found).appeal) co_return Fail(ErrorCode::kNotFound, "no appeal on this report");
  if ((**found).appeal->upheld) co_return Fail(ErrorCode::kAlreadyExists, "the appeal is decided already");
  // Overturning undoes the decision first: if that fails, nothing is recorded.
  if (!uphold) {
    if (Status reversed = co_await Reverse(**found); !reversed) co_return std::unexpected(reversed.error());
  }
  Report report;
  {
    std::lock_guard lock(decide_mutex_);
    Result<std::optional<Report>> again = reports_.Get(id);
    if (!again) co_return std::unexpected(again.error());
    if (!again->has_value() || !(**again).appeal) co_return Fail(ErrorCode::kNotFound, "no appeal on this report");
    if ((**again).appeal->upheld) co_return Fail(ErrorCode::kAlreadyExists, "the appeal is decided already");
    report = std::move(**again);
    report.appeal->upheld = uphold;
    report.appeal->reason = reason;
    report.appeal->moderator = moderator;
    report.appeal->decided = context_.now();
    storage::Batch batch;
    Result<AuditEntry> entry = reports_.Append(batch, {.at = report.appeal->decided,
                                                       .moderator = moderator,
                                                       .report = report.id,
                                                       .action = uphold ? "appeal-rejected" : "appeal-granted",
                                                       .target = report.target,
                                                       .reason = reason});
    if (!entry) co_return std::unexpected(entry.error());
    reports_.Put(batch, report);
    if (Status written = context_.store->Write(batch); !written) co_return std::unexpected(written.error());
  }
  if (Status told = co_await TellAppealOutcome(report); !told) {
    spdlog::warn("report {}: the appeal's outcome was not told: {}", report.id, told.error().message);
  }
  co_return report;
}

boost::asio::awaitable<Status> ModerationService::TellAppealOutcome(const Report& report) {
  federation::ActorUrls urls(context_.config->base_url);
  if (std::optional<std::string> name = urls.NameFromUrl(report.target)) {
    Result<std::optional<accounts::Account>> account = context_.accounts->FindByName(*name);
    if (!account) co_return std::unexpected(account.error());
    if (account->has_value()) co_return Notify((*account)->id, report.id, "appeal");
    co_return Ok();
  }
  std::string text = std::string("Your appeal was ") +
                     (*report.appeal->upheld ? "rejected: the decision stands" : "granted: the decision is lifted") +
                     ". Reason: " + Escape(report.appeal->reason) + ".";
  Result<std::string> sent = co_await SendNotice(report.target, text, report.notice);
  if (!sent) co_return std::unexpected(sent.error());
  co_return Ok();
}

boost::asio::awaitable<ExtensionOutcome> ModerationService::ReceiveAppeal(const rapidjson::Value& activity,
                                                                          const protocol::ActivityEnvelope& envelope) {
  auto object = activity.FindMember("object");
  if (object == activity.MemberEnd() || !object->value.IsObject()) co_return ExtensionOutcome::kNotMine;
  std::string parent = protocol::StringMember(object->value, "inReplyTo").value_or("");
  if (!parent.starts_with(federation::ActorUrls(context_.config->base_url).ModerationNotices())) {
    co_return ExtensionOutcome::kNotMine;
  }
  // A reply to a notice is never kept as a post: it is an appeal, or nothing.
  Result<std::optional<uint64_t>> id = reports_.ByNotice(parent);
  if (!id) co_return ExtensionOutcome::kRetry;
  std::string attributed = protocol::StringMember(object->value, "attributedTo").value_or(envelope.actor);
  if (!id->has_value() || attributed != envelope.actor) {
    spdlog::info("{}: a reply to an unknown notice, or not by its actor: ignored", envelope.id);
    co_return ExtensionOutcome::kDropped;
  }
  std::string content = protocol::HtmlText(protocol::StringMember(object->value, "content").value_or(""));
  Result<Report> appealed = co_await Appeal(**id, envelope.actor, content);
  if (!appealed) {
    if (appealed.error().code == ErrorCode::kUnavailable || appealed.error().code == ErrorCode::kCorruption) {
      co_return ExtensionOutcome::kRetry;
    }
    spdlog::info("{}: appeal refused: {}", envelope.id, appealed.error().message);
  }
  co_return ExtensionOutcome::kDropped;
}

}  // namespace parvis::moderation
