// Which violations the records show: pure functions of an agreement, one
// source record (or one area's deliveries) and today's date. The agreements
// service calls them as changes arrive and, for what time alone can breach
// (a step still pending, a delivery overdue), once a minute; it then
// reconciles what they return with what it stored before for that source.
#ifndef CORRIDOR_SERVICES_AGREEMENTS_EVALUATION_H_
#define CORRIDOR_SERVICES_AGREEMENTS_EVALUATION_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "corridor/v1/agreements.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/incidents.pb.h"
#include "corridor/v1/routes.pb.h"

namespace corridor::agreements {

// Working days are Sunday to Thursday. The number of them in (from, to]:
// 0 if to <= from.
int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to);
// The day `working_days` working days after `from`.
absl::CivilDay AddWorkingDays(absl::CivilDay from, int working_days);

// Whether `day` lies within the agreement's dates (until inclusive; no
// until: still in force, up to `today`).
bool InForce(const v1::Agreement& agreement, absl::CivilDay day, absl::CivilDay today);

// The journal entry a changed record was read from: whose journal, and
// where in it. (Not storage::Origin, which is who made a change.)
struct SourceEntry {
  std::string service;
  uint64_t journal_index = 0;
};

// A party as a record names it: its text, and the registry's id of the
// party the text names (empty if none).
struct NamedParty {
  std::string text;
  std::string id;
};

// The besieging party of an area, for terms that fall back to it (empty if
// unknown).
using AreaParty = std::function<NamedParty(const std::string& area_id)>;

// Whether a term's party and a record's are the same party: the same
// registry id when both have one, else the same text, case-insensitive.
bool SameParty(const NamedParty& a, const NamedParty& b);

// Each returns the violations of every applicable term of `agreement` that
// one source shows now, all with the same `source`; an empty result means
// the source shows none (and any stored before are superseded).
std::vector<v1::Violation> ForRouteReport(const v1::Agreement& agreement,
                                          const v1::RouteReport& report, const SourceEntry& entry,
                                          absl::CivilDay today);
std::vector<v1::Violation> ForDenial(const v1::Agreement& agreement, const v1::Denial& denial,
                                     int64_t version, const SourceEntry& entry,
                                     absl::CivilDay today);
std::vector<v1::Violation> ForConvoy(const v1::Agreement& agreement, const v1::Convoy& convoy,
                                     const SourceEntry& entry, absl::CivilDay today,
                                     const AreaParty& area_party);
std::vector<v1::Violation> ForIncident(const v1::Agreement& agreement, const v1::Incident& incident,
                                       int64_t version, const SourceEntry& entry,
                                       absl::CivilDay today);
// `deliveries`: every convoy to the area whose outcome is DELIVERED or
// PARTIALLY_DELIVERED, as last seen.
std::vector<v1::Violation> ForDeliveries(const v1::Agreement& agreement, const std::string& area_id,
                                         const std::vector<v1::Convoy>& deliveries,
                                         absl::CivilDay today, const AreaParty& area_party);

// The `source` strings, for reconciling.
std::string RouteReportSource(const v1::RouteReport& report);
std::string DenialSource(const v1::Denial& denial);
std::string ConvoySource(const v1::Convoy& convoy);
std::string AreaSource(const std::string& area_id);
std::string IncidentSource(const v1::Incident& incident);

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_EVALUATION_H_
