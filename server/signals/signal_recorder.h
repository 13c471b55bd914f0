// Records amplifications (likes, boosts, petition signatures) and texts in
// Family::kSignals, and re-assesses the object each time (amplification.h):
// past the thresholds it carries an "unusual amplification" label with the
// numbers behind it, and the issued log gets an entry. Pages read the label
// (ReadLabel); the transparency report counts the log (CountLabelsIssued).
//
// Keys in Family::kSignals (docs/storage.md):
//   "r/" OBJECT "\n" KIND "\n" ACTOR  -> 8-byte time, 8-byte account creation time
//   "a/" ACTOR "\n" 8-byte time OBJECT -> KIND            an actor's, by time
//   "o/" AUTHOR "\n" OBJECT           -> {"peak","first"} per-object peaks
//   "f/" OBJECT                       -> text fingerprint
//   "t/" FINGERPRINT "\n" AUTHOR "\n" OBJECT -> ""        who posted a text
//   "c/" FINGERPRINT                  -> 8-byte count of its authors, then
//                                        "1" once the copies were relabelled
//   "l/" OBJECT                       -> label (JSON)     while labelled
//   "i/" 8-byte time 8-byte sequence  -> issued entry (JSON)
//
// Thread safety: may be used from many threads. Two amplifications of one
// object assessed at the same instant may both log a label once; each
// assessment reads what is stored plus its own pending change. Two new
// authors of one text recorded at the same instant may count as one.
#ifndef PARVIS_SERVER_SIGNALS_SIGNAL_RECORDER_H_
#define PARVIS_SERVER_SIGNALS_SIGNAL_RECORDER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/signals/amplification.h"

namespace parvis::signals {

// Bounds on what one assessment reads (docs/signals.md, "Limits").
inline constexpr size_t kMaxAmplifiersRead = 2000;  // of one object
inline constexpr size_t kMaxCoAmplifiers = 100;     // newest amplifiers whose histories are read
inline constexpr size_t kMaxHistory = 100;          // newest amplifications of each
inline constexpr size_t kMaxAuthorObjects = 500;    // author's per-object peaks read
inline constexpr size_t kMaxTextAuthors = 1000;     // authors read per fingerprint
inline constexpr size_t kMaxTextEntries = 5000;     // copies read per fingerprint
inline constexpr size_t kMaxRelabelled = 50;        // other copies of a text re-assessed
inline constexpr size_t kMaxIdBytes = 2048;         // longer (or odd) ids are not recorded

struct RecorderContext {
  storage::Store* store;
  accounts::AccountService* accounts;  // local accounts' creation times; may be null
  std::string base_url;                // this node
  std::function<int64_t()> now;
  Thresholds thresholds;
};

// A label as stored and shown.
struct Label {
  int64_t at = 0;  // when last assessed
  Assessment assessment;
};

class SignalRecorder {
 public:
  explicit SignalRecorder(RecorderContext context) : context_(std::move(context)) {}

  // `actor` amplified `object` (added), or undid it (!added). `author` is the
  // object's author when the caller knows it, else "" (looked up in the
  // stored objects). A repeated amplification and an undo of nothing change
  // nothing. The changes go into `batch`.
  Status Amplify(storage::Batch& batch, const std::string& object, const std::string& author,
                 const std::string& actor, Kind kind, bool added);

  // `author` posted `object` with `html` as its text: fingerprinted for (e).
  Status NoteText(storage::Batch& batch, const std::string& object, const std::string& author,
                  std::string_view html);

  // Whether an id may be recorded (http(s), no control bytes, bounded).
  static bool RecordableId(std::string_view id);

 private:
  // What `batch` holds for the object that the store does not show yet.
  struct Pending {
    std::optional<Amplification> added;
    std::optional<std::pair<std::string, Kind>> removed;
    std::optional<uint64_t> identical_authors;
  };
  Status Reassess(storage::Batch& batch, const std::string& object, std::string author,
                  const Pending& pending);
  Result<Inputs> Gather(const std::string& object, const std::string& author, const Pending& pending);
  // The account's creation time as known here; 0 when unknown.
  int64_t CreatedAt(const std::string& actor) const;
  struct TextCount {
    uint64_t authors = 0;     // distinct, at most kMaxTextAuthors
    bool relabelled = false;  // the text crossed the threshold: earlier copies labelled
  };
  // The stored count of the text's authors.
  Result<TextCount> ReadTextCount(const std::string& fingerprint) const;
  // Whether `author` posted the text already.
  Result<bool> AuthorPosted(const std::string& fingerprint, const std::string& author) const;
  // Distinct authors of the text; with `copies`, every (author, object) too.
  Result<uint64_t> TextAuthors(const std::string& fingerprint,
                               std::vector<std::pair<std::string, std::string>>* copies = nullptr) const;

  RecorderContext context_;
};

// The object's label; nullopt when it carries none.
Result<std::optional<Label>> ReadLabel(const storage::Store& store, const std::string& object);

// Labels issued in [from, to): `total` objects newly labelled, and per
// signal how many times it newly fired on a labelled object.
struct LabelCounts {
  uint64_t total = 0;
  std::map<std::string, uint64_t> by_signal;  // SignalName -> count; every signal present
};
Result<LabelCounts> CountLabelsIssued(const storage::Store& store, int64_t from, int64_t to);

// The label as JSON: {"at", "signals":[names], "evidence":{...}}.
std::string LabelJson(const Label& label);
Result<Label> DecodeLabel(std::string_view json);

}  // namespace parvis::signals

#endif  // PARVIS_SERVER_SIGNALS_SIGNAL_RECORDER_H_
