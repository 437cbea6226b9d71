// How the agreements service stores its records.
#ifndef CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_TABLES_H_
#define CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_TABLES_H_

#include <string>
#include <vector>

#include "corridor/v1/agreements.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "storage/table.h"

namespace corridor::agreements {

// Agreements by id.
const storage::Table<v1::Agreement>& AgreementsTable();

// Violations by id, with the indexes
//   "agreement" (agreement id, occurred micros): an agreement's, by time;
//   "source"    (agreement id, term id, source): what one source showed,
//               to reconcile when it is evaluated again.
const storage::Table<v1::Violation>& ViolationsTable();

// The convoys as the convoys service's feed last showed them (the time-based
// rules need them again later), with "delivered" (area id, outcome date)
// for convoys delivered in full or in part.
const storage::Table<v1::ConvoyCopy>& ConvoyCopiesTable();

// What was done about each violation (RecordConsequence), by (agreement
// id, violation id, sequence): an agreement's are one range, and one
// violation's a range within it.
const storage::Table<v1::ConsequenceRecord>& ConsequencesTable();

// The services whose change feeds agreements are evaluated against; the
// store keeps an evaluated-through position for each.
const std::vector<std::string>& FollowedServices();

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_TABLES_H_
