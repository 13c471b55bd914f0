// The energy label of post cards, the methodology page (GET /about/energy)
// and the node's resource page (GET /about/resources, HTML or JSON for a
// period); the model is footprint/energy_model.h, docs/energy.md explains it.
#ifndef PARVIS_SERVER_PAGES_FOOTPRINT_PAGES_H_
#define PARVIS_SERVER_PAGES_FOOTPRINT_PAGES_H_

#include <string>

#include <kainjow/mustache.hpp>

#include "server/federation/object_record.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::footprint {
class ResourceSampler;
}

namespace parvis::pages {

// Sets the card's energy label: "energy_grade", "energy_wh", "energy_grams"
// (nothing when the figures cannot be read).
void SetEnergyLabel(kainjow::mustache::data& view, const PagesContext& context, const std::string& id,
                    const federation::StoredObject& object);

// `sampler` (may be null: stored samples only) adds the current reading to
// the resource page. Everything must outlive the router.
void AddFootprintPages(http::Router& router, const PagesContext& context,
                       const footprint::ResourceSampler* sampler);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_FOOTPRINT_PAGES_H_
