// multipart/form-data bodies (RFC 7578), for forms that upload a file: a
// bounded, copying parser. Browsers send CRLF line ends and a boundary of at
// most 70 characters; anything else is refused rather than guessed.
#ifndef PARVIS_SERVER_PAGES_MULTIPART_FORM_H_
#define PARVIS_SERVER_PAGES_MULTIPART_FORM_H_

#include <map>
#include <string>
#include <string_view>

#include "parvis/result.h"

namespace parvis::pages {

struct UploadedFile {
  std::string filename;      // as the browser sent it; never used as a path
  std::string content_type;  // as the browser declared it; never trusted
  std::string bytes;
};

struct MultipartForm {
  std::map<std::string, std::string> fields;
  std::map<std::string, UploadedFile> files;
};

// Parses `body` sent with `content_type` ("multipart/form-data;
// boundary=..."). kInvalidArgument for anything malformed: no or bad
// boundary, a part without a name, more than 16 parts, part headers over
// 1 KiB, a missing closing delimiter, a name given twice.
Result<MultipartForm> ParseMultipartForm(std::string_view content_type, std::string_view body);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_MULTIPART_FORM_H_
