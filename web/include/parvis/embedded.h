// Files compiled into the binary (templates, styles), generated at build time
// from web/ by cmake/embed.cmake.
#ifndef PARVIS_EMBEDDED_H_
#define PARVIS_EMBEDDED_H_

#include <optional>
#include <span>
#include <string_view>

namespace parvis::embedded {

struct File {
  std::string_view path;   // relative to web/, e.g. "templates/home.html"
  std::string_view bytes;
};

// Every file under web/templates, web/static (sub-folders too, such as
// "static/e2ee/parvis-e2ee.js") and web/i18n.
std::span<const File> web();

// The file at `path` in web(), or else among the browser libraries embedded
// from web/node_modules when the build found them
// ("static/vendor-libsodium-wrappers.mjs"; see web/CMakeLists.txt), if any.
std::optional<std::string_view> FindWebFile(std::string_view path);

}  // namespace parvis::embedded

#endif  // PARVIS_EMBEDDED_H_
