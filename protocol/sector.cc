#include "parvis/protocol/sector.h"

namespace parvis::protocol {

const char* SectorName(Sector sector) {
  switch (sector) {
    case Sector::kCivic: return "civic";
    case Sector::kCommercial: return "commercial";
    case Sector::kUnknown: return "unknown";
  }
  return "unknown";
}

Sector ParseSector(std::string_view name) {
  if (name == "civic") return Sector::kCivic;
  if (name == "commercial") return Sector::kCommercial;
  return Sector::kUnknown;
}

Sector DeclaredSector(const rapidjson::Value& object) {
  if (!object.IsObject()) return Sector::kUnknown;
  for (const char* key : {"sector", "parvis:sector"}) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) continue;
    if (!it->value.IsString()) return Sector::kUnknown;
    return ParseSector(std::string_view(it->value.GetString(), it->value.GetStringLength()));
  }
  return Sector::kUnknown;
}

}  // namespace parvis::protocol
