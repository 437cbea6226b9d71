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
#include "corridor/v1/parties.pb.h"

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

// data/reference/parties.csv as built into the binary: the party registry's
// seed, every spelling of the reference data an alias of its party.
absl::string_view EmbeddedPartiesCsv();

// Turns parties.csv (party_id, name, name_ar, coalition_id, aliases
// separated by '|', note) into parties. Each passes ValidatePartyCreate, no
// spelling names two parties and every coalition is a party of the file;
// INVALID_ARGUMENT naming the row otherwise.
absl::StatusOr<std::vector<v1::Party>> ParsePartiesCsv(absl::string_view csv);

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_REFERENCE_DATA_H_
