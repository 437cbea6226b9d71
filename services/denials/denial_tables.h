// How the denials service stores its records and statistics.
#ifndef CORRIDOR_SERVICES_DENIALS_DENIAL_TABLES_H_
#define CORRIDOR_SERVICES_DENIALS_DENIAL_TABLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "corridor/v1/denials.pb.h"
#include "storage/table.h"

namespace corridor::denials {

// The current revision of each denial, by id. Every index ends in the
// occurrence time (microseconds since the epoch, UTC), so that a period is a
// key range and newest-first is a reverse scan. Withdrawn denials are in no
// index.
//   "occurred"        (time)
//   "party"           (party, time)
//   "area"            (area id, time)
//   "route"           (route id, time), only denials that name a route
//   "category"        (category, time)
//   "convoy"          (convoy id, time), only denials that name a convoy
//   "party_area"      (party, area id, time)
//   "party_category"  (party, category, time)
//   "area_category"   (area id, category, time)
//   "party_area_category" (party, area id, category, time)
// so that any mix of party, area and category is one index range.
const storage::Table<v1::Denial>& DenialsTable();

// Every revision, by (id, revision): a denial's history is one range.
const storage::Table<v1::Denial>& DenialRevisionsTable();

// What a denial is indexed and counted under as its party: the registry's
// party id, else (a denial stored before the registry whose text names no
// party yet) its text.
const std::string& PartyKey(const v1::DenialFacts& facts);

// Occurrence time as stored in index keys.
int64_t OccurredMicros(const v1::DenialFacts& facts);

// Months as numbers that sort: year * 100 + month (201609).
uint32_t MonthNumber(const v1::DenialFacts& facts);

// Statistics counters. Each denial adds [1, people affected, 1 if people
// affected is stated, 1 if it awaits confirmation, people affected if it
// awaits confirmation] to ten counters, keyed by the month and the
// denial's party (p), area (a) and category (c):
//   "t"          (month)                          the total
//   "p" "a" "c"  (month, value)                   one dimension
//   "p>a" ...    (first value, month, second)     every ordered pair
// so that a grouping with up to one filter, or two filters by month, is one
// key range of (groups x months) counters. A correction subtracts the old
// revision's counters and adds the new one's in the same write.
struct StatsCounter {
  std::string key;
  std::vector<int64_t> deltas;
};
std::vector<StatsCounter> StatsCounters(const v1::Denial& denial, int64_t sign);

// A dimension's one-letter name in counter keys, and the value a denial has
// for it ("p": party, "a": area id, "c": category number).
std::string DimensionValue(char dimension, const v1::DenialFacts& facts);

}  // namespace corridor::denials

#endif  // CORRIDOR_SERVICES_DENIALS_DENIAL_TABLES_H_
