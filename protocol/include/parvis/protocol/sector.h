// The sector of an actor (docs/protocol.md, "Sectors"): civil society
// ("civic") or business ("commercial"), published as the `sector` term of
// the Parvis vocabulary (parvis:sector) on actor documents.
#ifndef PARVIS_PROTOCOL_SECTOR_H_
#define PARVIS_PROTOCOL_SECTOR_H_

#include <string_view>

#include <rapidjson/document.h>

namespace parvis::protocol {

enum class Sector { kUnknown, kCivic, kCommercial };

// "unknown", "civic", "commercial".
const char* SectorName(Sector sector);

// kCivic for exactly "civic", kCommercial for exactly "commercial"; anything
// else, "unknown" included, is kUnknown.
Sector ParseSector(std::string_view name);

// The sector an object (an actor document) declares in its "sector" member
// (or its compacted "parvis:sector"). A value that is not one of the two
// words as a string (a number, an array, another word) declares nothing:
// kUnknown, never an error.
Sector DeclaredSector(const rapidjson::Value& object);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_SECTOR_H_
