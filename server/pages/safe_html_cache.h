// Remote posts' HTML, sanitised (protocol/html_sanitizer.h) for the pages,
// with the latest results kept: a timeline shows the same posts to every
// reader, and parsing a post's HTML again for each card cost more than the
// rest of the card. A result is kept with a hash of the HTML it came from
// and served only for that same HTML, so an edited post is sanitised anew.
// A new binary starts empty, so a changed sanitiser applies at once.
#ifndef PARVIS_SERVER_PAGES_SAFE_HTML_CACHE_H_
#define PARVIS_SERVER_PAGES_SAFE_HTML_CACHE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "server/federation/lru_cache.h"

namespace parvis::pages {

class SafeHtmlCache {
 public:
  explicit SafeHtmlCache(size_t kept = 1024) : kept_(kept) {}

  // The safe HTML of `html`, the content of the object `object_id`; "" when
  // it cannot be sanitised (too large, too deep).
  std::string Sanitized(const std::string& object_id, std::string_view html);

 private:
  federation::DerivedCache<std::shared_ptr<const std::string>> kept_;
};

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_SAFE_HTML_CACHE_H_
