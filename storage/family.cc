// The column families: one per kind of record, with fixed on-disk names.
#include "parvis/storage.h"

namespace parvis::storage {

const std::vector<Family>& AllFamilies() {
  static const std::vector<Family> families = {
      Family::kMeta,        Family::kAccounts, Family::kAccountNames, Family::kAccountPrivate,
      Family::kAccountKeys, Family::kObjects,  Family::kQueues,       Family::kRemoteActors,
      Family::kRemoteKeys,  Family::kActivities, Family::kFollows,      Family::kOutbox,
      Family::kReactions,   Family::kHosts,    Family::kTokens,       Family::kInboxItems,
      Family::kReplies,     Family::kTags,     Family::kFeatured,     Family::kSessions,
      Family::kInvites,     Family::kHomeFeed, Family::kPublicFeed,   Family::kMedia,
      Family::kByAuthor,    Family::kSectors,  Family::kPetitions, Family::kConsultations, Family::kMessages, Family::kRelations, Family::kModeration, Family::kAnnotations, Family::kResources, Family::kSignals, Family::kRules, Family::kReplay,
  };
  return families;
}

const char* FamilyName(Family family) {
  // Names are on disk: renaming one is a schema change.
  switch (family) {
    case Family::kMeta:
      return "meta";
    case Family::kAccounts:
      return "accounts";
    case Family::kAccountNames:
      return "account_names";
    case Family::kAccountPrivate:
      return "account_private";
    case Family::kAccountKeys:
      return "account_keys";
    case Family::kObjects:
      return "objects";
    case Family::kQueues:
      return "queues";
    case Family::kRemoteActors:
      return "remote_actors";
    case Family::kRemoteKeys:
      return "remote_keys";
    case Family::kActivities:
      return "activities";
    case Family::kFollows:
      return "follows";
    case Family::kOutbox:
      return "outbox";
    case Family::kReactions:
      return "reactions";
    case Family::kHosts:
      return "hosts";
    case Family::kTokens:
      return "tokens";
    case Family::kInboxItems:
      return "inbox_items";
    case Family::kReplies:
      return "replies";
    case Family::kTags:
      return "tags";
    case Family::kFeatured:
      return "featured";
    case Family::kSessions:
      return "sessions";
    case Family::kInvites:
      return "invites";
    case Family::kHomeFeed:
      return "home_feed";
    case Family::kPublicFeed:
      return "public_feed";
    case Family::kMedia:
      return "media";
    case Family::kByAuthor:
      return "by_author";
    case Family::kSectors:
      return "sectors";
    case Family::kPetitions:
      return "petitions";
    case Family::kConsultations:
      return "consultations";
    case Family::kMessages:
      return "messages";
    case Family::kRelations:
      return "relations";
    case Family::kModeration:
      return "moderation";
    case Family::kAnnotations:
      return "annotations";
    case Family::kResources:
      return "resources";
    case Family::kSignals:
      return "signals";
    case Family::kRules:
      return "rules";
    case Family::kReplay:
      return "replay";
  }
  return "unknown";
}

}  // namespace parvis::storage
