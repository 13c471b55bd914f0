// The two small pieces every HTML writer here needs: escaping text for an
// element or a quoted attribute, and writing a code point as UTF-8.
#ifndef PARVIS_PROTOCOL_HTML_ESCAPE_H_
#define PARVIS_PROTOCOL_HTML_ESCAPE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace parvis::protocol {

// Appends `text` with & < > " ' as character references.
void AppendHtmlEscaped(std::string& out, std::string_view text);

// Appends `cp` as UTF-8; NUL, surrogates and values past U+10FFFF as U+FFFD.
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_HTML_ESCAPE_H_
