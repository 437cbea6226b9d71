// How the incidents service stores its records and statistics.
#ifndef CORRIDOR_SERVICES_INCIDENTS_INCIDENT_TABLES_H_
#define CORRIDOR_SERVICES_INCIDENTS_INCIDENT_TABLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "corridor/v1/incidents.pb.h"
#include "storage/table.h"

namespace corridor::incidents {

// The current revision of each incident, by id. Every index ends in the
// occurrence time (microseconds since the epoch, UTC), so that a period is
// a key range and newest-first is a reverse scan. Withdrawn incidents are
// in no index.
//   "occurred" (time)
//   "party"    (party key, time), only incidents held against a party
//   "area"     (area id, time), only incidents placed in an area
//   "type"     (type, time)
//   "weapon"   (weapon, time), one entry per weapon used
//   "convoy"   (convoy id, time), only attacks on a convoy
// A list with several filters walks the narrowest of these and checks the
// others per record.
const storage::Table<v1::Incident>& IncidentsTable();

// Every revision, by (id, revision): an incident's history is one range.
const storage::Table<v1::Incident>& IncidentRevisionsTable();

// The registry's party id, else the text as given (empty: no party).
const std::string& PartyKey(const v1::IncidentFacts& facts);

// Statistics counters. Each incident adds [1, killed, injured, civilians
// killed, children killed, aid workers killed, medical workers killed, 1
// if killed is stated, 1 if injured is stated] (absent figures add 0) to
// counters keyed by month (counters written before the last value existed
// have one value fewer):
//   "t"                  (month)                  the total
//   "p" "y" "w" "a"      (month, value)           party, type, weapon, area
//   "p>y" "p>w" "p>a"    (party, month, value)    one party's, by the second
// An incident with several weapons adds to one "w" counter per weapon, one
// that states none to the "w" counter of "". A
// correction subtracts the old revision's counters and adds the new one's
// in the same write.
struct IncidentCounter {
  std::string key;
  std::vector<int64_t> deltas;
};
std::vector<IncidentCounter> StatsCounters(const v1::Incident& incident, int64_t sign);

// Months as numbers that sort: year * 100 + month.
uint32_t MonthNumber(const v1::IncidentFacts& facts);

}  // namespace corridor::incidents

#endif  // CORRIDOR_SERVICES_INCIDENTS_INCIDENT_TABLES_H_
