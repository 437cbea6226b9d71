// Checks of the agreements service's requests. Each returns OK or
// INVALID_ARGUMENT whose message starts with the field's path, e.g.
// "agreement.terms[1].requests_answered_within.working_days: ...".
#ifndef CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_VALIDATION_H_
#define CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_VALIDATION_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "corridor/v1/agreements.pb.h"

namespace corridor::agreements {

absl::Status ValidateAgreement(const v1::Agreement& agreement);
absl::Status ValidateListViolations(const v1::ListViolationsRequest& request);
absl::Status ValidateReport(const v1::GetComplianceReportRequest& request);
// What RecordConsequence takes: the violation, what was done, by whom (when
// applied), when and on what source. The service sets the rest.
absl::Status ValidateConsequence(const v1::ConsequenceRecord& record);

// An incident term's field name ("no_air_strikes") and its area ids; a
// null list for a term of another kind.
std::pair<std::string, const google::protobuf::RepeatedPtrField<std::string>*> IncidentTermAreas(
    const v1::Term& term);

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_VALIDATION_H_
