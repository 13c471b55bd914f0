#include "parvis/protocol/collection.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parvis::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Member(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string OrderedCollectionDocument(const std::string& id, uint64_t total_items,
                                      const std::string& first_page) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Member(writer, "@context", "https://www.w3.org/ns/activitystreams");
  Member(writer, "id", id);
  Member(writer, "type", "OrderedCollection");
  writer.Key("totalItems");
  writer.Uint64(total_items);
  Member(writer, "first", first_page);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string OrderedCollectionPageDocument(const CollectionPage& page) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Member(writer, "@context", "https://www.w3.org/ns/activitystreams");
  Member(writer, "id", page.id);
  Member(writer, "type", "OrderedCollectionPage");
  Member(writer, "partOf", page.part_of);
  if (!page.next.empty()) Member(writer, "next", page.next);
  if (!page.prev.empty()) Member(writer, "prev", page.prev);
  writer.Key("orderedItems");
  writer.StartArray();
  for (const std::string& item : page.items) {
    writer.RawValue(item.data(), item.size(), rapidjson::kObjectType);
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace parvis::protocol
