// OrderedCollection and OrderedCollectionPage documents, as Mastodon pages
// them: the collection gives totalItems and a link to its first page; each
// page lists items newest first and links to the next.
#ifndef PARVIS_PROTOCOL_COLLECTION_H_
#define PARVIS_PROTOCOL_COLLECTION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace parvis::protocol {

std::string OrderedCollectionDocument(const std::string& id, uint64_t total_items,
                                      const std::string& first_page);

struct CollectionPage {
  std::string id;
  std::string part_of;
  std::string next;  // empty on the last page
  std::string prev;  // empty on the first page
  // Items as JSON text: quoted ids ("\"https://...\"") or objects.
  std::vector<std::string> items;
};

std::string OrderedCollectionPageDocument(const CollectionPage& page);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_COLLECTION_H_
