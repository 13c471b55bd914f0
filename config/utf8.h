// UTF-8 checks for text settings: the file parser validates encoding, but
// environment variables arrive as raw bytes.
#ifndef PARVIS_CONFIG_UTF8_H_
#define PARVIS_CONFIG_UTF8_H_

#include <cstddef>
#include <string_view>

namespace parvis::config_schema {

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Number of code points in `text`, which must be valid UTF-8.
size_t CountCodePoints(std::string_view text);

}  // namespace parvis::config_schema

#endif  // PARVIS_CONFIG_UTF8_H_
