// How the areas service stores its records: the tables and their indexes.
#ifndef CORRIDOR_SERVICES_AREAS_AREA_TABLES_H_
#define CORRIDOR_SERVICES_AREAS_AREA_TABLES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "corridor/v1/areas.pb.h"
#include "storage/table.h"

namespace corridor::areas {

// Areas by id, indexed by "status", "governorate" (P-code) and "party"
// (PartyKeyOf).
const storage::Table<v1::Area>& AreasTable();

// Status changes by (area id, effective date, sequence): an area's history
// is one key range, in date order.
const storage::Table<v1::StatusChange>& StatusHistoryTable();

// What areas are listed by party under: the registry's id of the
// besieging party, else (text that names no party) the text in lower case.
std::string PartyKeyOf(const v1::Area& area);
// The "party" index term of such a key.
std::string PartyTerm(absl::string_view party_key);

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_AREA_TABLES_H_
