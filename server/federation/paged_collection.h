// One OrderedCollection over HTTP, paged as Mastodon pages it: without
// ?page the collection (totalItems, first), with ?page=N (1-based) that page.
#ifndef PARVIS_SERVER_FEDERATION_PAGED_COLLECTION_H_
#define PARVIS_SERVER_FEDERATION_PAGED_COLLECTION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "server/http/request.h"

namespace parvis::federation {

// `items` are JSON texts (quoted ids or objects), in collection order. A
// page that is not a number from 1 is 400.
http::Response PagedCollection(const http::Request& request, const std::string& id,
                               const std::vector<std::string>& items, size_t page_size);

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_PAGED_COLLECTION_H_
