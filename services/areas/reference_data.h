// The reference list of besieged and watchlist communities (2016-2017),
// compiled from Siege Watch (PAX and The Syria Institute), UN/OCHA and other
// cited sources; see data/reference/README.md. It is built into the binary
// so that a service starts with it anywhere.
#ifndef CORRIDOR_SERVICES_AREAS_REFERENCE_DATA_H_
#define CORRIDOR_SERVICES_AREAS_REFERENCE_DATA_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "corridor/v1/areas.pb.h"

namespace corridor::areas {

// data/reference/besieged_areas.csv as built into the binary.
absl::string_view EmbeddedBesiegedAreasCsv();

// Turns besieged_areas.csv into create requests. Only what a row states is
// set: empty cells stay unset, a population is a number only when the source
// gives a single figure, and the status follows the listings the row cites:
// BESIEGED if Siege Watch ("yes") or the UN lists it as besieged, WATCHLIST
// if only Siege Watch's watchlist has it, UNCONFIRMED otherwise. Every request passes
// ValidateCreate; INVALID_ARGUMENT names the row and field otherwise.
absl::StatusOr<std::vector<v1::CreateAreaRequest>> ParseBesiegedAreasCsv(absl::string_view csv);

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_REFERENCE_DATA_H_
