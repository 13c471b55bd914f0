// One OrderedCollection over HTTP, paged as Mastodon pages it: without
// ?page the collection (totalItems, first), with ?page=N (1-based) that page.
#ifndef PARVIS_SERVER_FEDERATION_PAGED_COLLECTION_H_
#define PARVIS_SERVER_FEDERATION_PAGED_COLLECTION_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "server/http/request.h"

namespace parvis::federation {

// The collection holds `total` items; `item(i)` renders the i-th (0-based,
// in collection order) as JSON text (a quoted id or an object), called only
// for the items of the page asked. A page that is not a number from 1 is 400.
http::Response PagedCollection(const http::Request& request, const std::string& id,
                               size_t total, const std::function<std::string(size_t)>& item,
                               size_t page_size);

// `text` as a JSON string literal, quotes included.
std::string JsonString(std::string_view text);

// Page size of the collections of ids (followers, replies, ...).
inline constexpr size_t kCollectionPageSize = 40;

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_PAGED_COLLECTION_H_
