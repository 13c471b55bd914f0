// Reads one page of a timeline (home, local, federated, commercial) for a
// visitor, with the reasons each item is shown and, for the civic digest,
// its inputs and score (civic/timeline_ordering.h). The HTML pages and the
// JSON API (timeline_api.h) both read through here, so they agree.
#ifndef PARVIS_SERVER_PAGES_TIMELINE_READER_H_
#define PARVIS_SERVER_PAGES_TIMELINE_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parvis/protocol/sector.h"
#include "server/civic/timeline_ordering.h"
#include "server/federation/object_record.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

enum class TimelineKind { kHome, kLocal, kFederated, kCommercial };
// "home", "local", "federated", "commercial".
const char* TimelineName(TimelineKind kind);
std::optional<TimelineKind> ParseTimeline(std::string_view name);

// Entries read at most to fill one chronological page, so hidden ones
// cannot make a page read the whole timeline.
inline constexpr size_t kMaxScanned = 200;
// Items per page at most (the JSON API's `limit`).
inline constexpr size_t kMaxTimelineLimit = 40;

struct TimelineQuery {
  TimelineKind kind = TimelineKind::kHome;
  civic::Ordering ordering = civic::Ordering::kChronological;
  std::optional<uint64_t> before;  // chronological: start before this entry
  size_t offset = 0;               // digest: skip this many ranked items
  size_t limit = 20;
};

struct TimelineItem {
  uint64_t sequence = 0;  // the entry's place in its timeline (larger is newer)
  std::string id;         // the object's id
  std::string booster;    // who boosted (or which group announced) it, if anyone
  federation::StoredObject object;
  protocol::Sector sector = protocol::Sector::kUnknown;  // of its author
  std::vector<civic::Reason> why;
  civic::DigestInputs inputs;  // digest only
  double score = 0;            // digest only
};

struct TimelineRead {
  std::vector<TimelineItem> items;
  bool more = false;        // there are items after these
  uint64_t last = 0;        // chronological: the `before` of the next page
  size_t next_offset = 0;   // digest: the `offset` of the next page
  bool commercial_hidden = false;  // commercial authors were left out
  bool storage_error = false;
};

// The home timeline needs a signed-in visitor; the digest applies to it
// only (other timelines read chronologically whatever `query.ordering`).
TimelineRead ReadTimelineItems(const PagesContext& context, const Visitor& visitor,
                               const TimelineQuery& query);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_TIMELINE_READER_H_
