#include "server/accounts/account_erasure.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/note_text.h"

namespace parvis::accounts {
namespace {

using storage::Family;

constexpr std::string_view kGone = "gone/";
constexpr std::string_view kErasing = "erasing/";
constexpr std::string_view kDeliveries = "delivery/";

// JSON records naming their account by id: tokens, sessions, deliveries.
std::optional<uint64_t> AccountMember(std::string_view json, const char* member) {
  Result<rapidjson::Document> doc = protocol::ParseJson(json, {});
  if (!doc || !doc->IsObject()) return std::nullopt;
  auto it = doc->FindMember(member);
  if (it == doc->MemberEnd() || !it->value.IsUint64()) return std::nullopt;
  return it->value.GetUint64();
}

// The name is kept only as a hash: enough to answer 410 and to keep it from
// being taken again, without the name itself staying in the files.
std::string GoneKey(std::string_view name) {
  return std::string(kGone) + protocol::EncodeHex(protocol::Sha256(protocol::LowerAscii(name)));
}

}  // namespace

Result<size_t> EraseAccountContent(const storage::Store& store, const Account& account,
                                   const std::string& actor_id, int64_t now, storage::Batch& batch) {
  const std::string id_key = storage::EncodeAccountId(account.id);
  const std::string under_actor = actor_id + "/";
  // The quoted actor id, as JSON records of other wings name it.
  const std::string quoted_actor = "\"" + actor_id + "\"";
  size_t erased = 0;
  for (Family family : storage::AllFamilies()) {
    Status scanned = store.Scan(family, "", [&](std::string_view key, std::string_view value) {
      bool erase = false;
      if (key.starts_with(id_key)) {
        // The account's own records, but what step 2 still needs.
        erase = !(family == Family::kAccounts || family == Family::kAccountKeys ||
                  family == Family::kAccountPrivate || family == Family::kMeta);
      } else if (key == actor_id || key.starts_with(under_actor) || key.ends_with("\n" + actor_id) ||
                 key.ends_with("/" + actor_id)) {
        // Its notes and what hangs off them (replies, reactions), its
        // reactions to others', the sector record, votes keyed by voter.
        erase = family != Family::kMeta;
      } else if (value.starts_with(under_actor)) {
        // Index entries pointing at its notes: tags, feeds, replies, pins.
        erase = family != Family::kMeta;
      } else if ((family == Family::kTokens || family == Family::kSessions) && key.starts_with("hash/")) {
        erase = AccountMember(value, "account") == account.id;
      } else if (family == Family::kActivities) {
        // What others sent about it: follows, replies, reactions, mentions.
        erase = value.find(quoted_actor) != std::string_view::npos ||
                value.find("\"" + under_actor) != std::string_view::npos;
      } else if (family == Family::kQueues &&
                 (key.starts_with(kDeliveries) || key.starts_with("delivery-failed/"))) {
        erase = AccountMember(value, "sender") == account.id;
      } else if (family == Family::kSignals) {
        // Its amplifications, its texts' fingerprints, the labels and log
        // entries of its posts (server/signals/signal_recorder.h).
        erase = key.find(actor_id + "\n") != std::string_view::npos || key.ends_with(actor_id) ||
                key.find(under_actor) != std::string_view::npos || value.find(under_actor) != std::string_view::npos;
      } else if (family == Family::kModeration && key.starts_with("report/")) {
        // The reports it filed (its comment is its own); reports about it
        // stay as the moderators' record (server/moderation/report_store.h).
        erase = AccountMember(value, "reporterAccount") == account.id;
      } else if (family == Family::kPetitions || family == Family::kConsultations) {
        // Its signatures, votes and own records there ("m/" + id), and the
        // home node's records naming it (signers, proposals, comments).
        // Petitions, consultations and proposals themselves stay (their
        // numbering and tallies are other people's record too).
        if (key.starts_with("m/")) {
          erase = key.substr(2).starts_with(id_key);
        } else if (key.starts_with("v/")) {
          erase = key.ends_with(actor_id);
        } else {
          erase = value.find(quoted_actor) != std::string_view::npos && !key.starts_with("p/") &&
                  !key.starts_with("c/") && !key.starts_with("l/");
        }
      }
      if (erase) {
        batch.Delete(family, key);
        ++erased;
      }
      return true;
    });
    if (!scanned) return std::unexpected(scanned.error());
  }
  // The name is free for no one: it answers 410 from now on.
  const std::string name = protocol::LowerAscii(account.name);
  batch.Delete(Family::kAccountNames, name);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("deletedAt");
  writer.Int64(now);
  writer.EndObject();
  batch.Put(Family::kMeta, GoneKey(name), std::string(buffer.GetString(), buffer.GetSize()));
  batch.Put(Family::kMeta, std::string(kErasing) + id_key, "");
  return erased + 1;
}

Result<std::optional<int64_t>> ErasedSince(const storage::Store& store, std::string_view name) {
  Result<std::optional<std::string>> gone = store.Get(Family::kMeta, GoneKey(name));
  if (!gone) return std::unexpected(gone.error());
  if (!gone->has_value()) return std::optional<int64_t>();
  Result<rapidjson::Document> doc = protocol::ParseJson(**gone, {});
  int64_t at = doc && doc->IsObject() && doc->HasMember("deletedAt") && (*doc)["deletedAt"].IsInt64()
                   ? (*doc)["deletedAt"].GetInt64()
                   : 0;
  return std::optional<int64_t>(at);
}

Result<std::vector<storage::AccountId>> PendingErasures(const storage::Store& store) {
  std::vector<storage::AccountId> pending;
  Status scanned = store.Scan(Family::kMeta, kErasing, [&](std::string_view key, std::string_view) {
    if (std::optional<storage::AccountId> id = storage::DecodeAccountId(key.substr(kErasing.size()))) {
      pending.push_back(*id);
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return pending;
}

Result<bool> HasPendingDeliveries(const storage::Store& store, storage::AccountId account) {
  bool found = false;
  Status scanned = store.Scan(Family::kQueues, kDeliveries, [&](std::string_view, std::string_view value) {
    found = AccountMember(value, "sender") == account;
    return !found;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return found;
}

Status FinishAccountErasure(storage::Store& store, storage::AccountId account) {
  Result<bool> waiting = HasPendingDeliveries(store, account);
  if (!waiting) return std::unexpected(waiting.error());
  if (*waiting) return std::unexpected(Error{ErrorCode::kBusy, "deliveries by the account still wait"});
  const std::string id_key = storage::EncodeAccountId(account);
  const std::string end = storage::EncodeAccountId(account + 1);
  storage::Batch batch;
  for (Family family : storage::AllFamilies()) {
    if (family == Family::kMeta || family == Family::kAccountKeys) continue;
    batch.DeleteRange(family, id_key, end);
  }
  batch.Delete(Family::kMeta, std::string(kErasing) + id_key);
  if (Status written = store.Write(batch); !written) return written;
  // The key last: once it is gone, whatever sealed value survives is noise.
  if (Status destroyed = store.DestroyDataKey(account); !destroyed) return destroyed;
  return store.CompactAll();
}

}  // namespace parvis::accounts
