// The page templates (web/templates/*.html), parsed once and kept: a page
// is rendered from a parsed copy instead of parsing its template, the
// layout and every partial again for each request (a partial inside a list
// was parsed once per item). Partials (`{{> name}}`) are written into the
// template that uses them when it is first loaded: the templates do not
// recurse, and a partial renders in its caller's context, as inlined text
// does. The strings of each language (`t.*`) are built once as template
// data too, and looked up below the page's own data instead of being copied
// into it.
//
// A parsed template is used by one request at a time (kainjow's renderer is
// not const): each name keeps a small pool of parsed copies, so a busy node
// has about one per worker thread. Owned by the node; shared by its pages.
#ifndef PARVIS_SERVER_PAGES_TEMPLATE_CACHE_H_
#define PARVIS_SERVER_PAGES_TEMPLATE_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <kainjow/mustache.hpp>

#include "parvis/result.h"

namespace parvis::pages {

class TemplateCache {
 public:
  TemplateCache();
  TemplateCache(const TemplateCache&) = delete;
  TemplateCache& operator=(const TemplateCache&) = delete;

  // templates/NAME.html rendered with `data`, whose names hide those of
  // the language's strings (`t.*`, English for an unknown locale). An error
  // when the template is missing from the build or does not parse.
  Result<std::string> Render(std::string_view name, std::string_view locale,
                             const kainjow::mustache::data& data);

  // The source of templates/NAME.html with its partials written in, or an
  // error naming what is missing (a partial nested deeper than a few levels
  // is refused: it would be a loop).
  static Result<std::string> ExpandedSource(std::string_view name);

 private:
  using Parsed = std::unique_ptr<kainjow::mustache::mustache>;
  struct Entry {
    std::string source;         // expanded
    std::vector<Parsed> spare;  // parsed copies not in use
  };
  // A parsed copy of `name`, from the pool or newly parsed.
  Result<Parsed> Take(std::string_view name);
  void Give(std::string_view name, Parsed parsed);

  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
  // {"t": strings} per language, the bottom of every render's context.
  kainjow::mustache::data english_;
  kainjow::mustache::data french_;
};

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_TEMPLATE_CACHE_H_
