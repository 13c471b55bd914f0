#include "server/signals/signal_recorder.h"

#include <algorithm>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/actor_urls.h"
#include "server/federation/object_record.h"

namespace parvis::signals {
namespace {

using storage::Family;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string KindKey(Kind kind) { return std::string(1, static_cast<char>(kind)); }

std::optional<Kind> KindFrom(std::string_view letter) {
  if (letter == "L") return Kind::kLike;
  if (letter == "A") return Kind::kBoost;
  if (letter == "S") return Kind::kSignature;
  return std::nullopt;
}

std::string ReactionPrefix(std::string_view object) { return "r/" + std::string(object) + "\n"; }
std::string ReactionKey(std::string_view object, Kind kind, std::string_view actor) {
  return ReactionPrefix(object) + KindKey(kind) + "\n" + std::string(actor);
}
std::string HistoryPrefix(std::string_view actor) { return "a/" + std::string(actor) + "\n"; }
std::string HistoryKey(std::string_view actor, int64_t at, std::string_view object) {
  return HistoryPrefix(actor) + storage::EncodeUint64(static_cast<uint64_t>(at)) + std::string(object);
}
std::string PeakPrefix(std::string_view author) { return "o/" + std::string(author) + "\n"; }
std::string TextPrefix(std::string_view fingerprint) { return "t/" + std::string(fingerprint) + "\n"; }
std::string TextCountKey(std::string_view fingerprint) { return "c/" + std::string(fingerprint); }
std::string LabelKey(std::string_view object) { return "l/" + std::string(object); }
constexpr std::string_view kIssuedPrefix = "i/";

void Number(JsonWriter& writer, const char* key, double value) {
  writer.Key(key);
  writer.Double(value);
}
void Count(JsonWriter& writer, const char* key, uint64_t value) {
  writer.Key(key);
  writer.Uint64(value);
}

void WriteSignals(JsonWriter& writer, const std::vector<Signal>& signals) {
  writer.StartArray();
  for (Signal signal : signals) writer.String(SignalName(signal));
  writer.EndArray();
}

void WriteEvidence(JsonWriter& writer, const Evidence& e) {
  writer.StartObject();
  Count(writer, "amplifiers", e.amplifiers);
  Count(writer, "likes", e.likes);
  Count(writer, "boosts", e.boosts);
  Count(writer, "signatures", e.signatures);
  Count(writer, "peak", e.peak);
  Number(writer, "typical", e.typical);
  Count(writer, "young", e.young);
  Count(writer, "unknownAge", e.unknown_age);
  Number(writer, "youngShare", e.young_share);
  Count(writer, "remote", e.remote);
  writer.Key("topDomain");
  writer.String(e.top_domain.c_str(), static_cast<rapidjson::SizeType>(e.top_domain.size()));
  Number(writer, "topShare", e.top_share);
  Number(writer, "hhi", e.hhi);
  Count(writer, "coAmplifiers", e.co_amplifiers);
  Number(writer, "coShare", e.co_share);
  Count(writer, "identicalAuthors", e.identical_authors);
  writer.EndObject();
}

uint64_t UintMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}
double DoubleMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0;
}
int64_t IntMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::optional<Signal> SignalFrom(std::string_view name) {
  for (Signal signal : kAllSignals) {
    if (name == SignalName(signal)) return signal;
  }
  return std::nullopt;
}

std::vector<Signal> ReadSignals(const rapidjson::Value& document, const char* key) {
  std::vector<Signal> signals;
  auto it = document.FindMember(key);
  if (it == document.MemberEnd() || !it->value.IsArray()) return signals;
  for (const auto& name : it->value.GetArray()) {
    if (!name.IsString()) continue;
    if (std::optional<Signal> signal = SignalFrom(name.GetString())) signals.push_back(*signal);
  }
  return signals;
}

}  // namespace

bool SignalRecorder::RecordableId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  if (!id.starts_with("https://") && !id.starts_with("http://")) return false;
  return std::none_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

Status SignalRecorder::Amplify(storage::Batch& batch, const std::string& object,
                               const std::string& author, const std::string& actor, Kind kind,
                               bool added) {
  if (!RecordableId(object) || !RecordableId(actor)) return Ok();
  std::string key = ReactionKey(object, kind, actor);
  Result<std::optional<std::string>> existing = context_.store->Get(Family::kSignals, key);
  if (!existing) return std::unexpected(existing.error());
  // A replayed (or re-sent) amplification counts once; its first time stays.
  if (added == existing->has_value()) return Ok();
  Pending pending;
  if (added) {
    int64_t now = context_.now();
    // The account's age is read once, here: assessing a popular object then
    // reads no actor documents.
    int64_t created = CreatedAt(actor);
    batch.Put(Family::kSignals, key,
              storage::EncodeUint64(static_cast<uint64_t>(now)) + storage::EncodeUint64(static_cast<uint64_t>(created)));
    batch.Put(Family::kSignals, HistoryKey(actor, now, object), KindKey(kind));
    pending.added = Amplification{.actor = actor, .kind = kind, .at = now, .created = created};
  } else {
    int64_t at = static_cast<int64_t>(storage::DecodeUint64(**existing));
    batch.Delete(Family::kSignals, key);
    batch.Delete(Family::kSignals, HistoryKey(actor, at, object));
    pending.removed = std::pair{actor, kind};
  }
  return Reassess(batch, object, author, pending);
}

Status SignalRecorder::NoteText(storage::Batch& batch, const std::string& object,
                                const std::string& author, std::string_view html) {
  if (!RecordableId(object) || !RecordableId(author)) return Ok();
  std::string fingerprint = TextFingerprint(html, context_.thresholds.text_min_characters);
  if (fingerprint.empty()) return Ok();
  // The count of its authors is kept beside the copies ("c/"), so a text
  // copied thousands of times costs each new copy two short reads, not a
  // scan of the others.
  Result<TextCount> counted = ReadTextCount(fingerprint);
  if (!counted) return std::unexpected(counted.error());
  TextCount text = *counted;
  Result<bool> known = AuthorPosted(fingerprint, author);
  if (!known) return std::unexpected(known.error());
  if (!*known) ++text.authors;
  batch.Put(Family::kSignals, "f/" + object, fingerprint);
  batch.Put(Family::kSignals, TextPrefix(fingerprint) + author + "\n" + object, "");
  Pending pending;
  pending.identical_authors = text.authors;
  bool crossed = text.authors >= context_.thresholds.identical_authors;
  // A text under the threshold changes nothing the object's assessment
  // shows, unless its label says identical text (thresholds since raised):
  // most posts are assessed here with one read, not the whole gathering.
  bool assess = crossed;
  if (!assess) {
    Result<std::optional<Label>> label = ReadLabel(*context_.store, object);
    if (!label) return std::unexpected(label.error());
    assess = label->has_value() && std::find((*label)->assessment.fired.begin(), (*label)->assessment.fired.end(),
                                             Signal::kIdenticalText) != (*label)->assessment.fired.end();
  }
  if (assess) {
    if (Status assessed = Reassess(batch, object, author, pending); !assessed) return assessed;
  }
  bool relabel = crossed && !text.relabelled;
  text.relabelled = text.relabelled || crossed;
  batch.Put(Family::kSignals, TextCountKey(fingerprint),
            storage::EncodeUint64(text.authors) + (text.relabelled ? "1" : "0"));
  if (!relabel) return Ok();
  // The text just crossed the threshold: the copies before this one carry
  // the label too, once.
  std::vector<std::pair<std::string, std::string>> copies;  // author, object
  if (Result<uint64_t> read = TextAuthors(fingerprint, &copies); !read) return std::unexpected(read.error());
  size_t relabelled = 0;
  for (const auto& [other_author, other_object] : copies) {
    if (other_object == object || relabelled == kMaxRelabelled) continue;
    Result<std::optional<Label>> label = ReadLabel(*context_.store, other_object);
    if (!label) return std::unexpected(label.error());
    if (label->has_value()) {
      const std::vector<Signal>& fired = (*label)->assessment.fired;
      if (std::find(fired.begin(), fired.end(), Signal::kIdenticalText) != fired.end()) continue;
    }
    ++relabelled;
    if (Status assessed = Reassess(batch, other_object, other_author, pending); !assessed) return assessed;
  }
  return Ok();
}

Result<SignalRecorder::TextCount> SignalRecorder::ReadTextCount(const std::string& fingerprint) const {
  Result<std::optional<std::string>> stored = context_.store->Get(Family::kSignals, TextCountKey(fingerprint));
  if (!stored) return std::unexpected(stored.error());
  TextCount text;
  if (stored->has_value() && (*stored)->size() == 9) {
    text.authors = storage::DecodeUint64(**stored);
    text.relabelled = (**stored)[8] == '1';
    return text;
  }
  // Copies recorded before the count was kept are counted (once, when the
  // next copy arrives, which writes the count).
  Result<uint64_t> authors = TextAuthors(fingerprint);
  if (!authors) return std::unexpected(authors.error());
  text.authors = *authors;
  return text;
}

Result<bool> SignalRecorder::AuthorPosted(const std::string& fingerprint, const std::string& author) const {
  bool found = false;
  Status scanned = context_.store->Scan(Family::kSignals, TextPrefix(fingerprint) + author + "\n",
                                        [&](std::string_view, std::string_view) {
                                          found = true;
                                          return false;
                                        });
  if (!scanned) return std::unexpected(scanned.error());
  return found;
}

Result<uint64_t> SignalRecorder::TextAuthors(const std::string& fingerprint,
                                             std::vector<std::pair<std::string, std::string>>* copies) const {
  uint64_t count = 0;
  size_t entries = 0;
  std::string prefix = TextPrefix(fingerprint), last_author;
  Status scanned = context_.store->Scan(Family::kSignals, prefix, [&](std::string_view key, std::string_view) {
    std::string_view rest = key.substr(prefix.size());
    size_t cut = rest.find('\n');
    if (cut == std::string_view::npos) return true;
    std::string_view author = rest.substr(0, cut);
    // Keys sort by author: a new author starts a new run.
    if (count == 0 || author != last_author) {
      if (count == kMaxTextAuthors) return false;
      ++count;
      last_author = author;
    }
    if (copies != nullptr) copies->emplace_back(std::string(author), std::string(rest.substr(cut + 1)));
    return ++entries < kMaxTextEntries;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return count;
}

int64_t SignalRecorder::CreatedAt(const std::string& actor) const {
  int64_t created = 0;
  federation::ActorUrls urls(context_.base_url);
  if (actor.starts_with(context_.base_url + "/")) {
    std::optional<std::string> name = urls.NameFromUrl(actor);
    if (name && context_.accounts != nullptr) {
      Result<std::optional<accounts::Account>> account = context_.accounts->FindByName(*name);
      if (account && account->has_value()) created = (*account)->created_at;
    }
  } else {
    Result<std::optional<std::string>> stored = context_.store->Get(Family::kRemoteActors, actor);
    if (stored && stored->has_value()) {
      if (Result<protocol::RemoteActor> remote = protocol::DecodeRemoteActor(**stored)) created = remote->published;
    }
  }
  return std::max<int64_t>(created, 0);
}

Result<Inputs> SignalRecorder::Gather(const std::string& object, const std::string& author,
                                      const Pending& pending) {
  Inputs inputs;
  inputs.now = context_.now();
  inputs.local_host = HostOf(context_.base_url);
  std::string prefix = ReactionPrefix(object);
  Status scanned = context_.store->Scan(Family::kSignals, prefix, [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(prefix.size());
    if (rest.size() < 3 || rest[1] != '\n') return true;
    std::optional<Kind> kind = KindFrom(rest.substr(0, 1));
    if (!kind) return true;
    // Value: when (8 bytes), the account's creation time (8 bytes; 0: unknown).
    inputs.amplifications.push_back(
        {.actor = std::string(rest.substr(2)),
         .kind = *kind,
         .at = static_cast<int64_t>(storage::DecodeUint64(value)),
         .created = value.size() >= 16 ? static_cast<int64_t>(storage::DecodeUint64(value.substr(8))) : 0});
    return inputs.amplifications.size() < kMaxAmplifiersRead;
  });
  if (!scanned) return std::unexpected(scanned.error());
  std::vector<Amplification>& all = inputs.amplifications;
  if (pending.removed) {
    std::erase_if(all, [&](const Amplification& a) {
      return a.actor == pending.removed->first && a.kind == pending.removed->second;
    });
  }
  if (pending.added) all.push_back(*pending.added);
  // (d): the histories of the newest amplifiers.
  std::vector<const Amplification*> newest;
  for (const Amplification& amplification : all) newest.push_back(&amplification);
  std::sort(newest.begin(), newest.end(), [](const Amplification* a, const Amplification* b) { return a->at > b->at; });
  for (const Amplification* amplification : newest) {
    if (inputs.histories.size() >= kMaxCoAmplifiers) break;
    if (inputs.histories.contains(amplification->actor)) continue;
    std::vector<OtherAmplification>& history = inputs.histories[amplification->actor];
    std::string history_prefix = HistoryPrefix(amplification->actor);
    Status read = context_.store->ScanBackward(Family::kSignals, history_prefix, "",
                                               [&](std::string_view key, std::string_view) {
                                                 std::string_view rest = key.substr(history_prefix.size());
                                                 if (rest.size() <= 8) return true;
                                                 std::string_view other = rest.substr(8);
                                                 if (other != object) {
                                                   history.push_back({std::string(other),
                                                                      static_cast<int64_t>(storage::DecodeUint64(rest))});
                                                 }
                                                 return history.size() < kMaxHistory;
                                               });
    if (!read) return std::unexpected(read.error());
  }
  // (a): the author's other objects, newest first.
  if (!author.empty()) {
    std::vector<std::pair<int64_t, uint64_t>> peaks;  // first, peak
    std::string peak_prefix = PeakPrefix(author);
    Status read = context_.store->Scan(Family::kSignals, peak_prefix, [&](std::string_view key, std::string_view value) {
      if (key.substr(peak_prefix.size()) == object) return true;
      Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
      if (doc && doc->IsObject()) peaks.emplace_back(IntMember(*doc, "first"), UintMember(*doc, "peak"));
      return peaks.size() < kMaxAuthorObjects;
    });
    if (!read) return std::unexpected(read.error());
    std::sort(peaks.begin(), peaks.end(), std::greater<>());
    if (peaks.size() > context_.thresholds.typical_objects) peaks.resize(context_.thresholds.typical_objects);
    for (const auto& [first, peak] : peaks) inputs.author_peaks.push_back(peak);
  }
  // (e)
  if (pending.identical_authors) {
    inputs.identical_authors = *pending.identical_authors;
  } else {
    Result<std::optional<std::string>> fingerprint = context_.store->Get(Family::kSignals, "f/" + object);
    if (!fingerprint) return std::unexpected(fingerprint.error());
    if (fingerprint->has_value()) {
      Result<TextCount> text = ReadTextCount(**fingerprint);
      if (!text) return std::unexpected(text.error());
      inputs.identical_authors = text->authors;
    }
  }
  return inputs;
}

Status SignalRecorder::Reassess(storage::Batch& batch, const std::string& object, std::string author,
                                const Pending& pending) {
  if (author.empty()) {
    Result<std::optional<std::string>> stored = context_.store->Get(Family::kObjects, object);
    if (stored && stored->has_value()) {
      if (Result<federation::StoredObject> record = federation::DecodeObjectRecord(object, **stored)) {
        author = record->author;
      }
    }
  }
  if (!author.empty() && !RecordableId(author)) author.clear();
  Result<Inputs> inputs = Gather(object, author, pending);
  if (!inputs) return std::unexpected(inputs.error());
  Assessment assessment = Assess(*inputs, context_.thresholds);
  if (!author.empty()) {
    if (inputs->amplifications.empty()) {
      batch.Delete(Family::kSignals, PeakPrefix(author) + object);
    } else {
      int64_t first = inputs->amplifications.front().at;
      for (const Amplification& a : inputs->amplifications) first = std::min(first, a.at);
      batch.Put(Family::kSignals, PeakPrefix(author) + object,
                "{\"peak\":" + std::to_string(assessment.evidence.peak) + ",\"first\":" + std::to_string(first) + "}");
    }
  }
  Result<std::optional<Label>> previous = ReadLabel(*context_.store, object);
  if (!previous) return std::unexpected(previous.error());
  if (!assessment.labelled) {
    // The label goes when the signals no longer hold (undone amplifications);
    // the issued log keeps that it was issued.
    if (previous->has_value()) batch.Delete(Family::kSignals, LabelKey(object));
    return Ok();
  }
  Label label{.at = inputs->now, .assessment = assessment};
  batch.Put(Family::kSignals, LabelKey(object), LabelJson(label));
  std::vector<Signal> newly;
  for (Signal signal : assessment.fired) {
    bool before = previous->has_value() &&
                  std::find((*previous)->assessment.fired.begin(), (*previous)->assessment.fired.end(), signal) !=
                      (*previous)->assessment.fired.end();
    if (!before) newly.push_back(signal);
  }
  if (newly.empty()) return Ok();
  Result<uint64_t> sequence = context_.store->NextSequence("signals-issued");
  if (!sequence) return std::unexpected(sequence.error());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("object");
  writer.String(object.c_str(), static_cast<rapidjson::SizeType>(object.size()));
  writer.Key("at");
  writer.Int64(inputs->now);
  writer.Key("new");
  writer.Bool(!previous->has_value());
  writer.Key("signals");
  WriteSignals(writer, newly);
  writer.Key("evidence");
  WriteEvidence(writer, assessment.evidence);
  writer.EndObject();
  batch.Put(Family::kSignals,
            std::string(kIssuedPrefix) + storage::EncodeUint64(static_cast<uint64_t>(inputs->now)) +
                storage::EncodeUint64(*sequence),
            std::string(buffer.GetString(), buffer.GetSize()));
  return Ok();
}

std::string LabelJson(const Label& label) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("at");
  writer.Int64(label.at);
  writer.Key("signals");
  WriteSignals(writer, label.assessment.fired);
  writer.Key("evidence");
  WriteEvidence(writer, label.assessment.evidence);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Label> DecodeLabel(std::string_view json) {
  Result<rapidjson::Document> doc = protocol::ParseJson(json, {});
  if (!doc || !doc->IsObject()) return Fail(ErrorCode::kCorruption, "amplification label does not decode");
  Label label;
  label.at = IntMember(*doc, "at");
  label.assessment.fired = ReadSignals(*doc, "signals");
  label.assessment.labelled = true;
  auto evidence = doc->FindMember("evidence");
  if (evidence != doc->MemberEnd() && evidence->value.IsObject()) {
    const rapidjson::Value& v = evidence->value;
    Evidence& e = label.assessment.evidence;
    e.amplifiers = UintMember(v, "amplifiers");
    e.likes = UintMember(v, "likes");
    e.boosts = UintMember(v, "boosts");
    e.signatures = UintMember(v, "signatures");
    e.peak = UintMember(v, "peak");
    e.typical = DoubleMember(v, "typical");
    e.young = UintMember(v, "young");
    e.unknown_age = UintMember(v, "unknownAge");
    e.young_share = DoubleMember(v, "youngShare");
    e.remote = UintMember(v, "remote");
    e.top_domain = protocol::StringMember(v, "topDomain").value_or("");
    e.top_share = DoubleMember(v, "topShare");
    e.hhi = DoubleMember(v, "hhi");
    e.co_amplifiers = UintMember(v, "coAmplifiers");
    e.co_share = DoubleMember(v, "coShare");
    e.identical_authors = UintMember(v, "identicalAuthors");
  }
  return label;
}

Result<std::optional<Label>> ReadLabel(const storage::Store& store, const std::string& object) {
  Result<std::optional<std::string>> stored = store.Get(Family::kSignals, LabelKey(object));
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return std::optional<Label>();
  Result<Label> label = DecodeLabel(**stored);
  if (!label) return std::unexpected(label.error());
  return std::optional<Label>(std::move(*label));
}

Result<LabelCounts> CountLabelsIssued(const storage::Store& store, int64_t from, int64_t to) {
  LabelCounts counts;
  for (Signal signal : kAllSignals) counts.by_signal[SignalName(signal)] = 0;
  if (to <= from) return counts;
  std::string start = std::string(kIssuedPrefix) + storage::EncodeUint64(static_cast<uint64_t>(std::max<int64_t>(from, 0)));
  Status scanned = store.ScanFrom(Family::kSignals, kIssuedPrefix, start, [&](std::string_view key, std::string_view value) {
    int64_t at = static_cast<int64_t>(storage::DecodeUint64(key.substr(kIssuedPrefix.size())));
    if (at >= to) return false;
    Result<rapidjson::Document> doc = protocol::ParseJson(value, {});
    if (!doc || !doc->IsObject()) return true;
    auto fresh = doc->FindMember("new");
    if (fresh != doc->MemberEnd() && fresh->value.IsBool() && fresh->value.GetBool()) ++counts.total;
    for (Signal signal : ReadSignals(*doc, "signals")) ++counts.by_signal[SignalName(signal)];
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  return counts;
}

}  // namespace parvis::signals
