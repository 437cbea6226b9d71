// Request validation for the denials service: pure functions, no storage.
// Each returns INVALID_ARGUMENT naming the first bad field, or OK.
#ifndef CORRIDOR_SERVICES_DENIALS_DENIAL_VALIDATION_H_
#define CORRIDOR_SERVICES_DENIALS_DENIAL_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/validation.h"
#include "corridor/v1/denials.pb.h"

namespace corridor::denials {

inline constexpr int kMaxEvidence = 50;
inline constexpr int kMaxStatsMonths = 1200;

// "dn-" and 16 lowercase hex digits.
absl::Status ValidateDenialId(absl::string_view field, absl::string_view id);

// `field` prefixes the names of the facts' fields ("facts.party"). `now`
// bounds occurred_at (a day of slack for clocks).
absl::Status ValidateFacts(absl::string_view field, const v1::DenialFacts& facts, absl::Time now);
absl::Status ValidateRecord(const v1::RecordDenialRequest& request, absl::Time now);
absl::Status ValidateCorrect(const v1::CorrectDenialRequest& request, absl::Time now);
absl::Status ValidateList(const v1::ListDenialsRequest& request);
absl::Status ValidateStats(const v1::DenialStatsRequest& request);

}  // namespace corridor::denials

#endif  // CORRIDOR_SERVICES_DENIALS_DENIAL_VALIDATION_H_
