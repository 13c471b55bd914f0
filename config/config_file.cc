#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config_sources.h"

namespace parvis::config_schema {
namespace {

// Reads at most kMaxConfigFileBytes + 1 bytes, enough to tell an oversized
// file without reading all of it (or waiting forever on a pipe).
Result<std::string> ReadBoundedFile(const std::string& path, const std::string& where) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(ErrorCode::kInvalidArgument, where + "cannot read: " + std::strerror(errno));
  }
  std::string text;
  char buffer[64 * 1024];
  while (text.size() <= kMaxConfigFileBytes) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Fail(ErrorCode::kInvalidArgument, where + "cannot read: " + std::strerror(error));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text.size() > kMaxConfigFileBytes) {
    return Fail(ErrorCode::kInvalidArgument, where + "larger than the limit of " +
                                                 std::to_string(kMaxConfigFileBytes) + " bytes");
  }
  return text;
}

std::optional<Value> ValueOf(const Setting& setting, const rapidjson::Value& json) {
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kEnum:
      if (!json.IsString()) return std::nullopt;
      return Value(std::string(json.GetString(), json.GetStringLength()));
    case Kind::kUint:
      // A negative or fractional number is the wrong kind, not out of range.
      if (!json.IsUint64()) return std::nullopt;
      return Value(json.GetUint64());
    case Kind::kBool:
      if (!json.IsBool()) return std::nullopt;
      return Value(json.GetBool());
    case Kind::kStringList: {
      if (!json.IsArray()) return std::nullopt;
      std::vector<std::string> items;
      for (const rapidjson::Value& item : json.GetArray()) {
        if (!item.IsString()) return std::nullopt;
        items.emplace_back(item.GetString(), item.GetStringLength());
      }
      return Value(std::move(items));
    }
  }
  return std::nullopt;
}

// Walks one object of the file. Recursion follows the schema's sections
// only, so its depth is bounded by the longest key, not by the file.
Status ReadObject(const rapidjson::Value& object, const std::string& prefix,
                  const std::string& where, SourceValues& values) {
  std::vector<std::string_view> seen;
  for (const auto& member : object.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const std::string path = prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
    for (std::string_view earlier : seen) {
      if (earlier == name) {
        return Fail(ErrorCode::kInvalidArgument, where + "key " + Quote(path) + " appears twice");
      }
    }
    seen.push_back(name);

    // A dotted member name ("listen.port") would otherwise pass as a path.
    const bool plain_name = name.find('.') == std::string_view::npos;
    const std::optional<size_t> index = plain_name ? FindSetting(path) : std::optional<size_t>();
    if (index) {
      const Setting& setting = Settings()[*index];
      auto value = ValueOf(setting, member.value);
      if (!value) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + "key " + Quote(path) + ": expected " + Expectation(setting));
      }
      values[*index] = std::move(*value);
    } else if (plain_name && IsSection(path)) {
      if (!member.value.IsObject()) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + "key " + Quote(path) + ": expected an object");
      }
      if (auto read = ReadObject(member.value, path, where, values); !read) return read;
    } else {
      return Fail(ErrorCode::kInvalidArgument, where + "unknown key " + Quote(path));
    }
  }
  return Ok();
}

}  // namespace

Result<SourceValues> ReadConfigFile(const std::string& path) {
  const std::string where = "config file " + path + ": ";
  auto text = ReadBoundedFile(path, where);
  if (!text) return std::unexpected(text.error());

  // Iterative parsing keeps deep nesting off the stack; encoding validation
  // keeps invalid UTF-8 out of names shown to visitors.
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      text->data(), text->size());
  if (document.HasParseError()) {
    return Fail(ErrorCode::kInvalidArgument,
                where + "invalid JSON at byte " + std::to_string(document.GetErrorOffset()) + ": " +
                    rapidjson::GetParseError_En(document.GetParseError()));
  }
  if (!document.IsObject()) {
    return Fail(ErrorCode::kInvalidArgument, where + "the top level must be a JSON object");
  }
  SourceValues values(Settings().size());
  if (auto read = ReadObject(document, "", where, values); !read) {
    return std::unexpected(read.error());
  }
  return values;
}

}  // namespace parvis::config_schema
