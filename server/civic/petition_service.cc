// The home node's side of petitions: creation, lifecycle, the signature log
// and the Updates that carry counts to other nodes. The signer's side and
// the inbox are in petition_signing.cc.
#include "server/civic/petition_service.h"

#include <sodium.h>

#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/markdown.h"
#include "parvis/protocol/note_text.h"
#include "server/civic/civic_audience.h"
#include "server/civic/civic_rules.h"
#include "server/civic/petition_impl.h"
#include "server/civic/petition_store.h"
#include "server/federation/inbox_items.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {

namespace asio = boost::asio;
using protocol::PetitionState;
using storage::Family;

namespace {

constexpr uint64_t kMaxThreshold = 100'000'000;

}  // namespace

protocol::PetitionState Petition::State(int64_t now) const {
  bool running = stored_state == PetitionState::kOpen || stored_state == PetitionState::kSuccessful;
  if (!running) return stored_state;
  bool reached = count >= threshold;
  if (now >= deadline) return reached ? PetitionState::kSuccessful : PetitionState::kExpired;
  return reached ? PetitionState::kSuccessful : PetitionState::kOpen;
}

bool Petition::TakesSignatures(int64_t now) const {
  return (stored_state == PetitionState::kOpen || stored_state == PetitionState::kSuccessful) &&
         now < deadline;
}

std::string PetitionService::Impl::SignerHash(const Petition& petition, std::string_view actor) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(petition.secret.data()),
                              petition.secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(actor.data()),
                                actor.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return protocol::EncodeHex(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

Result<std::optional<Petition>> PetitionService::Impl::Load(uint64_t number) const {
  Result<std::optional<std::string>> bytes = context.store->Get(Family::kPetitions, PetitionKey(number));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<Petition>();
  Result<Petition> petition = DecodePetition(**bytes);
  if (!petition) return std::unexpected(petition.error());
  return std::optional<Petition>(std::move(*petition));
}

Result<Petition> PetitionService::Impl::Require(uint64_t number) const {
  Result<std::optional<Petition>> petition = Load(number);
  if (!petition) return std::unexpected(petition.error());
  if (!petition->has_value()) return Fail(ErrorCode::kNotFound, "no such petition");
  return std::move(**petition);
}

void PetitionService::Impl::Save(storage::Batch& batch, const Petition& petition, bool dirty) {
  batch.Put(Family::kPetitions, PetitionKey(petition.number), EncodePetition(petition));
  if (dirty) batch.Put(Family::kPetitions, DirtyKey(petition.number), "");
}

Status PetitionService::Impl::NoteMilestones(storage::Batch& batch, Petition& petition) {
  static constexpr int kPercent[] = {33, 66, 100};
  while (petition.notified < 3) {
    int percent = kPercent[petition.notified];
    // The smallest count that is at least `percent` % of the threshold.
    uint64_t needed = (petition.threshold * static_cast<uint64_t>(percent) + 99) / 100;
    if (petition.count < needed) break;
    ++petition.notified;
    std::string item = Id(petition.number) + "#milestones/" + std::to_string(percent);
    if (Status added = federation::AddInboxItem(*context.store, batch, petition.account, item); !added) {
      return added;
    }
  }
  return Ok();
}

Result<protocol::SignatureReceipt> PetitionService::Impl::RecordSignature(
    uint64_t number, const std::string& actor, bool anonymous, const std::string& activity,
    const AlsoWrite& also) {
  std::lock_guard lock(mutex);
  Result<Petition> petition = Require(number);
  if (!petition) return std::unexpected(petition.error());
  std::string signer = SignerHash(*petition, actor);
  Result<std::optional<std::string>> existing =
      context.store->Get(Family::kPetitions, SignerKey(number, signer));
  if (!existing) return std::unexpected(existing.error());
  if (existing->has_value()) {
    Result<SignerRecord> record = DecodeSigner(**existing);
    // The same Sign again (a retry, a replay after a crash): the same receipt.
    if (record && !activity.empty() && record->activity == activity) {
      Result<std::optional<std::string>> entry =
          context.store->Get(Family::kPetitions, LogKey(number, record->index));
      if (!entry || !entry->has_value()) return Fail(ErrorCode::kCorruption, "signature log entry missing");
      Result<rapidjson::Document> doc = protocol::ParseJson(**entry, {});
      Result<protocol::SignatureEntry> read =
          doc ? protocol::ReadSignatureEntry(*doc) : Result<protocol::SignatureEntry>(std::unexpected(doc.error()));
      if (!read) return std::unexpected(read.error());
      protocol::SignatureReceipt receipt{Id(number), record->index, read->hash, petition->count};
      storage::Batch batch;
      if (Status more = also(receipt, batch); !more) return std::unexpected(more.error());
      if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
      return receipt;
    }
    return Fail(ErrorCode::kAlreadyExists, "this actor has already signed this petition");
  }
  // An account that moved signed here: its signature is its new actor's.
  Result<std::string> moved = MovedTo(number, signer);
  if (!moved) return std::unexpected(moved.error());
  if (!moved->empty()) {
    return Fail(ErrorCode::kAlreadyExists, "this actor's signature moved with its account to " + *moved);
  }
  int64_t now = context.now();
  if (!petition->TakesSignatures(now)) {
    return Fail(ErrorCode::kInvalidArgument, std::string("the petition is not open for signatures (") +
                                                 protocol::PetitionStateName(petition->State(now)) + ")");
  }
  protocol::SignatureEntry entry{.index = petition->entries,
                                 .signer = signer,
                                 .actor = anonymous || !petition->shows_names ? "" : actor,
                                 .time = now,
                                 .prev = petition->head};
  protocol::SealSignatureEntry(entry);
  storage::Batch batch;
  batch.Put(Family::kPetitions, LogKey(number, entry.index), protocol::SignatureEntryJson(entry));
  batch.Put(Family::kPetitions, SignerKey(number, signer),
            EncodeSigner({.actor = actor, .index = entry.index, .anonymous = anonymous,
                          .activity = activity, .at = now}));
  petition->entries += 1;
  petition->count += 1;
  petition->head = entry.hash;
  petition->updated = now;
  if (Status noted = NoteMilestones(batch, *petition); !noted) return std::unexpected(noted.error());
  Save(batch, *petition, /*dirty=*/true);
  if (context.on_signature) {
    if (Status noted = context.on_signature(batch, Id(number), petition->organiser, actor, true); !noted) {
      return std::unexpected(noted.error());
    }
  }
  protocol::SignatureReceipt receipt{Id(number), entry.index, entry.hash, petition->count};
  if (Status more = also(receipt, batch); !more) return std::unexpected(more.error());
  if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
  return receipt;
}

Result<protocol::SignatureReceipt> PetitionService::Impl::RecordWithdrawal(
    uint64_t number, const std::string& actor, const AlsoWrite& also) {
  std::lock_guard lock(mutex);
  Result<Petition> petition = Require(number);
  if (!petition) return std::unexpected(petition.error());
  std::string signer = SignerHash(*petition, actor);
  Result<std::optional<std::string>> existing =
      context.store->Get(Family::kPetitions, SignerKey(number, signer));
  if (!existing) return std::unexpected(existing.error());
  if (!existing->has_value()) {
    Result<std::string> moved = MovedTo(number, signer);
    if (!moved) return std::unexpected(moved.error());
    if (!moved->empty()) {
      return Fail(ErrorCode::kNotFound, "this actor's signature moved with its account to " + *moved +
                                            ", which alone may withdraw it");
    }
    return Fail(ErrorCode::kNotFound, "this actor has no signature to withdraw");
  }
  Result<SignerRecord> record = DecodeSigner(**existing);
  if (!record) return std::unexpected(record.error());
  int64_t now = context.now();
  if (!petition->TakesSignatures(now)) {
    return Fail(ErrorCode::kInvalidArgument, "the petition is closed: signatures can no longer be withdrawn");
  }
  protocol::SignatureEntry entry{.index = petition->entries,
                                 .withdrawal = true,
                                 .signer = signer,
                                 .withdraws = record->index,
                                 .time = now,
                                 .prev = petition->head};
  protocol::SealSignatureEntry(entry);
  storage::Batch batch;
  batch.Put(Family::kPetitions, LogKey(number, entry.index), protocol::SignatureEntryJson(entry));
  batch.Delete(Family::kPetitions, SignerKey(number, signer));
  petition->entries += 1;
  petition->count -= 1;
  petition->head = entry.hash;
  petition->updated = now;
  Save(batch, *petition, /*dirty=*/true);
  if (context.on_signature) {
    if (Status noted = context.on_signature(batch, Id(number), petition->organiser, actor, false); !noted) {
      return std::unexpected(noted.error());
    }
  }
  protocol::SignatureReceipt receipt{Id(number), entry.index, entry.hash, petition->count};
  if (Status more = also(receipt, batch); !more) return std::unexpected(more.error());
  if (Status written = context.store->Write(batch); !written) return std::unexpected(written.error());
  return receipt;
}

std::string PetitionService::Impl::Id(uint64_t number) const {
  return context.config->base_url + "/petitions/" + std::to_string(number);
}

std::string PetitionService::Impl::Wrap(std::string_view type, std::string_view id,
                                        const Petition& petition, const std::vector<std::string>& cc) const {
  std::string cc_json = "[" + federation::JsonString(urls.Followers(petition.organiser_name));
  for (const std::string& actor : cc) cc_json += "," + federation::JsonString(actor);
  cc_json += "]";
  return "{\"@context\":" + std::string(protocol::CivicContextJson()) +
         ",\"id\":" + federation::JsonString(id) + ",\"type\":" + federation::JsonString(type) +
         ",\"actor\":" + federation::JsonString(petition.organiser) +
         ",\"to\":[\"https://www.w3.org/ns/activitystreams#Public\"],\"cc\":" + cc_json +
         ",\"object\":" + protocol::PetitionArticleJson(Document(petition)) + "}";
}

protocol::PetitionDocument PetitionService::Impl::Document(const Petition& p) const {
  return {.id = Id(p.number),
          .organiser = p.organiser,
          .followers = urls.Followers(p.organiser_name),
          .title = p.title,
          .content = p.content,
          .addressee = p.addressee,
          .threshold = p.threshold,
          .deadline = p.deadline,
          .published = p.published,
          .updated = p.updated,
          .state = p.State(context.now()),
          .shows_names = p.shows_names,
          .count = p.count,
          .entries = p.entries,
          .head = p.head,
          .answer = p.answer,
          .answered = p.answered};
}

asio::awaitable<Result<std::vector<std::string>>> PetitionService::Impl::SignerInboxes(
    uint64_t number, std::map<std::string, std::vector<std::string>>* by_inbox) {
  std::vector<std::string> actors;
  Status scanned = context.store->Scan(Family::kPetitions, SignerPrefix(number),
                                       [&](std::string_view, std::string_view value) {
                                         if (Result<SignerRecord> s = DecodeSigner(value)) {
                                           actors.push_back(s->actor);
                                         }
                                         return true;
                                       });
  if (!scanned) co_return std::unexpected(scanned.error());
  co_return co_await RemoteInboxes(*context.directory, context.config->base_url, actors, by_inbox);
}

asio::awaitable<Status> PetitionService::Impl::Announce(const Petition& petition, std::string_view type,
                                                        bool with_signers) {
  Result<std::optional<accounts::Account>> organiser = context.accounts->FindById(petition.account);
  if (!organiser) co_return std::unexpected(organiser.error());
  if (!organiser->has_value()) co_return Ok();  // the organiser is gone
  Result<std::vector<std::string>> inboxes = co_await context.posts->AudienceInboxes(**organiser);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  if (with_signers) {
    Result<std::vector<std::string>> signers = co_await SignerInboxes(petition.number, nullptr);
    if (!signers) co_return std::unexpected(signers.error());
    for (const std::string& inbox : *signers) {
      if (std::find(inboxes->begin(), inboxes->end(), inbox) == inboxes->end()) inboxes->push_back(inbox);
    }
  }
  std::string id = Id(petition.number) + "#" + std::string(type == "Create" ? "create" : "updates/") +
                   (type == "Create" ? "" : std::to_string(petition.updated) + "-" + std::to_string(petition.entries));
  std::string body = Wrap(type, id, petition, {});
  storage::Batch batch;
  for (const std::string& inbox : *inboxes) {
    if (Status queued = context.deliveries->Enqueue(batch, petition.account, inbox, body); !queued) {
      co_return queued;
    }
  }
  batch.Delete(Family::kPetitions, DirtyKey(petition.number));
  if (Status written = context.store->Write(batch); !written) co_return written;
  context.deliveries->Wake();
  co_return Ok();
}

PetitionService::PetitionService(CivicContext context)
    : impl_(std::make_shared<Impl>(std::move(context))) {}

PetitionService::~PetitionService() { Stop(); }

Result<uint64_t> PetitionService::Create(const accounts::Account& organiser, const PetitionDraft& draft) {
  if (!MayOrganise(organiser.kind)) {
    return Fail(ErrorCode::kInvalidArgument,
                "petitions are started by associations, citizen groups and public bodies");
  }
  if (Status ok = CheckLength("the title", draft.title, 200); !ok) return std::unexpected(ok.error());
  if (Status ok = CheckLength("the text", draft.text, 5000); !ok) return std::unexpected(ok.error());
  if (Status ok = CheckLength("the addressee", draft.addressee, 200); !ok) return std::unexpected(ok.error());
  if (draft.threshold == 0 || draft.threshold > kMaxThreshold) {
    return Fail(ErrorCode::kInvalidArgument, "the threshold must be 1 to 100000000 signatures");
  }
  int64_t now = impl_->context.now();
  if (Status ok = CheckDeadline("the deadline", draft.deadline, now); !ok) return std::unexpected(ok.error());
  Result<uint64_t> number = impl_->context.store->NextSequence("petitions");
  if (!number) return std::unexpected(number.error());
  Petition petition{.number = *number,
                    .account = organiser.id,
                    .organiser = impl_->urls.Actor(organiser.name),
                    .organiser_name = organiser.name,
                    .title = draft.title,
                    .source = draft.text,
                    .content = protocol::RenderMarkdown(draft.text, {}),
                    .addressee = draft.addressee,
                    .threshold = draft.threshold,
                    .deadline = draft.deadline,
                    .shows_names = draft.shows_names,
                    .stored_state = PetitionState::kDraft,
                    .published = now,
                    .head = protocol::PetitionLogGenesis(impl_->Id(*number)),
                    .secret = protocol::RandomHex(32)};
  storage::Batch batch;
  impl_->Save(batch, petition, /*dirty=*/false);
  if (Status written = impl_->context.store->Write(batch); !written) return std::unexpected(written.error());
  return *number;
}

// Loads the organiser's petition for a change, or says why not.
Result<Petition> PetitionService::Impl::Owned(const accounts::Account& organiser, uint64_t number) const {
  Result<Petition> petition = Require(number);
  if (!petition) return petition;
  if (petition->account != organiser.id) {
    return Fail(ErrorCode::kNotFound, "no such petition of this account");
  }
  return petition;
}

asio::awaitable<Status> PetitionService::Open(const accounts::Account& organiser, uint64_t number) {
  Petition opened;
  {
    std::lock_guard lock(impl_->mutex);
    Result<Petition> petition = impl_->Owned(organiser, number);
    if (!petition) co_return std::unexpected(petition.error());
    if (petition->stored_state != PetitionState::kDraft) {
      co_return Fail(ErrorCode::kInvalidArgument, "only a draft can be opened");
    }
    int64_t now = impl_->context.now();
    if (petition->deadline <= now) co_return Fail(ErrorCode::kInvalidArgument, "the deadline has passed");
    petition->stored_state = PetitionState::kOpen;
    petition->published = now;
    storage::Batch batch;
    impl_->Save(batch, *petition, /*dirty=*/false);
    if (Status written = impl_->context.store->Write(batch); !written) co_return written;
    opened = *petition;
  }
  co_return co_await impl_->Announce(opened, "Create", /*with_signers=*/false);
}

asio::awaitable<Status> PetitionService::Withdraw(const accounts::Account& organiser, uint64_t number) {
  std::lock_guard lock(impl_->mutex);
  Result<Petition> petition = impl_->Owned(organiser, number);
  if (!petition) co_return std::unexpected(petition.error());
  if (!petition->TakesSignatures(impl_->context.now())) {
    co_return Fail(ErrorCode::kInvalidArgument, "only an open petition can be withdrawn");
  }
  petition->stored_state = PetitionState::kWithdrawn;
  petition->updated = impl_->context.now();
  storage::Batch batch;
  impl_->Save(batch, *petition, /*dirty=*/true);
  co_return impl_->context.store->Write(batch);
}

asio::awaitable<Status> PetitionService::Answer(const accounts::Account& organiser, uint64_t number,
                                                std::string text) {
  if (Status ok = CheckLength("the answer", text, 5000); !ok) co_return ok;
  Petition answered;
  {
    std::lock_guard lock(impl_->mutex);
    Result<Petition> petition = impl_->Owned(organiser, number);
    if (!petition) co_return std::unexpected(petition.error());
    int64_t now = impl_->context.now();
    PetitionState state = petition->State(now);
    if (state != PetitionState::kSuccessful && state != PetitionState::kExpired) {
      co_return Fail(ErrorCode::kInvalidArgument,
                     "only a successful or expired petition can be answered");
    }
    petition->stored_state = PetitionState::kAnswered;
    petition->answer_source = text;
    petition->answer = protocol::RenderMarkdown(text, {});
    petition->answered = now;
    petition->updated = now;
    storage::Batch batch;
    impl_->Save(batch, *petition, /*dirty=*/false);
    // Local signers hear of it in their notifications.
    Status scanned = impl_->context.store->Scan(
        Family::kPetitions, SignerPrefix(number), [&](std::string_view, std::string_view value) {
          Result<SignerRecord> signer = DecodeSigner(value);
          if (!signer) return true;
          std::optional<std::string> name = impl_->urls.NameFromUrl(signer->actor);
          if (!name || impl_->urls.Actor(*name) != signer->actor) return true;
          Result<std::optional<accounts::Account>> account = impl_->context.accounts->FindByName(*name);
          if (account && account->has_value()) {
            (void)federation::AddInboxItem(*impl_->context.store, batch, (*account)->id,
                                           impl_->Id(number) + "#answer");
          }
          return true;
        });
    if (!scanned) co_return scanned;
    if (Status written = impl_->context.store->Write(batch); !written) co_return written;
    answered = *petition;
  }
  // Remote signers: one Update per inbox, addressed to that inbox's signers
  // only, so no node learns who else signed.
  std::map<std::string, std::vector<std::string>> by_inbox;
  Result<std::vector<std::string>> inboxes = co_await impl_->SignerInboxes(number, &by_inbox);
  if (!inboxes) co_return std::unexpected(inboxes.error());
  storage::Batch batch;
  for (const auto& [inbox, signers] : by_inbox) {
    std::string id = impl_->Id(number) + "#answer/" + protocol::RandomHex(8);
    std::string body = impl_->Wrap("Update", id, answered, signers);
    if (Status queued = impl_->context.deliveries->Enqueue(batch, answered.account, inbox, body); !queued) {
      co_return queued;
    }
  }
  batch.Put(Family::kPetitions, DirtyKey(number), "");  // and the followers
  if (Status written = impl_->context.store->Write(batch); !written) co_return written;
  impl_->context.deliveries->Wake();
  co_return Ok();
}

Result<std::optional<Petition>> PetitionService::Get(uint64_t number) const { return impl_->Load(number); }

Result<std::vector<Petition>> PetitionService::List(storage::AccountId viewer) const {
  std::vector<Petition> list;
  Status scanned = impl_->context.store->ScanBackward(
      Family::kPetitions, kPetitionPrefix, "", [&](std::string_view, std::string_view value) {
        Result<Petition> petition = DecodePetition(value);
        if (petition && (petition->stored_state != PetitionState::kDraft || petition->account == viewer)) {
          list.push_back(std::move(*petition));
        }
        return list.size() < 200;
      });
  if (!scanned) return std::unexpected(scanned.error());
  return list;
}

std::string PetitionService::Id(uint64_t number) const { return impl_->Id(number); }

std::optional<uint64_t> PetitionService::NumberFromId(std::string_view id) const {
  return NumberAfter(id, impl_->context.config->base_url + "/petitions/");
}

protocol::PetitionDocument PetitionService::Document(const Petition& petition) const {
  return impl_->Document(petition);
}

Result<std::vector<protocol::SignatureEntry>> PetitionService::Log(uint64_t number, uint64_t from,
                                                                   size_t max) const {
  std::vector<protocol::SignatureEntry> entries;
  Status bad = Ok();
  // Straight to entry `from`: a page of a long log costs its own entries only.
  Status scanned = impl_->context.store->ScanFrom(
      Family::kPetitions, "l/" + storage::EncodeUint64(number), LogKey(number, from),
      [&](std::string_view, std::string_view value) {
        if (entries.size() >= max) return false;
        Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
        Result<protocol::SignatureEntry> entry =
            doc ? protocol::ReadSignatureEntry(*doc) : Result<protocol::SignatureEntry>(std::unexpected(doc.error()));
        if (!entry) {
          bad = std::unexpected(entry.error());
          return false;
        }
        entries.push_back(std::move(*entry));
        return true;
      });
  if (!scanned) return std::unexpected(scanned.error());
  if (!bad) return std::unexpected(bad.error());
  return entries;
}

Result<std::vector<ExportedSignature>> PetitionService::Signatures(uint64_t number) const {
  Result<std::optional<Petition>> petition = impl_->Load(number);
  if (!petition) return std::unexpected(petition.error());
  if (!petition->has_value()) return Fail(ErrorCode::kNotFound, "no such petition");
  // Live signatures, in log order.
  std::map<uint64_t, SignerRecord> live;
  Status scanned = impl_->context.store->Scan(Family::kPetitions, SignerPrefix(number),
                                              [&](std::string_view, std::string_view value) {
                                                if (Result<SignerRecord> s = DecodeSigner(value)) {
                                                  live.emplace(s->index, *s);
                                                }
                                                return true;
                                              });
  if (!scanned) return std::unexpected(scanned.error());
  std::vector<ExportedSignature> out;
  for (const auto& [index, signer] : live) {
    Result<std::vector<protocol::SignatureEntry>> entry = Log(number, index, 1);
    if (!entry || entry->empty()) continue;
    out.push_back({.index = index,
                   .time = signer.at,
                   .actor = signer.anonymous || !(*petition)->shows_names ? "" : signer.actor,
                   .hash = entry->front().hash});
  }
  return out;
}

asio::awaitable<void> PetitionService::PublishPending() {
  int64_t now = impl_->context.now();
  std::vector<uint64_t> dirty;
  std::vector<Petition> closing;
  (void)impl_->context.store->Scan(Family::kPetitions, kDirtyPrefix, [&](std::string_view key, std::string_view) {
    dirty.push_back(storage::DecodeUint64(key.substr(kDirtyPrefix.size())));
    return true;
  });
  (void)impl_->context.store->Scan(Family::kPetitions, kPetitionPrefix, [&](std::string_view, std::string_view value) {
    Result<Petition> petition = DecodePetition(value);
    if (petition && (petition->stored_state == PetitionState::kOpen ||
                     petition->stored_state == PetitionState::kSuccessful) &&
        petition->deadline <= now) {
      closing.push_back(std::move(*petition));
    }
    return true;
  });
  // At the deadline the state is settled for good (successful or expired).
  for (Petition& petition : closing) {
    std::lock_guard lock(impl_->mutex);
    Result<Petition> fresh = impl_->Require(petition.number);
    if (!fresh) continue;
    fresh->stored_state = fresh->State(now);
    fresh->updated = now;
    storage::Batch batch;
    impl_->Save(batch, *fresh, /*dirty=*/true);
    if (impl_->context.store->Write(batch)) dirty.push_back(fresh->number);
  }
  std::sort(dirty.begin(), dirty.end());
  dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
  for (uint64_t number : dirty) {
    Result<std::optional<Petition>> petition = impl_->Load(number);
    if (!petition || !petition->has_value()) continue;
    if ((*petition)->stored_state == PetitionState::kDraft) continue;
    Status sent = co_await impl_->Announce(**petition, "Update", /*with_signers=*/true);
    if (!sent) spdlog::warn("petition {}: update not queued: {}", number, sent.error().message);
  }
}

void PetitionService::Start(http::EventLoop& loop) {
  impl_->timer = std::make_unique<asio::steady_timer>(loop.context());
  // The coroutine holds plain pointers: Stop() (or the destructor) runs
  // after the loop stopped, and destroying the timer ends the wait.
  asio::co_spawn(impl_->timer->get_executor(),
                 RunPeriodically(impl_->timer.get(), [this] { return PublishPending(); }), asio::detached);
}

void PetitionService::Stop() { impl_->timer.reset(); }

}  // namespace parvis::civic
