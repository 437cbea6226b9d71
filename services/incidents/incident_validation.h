// Request validation for the incidents service: pure functions, no storage.
// Each returns INVALID_ARGUMENT naming the first bad field, or OK.
#ifndef CORRIDOR_SERVICES_INCIDENTS_INCIDENT_VALIDATION_H_
#define CORRIDOR_SERVICES_INCIDENTS_INCIDENT_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "corridor/v1/incidents.pb.h"

namespace corridor::incidents {

inline constexpr int kMaxSources = 50;
inline constexpr int kMaxEvidence = 50;
inline constexpr int kMaxStatsMonths = 1200;
inline constexpr int64_t kMaxCasualties = 100'000'000;

// "in-" and 16 lowercase hex digits.
absl::Status ValidateIncidentId(absl::string_view field, absl::string_view id);

// `field` prefixes the names of the facts' fields ("facts.type"). `now`
// bounds occurred_at (a day of slack for clocks).
absl::Status ValidateFacts(absl::string_view field, const v1::IncidentFacts& facts, absl::Time now);
absl::Status ValidateRecord(const v1::RecordIncidentRequest& request, absl::Time now);
absl::Status ValidateCorrect(const v1::CorrectIncidentRequest& request, absl::Time now);
absl::Status ValidateList(const v1::ListIncidentsRequest& request);
absl::Status ValidateStats(const v1::IncidentStatsRequest& request);

// Casualty counts: each 0 to kMaxCasualties, and a group's at most the
// total's. `field` names the Casualties message.
absl::Status ValidateCasualties(absl::string_view field, const v1::Casualties& casualties);

}  // namespace corridor::incidents

#endif  // CORRIDOR_SERVICES_INCIDENTS_INCIDENT_VALIDATION_H_
