// How the convoys service stores its records.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_TABLES_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_TABLES_H_

#include <string>

#include "corridor/v1/convoys.pb.h"
#include "storage/table.h"

namespace corridor::convoys {

// Convoys by id. Every index ends in the planned date (yyyymmdd), so that a
// period is a key range and newest-first is a reverse scan:
//   "area"      (area id, planned)
//   "route"     (route id, planned), only convoys that name a route
//   "agency"    (agency, lowercased, planned)
//   "status"    (status, planned)
//   "planned"   (planned)
//   "delivered" (area id, outcome date), only delivered convoys: the last
//               delivery to an area is one reverse seek.
const storage::Table<v1::Convoy>& ConvoysTable();

// Transitions by (convoy id, sequence): a convoy's history is one range.
const storage::Table<v1::ConvoyEvent>& ConvoyEventsTable();

// The "agency" index term of an agency name.
std::string AgencyTerm(absl::string_view agency);

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_TABLES_H_
