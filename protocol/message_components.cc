#include "message_components.h"

#include <cstdio>
#include <optional>
#include <string_view>

#include "parvis/protocol/base64.h"

namespace parvis::protocol {
namespace {

std::unexpected<Error> Bad(std::string_view name, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument,
              "component \"" + std::string(name) + "\": " + std::string(what));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsTrue(const sf::BareItem& value) {
  const bool* flag = std::get_if<bool>(&value);
  return flag && *flag;
}

// Path and query of the request target, origin-form or absolute-form.
struct TargetParts {
  std::string_view path;
  std::optional<std::string_view> query;
};

std::optional<TargetParts> SplitTarget(std::string_view target) {
  if (target.empty() || target == "*") return std::nullopt;
  std::string_view rest = target;
  if (target.front() != '/') {
    const size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    rest = target.substr(scheme_end + 3);
    const size_t path_start = rest.find_first_of("/?");
    rest = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  }
  rest = rest.substr(0, rest.find('#'));
  TargetParts parts;
  const size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  if (question != std::string_view::npos) parts.query = rest.substr(question + 1);
  return parts;
}

// RFC 9421 §2.2.3: lower-case host, default port removed (RFC 9110 §4.2.3).
std::optional<std::string> NormalizedAuthority(const HttpMessage& message) {
  std::string authority = message.authority;
  if (authority.empty()) authority = message.FieldValue("host").value_or("");
  if (authority.empty()) return std::nullopt;
  authority = Lower(authority);
  const std::string scheme = Lower(message.scheme);
  const std::string_view default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  if (!default_port.empty() && authority.ends_with(default_port)) {
    authority.resize(authority.size() - default_port.size());
  }
  return authority;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded parsing of one name or value: '+' is a
// space, %XX a byte, a malformed escape stays as written.
std::string FormDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "Percent-encode after encoding" with the urlencoded set but without
// space-as-plus: RFC 9421's own example turns "with+plus" into "with%20plus".
std::string FormEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : bytes) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '*' ||
        u == '-' || u == '.' || u == '_') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

Result<std::string> QueryParam(const HttpMessage& message, std::string_view wanted) {
  const auto parts = SplitTarget(message.target);
  std::optional<std::string> found;
  if (parts && parts->query) {
    std::string_view query = *parts->query;
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      const size_t equals = pair.find('=');
      const std::string name = FormEncode(FormDecode(pair.substr(0, equals)));
      if (name != wanted) continue;
      // RFC 9421 §2.2.8: a repeated parameter cannot be signed this way.
      if (found)
        return Bad("@query-param", "query parameter \"" + name + "\" occurs more than once");
      found = FormEncode(FormDecode(equals == std::string_view::npos ? std::string_view()
                                                                     : pair.substr(equals + 1)));
    }
  }
  if (!found) {
    return Bad("@query-param", "query parameter \"" + std::string(wanted) + "\" is absent");
  }
  return *found;
}

Result<std::string> DerivedValue(const HttpMessage& message, const std::string& name,
                                 const sf::Item& id) {
  const auto need_request = [&]() -> Status {
    if (message.method.empty() || message.status) {
      return Bad(name, "only applies to a request");
    }
    return Ok();
  };
  if (name == "@status") {
    if (!message.status || *message.status < 100 || *message.status > 999) {
      return Bad(name, "only applies to a response with a three-digit status");
    }
    char buffer[8];
    std::snprintf(buffer, sizeof(buffer), "%03d", *message.status);
    return std::string(buffer);
  }
  if (name == "@signature-params") return Bad(name, "may not be listed as a covered component");
  if (name != "@method" && name != "@target-uri" && name != "@authority" && name != "@scheme" &&
      name != "@request-target" && name != "@path" && name != "@query" && name != "@query-param") {
    return Bad(name, "unknown derived component");
  }
  if (auto st = need_request(); !st) return std::unexpected(st.error());
  if (name == "@method") return message.method;
  if (name == "@scheme") return Lower(message.scheme);
  if (name == "@request-target") {
    if (message.target.empty()) return Bad(name, "the request has no target");
    return message.target;
  }
  if (name == "@authority" || name == "@target-uri") {
    const auto authority = NormalizedAuthority(message);
    if (!authority) return Bad(name, "the request has no authority");
    if (name == "@authority") return *authority;
    if (message.target.starts_with("/")) {
      return Lower(message.scheme) + "://" + *authority + message.target;
    }
    if (!SplitTarget(message.target)) return Bad(name, "the request target is not a URI");
    return message.target;
  }
  const auto parts = SplitTarget(message.target);
  if (!parts) return Bad(name, "the request target has no path");
  if (name == "@path") return parts->path.empty() ? std::string("/") : std::string(parts->path);
  if (name == "@query") return "?" + std::string(parts->query.value_or(""));
  // @query-param
  const sf::BareItem* wanted = sf::FindParameter(id.params, "name");
  const std::string* wanted_name = wanted ? std::get_if<std::string>(wanted) : nullptr;
  if (!wanted_name) return Bad(name, "needs a string name parameter");
  return QueryParam(message, *wanted_name);
}

enum class FieldType { kDictionary, kList, kUnknown };

// Structured fields whose type RFC 9421 tests and ActivityPub traffic use.
FieldType TypeOfField(std::string_view name) {
  for (std::string_view dict :
       {"signature", "signature-input", "content-digest", "repr-digest", "want-content-digest",
        "want-repr-digest", "accept-signature", "priority", "example-dict"}) {
    if (name == dict) return FieldType::kDictionary;
  }
  for (std::string_view list : {"accept-ch", "cache-status", "proxy-status", "example-list"}) {
    if (name == list) return FieldType::kList;
  }
  return FieldType::kUnknown;
}

// Re-serializes a structured field (§2.1.1, the `sf` parameter).
Result<std::string> StrictSerialization(std::string_view name, std::string_view value) {
  const FieldType type = TypeOfField(name);
  if (type != FieldType::kList) {
    auto dict = sf::ParseDictionary(value);
    if (dict) return sf::SerializeDictionary(*dict);
    if (type == FieldType::kDictionary) return Bad(name, dict.error().message);
  }
  auto list = sf::ParseList(value);
  if (list) return sf::SerializeList(*list);
  if (type == FieldType::kList) return Bad(name, list.error().message);
  auto item = sf::ParseItem(value);
  if (!item) return Bad(name, "is not a structured field");
  return sf::SerializeItem(*item);
}

Result<std::string> FieldComponentValue(const HttpMessage& message, const std::string& name,
                                        const sf::Item& id) {
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return Bad(name, "field names must be lower-case");
  }
  const bool bs = sf::FindParameter(id.params, "bs") != nullptr;
  const bool sf_flag = sf::FindParameter(id.params, "sf") != nullptr;
  const sf::BareItem* key = sf::FindParameter(id.params, "key");
  if (bs && (sf_flag || key)) return Bad(name, "bs cannot be combined with sf or key");
  const std::vector<std::string_view> lines = message.FieldLines(name);
  if (lines.empty()) return Bad(name, "field is absent");
  if (bs) {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out += ", ";
      out += ":" + EncodeBase64(lines[i]) + ":";
    }
    return out;
  }
  const std::string combined = *message.FieldValue(name);
  if (key) {
    const std::string* member_name = std::get_if<std::string>(key);
    if (!member_name) return Bad(name, "key parameter must be a string");
    auto dict = sf::ParseDictionary(combined);
    if (!dict) return Bad(name, "is not a dictionary: " + dict.error().message);
    const sf::ListMember* member = sf::FindMember(*dict, *member_name);
    if (!member) return Bad(name, "has no member \"" + *member_name + "\"");
    return sf::SerializeListMember(*member);
  }
  if (sf_flag) return StrictSerialization(name, combined);
  return combined;
}

}  // namespace

Result<std::string> ComponentValue(const HttpMessage& message, const sf::Item& id,
                                   const HttpMessage* request) {
  const std::string* name = std::get_if<std::string>(&id.value);
  if (!name || name->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "component identifiers must be non-empty strings");
  }
  const bool derived = name->front() == '@';
  bool req = false;
  for (const auto& [param, value] : id.params) {
    const bool flag =
        param == "req" || param == "sf" || param == "bs" || (param == "tr" && !derived);
    if (flag && !IsTrue(value)) return Bad(*name, "parameter " + param + " must be true");
    if (param == "req") {
      req = true;
    } else if (param == "tr") {
      return Fail(ErrorCode::kUnsupported,
                  "component \"" + *name + "\": trailers are not supported");
    } else if (derived ? !(param == "name" && *name == "@query-param")
                       : !(param == "sf" || param == "bs" || param == "key")) {
      return Bad(*name, "unknown parameter " + param);
    }
  }
  const HttpMessage* source = &message;
  if (req) {
    if (!request) return Bad(*name, "req is set but there is no related request");
    source = request;
  }
  auto value = derived ? DerivedValue(*source, *name, id) : FieldComponentValue(*source, *name, id);
  if (!value) return value;
  // A line break in a value would forge extra lines of the signature base.
  if (value->find_first_of("\r\n") != std::string::npos) {
    return Bad(*name, "value contains a line break");
  }
  return value;
}

}  // namespace parvis::protocol
