#include "server/civic/civic_archive.h"

#include "parvis/protocol/json.h"

namespace parvis::civic {
namespace {

using storage::Family;

// Appends to `out` (a JSON array's items) the records of `family` under
// `prefix` that `keep` accepts, each without the members in `hidden`.
Status AppendRecords(const storage::Store& store, Family family, std::string_view prefix,
                     const std::function<bool(const rapidjson::Value&)>& keep,
                     std::initializer_list<const char*> hidden, std::string& out,
                     const char* key_member = nullptr) {
  return store.Scan(family, prefix, [&](std::string_view key, std::string_view value) {
    Result<rapidjson::Document> record = protocol::ParseJson(value, {});
    if (!record || !record->IsObject() || !keep(*record)) return true;
    for (const char* member : hidden) record->RemoveMember(member);
    // Records keyed by what they are about name it in their key only.
    if (key_member && !record->HasMember(key_member)) {
      std::string_view about = key.substr(prefix.size());
      record->AddMember(rapidjson::StringRef(key_member),
                        rapidjson::Value(about.data(), static_cast<rapidjson::SizeType>(about.size()), record->GetAllocator()),
                        record->GetAllocator());
    }
    if (out.back() != '[') out += ",";
    out += protocol::WriteJson(*record);
    return true;
  });
}

bool Member(const rapidjson::Value& record, const char* name, const std::string& value) {
  return protocol::StringMember(record, name) == value;
}

}  // namespace

accounts::ArchiveSection CivicSection(storage::Store& store) {
  accounts::ArchiveSection section;
  section.files = {
      {"petitions.json", "petitions you organised (as stored here, without the key that hides anonymous signers) "
                         "and your signatures of petitions here or elsewhere, each with its state and receipt "
                         "(log index and hash)"},
      {"consultations.json", "consultations you opened, proposals you made, and your votes on proposals here or "
                             "elsewhere"},
  };
  storage::Store* db = &store;
  section.write = [db](const accounts::Account& account, const std::string& actor, accounts::TarWriter& tar) -> Status {
    const std::string mine = "m/" + storage::EncodeAccountId(account.id);
    auto all = [](const rapidjson::Value&) { return true; };
    std::string petitions = R"({"organised":[)";
    if (Status s = AppendRecords(*db, Family::kPetitions, "p/", [&](const rapidjson::Value& r) { return Member(r, "organiser", actor); },
                                 {"secret", "account"}, petitions);
        !s) {
      return s;
    }
    petitions += R"(],"signed":[)";
    if (Status s = AppendRecords(*db, Family::kPetitions, mine, all, {}, petitions, "petition"); !s) return s;
    petitions += "]}";
    if (Status written = tar.Add("petitions.json", petitions); !written) return written;

    std::string consultations = R"({"opened":[)";
    if (Status s = AppendRecords(*db, Family::kConsultations, "c/", [&](const rapidjson::Value& r) { return Member(r, "organiser", actor); },
                                 {"account"}, consultations);
        !s) {
      return s;
    }
    consultations += R"(],"proposals":[)";
    if (Status s = AppendRecords(*db, Family::kConsultations, "p/", [&](const rapidjson::Value& r) { return Member(r, "proposer", actor); },
                                 {}, consultations);
        !s) {
      return s;
    }
    consultations += R"(],"votes":[)";
    if (Status s = AppendRecords(*db, Family::kConsultations, mine, all, {}, consultations, "proposal"); !s) return s;
    consultations += "]}";
    return tar.Add("consultations.json", consultations);
  };
  return section;
}

}  // namespace parvis::civic
