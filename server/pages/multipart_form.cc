#include "server/pages/multipart_form.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace parvis::pages {
namespace {

constexpr size_t kMaxParts = 16;
constexpr size_t kMaxPartHeaders = 1024;
constexpr size_t kMaxBoundary = 70;

Error Malformed(const std::string& why) { return Error{ErrorCode::kInvalidArgument, "malformed upload: " + why}; }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of `parameter` in a header value ("form-data; name=\"x\""),
// quoted or not.
std::optional<std::string> Parameter(std::string_view header, std::string_view parameter) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    std::string_view rest = Trim(header.substr(at));
    size_t equals = rest.find('=');
    if (equals == std::string_view::npos) continue;
    if (Lower(Trim(rest.substr(0, equals))) != parameter) continue;
    std::string_view value = Trim(rest.substr(equals + 1));
    if (!value.empty() && value.front() == '"') {
      std::string out;
      for (size_t i = 1; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
          out += value[++i];
        } else if (value[i] == '"') {
          return out;
        } else {
          out += value[i];
        }
      }
      return std::nullopt;  // unterminated quote
    }
    return std::string(value.substr(0, value.find(';')));
  }
  return std::nullopt;
}

}  // namespace

Result<MultipartForm> ParseMultipartForm(std::string_view content_type, std::string_view body) {
  if (Lower(Trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data") {
    return std::unexpected(Malformed("not multipart/form-data"));
  }
  std::optional<std::string> boundary = Parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundary) {
    return std::unexpected(Malformed("no usable boundary"));
  }
  const std::string delimiter = "--" + *boundary;
  const std::string separator = "\r\n" + delimiter;
  if (!body.starts_with(delimiter)) return std::unexpected(Malformed("does not start with the boundary"));
  size_t position = delimiter.size();
  MultipartForm form;
  for (size_t parts = 0;; ++parts) {
    if (body.substr(position).starts_with("--")) return form;  // the closing delimiter
    if (!body.substr(position).starts_with("\r\n")) return std::unexpected(Malformed("bad delimiter line"));
    position += 2;
    if (parts == kMaxParts) return std::unexpected(Malformed("too many parts"));
    size_t headers_end = body.find("\r\n\r\n", position);
    if (headers_end == std::string_view::npos || headers_end - position > kMaxPartHeaders) {
      return std::unexpected(Malformed("part headers missing or too long"));
    }
    std::string_view headers = body.substr(position, headers_end - position);
    std::optional<std::string> name, filename;
    std::string type = "text/plain";
    bool form_data = false;
    for (size_t line_start = 0; line_start <= headers.size();) {
      size_t line_end = headers.find("\r\n", line_start);
      std::string_view line = headers.substr(line_start, line_end == std::string_view::npos
                                                              ? std::string_view::npos
                                                              : line_end - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string header = Lower(Trim(line.substr(0, colon)));
        std::string_view value = Trim(line.substr(colon + 1));
        if (header == "content-disposition") {
          form_data = Lower(Trim(value.substr(0, value.find(';')))) == "form-data";
          name = Parameter(value, "name");
          filename = Parameter(value, "filename");
        } else if (header == "content-type") {
          type = Lower(value);
        }
      }
      if (line_end == std::string_view::npos) break;
      line_start = line_end + 2;
    }
    if (!form_data || !name || name->empty()) return std::unexpected(Malformed("a part has no name"));
    size_t content_start = headers_end + 4;
    size_t content_end = body.find(separator, content_start);
    if (content_end == std::string_view::npos) return std::unexpected(Malformed("no closing boundary"));
    std::string content(body.substr(content_start, content_end - content_start));
    if (form.fields.contains(*name) || form.files.contains(*name)) {
      return std::unexpected(Malformed("the field " + *name + " is given twice"));
    }
    if (filename) {
      form.files.emplace(*name, UploadedFile{*filename, type, std::move(content)});
    } else {
      form.fields.emplace(*name, std::move(content));
    }
    position = content_end + separator.size();
  }
}

}  // namespace parvis::pages
