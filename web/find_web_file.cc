#include "parvis/embedded.h"

namespace parvis::embedded {

#if PARVIS_WEB_VENDOR_LIBSODIUM
// web/node_modules' libsodium, embedded by web/CMakeLists.txt when npm has installed it.
std::span<const File> web_vendor();
#endif

std::optional<std::string_view> FindWebFile(std::string_view path) {
  for (const File& file : web()) {
    if (file.path == path) return file.bytes;
  }
#if PARVIS_WEB_VENDOR_LIBSODIUM
  for (const File& file : web_vendor()) {
    if (file.path == path) return file.bytes;
  }
#endif
  return std::nullopt;
}

}  // namespace parvis::embedded
