#include "server/civic/sector_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"

namespace parvis::civic {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Member(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

http::Response Json(int status, const rapidjson::StringBuffer& buffer) {
  return http::Response::Json(status, std::string(buffer.GetString(), buffer.GetSize()));
}

http::Response SetSector(SectorService& sectors, http::Request& request) {
  const rapidjson::Document& body = request.json;
  if (!body.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  std::optional<std::string> actor = protocol::StringMember(body, "actor");
  std::optional<std::string> sector = protocol::StringMember(body, "sector");
  std::optional<std::string> reason = protocol::StringMember(body, "reason");
  if (!actor || !sector || !reason) {
    return http::Response::JsonError(400, "actor, sector and reason are required strings");
  }
  Sector parsed = protocol::ParseSector(*sector);
  if (parsed == Sector::kUnknown) {
    return http::Response::JsonError(400, "sector must be civic or commercial, not \"" + *sector + "\"");
  }
  std::string moderator = "operator";
  if (auto it = body.FindMember("moderator"); it != body.MemberEnd()) {
    if (!it->value.IsString() || it->value.GetStringLength() == 0 || it->value.GetStringLength() > 100) {
      return http::Response::JsonError(400, "moderator must be a string of 1 to 100 bytes");
    }
    moderator = it->value.GetString();
  }
  Result<SectorChange> change = sectors.Reclassify(*actor, parsed, moderator, *reason);
  if (!change) {
    return http::Response::JsonError(http::StatusForErrorCode(change.error().code),
                                     change.error().message);
  }
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Member(writer, "actor", change->actor);
  Member(writer, "old", protocol::SectorName(change->old_sector));
  Member(writer, "new", protocol::SectorName(change->new_sector));
  writer.Key("at");
  writer.Int64(change->at);
  writer.EndObject();
  return Json(200, buffer);
}

http::Response ShowSector(SectorService& sectors, http::Request& request) {
  std::string target = request.QueryParam("actor").value_or("");
  if (target.empty()) return http::Response::JsonError(400, "the actor parameter is required");
  std::string actor = target;
  // An actor id is resolved as is (a remote actor never seen still has the
  // domain policy); a name must be an account here.
  if (!target.starts_with("https://") && !target.starts_with("http://")) {
    Result<std::string> id = sectors.ActorIdOf(target);
    if (!id) return http::Response::JsonError(http::StatusForErrorCode(id.error().code), id.error().message);
    actor = *id;
  }
  SectorDecision decision = sectors.Resolve(actor);
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Member(writer, "actor", actor);
  Member(writer, "sector", protocol::SectorName(decision.sector));
  Member(writer, "source", SectorSourceName(decision.source));
  writer.EndObject();
  return Json(200, buffer);
}

http::Response ShowLog(SectorService& sectors) {
  Result<std::vector<SectorChange>> log = sectors.Log(200);
  if (!log) return http::Response::JsonError(503, log.error().message);
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("changes");
  writer.StartArray();
  for (const SectorChange& change : *log) {
    writer.StartObject();
    writer.Key("at");
    writer.Int64(change.at);
    Member(writer, "moderator", change.moderator);
    Member(writer, "actor", change.actor);
    Member(writer, "old", protocol::SectorName(change.old_sector));
    Member(writer, "new", protocol::SectorName(change.new_sector));
    Member(writer, "reason", change.reason);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return Json(200, buffer);
}

}  // namespace

void AddSectorControlRoutes(http::Router& control_router, SectorService& sectors) {
  http::RouteOptions json{.json_body = true};
  SectorService* service = &sectors;
  control_router.Add("POST", "/control/sector",
                     [service](http::Request& request) { return SetSector(*service, request); }, json);
  control_router.Add("GET", "/control/sector",
                     [service](http::Request& request) { return ShowSector(*service, request); });
  control_router.Add("GET", "/control/sector/log",
                     [service](http::Request&) { return ShowLog(*service); });
}

}  // namespace parvis::civic
