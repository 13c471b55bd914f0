// A stored object (local note or remote post) as the data a page template
// shows: author, date, content warning, safe HTML content, links.
#ifndef PARVIS_SERVER_PAGES_NOTE_VIEW_H_
#define PARVIS_SERVER_PAGES_NOTE_VIEW_H_

#include <optional>
#include <string>

#include <kainjow/mustache.hpp>

#include "parvis/protocol/sector.h"
#include "server/federation/object_record.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// The template data of `object` (id `id`), or nullopt when there is nothing
// to show (deleted, or not readable by the visitor). `booster` names who
// boosted it, for a timeline entry.
std::optional<kainjow::mustache::data> NoteView(const PagesContext& context, const Visitor& visitor,
                                                const std::string& id,
                                                const federation::StoredObject& object,
                                                const std::string& booster = "");

// Whether the visitor may read `object`: not deleted; a local note by its
// addressing; a remote one when public, else to the reader's accepted
// follow of its author or when addressed to the reader.
bool Readable(const PagesContext& context, const Visitor& visitor,
              const federation::StoredObject& object);

// Whether moderators suspended `actor` or blocked its server: what it wrote
// is shown to no one (NoteView gives nothing for it).
bool ModeratedAway(const PagesContext& context, const std::string& actor);
// Whether moderators limited `actor` and the visitor neither follows it nor
// is it: its posts stay out of the public timelines and tag pages.
bool LimitedFor(const PagesContext& context, const Visitor& visitor, const std::string& actor);

// "Display name (@name@host)" of an actor known here, else its id.
std::string ActorLabel(const PagesContext& context, const std::string& actor_id);

// The sector of `actor_id` as this node decides it (civic/sector_service.h);
// unknown when the context has no sector service.
protocol::Sector AuthorSector(const PagesContext& context, const std::string& actor_id);

// Sets the label a card or profile shows for `sector`: "sector_commercial"
// or "sector_unknown" (nothing for civic), and "sector_label", its text.
void SetSectorLabel(kainjow::mustache::data& data, const Visitor& visitor, protocol::Sector sector);

// The page path where a browser reads the object and its thread.
std::string ThreadPath(const std::string& object_id);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_NOTE_VIEW_H_
