// The signer's side of petitions (a local account signs a petition here or
// elsewhere) and the inbox's: Sign and Undo(Sign) from other nodes, and the
// home node's Accept or Reject of our accounts' Signs.
#include <spdlog/spdlog.h>

#include "parvis/protocol/activity_envelope.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "server/civic/petition_impl.h"
#include "server/civic/petition_store.h"
#include "server/federation/domain_policy.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {

namespace asio = boost::asio;
using federation::ExtensionOutcome;
using storage::Family;

namespace {

const rapidjson::Value* Embedded(const rapidjson::Value& activity) {
  auto it = activity.FindMember("object");
  if (it == activity.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

std::string ObjectId(const rapidjson::Value& activity) {
  auto it = activity.FindMember("object");
  if (it == activity.MemberEnd()) return "";
  return protocol::FirstId(it->value).value_or("");
}

// An Undo of `sign`, embedding it whole so the home node needs nothing else.
std::string UndoJson(const std::string& id, const std::string& actor, const std::string& organiser,
                     const std::string& sign) {
  return "{\"@context\":" + std::string(protocol::CivicContextJson()) +
         ",\"id\":" + federation::JsonString(id) + ",\"type\":\"Undo\",\"actor\":" +
         federation::JsonString(actor) + ",\"to\":[" + federation::JsonString(organiser) +
         "],\"object\":" + sign + "}";
}

}  // namespace

std::optional<accounts::Account> PetitionService::Impl::LocalAccount(std::string_view actor_id) const {
  std::optional<std::string> name = urls.NameFromUrl(actor_id);
  if (!name) return std::nullopt;
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account || !account->has_value() || urls.Actor((*account)->name) != actor_id) return std::nullopt;
  return **account;
}

Result<std::optional<MySignature>> PetitionService::Mine(storage::AccountId account,
                                                         const std::string& petition_id) const {
  Result<std::optional<std::string>> bytes =
      impl_->context.store->Get(Family::kPetitions, MineKey(account, petition_id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::optional<MySignature>();
  Result<MySignature> mine = DecodeMine(**bytes);
  if (!mine) return std::unexpected(mine.error());
  return std::optional<MySignature>(std::move(*mine));
}

Result<std::vector<MySignature>> PetitionService::AllMine(storage::AccountId account) const {
  std::vector<MySignature> list;
  Status scanned = impl_->context.store->Scan(Family::kPetitions, MineKey(account, ""),
                                              [&](std::string_view, std::string_view value) {
                                                if (Result<MySignature> mine = DecodeMine(value)) {
                                                  list.push_back(std::move(*mine));
                                                }
                                                return list.size() < 500;
                                              });
  if (!scanned) return std::unexpected(scanned.error());
  return list;
}

asio::awaitable<Result<MySignature>> PetitionService::Sign(const accounts::Account& account,
                                                           std::string petition_id, bool anonymous) {
  std::string actor = impl_->urls.Actor(account.name);
  Result<std::optional<MySignature>> existing = Mine(account.id, petition_id);
  if (!existing) co_return std::unexpected(existing.error());
  if (existing->has_value() && ((*existing)->state == MySignatureState::kSigned ||
                                (*existing)->state == MySignatureState::kPending ||
                                (*existing)->state == MySignatureState::kWithdrawing)) {
    co_return Fail(ErrorCode::kAlreadyExists, "you have already signed this petition");
  }
  MySignature mine{.petition = petition_id, .anonymous = anonymous, .at = impl_->context.now()};
  if (std::optional<uint64_t> number = NumberFromId(petition_id)) {
    // Here: the decision is ours, at once. The signature still gets an id,
    // so that a client can undo it by that id (C2S).
    Result<Petition> petition = impl_->Require(*number);
    if (!petition) co_return std::unexpected(petition.error());
    mine.activity = actor + "/signatures/" + protocol::RandomHex(16);
    Result<protocol::SignatureReceipt> receipt = impl_->RecordSignature(
        *number, actor, anonymous, "",
        [&](const protocol::SignatureReceipt& r, storage::Batch& batch) {
          mine.state = MySignatureState::kSigned;
          mine.index = r.index;
          mine.hash = r.hash;
          batch.Put(Family::kPetitions, MineKey(account.id, petition_id), EncodeMine(mine, petition->organiser));
          return Ok();
        });
    if (!receipt) co_return std::unexpected(receipt.error());
    co_return mine;
  }
  // Elsewhere: a Sign to the organiser, whose node answers.
  Result<std::optional<federation::StoredObject>> object = co_await impl_->context.posts->GetOrFetch(petition_id);
  if (!object) co_return std::unexpected(object.error());
  if (!object->has_value() || (*object)->local || (*object)->deleted != 0) {
    co_return Fail(ErrorCode::kNotFound, "no such petition: " + petition_id);
  }
  Result<protocol::PetitionDocument> document = protocol::ReadPetitionArticle((*object)->object);
  if (!document) co_return Fail(ErrorCode::kInvalidArgument, petition_id + " is not a petition");
  if (document->organiser != (*object)->author) {
    co_return Fail(ErrorCode::kInvalidArgument, "the petition's organiser is not its author");
  }
  Result<protocol::RemoteActor> organiser = co_await impl_->context.directory->Get(document->organiser, false);
  if (!organiser) co_return std::unexpected(organiser.error());
  mine.activity = actor + "/signatures/" + protocol::RandomHex(16);
  std::string sign = protocol::SignActivityJson(mine.activity, actor, petition_id, document->organiser, anonymous);
  storage::Batch batch;
  if (Status queued = impl_->context.deliveries->Enqueue(batch, account.id, organiser->inbox, sign); !queued) {
    co_return std::unexpected(queued.error());
  }
  batch.Put(Family::kPetitions, MineKey(account.id, petition_id), EncodeMine(mine, document->organiser));
  if (Status written = impl_->context.store->Write(batch); !written) co_return std::unexpected(written.error());
  impl_->context.deliveries->Wake();
  co_return mine;
}

asio::awaitable<Result<MySignature>> PetitionService::Unsign(const accounts::Account& account,
                                                             std::string petition_id) {
  std::string actor = impl_->urls.Actor(account.name);
  Result<std::optional<std::string>> bytes =
      impl_->context.store->Get(Family::kPetitions, MineKey(account.id, petition_id));
  if (!bytes) co_return std::unexpected(bytes.error());
  std::string organiser;
  Result<MySignature> mine =
      bytes->has_value() ? DecodeMine(**bytes, &organiser) : Fail(ErrorCode::kNotFound, "");
  if (!mine || mine->state != MySignatureState::kSigned) {
    co_return Fail(ErrorCode::kNotFound, "you have no signature of this petition to withdraw");
  }
  if (std::optional<uint64_t> number = NumberFromId(petition_id)) {
    Result<protocol::SignatureReceipt> receipt = impl_->RecordWithdrawal(
        *number, actor, [&](const protocol::SignatureReceipt& r, storage::Batch& batch) {
          mine->state = MySignatureState::kWithdrawn;
          mine->index = r.index;
          mine->hash = r.hash;
          batch.Put(Family::kPetitions, MineKey(account.id, petition_id), EncodeMine(*mine, organiser));
          return Ok();
        });
    if (!receipt) co_return std::unexpected(receipt.error());
    co_return *mine;
  }
  Result<protocol::RemoteActor> home = co_await impl_->context.directory->Get(organiser, false);
  if (!home) co_return std::unexpected(home.error());
  std::string sign = protocol::SignActivityJson(mine->activity, actor, petition_id, organiser, mine->anonymous);
  std::string undo = UndoJson(mine->activity + "/undo", actor, organiser, sign);
  mine->state = MySignatureState::kWithdrawing;
  storage::Batch batch;
  if (Status queued = impl_->context.deliveries->Enqueue(batch, account.id, home->inbox, undo); !queued) {
    co_return std::unexpected(queued.error());
  }
  batch.Put(Family::kPetitions, MineKey(account.id, petition_id), EncodeMine(*mine, organiser));
  if (Status written = impl_->context.store->Write(batch); !written) co_return std::unexpected(written.error());
  impl_->context.deliveries->Wake();
  co_return *mine;
}

asio::awaitable<ExtensionOutcome> PetitionService::Act(const rapidjson::Value& activity,
                                                       const protocol::ActivityEnvelope& envelope,
                                                       storage::Batch& batch) {
  const std::string& type = envelope.type;
  const rapidjson::Value* inner = Embedded(activity);
  std::string inner_type = inner != nullptr ? protocol::StringMember(*inner, "type").value_or("") : "";
  bool sign = type == "Sign";
  bool withdraw = type == "Undo" && inner_type == "Sign";
  if (sign || withdraw) {
    const rapidjson::Value& signing = sign ? activity : *inner;
    // Only the signer may withdraw its signature.
    if (withdraw && protocol::StringMember(*inner, "actor") != envelope.actor) co_return ExtensionOutcome::kDone;
    std::string petition_id = ObjectId(signing);
    std::optional<uint64_t> number = NumberFromId(petition_id);
    if (!number) co_return ExtensionOutcome::kDone;  // not a petition of ours
    Result<protocol::RemoteActor> signer = co_await impl_->context.directory->Get(envelope.actor, false);
    if (!signer) {
      co_return signer.error().code == ErrorCode::kUnavailable ? ExtensionOutcome::kRetry
                                                               : ExtensionOutcome::kDone;
    }
    Result<Petition> petition = impl_->Require(*number);
    if (!petition) {
      co_return petition.error().code == ErrorCode::kNotFound ? ExtensionOutcome::kDone
                                                              : ExtensionOutcome::kRetry;
    }
    std::string answer_id = petition->organiser + "#answers/" +
                            protocol::EncodeHex(protocol::Sha256(envelope.id).substr(0, 16));
    std::string signer_inbox = signer->inbox;
    AlsoWrite accept = [&](const protocol::SignatureReceipt& receipt, storage::Batch& more) {
      return impl_->context.deliveries->Enqueue(
          more, petition->account, signer_inbox,
          protocol::SignatureAnswerJson(answer_id, petition->organiser, envelope.actor, activity, &receipt, ""));
    };
    bool anonymous = false;
    if (auto it = signing.FindMember("anonymous"); it != signing.MemberEnd() && it->value.IsBool()) {
      anonymous = it->value.GetBool();
    }
    Result<protocol::SignatureReceipt> receipt =
        sign ? impl_->RecordSignature(*number, envelope.actor, anonymous, envelope.id, accept)
             : impl_->RecordWithdrawal(*number, envelope.actor, accept);
    if (!receipt) {
      if (receipt.error().code == ErrorCode::kIo || receipt.error().code == ErrorCode::kCorruption) {
        spdlog::error("petition {}: {}", *number, receipt.error().message);
        co_return ExtensionOutcome::kRetry;
      }
      // Refused (already signed, closed, nothing to withdraw): say why.
      Status queued = impl_->context.deliveries->Enqueue(
          batch, petition->account, signer_inbox,
          protocol::SignatureAnswerJson(answer_id, petition->organiser, envelope.actor, activity, nullptr,
                                        receipt.error().message));
      if (!queued) co_return ExtensionOutcome::kRetry;
    }
    co_return ExtensionOutcome::kDone;
  }
  bool answer = (type == "Accept" || type == "Reject") && inner != nullptr &&
                (inner_type == "Sign" || inner_type == "Undo");
  if (!answer) co_return ExtensionOutcome::kNotMine;
  // The answered activity names our account; its petition is in the Sign.
  std::string our_actor = protocol::StringMember(*inner, "actor").value_or("");
  std::optional<accounts::Account> account = impl_->LocalAccount(our_actor);
  if (!account) co_return ExtensionOutcome::kDone;
  std::string sign_id = protocol::StringMember(*inner, "id").value_or("");
  std::string petition_id;
  if (inner_type == "Sign") {
    petition_id = ObjectId(*inner);
  } else if (const rapidjson::Value* undone = Embedded(*inner)) {
    sign_id = protocol::StringMember(*undone, "id").value_or("");
    petition_id = ObjectId(*undone);
  }
  Result<std::optional<std::string>> bytes =
      impl_->context.store->Get(Family::kPetitions, MineKey(account->id, petition_id));
  if (!bytes) co_return ExtensionOutcome::kRetry;
  if (!bytes->has_value()) co_return ExtensionOutcome::kDone;
  std::string organiser;
  Result<MySignature> mine = DecodeMine(**bytes, &organiser);
  // Only the petition's organiser answers, and only about our Sign.
  if (!mine || organiser != envelope.actor || mine->activity != sign_id) co_return ExtensionOutcome::kDone;
  if (type == "Accept") {
    std::optional<protocol::SignatureReceipt> receipt = protocol::ReadSignatureReceipt(activity);
    if (!receipt || receipt->petition != petition_id) co_return ExtensionOutcome::kDone;
    mine->state = inner_type == "Sign" ? MySignatureState::kSigned : MySignatureState::kWithdrawn;
    mine->index = receipt->index;
    mine->hash = receipt->hash;
    mine->refusal.clear();
  } else if (inner_type == "Sign") {
    mine->state = MySignatureState::kRefused;
    mine->refusal = protocol::StringMember(activity, "summary").value_or("refused").substr(0, 500);
  } else {
    // A refused withdrawal (closed meanwhile): the signature stands.
    mine->state = MySignatureState::kSigned;
    mine->refusal = protocol::StringMember(activity, "summary").value_or("refused").substr(0, 500);
  }
  batch.Put(Family::kPetitions, MineKey(account->id, petition_id), EncodeMine(*mine, organiser));
  co_return ExtensionOutcome::kDone;
}

}  // namespace parvis::civic
