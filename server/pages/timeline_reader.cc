#include "server/pages/timeline_reader.h"

#include <algorithm>
#include <map>
#include <set>

#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/petition_service.h"
#include "server/federation/account_relations.h"
#include "server/federation/actor_directory.h"
#include "server/federation/actor_urls.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_store.h"
#include "server/federation/post_service.h"
#include "server/pages/note_view.h"
#include "server/pages/relation_pages.h"

namespace parvis::pages {
namespace {

using civic::DigestInput;
using civic::Reason;
using civic::ReasonCode;
using storage::Family;

// What the node knows of the reader, read once per page.
struct ReaderFacts {
  std::string actor;                                    // the reader's actor id
  std::map<std::string, bool> following;                // actor -> an accepted follow (read as met)
  std::map<std::string, civic::MySignature> signatures;  // petitions signed (live)
  std::map<std::string, bool> groups;                   // actor id -> is a group (cache)
  federation::HiddenSet hidden;                         // blocked and muted actors, blocked hosts
};

ReaderFacts ReadFacts(const PagesContext& context, const Visitor& visitor) {
  ReaderFacts facts;
  if (!visitor.account) return facts;
  facts.hidden = HiddenFor(context, visitor);
  facts.actor = federation::ActorUrls(context.config->base_url).Actor(visitor.account->name);
  if (context.petitions != nullptr) {
    Result<std::vector<civic::MySignature>> mine = context.petitions->AllMine(visitor.account->id);
    if (mine) {
      for (civic::MySignature& signature : *mine) {
        if (signature.state == civic::MySignatureState::kSigned) {
          std::string petition = signature.petition;
          facts.signatures.emplace(std::move(petition), std::move(signature));
        }
      }
    }
  }
  return facts;
}

// Whether the reader follows `actor` (accepted). Looked up per author met,
// not by listing every follow: a page meets a few dozen authors, a reader
// may follow thousands.
bool Follows(const PagesContext& context, const Visitor& visitor, ReaderFacts& facts, const std::string& actor) {
  auto known = facts.following.find(actor);
  if (known != facts.following.end()) return known->second;
  Result<std::optional<federation::FollowRecord>> record =
      federation::FollowStore(*context.store).Get(visitor.account->id, federation::Direction::kFollowing, actor);
  bool follows = record && record->has_value() && (*record)->state == federation::FollowState::kAccepted;
  facts.following.emplace(actor, follows);
  return follows;
}

// Whether `actor` is a group: a local account of the group kind, or a
// remote actor whose document says Group.
bool IsGroup(const PagesContext& context, ReaderFacts& facts, const std::string& actor) {
  auto known = facts.groups.find(actor);
  if (known != facts.groups.end()) return known->second;
  bool group = false;
  federation::ActorUrls urls(context.config->base_url);
  if (std::optional<std::string> local = urls.NameFromUrl(actor)) {
    Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*local);
    group = account && account->has_value() && (*account)->kind == accounts::AccountKind::kGroup;
  } else {
    Result<std::optional<federation::StoredActors::Shared>> stored = context.directory->stored_actors().Find(actor);
    group = stored && stored->has_value() && (**stored)->type == "Group";
  }
  facts.groups.emplace(actor, group);
  return group;
}

bool ListHas(const rapidjson::Value& object, const char* field, const std::string& actor) {
  auto it = object.FindMember(field);
  if (it == object.MemberEnd()) return false;
  if (it->value.IsArray()) {
    for (const auto& value : it->value.GetArray()) {
      if (protocol::FirstId(value).value_or("") == actor) return true;
    }
    return false;
  }
  return protocol::FirstId(it->value).value_or("") == actor;
}

// It names the reader: addressed to them, or a Mention of them.
bool MentionsReader(const federation::StoredObject& object, const std::string& reader) {
  if (reader.empty()) return false;
  if (object.local) {
    return std::find(object.note.mentions.begin(), object.note.mentions.end(), reader) !=
           object.note.mentions.end();
  }
  const rapidjson::Value& note = object.object;
  if (!note.IsObject()) return false;
  if (ListHas(note, "to", reader) || ListHas(note, "cc", reader)) return true;
  auto tags = note.FindMember("tag");
  if (tags == note.MemberEnd() || !tags->value.IsArray()) return false;
  for (const auto& tag : tags->value.GetArray()) {
    if (tag.IsObject() && protocol::StringMember(tag, "type").value_or("") == "Mention" &&
        protocol::StringMember(tag, "href").value_or("") == reader) {
      return true;
    }
  }
  return false;
}

int64_t PublishedAt(const federation::StoredObject& object) {
  if (object.local) return object.note.published;
  if (!object.object.IsObject()) return 0;
  Result<int64_t> at = protocol::ParseRfc3339(protocol::StringMember(object.object, "published").value_or(""));
  return at ? *at : 0;
}

// The petition a remote Article carries, if it is one.
std::optional<protocol::PetitionDocument> PetitionOf(const federation::StoredObject& object) {
  if (object.local || !object.object.IsObject() || !object.object.HasMember("petition")) return std::nullopt;
  Result<protocol::PetitionDocument> document = protocol::ReadPetitionArticle(object.object);
  if (!document) return std::nullopt;
  return *std::move(document);
}

// Why the item is in a home timeline, from the node's own records.
void ExplainHome(const PagesContext& context, const Visitor& visitor, ReaderFacts& facts,
                 TimelineItem& item) {
  const std::string& author = item.object.author;
  bool own = (item.object.local && item.object.account == visitor.account->id) || author == facts.actor;
  if (own) item.why.push_back({ReasonCode::kOwnPost, "", ""});
  if (!own && Follows(context, visitor, facts, author)) item.why.push_back({ReasonCode::kFollowsAuthor, author, ""});
  if (!item.booster.empty()) {
    item.why.push_back({IsGroup(context, facts, item.booster) ? ReasonCode::kViaGroup : ReasonCode::kBoostedBy,
                        item.booster, ""});
  }
  if (!own && MentionsReader(item.object, facts.actor)) item.why.push_back({ReasonCode::kMentionsYou, "", ""});
  if (facts.signatures.contains(item.id)) item.why.push_back({ReasonCode::kPetitionSigned, "", item.id});
  if (item.why.empty()) item.why.push_back({ReasonCode::kDelivered, "", ""});
}

civic::DigestInputs DigestInputsOf(const PagesContext& context, const Visitor& visitor, ReaderFacts& facts,
                                   const TimelineItem& item, int64_t now) {
  civic::DigestInputs inputs;
  inputs[DigestInput::kFollowsAuthor] = Follows(context, visitor, facts, item.object.author) ? 1 : 0;
  inputs[DigestInput::kViaGroup] = !item.booster.empty() && Follows(context, visitor, facts, item.booster) &&
                                           IsGroup(context, facts, item.booster)
                                       ? 1
                                       : 0;
  if (std::optional<protocol::PetitionDocument> petition = PetitionOf(item.object)) {
    bool open = petition->state == protocol::PetitionState::kOpen &&
                (petition->deadline == 0 || petition->deadline > now);
    inputs[DigestInput::kPetitionNearThreshold] =
        civic::NearThreshold(open, petition->count, petition->threshold) ? 1 : 0;
    // The Article's `updated`: when its home node last changed it.
    Result<int64_t> updated =
        protocol::ParseRfc3339(protocol::StringMember(item.object.object, "updated").value_or(""));
    auto signature = facts.signatures.find(item.id);
    inputs[DigestInput::kSignedPetitionChanged] =
        signature != facts.signatures.end() && updated && *updated >= signature->second.at ? 1 : 0;
  }
  int64_t published = PublishedAt(item.object);
  inputs[DigestInput::kAgeHours] = published > 0 && now > published ? static_cast<double>(now - published) / 3600.0 : 0;
  return inputs;
}

}  // namespace

const char* TimelineName(TimelineKind kind) {
  switch (kind) {
    case TimelineKind::kHome: return "home";
    case TimelineKind::kLocal: return "local";
    case TimelineKind::kFederated: return "federated";
    case TimelineKind::kCommercial: return "commercial";
  }
  return "home";
}

std::optional<TimelineKind> ParseTimeline(std::string_view name) {
  for (TimelineKind kind : {TimelineKind::kHome, TimelineKind::kLocal, TimelineKind::kFederated,
                            TimelineKind::kCommercial}) {
    if (name == TimelineName(kind)) return kind;
  }
  return std::nullopt;
}

TimelineRead ReadTimelineItems(const PagesContext& context, const Visitor& visitor,
                               const TimelineQuery& query) {
  TimelineRead read;
  bool home = query.kind == TimelineKind::kHome;
  if (home && !visitor.account) return read;
  bool digest = home && query.ordering == civic::Ordering::kDigest;
  Family family = home ? Family::kHomeFeed : Family::kPublicFeed;
  std::string prefix = home ? storage::EncodeAccountId(visitor.account->id)
                            : std::string(TimelineName(query.kind)) + "/";
  // Commercial authors stay out of civic timelines unless the reader opted in.
  bool only_commercial = query.kind == TimelineKind::kCommercial;
  bool hide_commercial = !only_commercial && !(visitor.account && visitor.account->show_commercial);
  read.commercial_hidden = hide_commercial;
  // A chronological page stops at `limit` shown; the digest reads its whole
  // window, then ranks.
  size_t wanted = digest ? civic::kDigestWindow : query.limit;
  size_t max_scanned = digest ? civic::kDigestWindow : kMaxScanned;
  std::string before_key = !digest && query.before ? prefix + storage::EncodeUint64(*query.before) : "";
  ReaderFacts facts = ReadFacts(context, visitor);
  std::map<std::string, protocol::Sector> sectors;
  // The commercial stream and the digest show an object once.
  std::set<std::string> seen;
  size_t scanned = 0;
  int64_t now = context.now();
  Status scan = context.store->ScanBackward(
      family, prefix, before_key, [&](std::string_view key, std::string_view value) {
        if (read.items.size() == wanted || scanned == max_scanned) {
          read.more = !digest;
          return false;
        }
        ++scanned;
        uint64_t sequence = key.size() >= 8 ? storage::DecodeUint64(key.substr(key.size() - 8)) : 0;
        read.last = sequence;
        std::string entry(value);
        size_t cut = entry.find('\n');
        TimelineItem item;
        item.sequence = sequence;
        item.id = entry.substr(0, cut);
        item.booster = cut == std::string::npos ? "" : entry.substr(cut + 1);
        Result<std::optional<federation::StoredObject>> object = context.posts->Get(item.id);
        if (!object || !object->has_value()) return true;
        item.object = std::move(**object);
        if (!Readable(context, visitor, item.object)) return true;
        // Posts and boosts by accounts the moderators suspended, or from
        // servers they blocked, stay out for everyone.
        if (ModeratedAway(context, item.object.author) ||
            (!item.booster.empty() && ModeratedAway(context, item.booster))) {
          return true;
        }
        // A limited account reaches its followers only: not through public
        // timelines, nor boosted into the home timeline of others.
        bool home = query.kind == TimelineKind::kHome;
        if (((!home || !item.booster.empty()) && LimitedFor(context, visitor, item.object.author)) ||
            (!home && !item.booster.empty() && LimitedFor(context, visitor, item.booster))) {
          return true;
        }
        // Posts and boosts by whom the reader blocks or mutes stay out.
        if (facts.hidden.Hides(item.object.author) || (!item.booster.empty() && facts.hidden.Hides(item.booster))) {
          return true;
        }
        const std::string& author = item.object.author;
        auto known = sectors.find(author);
        if (known == sectors.end()) known = sectors.emplace(author, AuthorSector(context, author)).first;
        item.sector = known->second;
        bool commercial = item.sector == protocol::Sector::kCommercial;
        if (hide_commercial && commercial) return true;
        if (only_commercial && !commercial) return true;
        if ((only_commercial || digest) && !seen.insert(item.id).second) return true;
        switch (query.kind) {
          case TimelineKind::kHome: ExplainHome(context, visitor, facts, item); break;
          case TimelineKind::kLocal: item.why.push_back({ReasonCode::kLocalPublic, "", ""}); break;
          case TimelineKind::kFederated:
            item.why.push_back({item.object.local ? ReasonCode::kLocalPublic : ReasonCode::kFederatedPublic, "", ""});
            break;
          case TimelineKind::kCommercial: item.why.push_back({ReasonCode::kCommercial, "", ""}); break;
        }
        if (digest) {
          item.inputs = DigestInputsOf(context, visitor, facts, item, now);
          item.score = civic::DigestScore(item.inputs);
          item.why.push_back({ReasonCode::kRanked, "", ""});
        }
        read.items.push_back(std::move(item));
        return true;
      });
  if (!scan) read.storage_error = true;
  if (!digest) return read;
  // Rank the window, then keep the asked page of it.
  std::vector<civic::RankedItem> ranked;
  ranked.reserve(read.items.size());
  for (const TimelineItem& item : read.items) ranked.push_back({item.sequence, item.score});
  std::vector<size_t> order = civic::RankDigest(ranked);
  std::vector<TimelineItem> page;
  for (size_t i = query.offset; i < order.size() && page.size() < query.limit; ++i) {
    page.push_back(std::move(read.items[order[i]]));
  }
  read.more = query.offset + page.size() < order.size();
  read.next_offset = query.offset + page.size();
  read.items = std::move(page);
  return read;
}

}  // namespace parvis::pages
