#include "parvis/protocol/discovery.h"

#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parvis::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void Member(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  String(writer, value);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
         c == '[' || c == ']';
}

// RFC 7565 user part, restricted to what account names can be, plus the
// dots and hyphens other servers allow, so lookups of remote-style names
// fail as "not found", not as "malformed".
bool IsUserChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

Result<WebFingerResource> ParseWebFingerResource(std::string_view resource) {
  if (resource.empty()) return Fail(ErrorCode::kInvalidArgument, "resource is empty");
  if (resource.size() > kMaxWebFingerResource) {
    return Fail(ErrorCode::kInvalidArgument, "resource is too long");
  }
  for (char c : resource) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument, "resource contains spaces or control characters");
    }
  }
  std::string lower = Lower(resource.substr(0, 8));
  if (lower.starts_with("http://") || lower.starts_with("https://")) {
    return WebFingerResource{WebFingerResource::Kind::kUrl, "", "", std::string(resource)};
  }
  std::string_view account = resource;
  if (Lower(account.substr(0, 5)) == "acct:") {
    account.remove_prefix(5);
  } else if (account.find(':') != std::string_view::npos &&
             account.find(':') < account.find('@')) {
    return Fail(ErrorCode::kInvalidArgument, "resource has an unsupported scheme");
  }
  if (!account.empty() && account.front() == '@') account.remove_prefix(1);
  size_t at = account.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == account.size()) {
    return Fail(ErrorCode::kInvalidArgument, "resource is not of the form acct:name@host");
  }
  std::string_view name = account.substr(0, at);
  std::string_view host = account.substr(at + 1);
  for (char c : name) {
    if (!IsUserChar(c)) {
      return Fail(ErrorCode::kInvalidArgument, "resource has an invalid account name");
    }
  }
  for (char c : host) {
    if (!IsHostChar(c)) return Fail(ErrorCode::kInvalidArgument, "resource has an invalid host");
  }
  return WebFingerResource{WebFingerResource::Kind::kAccount, std::string(name), Lower(host), ""};
}

std::string WebFingerDocument(const WebFingerAccount& account) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Member(writer, "subject", account.subject);
  writer.Key("aliases");
  writer.StartArray();
  for (const std::string& alias : account.aliases) String(writer, alias);
  writer.EndArray();
  writer.Key("links");
  writer.StartArray();
  writer.StartObject();
  Member(writer, "rel", "self");
  Member(writer, "type", "application/activity+json");
  Member(writer, "href", account.actor_id);
  writer.EndObject();
  writer.StartObject();
  Member(writer, "rel", "http://webfinger.net/rel/profile-page");
  Member(writer, "type", "text/html");
  Member(writer, "href", account.profile_url);
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string HostMetaDocument(std::string_view base_url) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
         "  <Link rel=\"lrdd\" template=\"" +
         EscapeXml(base_url) + "/.well-known/webfinger?resource={uri}\"/>\n</XRD>\n";
}

std::string NodeInfoLinksDocument(std::string_view base_url) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("links");
  writer.StartArray();
  writer.StartObject();
  Member(writer, "rel", "http://nodeinfo.diaspora.software/ns/schema/2.1");
  Member(writer, "href", std::string(base_url) + "/nodeinfo/2.1");
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string NodeInfoDocument(const NodeInfo& info) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Member(writer, "version", "2.1");
  writer.Key("software");
  writer.StartObject();
  Member(writer, "name", "parvis");
  Member(writer, "version", info.software_version);
  writer.EndObject();
  writer.Key("protocols");
  writer.StartArray();
  String(writer, "activitypub");
  writer.EndArray();
  writer.Key("services");
  writer.StartObject();
  writer.Key("inbound");
  writer.StartArray();
  writer.EndArray();
  writer.Key("outbound");
  writer.StartArray();
  writer.EndArray();
  writer.EndObject();
  writer.Key("openRegistrations");
  writer.Bool(info.open_registrations);
  writer.Key("usage");
  writer.StartObject();
  writer.Key("users");
  writer.StartObject();
  writer.Key("total");
  writer.Uint64(info.total_users);
  writer.Key("activeMonth");
  writer.Uint64(info.active_month);
  writer.Key("activeHalfyear");
  writer.Uint64(info.active_halfyear);
  writer.EndObject();
  writer.Key("localPosts");
  writer.Uint64(info.local_posts);
  writer.EndObject();
  writer.Key("metadata");
  writer.StartObject();
  Member(writer, "nodeName", info.node_name);
  Member(writer, "nodeDescription", info.node_description);
  writer.Key("responsibleEditor");
  writer.StartObject();
  Member(writer, "name", info.editor_name);
  Member(writer, "contact", info.editor_contact);
  writer.EndObject();
  Member(writer, "registrationMode", info.registration_mode);
  Member(writer, "federationMode", info.federation_mode);
  writer.Key("civicFeatures");
  writer.StartArray();
  for (const std::string& feature : info.civic_features) String(writer, feature);
  writer.EndArray();
  writer.Key("sectors");
  writer.StartObject();
  writer.Key("values");
  writer.StartArray();
  for (std::string_view value : {"civic", "commercial", "unknown"}) String(writer, value);
  writer.EndArray();
  for (auto [key, value] :
       {std::pair{"commercialLabelled", info.sectors.commercial_labelled},
        std::pair{"commercialStream", info.sectors.commercial_stream},
        std::pair{"commercialInCivicTimelines", info.sectors.commercial_in_civic_timelines},
        std::pair{"labelKeptWhenBoosted", info.sectors.label_kept_when_boosted},
        std::pair{"moderatorReclassification", info.sectors.moderator_reclassification}}) {
    writer.Key(key);
    writer.Bool(value);
  }
  // The order in which a remote actor's sector is decided.
  writer.Key("resolution");
  writer.StartArray();
  for (std::string_view step : {"moderator", "declared", "domainPolicy", "unknown"}) {
    String(writer, step);
  }
  writer.EndArray();
  for (auto [key, list] : {std::pair{"commercialDomains", &info.sectors.commercial_domains},
                           std::pair{"civicDomains", &info.sectors.civic_domains}}) {
    writer.Key(key);
    writer.StartArray();
    for (const std::string& domain : *list) String(writer, domain);
    writer.EndArray();
  }
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace parvis::protocol
