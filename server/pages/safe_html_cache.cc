#include "server/pages/safe_html_cache.h"

#include "parvis/protocol/html_sanitizer.h"

namespace parvis::pages {

std::string SafeHtmlCache::Sanitized(const std::string& object_id, std::string_view html) {
  if (std::optional<std::shared_ptr<const std::string>> kept = kept_.Find(object_id, html)) return **kept;
  Result<std::string> safe = protocol::SanitizeHtml(html);
  auto shared = std::make_shared<const std::string>(safe ? *std::move(safe) : "");
  kept_.Put(object_id, html, shared);
  return *shared;
}

}  // namespace parvis::pages
