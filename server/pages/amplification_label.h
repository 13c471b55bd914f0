// The "unusual amplification" label of an object (server/signals/) as a
// post card shows it, and as the JSON timeline API writes it.
#ifndef PARVIS_SERVER_PAGES_AMPLIFICATION_LABEL_H_
#define PARVIS_SERVER_PAGES_AMPLIFICATION_LABEL_H_

#include <string>

#include <kainjow/mustache.hpp>

#include "parvis/storage.h"
#include "server/pages/page_renderer.h"

namespace parvis::pages {

// Sets "amplification" (the label's title) and "amplification_signals"
// (one {"text"} per fired signal, with its numbers) when `object_id`
// carries the label; nothing otherwise or on a storage error.
void SetAmplificationLabel(kainjow::mustache::data& view, const Visitor& visitor,
                           const storage::Store& store, const std::string& object_id);

// The label as a JSON value ({"signals":[...], "evidence":{...}, "at":T}),
// or "" when the object carries none.
std::string AmplificationLabelJson(const storage::Store& store, const std::string& object_id);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_AMPLIFICATION_LABEL_H_
