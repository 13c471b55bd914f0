#include "server/civic/consultation_service.h"

#include <map>
#include <mutex>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/html_escape.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/markdown.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/remote_actor.h"
#include "server/civic/civic_audience.h"
#include "server/civic/civic_rules.h"
#include "server/civic/record_json.h"
#include "server/federation/actor_urls.h"
#include "server/federation/follow_store.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {

namespace asio = boost::asio;
using federation::ExtensionOutcome;
using federation::JsonString;
using protocol::VoteChoice;
using storage::Family;

namespace {

constexpr uint64_t kMaxProposals = 500;
constexpr uint64_t kMaxComments = 1000;

std::string Num(uint64_t n) { return storage::EncodeUint64(n); }
std::string ConsultationKey(uint64_t n) { return "c/" + Num(n); }
std::string ProposalKey(uint64_t n, uint64_t m) { return "p/" + Num(n) + Num(m); }
std::string VoteKey(uint64_t n, uint64_t m, std::string_view actor) { return "v/" + Num(n) + Num(m) + std::string(actor); }
std::string CommentPrefix(uint64_t n, uint64_t m) { return "k/" + Num(n) + Num(m); }
std::string MineKey(storage::AccountId account, std::string_view proposal) {
  return "m/" + storage::EncodeAccountId(account) + std::string(proposal);
}
std::string DirtyKey(uint64_t n) { return "d/" + Num(n); }

// Short names for the record readers of record_json.h.
constexpr auto S = RecordString;
constexpr auto I = RecordInt;

std::string EncodeConsultation(const Consultation& c) {
  return RecordWriter()
      .Int("number", static_cast<int64_t>(c.number))
      .Int("account", static_cast<int64_t>(c.account))
      .Str("organiser", c.organiser)
      .Str("organiserName", c.organiser_name)
      .Str("title", c.title)
      .Str("source", c.source)
      .Str("content", c.content)
      .Int("published", c.published)
      .Int("updated", c.updated)
      .Int("deadline", c.deadline)
      .Str("participation", c.participation)
      .Int("proposals", static_cast<int64_t>(c.proposals))
      .Int("closedAnnounced", c.closed_announced ? 1 : 0)
      .Done();
}

Result<Consultation> DecodeConsultation(std::string_view bytes) {
  Result<rapidjson::Document> d = ParseRecord(bytes, "consultation");
  if (!d) return std::unexpected(d.error());
  Consultation c;
  c.number = static_cast<uint64_t>(I(*d, "number"));
  c.account = static_cast<uint64_t>(I(*d, "account"));
  c.organiser = S(*d, "organiser");
  c.organiser_name = S(*d, "organiserName");
  c.title = S(*d, "title");
  c.source = S(*d, "source");
  c.content = S(*d, "content");
  c.published = I(*d, "published");
  c.updated = I(*d, "updated");
  c.deadline = I(*d, "deadline");
  c.participation = S(*d, "participation");
  c.proposals = static_cast<uint64_t>(I(*d, "proposals"));
  c.closed_announced = I(*d, "closedAnnounced") != 0;
  return c;
}

std::string EncodeProposal(const Proposal& p) {
  return RecordWriter()
      .Int("index", static_cast<int64_t>(p.index))
      .Str("proposer", p.proposer)
      .Str("content", p.content)
      .Int("published", p.published)
      .Int("for", static_cast<int64_t>(p.votes.for_votes))
      .Int("against", static_cast<int64_t>(p.votes.against))
      .Int("abstain", static_cast<int64_t>(p.votes.abstain))
      .Int("comments", static_cast<int64_t>(p.comments))
      .Done();
}

Result<Proposal> DecodeProposal(std::string_view bytes) {
  Result<rapidjson::Document> d = ParseRecord(bytes, "proposal");
  if (!d) return std::unexpected(d.error());
  Proposal p;
  p.index = static_cast<uint64_t>(I(*d, "index"));
  p.proposer = S(*d, "proposer");
  p.content = S(*d, "content");
  p.published = I(*d, "published");
  p.votes = {static_cast<uint64_t>(I(*d, "for")), static_cast<uint64_t>(I(*d, "against")),
             static_cast<uint64_t>(I(*d, "abstain"))};
  p.comments = static_cast<uint64_t>(I(*d, "comments"));
  return p;
}

uint64_t& TallyOf(protocol::VoteTally& tally, VoteChoice choice) {
  if (choice == VoteChoice::kFor) return tally.for_votes;
  if (choice == VoteChoice::kAgainst) return tally.against;
  return tally.abstain;
}

// Remote text arrives as HTML: kept sanitised, as every remote text.
std::string RemoteHtml(std::string_view html) {
  return protocol::SanitizeHtml(html).value_or("<p>" + protocol::HtmlText(html) + "</p>");
}

std::string LocalHtml(std::string_view text) { return protocol::RenderPlainText(text, {}); }

const rapidjson::Value* Embedded(const rapidjson::Value& activity, const char* key = "object") {
  auto it = activity.FindMember(key);
  if (it == activity.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

std::string IdOf(const rapidjson::Value& activity, const char* key) {
  auto it = activity.FindMember(key);
  if (it == activity.MemberEnd()) return "";
  return protocol::FirstId(it->value).value_or("");
}

}  // namespace

struct ConsultationService::Impl {
  explicit Impl(CivicContext c) : context(std::move(c)), urls(context.config->base_url) {}

  std::string Id(uint64_t number) const { return context.config->base_url + "/consultations/" + std::to_string(number); }
  std::string ProposalId(uint64_t number, uint64_t index) const {
    return Id(number) + "/proposals/" + std::to_string(index);
  }

  Result<Consultation> Require(uint64_t number) const {
    Result<std::optional<std::string>> bytes = context.store->Get(Family::kConsultations, ConsultationKey(number));
    if (!bytes) return std::unexpected(bytes.error());
    if (!bytes->has_value()) return Fail(ErrorCode::kNotFound, "no such consultation");
    return DecodeConsultation(**bytes);
  }
  Result<Proposal> RequireProposal(uint64_t number, uint64_t index) const {
    Result<std::optional<std::string>> bytes = context.store->Get(Family::kConsultations, ProposalKey(number, index));
    if (!bytes) return std::unexpected(bytes.error());
    if (!bytes->has_value()) return Fail(ErrorCode::kNotFound, "no such proposal");
    return DecodeProposal(**bytes);
  }

  std::optional<accounts::Account> LocalAccount(std::string_view actor_id) const {
    std::optional<std::string> name = urls.NameFromUrl(actor_id);
    if (!name) return std::nullopt;
    Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
    if (!account || !account->has_value() || urls.Actor((*account)->name) != actor_id) return std::nullopt;
    return **account;
  }

  // Whether `actor` may take part in `c`, or why not.
  Status MayTakePart(const Consultation& c, const std::string& actor) const {
    if (!c.Open(context.now())) return Fail(ErrorCode::kInvalidArgument, "the consultation is closed");
    if (c.participation != "members") return Ok();
    if (actor.starts_with(context.config->base_url + "/")) return Ok();  // this node's accounts
    Result<std::optional<federation::FollowRecord>> follow =
        federation::FollowStore(*context.store).Get(c.account, federation::Direction::kFollowers, actor);
    if (follow && follow->has_value() && (*follow)->state == federation::FollowState::kAccepted) return Ok();
    return Fail(ErrorCode::kInvalidArgument, "only members (the organiser's followers) take part in this consultation");
  }

  // The home node's decisions; each writes one batch, with `also`.
  Result<std::string> RecordProposal(uint64_t number, const std::string& actor, const std::string& html,
                                     const std::function<Status(const std::string&, storage::Batch&)>& also) {
    std::lock_guard lock(mutex);
    Result<Consultation> c = Require(number);
    if (!c) return std::unexpected(c.error());
    if (Status ok = MayTakePart(*c, actor); !ok) return std::unexpected(ok.error());
    if (c->proposals >= kMaxProposals) return Fail(ErrorCode::kLimitExceeded, "this consultation has all the proposals it takes");
    Proposal p{.index = c->proposals, .proposer = actor, .content = html, .published = context.now()};
    c->proposals += 1;
    c->updated = p.published;
    storage::Batch batch;
    batch.Put(Family::kConsultations, ProposalKey(number, p.index), EncodeProposal(p));
    batch.Put(Family::kConsultations, ConsultationKey(number), EncodeConsultation(*c));
    batch.Put(Family::kConsultations, DirtyKey(number), "");
    std::string id = ProposalId(number, p.index);
    if (Status more = also(id, batch); !more) return std::unexpected(more.error());
    if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
    return id;
  }

  Status RecordVote(uint64_t number, uint64_t index, const std::string& actor, std::optional<VoteChoice> choice,
                    const std::function<Status(storage::Batch&)>& also) {
    std::lock_guard lock(mutex);
    Result<Consultation> c = Require(number);
    if (!c) return std::unexpected(c.error());
    if (Status ok = MayTakePart(*c, actor); !ok) return ok;
    Result<Proposal> p = RequireProposal(number, index);
    if (!p) return std::unexpected(p.error());
    std::string key = VoteKey(number, index, actor);
    Result<std::optional<std::string>> previous = context.store->Get(Family::kConsultations, key);
    if (!previous) return std::unexpected(previous.error());
    std::optional<VoteChoice> before =
        previous->has_value() ? protocol::ParseVoteChoice(**previous) : std::nullopt;
    if (!before && !choice) return Fail(ErrorCode::kNotFound, "there is no vote to withdraw");
    if (before) TallyOf(p->votes, *before) -= 1;
    storage::Batch batch;
    if (choice) {
      TallyOf(p->votes, *choice) += 1;
      batch.Put(Family::kConsultations, key, protocol::VoteChoiceName(*choice));
    } else {
      batch.Delete(Family::kConsultations, key);
    }
    batch.Put(Family::kConsultations, ProposalKey(number, index), EncodeProposal(*p));
    batch.Put(Family::kConsultations, DirtyKey(number), "");
    if (Status more = also(batch); !more) return more;
    return context.store->Write(batch);
  }

  Status RecordComment(uint64_t number, uint64_t index, const std::string& actor, const std::string& html) {
    std::lock_guard lock(mutex);
    Result<Consultation> c = Require(number);
    if (!c) return std::unexpected(c.error());
    if (Status ok = MayTakePart(*c, actor); !ok) return ok;
    Result<Proposal> p = RequireProposal(number, index);
    if (!p) return std::unexpected(p.error());
    if (p->comments >= kMaxComments) return Fail(ErrorCode::kLimitExceeded, "this proposal has all the comments it takes");
    Result<uint64_t> sequence = context.store->NextSequence("comments");
    if (!sequence) return std::unexpected(sequence.error());
    p->comments += 1;
    storage::Batch batch;
    batch.Put(Family::kConsultations, CommentPrefix(number, index) + Num(*sequence),
              RecordWriter().Str("author", actor).Str("content", html).Int("at", context.now()).Done());
    batch.Put(Family::kConsultations, ProposalKey(number, index), EncodeProposal(*p));
    batch.Put(Family::kConsultations, DirtyKey(number), "");
    return context.store->Write(batch);
  }

  // Participants elsewhere: proposers, voters and commenters.
  std::vector<std::string> Participants(uint64_t number) const {
    std::set<std::string> actors;
    (void)context.store->Scan(Family::kConsultations, "p/" + Num(number), [&](std::string_view, std::string_view v) {
      if (Result<Proposal> p = DecodeProposal(v)) actors.insert(p->proposer);
      return true;
    });
    (void)context.store->Scan(Family::kConsultations, "v/" + Num(number), [&](std::string_view k, std::string_view) {
      actors.insert(std::string(k.substr(2 + 16)));
      return true;
    });
    return {actors.begin(), actors.end()};
  }

  asio::awaitable<Status> Announce(const Consultation& c, std::string_view type) {
    Result<std::optional<accounts::Account>> organiser = context.accounts->FindById(c.account);
    if (!organiser) co_return std::unexpected(organiser.error());
    if (!organiser->has_value()) co_return Ok();
    Result<std::vector<std::string>> inboxes = co_await context.posts->AudienceInboxes(**organiser);
    if (!inboxes) co_return std::unexpected(inboxes.error());
    std::vector<std::string> more =
        co_await RemoteInboxes(*context.directory, context.config->base_url, Participants(c.number), nullptr);
    for (const std::string& inbox : more) {
      if (std::find(inboxes->begin(), inboxes->end(), inbox) == inboxes->end()) inboxes->push_back(inbox);
    }
    std::string id = Id(c.number) + (type == "Create" ? "#create" : "#updates/" + std::to_string(c.updated) + "-" +
                                                                          protocol::RandomHex(4));
    std::string body = "{\"@context\":" + std::string(protocol::CivicContextJson()) + ",\"id\":" + JsonString(id) +
                       ",\"type\":" + JsonString(type) + ",\"actor\":" + JsonString(c.organiser) +
                       ",\"to\":[\"https://www.w3.org/ns/activitystreams#Public\"],\"cc\":[" +
                       JsonString(urls.Followers(c.organiser_name)) +
                       "],\"object\":" + protocol::ConsultationArticleJson(Document(c)) + "}";
    storage::Batch batch;
    for (const std::string& inbox : *inboxes) {
      if (Status queued = context.deliveries->Enqueue(batch, c.account, inbox, body); !queued) co_return queued;
    }
    batch.Delete(Family::kConsultations, DirtyKey(c.number));
    if (Status written = context.store->Write(batch); !written) co_return written;
    context.deliveries->Wake();
    co_return Ok();
  }

  protocol::ConsultationDocument Document(const Consultation& c) const {
    protocol::ConsultationDocument doc{.id = Id(c.number),
                                       .organiser = c.organiser,
                                       .followers = urls.Followers(c.organiser_name),
                                       .title = c.title,
                                       .content = c.content,
                                       .published = c.published,
                                       .updated = c.updated,
                                       .deadline = c.deadline,
                                       .participation = c.participation,
                                       .open = c.Open(context.now())};
    (void)context.store->Scan(Family::kConsultations, "p/" + Num(c.number), [&](std::string_view, std::string_view v) {
      if (Result<Proposal> p = DecodeProposal(v)) {
        doc.proposals.push_back({.id = ProposalId(c.number, p->index),
                                 .proposer = p->proposer,
                                 .content = p->content,
                                 .published = p->published,
                                 .votes = p->votes,
                                 .comments = p->comments});
      }
      return true;
    });
    return doc;
  }

  // Sends `body` by `account` to the organiser of a consultation elsewhere.
  asio::awaitable<Status> SendToOrganiser(const accounts::Account& account, const std::string& organiser,
                                          const std::string& body, storage::Batch& batch) {
    Result<protocol::RemoteActor> home = co_await context.directory->Get(organiser, false);
    if (!home) co_return std::unexpected(home.error());
    co_return context.deliveries->Enqueue(batch, account.id, home->inbox, body);
  }

  // The organiser of the consultation a remote proposal belongs to, from
  // the copy kept here.
  asio::awaitable<Result<std::string>> RemoteOrganiser(const std::string& consultation_id) {
    Result<std::optional<federation::StoredObject>> object = co_await context.posts->GetOrFetch(consultation_id);
    if (!object) co_return std::unexpected(object.error());
    if (!object->has_value() || (*object)->local || (*object)->deleted != 0) {
      co_return Fail(ErrorCode::kNotFound, "no such consultation: " + consultation_id);
    }
    Result<protocol::ConsultationDocument> doc = protocol::ReadConsultationArticle((*object)->object);
    if (!doc || doc->organiser != (*object)->author) {
      co_return Fail(ErrorCode::kInvalidArgument, consultation_id + " is not a consultation");
    }
    co_return doc->organiser;
  }

  CivicContext context;
  federation::ActorUrls urls;
  std::mutex mutex;
  std::unique_ptr<asio::steady_timer> timer;
};

ConsultationService::ConsultationService(CivicContext context)
    : impl_(std::make_shared<Impl>(std::move(context))) {}
ConsultationService::~ConsultationService() { Stop(); }

std::string ConsultationService::Id(uint64_t number) const { return impl_->Id(number); }

std::optional<uint64_t> ConsultationService::NumberFromId(std::string_view id) const {
  return NumberAfter(id, impl_->context.config->base_url + "/consultations/");
}

std::optional<std::pair<uint64_t, uint64_t>> ConsultationService::ProposalFromId(std::string_view id) const {
  size_t cut = id.find("/proposals/");
  if (cut == std::string_view::npos) return std::nullopt;
  std::optional<uint64_t> number = NumberFromId(id.substr(0, cut));
  std::optional<uint64_t> index = ParseDecimal(id.substr(cut + 11));
  if (!number || !index) return std::nullopt;
  return std::pair{*number, *index};
}

protocol::ConsultationDocument ConsultationService::Document(const Consultation& c) const { return impl_->Document(c); }

asio::awaitable<Result<uint64_t>> ConsultationService::Create(const accounts::Account& organiser,
                                                              ConsultationDraft draft) {
  if (!MayOrganise(organiser.kind)) {
    co_return Fail(ErrorCode::kInvalidArgument,
                   "consultations are opened by associations, citizen groups and public bodies");
  }
  if (Status ok = CheckLength("the question", draft.title, 200); !ok) co_return std::unexpected(ok.error());
  if (Status ok = CheckLength("the text", draft.text, 5000); !ok) co_return std::unexpected(ok.error());
  if (draft.participation != "anyone" && draft.participation != "members") {
    co_return Fail(ErrorCode::kInvalidArgument, "participation is anyone or members");
  }
  int64_t now = impl_->context.now();
  if (Status ok = CheckDeadline("the closing date", draft.deadline, now); !ok) co_return std::unexpected(ok.error());
  Result<uint64_t> number = impl_->context.store->NextSequence("consultations");
  if (!number) co_return std::unexpected(number.error());
  Consultation c{.number = *number,
                 .account = organiser.id,
                 .organiser = impl_->urls.Actor(organiser.name),
                 .organiser_name = organiser.name,
                 .title = draft.title,
                 .source = draft.text,
                 .content = protocol::RenderMarkdown(draft.text, {}),
                 .published = now,
                 .deadline = draft.deadline,
                 .participation = draft.participation};
  storage::Batch batch;
  batch.Put(Family::kConsultations, ConsultationKey(*number), EncodeConsultation(c));
  if (Status written = impl_->context.store->Write(batch); !written) co_return std::unexpected(written.error());
  if (Status sent = co_await impl_->Announce(c, "Create"); !sent) co_return std::unexpected(sent.error());
  co_return *number;
}

Result<std::optional<Consultation>> ConsultationService::Get(uint64_t number) const {
  Result<Consultation> c = impl_->Require(number);
  if (!c) {
    if (c.error().code == ErrorCode::kNotFound) return std::optional<Consultation>();
    return std::unexpected(c.error());
  }
  return std::optional<Consultation>(std::move(*c));
}

Result<std::vector<Consultation>> ConsultationService::List() const {
  std::vector<Consultation> list;
  Status scanned = impl_->context.store->ScanBackward(Family::kConsultations, "c/", "",
                                                      [&](std::string_view, std::string_view v) {
                                                        if (Result<Consultation> c = DecodeConsultation(v)) {
                                                          list.push_back(std::move(*c));
                                                        }
                                                        return list.size() < 200;
                                                      });
  if (!scanned) return std::unexpected(scanned.error());
  return list;
}

Result<std::vector<Proposal>> ConsultationService::Proposals(uint64_t number) const {
  std::vector<Proposal> list;
  Status scanned = impl_->context.store->Scan(Family::kConsultations, "p/" + Num(number),
                                              [&](std::string_view, std::string_view v) {
                                                if (Result<Proposal> p = DecodeProposal(v)) list.push_back(*p);
                                                return true;
                                              });
  if (!scanned) return std::unexpected(scanned.error());
  return list;
}

Result<std::vector<ProposalComment>> ConsultationService::Comments(uint64_t number, uint64_t index) const {
  std::vector<ProposalComment> list;
  Status scanned = impl_->context.store->Scan(
      Family::kConsultations, CommentPrefix(number, index), [&](std::string_view, std::string_view v) {
        Result<rapidjson::Document> d = protocol::ParseJson(v, {});
        if (d && d->IsObject()) list.push_back({S(*d, "author"), S(*d, "content"), I(*d, "at")});
        return true;
      });
  if (!scanned) return std::unexpected(scanned.error());
  return list;
}

Result<std::optional<MyVote>> ConsultationService::Mine(storage::AccountId account,
                                                        const std::string& proposal_id) const {
  Result<std::optional<std::string>> bytes =
      impl_->context.store->Get(Family::kConsultations, MineKey(account, proposal_id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<MyVote>();
  Result<rapidjson::Document> d = ParseRecord(**bytes, "vote");
  if (!d) return std::unexpected(d.error());
  MyVote vote{.choice = protocol::ParseVoteChoice(S(*d, "choice")).value_or(VoteChoice::kAbstain),
              .state = S(*d, "state"),
              .refusal = S(*d, "refusal")};
  return std::optional<MyVote>(vote);
}

static std::string MineRecord(VoteChoice choice, std::string_view state, std::string_view organiser,
                              std::string_view activity, std::string_view refusal = "") {
  return RecordWriter()
      .Str("choice", protocol::VoteChoiceName(choice))
      .Str("state", state)
      .Str("organiser", organiser)
      .Str("activity", activity)
      .Str("refusal", refusal)
      .Done();
}

asio::awaitable<Result<std::string>> ConsultationService::Propose(const accounts::Account& account,
                                                                  std::string consultation_id, std::string text) {
  if (Status ok = CheckLength("a proposal", text, 2000); !ok) co_return std::unexpected(ok.error());
  std::string actor = impl_->urls.Actor(account.name);
  if (std::optional<uint64_t> number = NumberFromId(consultation_id)) {
    co_return impl_->RecordProposal(*number, actor, LocalHtml(text),
                                    [](const std::string&, storage::Batch&) { return Ok(); });
  }
  Result<std::string> organiser = co_await impl_->RemoteOrganiser(consultation_id);
  if (!organiser) co_return std::unexpected(organiser.error());
  std::string offer = protocol::OfferProposalJson(actor + "/offers/" + protocol::RandomHex(16), actor,
                                                  consultation_id, *organiser, LocalHtml(text));
  storage::Batch batch;
  if (Status sent = co_await impl_->SendToOrganiser(account, *organiser, offer, batch); !sent) {
    co_return std::unexpected(sent.error());
  }
  if (Status written = impl_->context.store->Write(batch); !written) co_return std::unexpected(written.error());
  impl_->context.deliveries->Wake();
  co_return std::string();
}

asio::awaitable<Status> ConsultationService::Vote(const accounts::Account& account, std::string proposal_id,
                                                  std::optional<VoteChoice> choice) {
  std::string actor = impl_->urls.Actor(account.name);
  if (std::optional<std::pair<uint64_t, uint64_t>> here = ProposalFromId(proposal_id)) {
    co_return impl_->RecordVote(here->first, here->second, actor, choice, [&](storage::Batch& batch) {
      if (choice) {
        batch.Put(Family::kConsultations, MineKey(account.id, proposal_id), MineRecord(*choice, "counted", "", ""));
      } else {
        batch.Delete(Family::kConsultations, MineKey(account.id, proposal_id));
      }
      return Ok();
    });
  }
  size_t cut = proposal_id.find("/proposals/");
  if (cut == std::string::npos) co_return Fail(ErrorCode::kInvalidArgument, "not a proposal: " + proposal_id);
  Result<std::string> organiser = co_await impl_->RemoteOrganiser(proposal_id.substr(0, cut));
  if (!organiser) co_return std::unexpected(organiser.error());
  Result<std::optional<MyVote>> mine = Mine(account.id, proposal_id);
  if (!mine) co_return std::unexpected(mine.error());
  std::string body;
  std::string vote_id = actor + "/votes/" + protocol::RandomHex(16);
  if (choice) {
    body = protocol::VoteActivityJson(vote_id, actor, proposal_id, *organiser, *choice);
  } else {
    if (!mine->has_value()) co_return Fail(ErrorCode::kNotFound, "there is no vote to withdraw");
    std::string vote = protocol::VoteActivityJson(vote_id, actor, proposal_id, *organiser, (*mine)->choice);
    body = "{\"@context\":" + std::string(protocol::CivicContextJson()) + ",\"id\":" + JsonString(vote_id + "/undo") +
           ",\"type\":\"Undo\",\"actor\":" + JsonString(actor) + ",\"object\":" + vote + "}";
  }
  storage::Batch batch;
  if (Status sent = co_await impl_->SendToOrganiser(account, *organiser, body, batch); !sent) co_return sent;
  if (choice) {
    batch.Put(Family::kConsultations, MineKey(account.id, proposal_id), MineRecord(*choice, "pending", *organiser, vote_id));
  } else {
    batch.Put(Family::kConsultations, MineKey(account.id, proposal_id),
              MineRecord((*mine)->choice, "withdrawn", *organiser, vote_id));
  }
  if (Status written = impl_->context.store->Write(batch); !written) co_return written;
  impl_->context.deliveries->Wake();
  co_return Ok();
}

asio::awaitable<Status> ConsultationService::Comment(const accounts::Account& account, std::string proposal_id,
                                                     std::string text) {
  if (Status ok = CheckLength("a comment", text, 2000); !ok) co_return ok;
  std::string actor = impl_->urls.Actor(account.name);
  if (std::optional<std::pair<uint64_t, uint64_t>> here = ProposalFromId(proposal_id)) {
    co_return impl_->RecordComment(here->first, here->second, actor, LocalHtml(text));
  }
  size_t cut = proposal_id.find("/proposals/");
  if (cut == std::string::npos) co_return Fail(ErrorCode::kInvalidArgument, "not a proposal: " + proposal_id);
  Result<std::string> organiser = co_await impl_->RemoteOrganiser(proposal_id.substr(0, cut));
  if (!organiser) co_return std::unexpected(organiser.error());
  // A reply, as any server writes one; the home node keeps it with the proposal.
  std::string id = actor + "/comments/" + protocol::RandomHex(16);
  std::string body = "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":" + JsonString(id + "/activity") +
                     ",\"type\":\"Create\",\"actor\":" + JsonString(actor) + ",\"to\":[" + JsonString(*organiser) +
                     "],\"object\":{\"id\":" + JsonString(id) + ",\"type\":\"Note\",\"attributedTo\":" +
                     JsonString(actor) + ",\"inReplyTo\":" + JsonString(proposal_id) +
                     ",\"content\":" + JsonString(LocalHtml(text)) + ",\"to\":[" + JsonString(*organiser) + "]}}";
  storage::Batch batch;
  if (Status sent = co_await impl_->SendToOrganiser(account, *organiser, body, batch); !sent) co_return sent;
  if (Status written = impl_->context.store->Write(batch); !written) co_return written;
  impl_->context.deliveries->Wake();
  co_return Ok();
}

asio::awaitable<ExtensionOutcome> ConsultationService::Act(const rapidjson::Value& activity,
                                                           const protocol::ActivityEnvelope& envelope,
                                                           storage::Batch& batch) {
  const std::string& type = envelope.type;
  const rapidjson::Value* inner = Embedded(activity);
  std::string inner_type = inner != nullptr ? S(*inner, "type") : "";
  // Our accounts' Offers and Votes answered.
  if ((type == "Accept" || type == "Reject") && inner != nullptr && (inner_type == "Vote" || inner_type == "Offer")) {
    std::optional<accounts::Account> account = impl_->LocalAccount(S(*inner, "actor"));
    if (!account || inner_type == "Offer") co_return ExtensionOutcome::kDone;
    std::string proposal = IdOf(*inner, "object");
    Result<std::optional<std::string>> bytes =
        impl_->context.store->Get(Family::kConsultations, MineKey(account->id, proposal));
    if (!bytes) co_return ExtensionOutcome::kRetry;
    if (!bytes->has_value()) co_return ExtensionOutcome::kDone;
    Result<rapidjson::Document> d = protocol::ParseJson(**bytes, {});
    if (!d || !d->IsObject() || S(*d, "organiser") != envelope.actor || S(*d, "activity") != S(*inner, "id")) {
      co_return ExtensionOutcome::kDone;
    }
    VoteChoice choice = protocol::ParseVoteChoice(S(*d, "choice")).value_or(VoteChoice::kAbstain);
    batch.Put(Family::kConsultations, MineKey(account->id, proposal),
              MineRecord(choice, type == "Accept" ? "counted" : "refused", envelope.actor, S(*d, "activity"),
                         type == "Accept" ? "" : S(activity, "summary").substr(0, 500)));
    co_return ExtensionOutcome::kDone;
  }
  bool offer = type == "Offer" && inner != nullptr && inner_type == "Note";
  bool vote = type == "Vote";
  bool unvote = type == "Undo" && inner != nullptr && inner_type == "Vote";
  bool reply = type == "Create" && inner != nullptr && ProposalFromId(IdOf(*inner, "inReplyTo")).has_value();
  if (!offer && !vote && !unvote && !reply) co_return ExtensionOutcome::kNotMine;
  if (unvote && S(*inner, "actor") != envelope.actor) co_return ExtensionOutcome::kDone;
  Result<protocol::RemoteActor> sender = co_await impl_->context.directory->Get(envelope.actor, false);
  if (!sender) {
    co_return sender.error().code == ErrorCode::kUnavailable ? ExtensionOutcome::kRetry : ExtensionOutcome::kDone;
  }
  std::string answer_id;
  auto answer = [&](bool accepted, const std::string& result, const std::string& organiser, storage::AccountId from,
                    storage::Batch& into) {
    answer_id = organiser + "#answers/" + protocol::EncodeHex(protocol::Sha256(envelope.id).substr(0, 16));
    return impl_->context.deliveries->Enqueue(
        into, from, sender->inbox,
        protocol::ConsultationAnswerJson(answer_id, organiser, envelope.actor, activity, accepted, result));
  };
  if (reply) {
    // Comments by the note's author only, who is the sender.
    if (IdOf(*inner, "attributedTo") != envelope.actor) co_return ExtensionOutcome::kDone;
    auto [number, index] = *ProposalFromId(IdOf(*inner, "inReplyTo"));
    Status kept = impl_->RecordComment(number, index, envelope.actor, RemoteHtml(S(*inner, "content")));
    if (!kept && kept.error().code == ErrorCode::kIo) co_return ExtensionOutcome::kRetry;
    co_return ExtensionOutcome::kDone;
  }
  std::string target = offer ? IdOf(activity, "target") : IdOf(vote ? activity : *inner, "object");
  std::optional<uint64_t> number = offer ? NumberFromId(target) : std::nullopt;
  std::optional<std::pair<uint64_t, uint64_t>> proposal = offer ? std::nullopt : ProposalFromId(target);
  if (!number && !proposal) co_return ExtensionOutcome::kDone;  // not ours
  Result<Consultation> c = impl_->Require(number ? *number : proposal->first);
  if (!c) co_return c.error().code == ErrorCode::kNotFound ? ExtensionOutcome::kDone : ExtensionOutcome::kRetry;
  Status decided = Ok();
  std::string result;
  if (offer) {
    Result<std::string> id = impl_->RecordProposal(
        c->number, envelope.actor, RemoteHtml(S(*inner, "content")),
        [&](const std::string& proposal_id, storage::Batch& more) {
          return answer(true, proposal_id, c->organiser, c->account, more);
        });
    if (!id) decided = std::unexpected(id.error());
  } else {
    std::optional<VoteChoice> choice;
    if (vote) {
      choice = protocol::ParseVoteChoice(S(activity, "choice"));
      if (!choice) decided = Fail(ErrorCode::kInvalidArgument, "choice is for, against or abstain");
    }
    if (decided) {
      decided = impl_->RecordVote(proposal->first, proposal->second, envelope.actor, choice,
                                  [&](storage::Batch& more) { return answer(true, "", c->organiser, c->account, more); });
    }
  }
  if (!decided) {
    if (decided.error().code == ErrorCode::kIo || decided.error().code == ErrorCode::kCorruption) {
      co_return ExtensionOutcome::kRetry;
    }
    if (!answer(false, decided.error().message, c->organiser, c->account, batch)) co_return ExtensionOutcome::kRetry;
  }
  co_return ExtensionOutcome::kDone;
}

asio::awaitable<void> ConsultationService::PublishPending() {
  int64_t now = impl_->context.now();
  std::set<uint64_t> dirty;
  (void)impl_->context.store->Scan(Family::kConsultations, "d/", [&](std::string_view key, std::string_view) {
    dirty.insert(storage::DecodeUint64(key.substr(2)));
    return true;
  });
  std::vector<Consultation> closing;
  (void)impl_->context.store->Scan(Family::kConsultations, "c/", [&](std::string_view, std::string_view v) {
    Result<Consultation> c = DecodeConsultation(v);
    if (c && !c->Open(now) && !c->closed_announced) closing.push_back(*c);
    return true;
  });
  for (Consultation& c : closing) {
    std::lock_guard lock(impl_->mutex);
    c.closed_announced = true;
    c.updated = now;
    storage::Batch batch;
    batch.Put(Family::kConsultations, ConsultationKey(c.number), EncodeConsultation(c));
    if (impl_->context.store->Write(batch)) dirty.insert(c.number);
  }
  for (uint64_t number : dirty) {
    Result<Consultation> c = impl_->Require(number);
    if (!c) continue;
    Status sent = co_await impl_->Announce(*c, "Update");
    if (!sent) spdlog::warn("consultation {}: update not queued: {}", number, sent.error().message);
  }
}

void ConsultationService::Start(http::EventLoop& loop) {
  impl_->timer = std::make_unique<asio::steady_timer>(loop.context());
  asio::co_spawn(impl_->timer->get_executor(), RunPeriodically(impl_->timer.get(), [this] { return PublishPending(); }),
                 asio::detached);
}

void ConsultationService::Stop() { impl_->timer.reset(); }

}  // namespace parvis::civic
