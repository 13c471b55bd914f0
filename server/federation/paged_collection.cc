#include "server/federation/paged_collection.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "parvis/protocol/collection.h"

namespace parvis::federation {

std::string JsonString(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

http::Response PagedCollection(const http::Request& request, const std::string& id,
                               size_t total, const std::function<std::string(size_t)>& item,
                               size_t page_size) {
  auto activity_json = [](std::string body) {
    return http::Response::ActivityJson(200, std::move(body));
  };
  std::optional<std::string> page_param = request.QueryParam("page");
  if (!page_param) {
    return activity_json(protocol::OrderedCollectionDocument(id, total, id + "?page=1"));
  }
  size_t page = 0;
  const char* begin = page_param->data();
  const char* end = begin + page_param->size();
  auto [parsed_end, error] = std::from_chars(begin, end, page);
  if (error != std::errc() || parsed_end != end || page == 0 || page > 1'000'000) {
    return http::Response::JsonError(400, "page must be a number from 1");
  }
  protocol::CollectionPage out{id + "?page=" + std::to_string(page), id, "", "", {}};
  size_t first = (page - 1) * page_size;
  for (size_t i = first; i < total && i < first + page_size; ++i) out.items.push_back(item(i));
  if (first + page_size < total) out.next = id + "?page=" + std::to_string(page + 1);
  if (page > 1) out.prev = id + "?page=" + std::to_string(page - 1);
  return activity_json(protocol::OrderedCollectionPageDocument(out));
}

}  // namespace parvis::federation
