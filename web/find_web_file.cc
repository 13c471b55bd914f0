#include "parvis/embedded.h"

namespace parvis::embedded {

std::optional<std::string_view> FindWebFile(std::string_view path) {
  for (const File& file : web()) {
    if (file.path == path) return file.bytes;
  }
  return std::nullopt;
}

}  // namespace parvis::embedded
