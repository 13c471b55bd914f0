// The signature log of a petition: entries, their hashes, and the replay
// that recomputes the count from them.
#include <map>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/hex.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/json_canonicalization.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

const char* TypeName(const SignatureEntry& entry) {
  if (entry.move) return "move";
  return entry.withdrawal ? "withdraw" : "sign";
}

// Members in the order JCS sorts them.
std::string EntryJson(const SignatureEntry& entry, bool with_hash) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  if (!entry.actor.empty()) WriteString(writer, "actor", entry.actor);
  if (with_hash) WriteString(writer, "hash", entry.hash);
  writer.Key("index");
  writer.Uint64(entry.index);
  if (entry.move && entry.into) {
    writer.Key("into");
    writer.Uint64(*entry.into);
  }
  if (entry.move) {
    writer.Key("moves");
    writer.Uint64(entry.moves);
  }
  WriteString(writer, "prev", entry.prev);
  WriteString(writer, "signer", entry.signer);
  WriteString(writer, "time", FormatRfc3339Utc(entry.time));
  if (entry.move) WriteString(writer, "to", entry.to);
  WriteString(writer, "type", TypeName(entry));
  if (entry.withdrawal) {
    writer.Key("withdraws");
    writer.Uint64(entry.withdraws);
  }
  writer.EndObject();
  return buffer.GetString();
}

bool IsHexHash(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Invalid(uint64_t index, std::string_view why) {
  return std::unexpected(Error{ErrorCode::kInvalidArgument,
                               "signature log entry " + std::to_string(index) + ": " +
                                   std::string(why)});
}

// Largest index a log may hold: keeps every number exact in JavaScript too.
constexpr uint64_t kMaxIndex = (uint64_t{1} << 53) - 1;

// A whole number a log may hold in `name`, if `value` has one.
std::optional<uint64_t> IndexMember(const rapidjson::Value& value, const char* name) {
  auto it = value.FindMember(name);
  if (it == value.MemberEnd() || !it->value.IsUint64() || it->value.GetUint64() > kMaxIndex) return std::nullopt;
  return it->value.GetUint64();
}

}  // namespace

std::string PetitionLogGenesis(std::string_view petition_id) {
  return EncodeHex(Sha256("parvis petition log\n" + std::string(petition_id)));
}

void SealSignatureEntry(SignatureEntry& entry) {
  // The members are written in JCS order already; canonicalising settles
  // string escapes (an actor id is only ever checked to be a string).
  std::string written = EntryJson(entry, /*with_hash=*/false);
  Result<rapidjson::Document> doc = ParseJson(written, {.max_bytes = 1 << 20});
  Result<std::string> canonical = doc ? CanonicalizeJson(*doc) : Result<std::string>(written);
  entry.hash = EncodeHex(Sha256(canonical ? *canonical : written));
}

std::string SignatureEntryJson(const SignatureEntry& entry) {
  return EntryJson(entry, /*with_hash=*/true);
}

Result<SignatureEntry> ReadSignatureEntry(const rapidjson::Value& value) {
  auto invalid = [](std::string why) -> Result<SignatureEntry> {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "signature log entry: " + why});
  };
  if (!value.IsObject()) return invalid("not an object");
  SignatureEntry entry;
  std::optional<uint64_t> index = IndexMember(value, "index");
  if (!index) return invalid("index is not a whole number");
  entry.index = *index;
  std::optional<std::string> type = StringMember(value, "type");
  if (!type || (*type != "sign" && *type != "withdraw" && *type != "move")) {
    return invalid("type is not sign, withdraw or move");
  }
  entry.withdrawal = *type == "withdraw";
  entry.move = *type == "move";
  std::optional<std::string> signer = StringMember(value, "signer");
  std::optional<std::string> prev = StringMember(value, "prev");
  std::optional<std::string> hash = StringMember(value, "hash");
  std::optional<std::string> time = StringMember(value, "time");
  if (!signer || !IsHexHash(*signer)) return invalid("signer is not a SHA-256 hash in hex");
  if (!prev || !IsHexHash(*prev)) return invalid("prev is not a SHA-256 hash in hex");
  if (!hash || !IsHexHash(*hash)) return invalid("hash is not a SHA-256 hash in hex");
  if (!time) return invalid("time is missing");
  Result<int64_t> seconds = ParseRfc3339(*time);
  if (!seconds) return invalid("time is not an RFC 3339 date");
  entry.signer = *signer;
  entry.prev = *prev;
  entry.hash = *hash;
  entry.time = *seconds;
  if (auto actor = value.FindMember("actor"); actor != value.MemberEnd()) {
    if (!actor->value.IsString() || actor->value.GetStringLength() == 0) {
      return invalid("actor is not a non-empty string");
    }
    entry.actor = actor->value.GetString();
  }
  if (entry.withdrawal) {
    auto withdraws = value.FindMember("withdraws");
    if (withdraws == value.MemberEnd() || !withdraws->value.IsUint64()) {
      return invalid("withdraws is not a whole number");
    }
    entry.withdraws = withdraws->value.GetUint64();
  }
  if (entry.move) {
    std::optional<uint64_t> moves = IndexMember(value, "moves");
    if (!moves) return invalid("moves is not a whole number");
    entry.moves = *moves;
    std::optional<std::string> to = StringMember(value, "to");
    if (!to || !IsHexHash(*to)) return invalid("to is not a SHA-256 hash in hex");
    entry.to = *to;
    if (value.HasMember("into")) {
      entry.into = IndexMember(value, "into");
      if (!entry.into) return invalid("into is not a whole number");
    }
  }
  // Members the format does not have would be left out of the hash, and a
  // repeated one could say two things.
  std::set<std::string_view> seen;
  for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(name).second) return invalid("member " + std::string(name) + " repeated");
    // Each kind has its own members: a sign has none of the others'.
    bool known = name == "actor" || name == "hash" || name == "index" || name == "prev" || name == "signer" ||
                 name == "time" || name == "type" || (entry.withdrawal && name == "withdraws") ||
                 (entry.move && (name == "moves" || name == "to" || name == "into"));
    if (!known) return invalid("unknown member " + std::string(name));
  }
  return entry;
}

Result<TallyCheck> VerifySignatureLog(std::string_view petition_id,
                                      const std::vector<SignatureEntry>& entries) {
  TallyCheck check;
  check.head = PetitionLogGenesis(petition_id);
  // Live signatures: signer -> index of its signature.
  std::map<std::string, uint64_t> live;
  for (const SignatureEntry& entry : entries) {
    if (entry.index != check.entries) {
      return std::unexpected(
          Invalid(check.entries, "index " + std::to_string(entry.index) + " out of order").error());
    }
    if (entry.prev != check.head) {
      return std::unexpected(Invalid(entry.index, "prev is not the hash of the entry before").error());
    }
    SignatureEntry recomputed = entry;
    SealSignatureEntry(recomputed);
    if (recomputed.hash != entry.hash) {
      return std::unexpected(Invalid(entry.index, "hash does not match its content").error());
    }
    if (entry.move) {
      auto from = live.find(entry.signer);
      if (from == live.end() || from->second != entry.moves) {
        return std::unexpected(
            Invalid(entry.index, "moves a signature that is not its signer's live one").error());
      }
      if (entry.to == entry.signer) {
        return std::unexpected(Invalid(entry.index, "moves a signature to its own signer").error());
      }
      auto to = live.find(entry.to);
      if (entry.into) {
        // A merge: `to` signed too; the moved signature ends.
        if (to == live.end() || to->second != *entry.into) {
          return std::unexpected(
              Invalid(entry.index, "merges into a signature that is not the live one of to").error());
        }
        if (!entry.actor.empty()) {
          return std::unexpected(Invalid(entry.index, "a merge names no actor").error());
        }
        live.erase(from);
      } else {
        if (to != live.end()) {
          return std::unexpected(
              Invalid(entry.index, "moves a signature to a signer with a live one, not as a merge").error());
        }
        uint64_t moved = from->second;
        live.erase(from);
        live.emplace(entry.to, moved);
      }
    } else if (!entry.withdrawal) {
      if (live.contains(entry.signer)) {
        return std::unexpected(Invalid(entry.index, "second live signature by one signer").error());
      }
      live.emplace(entry.signer, entry.index);
    } else {
      auto it = live.find(entry.signer);
      if (it == live.end() || it->second != entry.withdraws) {
        return std::unexpected(
            Invalid(entry.index, "withdraws a signature that is not its signer's live one").error());
      }
      if (!entry.actor.empty()) {
        return std::unexpected(Invalid(entry.index, "a withdrawal names no actor").error());
      }
      live.erase(it);
    }
    check.head = entry.hash;
    ++check.entries;
  }
  check.count = live.size();
  return check;
}

}  // namespace parvis::protocol
